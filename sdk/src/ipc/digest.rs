//! Domain-separated digests of what validators sign (EIP-712 layout).
//!
//! `digest = keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash)` with
//! * `domainSeparator = keccak256(abi.encode(EIP712Domain typehash, keccak256("crossnet"),
//!   keccak256("1"), chainId, verifyingContract))`: the chain and the program that verifies
//!   (the subnet actor on the parent for checkpoints, the parent-finality program on the child
//!   for finalities), so a signature is valid in one place only;
//! * `structHash = keccak256(abi.encode(TYPEHASH, keccak256(abi.encode(payload))))` with the
//!   typed structs `CrossnetCheckpoint(bytes32 checkpointHash)` and
//!   `CrossnetParentFinality(bytes32 finalityHash)`: the kind of statement is bound by its
//!   typehash, its content by the hash of its ABI encoding (which the verifier already has,
//!   since it forwards those bytes).

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;

use super::{BottomUpCheckpoint, ParentFinality};

/// `EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)`.
pub const EIP712_DOMAIN_TYPE: &str =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
/// Domain name.
pub const DOMAIN_NAME: &str = "crossnet";
/// Domain version.
pub const DOMAIN_VERSION: &str = "1";
/// Typed struct of a bottom-up checkpoint.
pub const CHECKPOINT_TYPE: &str = "CrossnetCheckpoint(bytes32 checkpointHash)";
/// Typed struct of a parent finality.
pub const FINALITY_TYPE: &str = "CrossnetParentFinality(bytes32 finalityHash)";

/// The EIP-712 domain separator of `verifying_contract` on chain `chain_id`.
#[must_use]
pub fn domain_separator(chain_id: u64, verifying_contract: Address) -> B256 {
    let mut buf = [0u8; 160];
    buf[..32].copy_from_slice(keccak256(EIP712_DOMAIN_TYPE).as_slice());
    buf[32..64].copy_from_slice(keccak256(DOMAIN_NAME).as_slice());
    buf[64..96].copy_from_slice(keccak256(DOMAIN_VERSION).as_slice());
    buf[96..128].copy_from_slice(&U256::from(chain_id).to_be_bytes::<32>());
    buf[140..160].copy_from_slice(verifying_contract.as_slice());
    keccak256(buf)
}

/// The digest of a statement of type `struct_type` whose payload ABI-encodes to `encoded`.
#[must_use]
pub fn typed_digest(
    struct_type: &str,
    chain_id: u64,
    verifying_contract: Address,
    encoded: &[u8],
) -> B256 {
    let mut struct_buf = [0u8; 64];
    struct_buf[..32].copy_from_slice(keccak256(struct_type).as_slice());
    struct_buf[32..].copy_from_slice(keccak256(encoded).as_slice());
    let mut buf = [0u8; 66];
    buf[0] = 0x19;
    buf[1] = 0x01;
    buf[2..34].copy_from_slice(domain_separator(chain_id, verifying_contract).as_slice());
    buf[34..].copy_from_slice(keccak256(struct_buf).as_slice());
    keccak256(buf)
}

/// What the validators of a child sign for a bottom-up checkpoint verified by the subnet actor
/// `subnet_actor` on the parent chain `parent_chain_id`.
#[must_use]
pub fn checkpoint_digest(
    parent_chain_id: u64,
    subnet_actor: Address,
    checkpoint: &BottomUpCheckpoint,
) -> B256 {
    typed_digest(CHECKPOINT_TYPE, parent_chain_id, subnet_actor, &checkpoint.abi_encode())
}

/// What the validators of a child sign for a parent finality verified by the parent-finality
/// program `verifier` on the child chain `child_chain_id`.
#[must_use]
pub fn finality_digest(child_chain_id: u64, verifier: Address, finality: &ParentFinality) -> B256 {
    typed_digest(FINALITY_TYPE, child_chain_id, verifier, &finality.abi_encode())
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;
    use alloy_sol_types::{sol_data, SolType};

    use super::*;

    const ACTOR: Address = address!("00000000000000000000000000000000000000a1");

    #[test]
    fn domain_separator_is_eip712_succeeds() {
        type Domain = (
            sol_data::FixedBytes<32>,
            sol_data::FixedBytes<32>,
            sol_data::FixedBytes<32>,
            sol_data::Uint<256>,
            sol_data::Address,
        );
        let expected = keccak256(Domain::abi_encode_params(&(
            keccak256(EIP712_DOMAIN_TYPE),
            keccak256("crossnet"),
            keccak256("1"),
            U256::from(7u64),
            ACTOR,
        )));
        assert_eq!(domain_separator(7, ACTOR), expected);
    }

    #[test]
    fn digests_are_domain_separated_succeeds() {
        let checkpoint = BottomUpCheckpoint { blockHeight: 10, ..Default::default() };
        let base = checkpoint_digest(1, ACTOR, &checkpoint);
        assert_ne!(base, checkpoint_digest(2, ACTOR, &checkpoint));
        assert_ne!(base, checkpoint_digest(1, Address::ZERO, &checkpoint));
        let other = BottomUpCheckpoint { blockHeight: 11, ..Default::default() };
        assert_ne!(base, checkpoint_digest(1, ACTOR, &other));
        // Same bytes under the other statement type give another digest.
        let encoded = checkpoint.abi_encode();
        assert_eq!(base, typed_digest(CHECKPOINT_TYPE, 1, ACTOR, &encoded));
        assert_ne!(base, typed_digest(FINALITY_TYPE, 1, ACTOR, &encoded));
        let finality = ParentFinality { height: 10, ..Default::default() };
        assert_eq!(
            finality_digest(1, ACTOR, &finality),
            typed_digest(FINALITY_TYPE, 1, ACTOR, &finality.abi_encode())
        );
    }
}
