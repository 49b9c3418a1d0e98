//! Proof verification: RLP, Merkle-Patricia proofs, state-root batch tree.
//!
//! A child-to-parent message is proven in three steps, as in OVM 1.0:
//! 1. the child chain's state root is a leaf of a committed state-root batch
//!    ([`batch::verify_inclusion`]);
//! 2. the message passer's account is in that state ([`mpt::verify_account`]);
//! 3. the passer's `sentMessages[hash]` slot holds `true` in the account's
//!    storage ([`mpt::verify_storage`]); [`verify_message_sent`] does 2 and 3.
//!
//! The module is `no_std` + `alloc`, never panics on any input and hashes with
//! [`alloy_primitives::keccak256`] (the Stylus host keccak on `wasm32`).

pub mod batch;
pub mod mpt;
pub mod rlp;

pub use batch::BatchError;
pub use mpt::{Account, MptError};
pub use rlp::RlpError;

use alloy_primitives::{Address, B256, U256};

/// Why a proof was rejected; wraps the error of each proof module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProofError {
    /// RLP input was malformed or not canonical.
    Rlp(RlpError),
    /// A Merkle-Patricia account or storage proof was rejected.
    Mpt(MptError),
    /// A state-root batch inclusion proof was rejected.
    Batch(BatchError),
    /// The proven message slot holds a value other than `1` (`true`).
    MessageNotSent,
}

impl From<RlpError> for ProofError {
    fn from(e: RlpError) -> Self {
        Self::Rlp(e)
    }
}

impl From<MptError> for ProofError {
    fn from(e: MptError) -> Self {
        Self::Mpt(e)
    }
}

impl From<BatchError> for ProofError {
    fn from(e: BatchError) -> Self {
        Self::Batch(e)
    }
}

/// Verifies that the message passer recorded a message: storage `slot` of the
/// account `passer` holds exactly `1` under `state_root`.
///
/// # Arguments
/// * `state_root` - the child chain's state root (proven separately, e.g. with
///   [`batch::verify_inclusion`]).
/// * `passer` - the message passer contract.
/// * `slot` - the storage slot of `sentMessages[hash]`.
/// * `account_proof` - the `accountProof` of `eth_getProof(passer, [slot])`.
/// * `storage_proof` - the `storageProof[0].proof` of the same call.
///
/// # Errors
/// [`ProofError::Mpt`] with the [`MptError`] of a rejected account or storage
/// proof (including [`MptError::KeyNotFound`] if the account or slot is absent),
/// [`ProofError::MessageNotSent`] if the slot holds a value other than `1`.
pub fn verify_message_sent<A: AsRef<[u8]>, S: AsRef<[u8]>>(
    state_root: B256,
    passer: Address,
    slot: B256,
    account_proof: &[A],
    storage_proof: &[S],
) -> Result<(), ProofError> {
    let value =
        mpt::verify_storage_slot_of(state_root, passer, slot, account_proof, storage_proof)?;
    if value == U256::from(1u8) {
        Ok(())
    } else {
        Err(ProofError::MessageNotSent)
    }
}
