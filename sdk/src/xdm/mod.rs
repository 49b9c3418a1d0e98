//! System 1: cross-domain messaging, optimistic-rollup style (OVM / Metis API, Bedrock
//! robustness).
//!
//! * [`abi`]: the `sol!` types, events and errors shared by the five programs and off-chain code.
//! * encoding: the OVM v0 message bytes and id, the passer key and its `sentMessages` slot.
//! * [`core`]: the messenger component both messengers are built on (relay bookkeeping,
//!   `xDomainMessageSender`, replay protection, retries).

pub mod abi;
pub mod core;

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolCall;

pub use abi::*;

/// Selector of `relayMessage(address,address,bytes,uint256)`, the v0 message encoding.
pub const RELAY_MESSAGE_SELECTOR: [u8; 4] = relayMessageCall::SELECTOR;

/// Value of `xDomainMessageSender` between relays. Non-zero so that setting and resetting it
/// during a relay costs a warm non-zero write instead of a fresh slot (as Bedrock does).
pub const DEFAULT_X_DOMAIN_SENDER: Address =
    alloy_primitives::address!("000000000000000000000000000000000000dEaD");

/// Smallest child gas limit the queue accepts (OVM `MIN_ROLLUP_TX_GAS`).
pub const MIN_ROLLUP_TX_GAS: u64 = 100_000;

/// Largest payload the queue accepts (OVM `MAX_ROLLUP_TX_SIZE`).
pub const MAX_ROLLUP_TX_SIZE: usize = 50_000;

/// Largest number of state roots in one batch.
pub const MAX_BATCH_SIZE: u64 = 1024;

/// The OVM v0 message bytes: `relayMessage(target, sender, message, nonce)` calldata.
///
/// The same bytes are the child-chain calldata of a parent-to-child message, and their keccak
/// is the message id used by `successfulMessages`, `failedMessages` and the events.
#[must_use]
pub fn encode_message(target: Address, sender: Address, message: &[u8], nonce: U256) -> Vec<u8> {
    relayMessageCall { target, sender, message: message.to_vec().into(), messageNonce: nonce }
        .abi_encode()
}

/// The message id: `keccak256(encode_message(..))`.
#[must_use]
pub fn message_hash(target: Address, sender: Address, message: &[u8], nonce: U256) -> B256 {
    keccak256(encode_message(target, sender, message, nonce))
}

/// The passer's key for a message: `keccak256(abi.encodePacked(message_bytes, sender))`,
/// where `sender` is the child-chain messenger that called `passMessageToL1`.
#[must_use]
pub fn passer_key(message_bytes: &[u8], sender: Address) -> B256 {
    let mut buf = Vec::with_capacity(message_bytes.len() + 20);
    buf.extend_from_slice(message_bytes);
    buf.extend_from_slice(sender.as_slice());
    keccak256(buf)
}

/// Storage slot of `sentMessages[key]` in the passer (the mapping is at slot 0):
/// `keccak256(abi.encodePacked(key, uint256(0)))`.
#[must_use]
pub fn sent_messages_slot(key: B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(key.as_slice());
    keccak256(buf)
}

/// The `relayedMessages` key: `keccak256(abi.encodePacked(message_bytes, relayer, block))`.
#[must_use]
pub fn relay_id(message_bytes: &[u8], relayer: Address, block_number: u64) -> B256 {
    let mut buf = Vec::with_capacity(message_bytes.len() + 52);
    buf.extend_from_slice(message_bytes);
    buf.extend_from_slice(relayer.as_slice());
    buf.extend_from_slice(&U256::from(block_number).to_be_bytes::<32>());
    keccak256(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, hex};

    const TARGET: Address = address!("1111111111111111111111111111111111111111");
    const SENDER: Address = address!("2222222222222222222222222222222222222222");

    #[test]
    fn encode_message_is_ovm_v0_calldata() {
        let bytes = encode_message(TARGET, SENDER, &hex!("1234"), U256::ZERO);
        assert_eq!(&bytes[..4], &hex!("cbd4ece9"));
        assert_eq!(RELAY_MESSAGE_SELECTOR, hex!("cbd4ece9"));
        // selector + 4 head words + length word + one padded data word
        assert_eq!(bytes.len(), 4 + 32 * 6);
    }

    #[test]
    fn message_hash_matches_the_reference_vector() {
        assert_eq!(
            message_hash(TARGET, SENDER, &hex!("1234"), U256::ZERO),
            b256!("cb9b708a056a7192cab4e361ac5de6245aa25956b334a53a4e13ea795f710aa9")
        );
    }

    #[test]
    fn passer_slot_is_solidity_mapping_slot() {
        let bytes = encode_message(TARGET, SENDER, &hex!("1234"), U256::ZERO);
        let messenger = address!("4200000000000000000000000000000000000007");
        let key = passer_key(&bytes, messenger);
        let mut packed = bytes.clone();
        packed.extend_from_slice(messenger.as_slice());
        assert_eq!(key, keccak256(&packed));
        let mut slot_preimage = key.to_vec();
        slot_preimage.extend_from_slice(&[0u8; 32]);
        assert_eq!(sent_messages_slot(key), keccak256(&slot_preimage));
    }

    #[test]
    fn relay_id_binds_relayer_and_block() {
        let bytes = encode_message(TARGET, SENDER, &[], U256::from(7));
        assert_ne!(relay_id(&bytes, TARGET, 1), relay_id(&bytes, TARGET, 2));
        assert_ne!(relay_id(&bytes, TARGET, 1), relay_id(&bytes, SENDER, 1));
    }
}
