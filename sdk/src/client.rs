//! Off-chain helpers (feature `client`): what a relayer or proposer computes before calling the
//! contracts.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, B256, U256};

use crate::{
    proof::batch,
    xdm::{
        encode_message, passer_key, sent_messages_slot, ChainBatchHeader, ChainInclusionProof,
        L2MessageInclusionProof,
    },
};

/// A child-to-parent message as announced by the child messenger's `SentMessage` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdmMessage {
    /// Contract to call on the parent chain.
    pub target: Address,
    /// Sender on the child chain.
    pub sender: Address,
    /// Calldata for the target.
    pub message: Bytes,
    /// Message nonce.
    pub nonce: U256,
}

impl XdmMessage {
    /// The OVM v0 message bytes.
    #[must_use]
    pub fn bytes(&self) -> Vec<u8> {
        encode_message(self.target, self.sender, &self.message, self.nonce)
    }

    /// The passer storage slot that proves this message was sent by `child_messenger`
    /// (the key to ask `eth_getProof` for).
    #[must_use]
    pub fn passer_slot(&self, child_messenger: Address) -> B256 {
        sent_messages_slot(passer_key(&self.bytes(), child_messenger))
    }
}

/// Builds the proof argument of `L1CrossDomainMessenger.relayMessage`.
///
/// # Arguments
/// * `header` - the state-commitment chain batch (from its `StateBatchAppended` event).
/// * `batch_roots` - every state root of that batch, in order.
/// * `index` - position of `state_root` in the batch.
/// * `account_proof`, `storage_proof` - `eth_getProof(passer, [slot])` at the block whose state
///   root is `batch_roots[index]`.
///
/// Returns `None` when `index` is outside the batch.
#[must_use]
pub fn relay_proof(
    header: ChainBatchHeader,
    batch_roots: &[B256],
    index: usize,
    account_proof: Vec<Bytes>,
    storage_proof: Vec<Bytes>,
) -> Option<L2MessageInclusionProof> {
    let state_root = *batch_roots.get(index)?;
    let siblings = batch::inclusion_proof(batch_roots, index as u64)?;
    Some(L2MessageInclusionProof {
        stateRoot: state_root,
        stateRootBatchHeader: header,
        stateRootProof: ChainInclusionProof { index: U256::from(index), siblings },
        stateTrieWitness: account_proof,
        storageTrieWitness: storage_proof,
    })
}
