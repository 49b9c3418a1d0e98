//! `StateCommitmentChain`: batches of child-chain state roots on the parent chain.
//!
//! * The proposer appends batches (`appendStateBatch`): each is a Merkle tree of state roots
//!   (OVM `Lib_MerkleTree`, zero-hash padding) whose header hash
//!   `keccak256(abi.encode(batchRoot, batchSize, prevTotalElements, extraData))` is stored by
//!   index, with `extraData = abi.encode(appendTime, proposer)`.
//! * A batch is final once its fraud-proof window (fixed at construction) has passed; inside
//!   the window the challenger may delete it, which drops it and every later batch.
//! * `verifyStateCommitment` and `insideFraudProofWindow` are what the parent-chain messenger
//!   checks before accepting a child-to-parent message.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::{sol_data, SolType};
use crossnet_sdk::{
    proof::batch,
    xdm::{
        BatchTooLarge, ChainBatchHeader, ChainInclusionProof, EmptyBatch, InsideFraudProofWindow,
        InvalidBatchHeader, InvalidBatchStart, InvalidConfiguration, NotChallenger, NotProposer,
        OutsideFraudProofWindow, StateBatchAppended, StateBatchDeleted, MAX_BATCH_SIZE,
    },
};
use stylus_sdk::{
    alloy_primitives::{keccak256, Address, B256, U256},
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU256},
};

/// Every way a call can be refused.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Zero proposer or challenger.
    InvalidConfiguration(InvalidConfiguration),
    /// Caller is not the proposer.
    NotProposer(NotProposer),
    /// Caller is not the challenger.
    NotChallenger(NotChallenger),
    /// The batch does not start at the chain's end.
    InvalidBatchStart(InvalidBatchStart),
    /// No state roots.
    EmptyBatch(EmptyBatch),
    /// Too many state roots.
    BatchTooLarge(BatchTooLarge),
    /// Unknown batch or a header that does not match it.
    InvalidBatchHeader(InvalidBatchHeader),
    /// Deleting a batch whose window has passed.
    OutsideFraudProofWindow(OutsideFraudProofWindow),
    /// Using a batch whose window has not passed.
    InsideFraudProofWindow(InsideFraudProofWindow),
}

type HeaderFields =
    (sol_data::FixedBytes<32>, sol_data::Uint<256>, sol_data::Uint<256>, sol_data::Bytes);

/// `keccak256(abi.encode(batchRoot, batchSize, prevTotalElements, extraData))`.
fn header_hash(root: B256, size: U256, prev_total: U256, extra_data: &[u8]) -> B256 {
    keccak256(HeaderFields::abi_encode_params(&(
        root,
        size,
        prev_total,
        alloy_primitives::Bytes::from(extra_data.to_vec()),
    )))
}

/// The append time in `extraData = abi.encode(uint256 appendTime, address proposer)`.
fn append_time(extra_data: &[u8]) -> Option<U256> {
    let word: [u8; 32] = extra_data.get(..32)?.try_into().ok()?;
    let time = U256::from_be_bytes(word);
    (!time.is_zero()).then_some(time)
}

/// The state-commitment chain.
#[entrypoint]
#[storage]
pub struct StateCommitmentChain {
    proposer: StorageAddress,
    challenger: StorageAddress,
    fraud_proof_window: StorageU256,
    total_elements: StorageU256,
    total_batches: StorageU256,
    batches: StorageMap<U256, StorageB256>,
}

impl StateCommitmentChain {
    /// Requires `header` to be the stored batch at its index.
    fn check_header(&self, header: &ChainBatchHeader) -> Result<(), Error> {
        let known = header.batchIndex < self.total_batches.get()
            && self.batches.get(header.batchIndex)
                == header_hash(
                    header.batchRoot,
                    header.batchSize,
                    header.prevTotalElements,
                    &header.extraData,
                );
        if known {
            Ok(())
        } else {
            Err(InvalidBatchHeader {}.into())
        }
    }

    fn inside_window(&self, header: &ChainBatchHeader) -> Result<bool, Error> {
        let time = append_time(&header.extraData).ok_or(InvalidBatchHeader {})?;
        let now = U256::from(self.vm().block_timestamp());
        Ok(time.saturating_add(self.fraud_proof_window.get()) > now)
    }

    fn included(header: &ChainBatchHeader, element: B256, proof: &ChainInclusionProof) -> bool {
        let (Ok(index), Ok(total)) = (u64::try_from(proof.index), u64::try_from(header.batchSize))
        else {
            return false;
        };
        batch::verify_inclusion(header.batchRoot, element, index, &proof.siblings, total).is_ok()
    }
}

#[public]
impl StateCommitmentChain {
    /// Fixes the roles and the fraud-proof window.
    ///
    /// # Arguments
    /// * `proposer` - the only account that may append batches.
    /// * `challenger` - the only account that may delete batches inside their window.
    /// * `fraud_proof_window` - seconds a batch stays challengeable (7 days on OP mainnet).
    ///
    /// # Errors
    /// `InvalidConfiguration` when a role is the zero address.
    #[constructor]
    pub fn constructor(
        &mut self,
        proposer: Address,
        challenger: Address,
        fraud_proof_window: U256,
    ) -> Result<(), Error> {
        if proposer.is_zero() || challenger.is_zero() {
            return Err(InvalidConfiguration {}.into());
        }
        self.proposer.set(proposer);
        self.challenger.set(challenger);
        self.fraud_proof_window.set(fraud_proof_window);
        Ok(())
    }

    /// Appends a batch of state roots.
    ///
    /// # Arguments
    /// * `batch` - the state roots, in order.
    /// * `should_start_at_element` - the chain's current total, guarding against races.
    ///
    /// # Errors
    /// `NotProposer`, `InvalidBatchStart`, `EmptyBatch`, `BatchTooLarge` (more than 1024).
    ///
    /// # Events
    /// `StateBatchAppended(index, root, size, prevTotalElements, extraData)`.
    pub fn append_state_batch(
        &mut self,
        batch: Vec<B256>,
        should_start_at_element: U256,
    ) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.proposer.get() {
            return Err(NotProposer { caller: sender }.into());
        }
        let prev_total = self.total_elements.get();
        if should_start_at_element != prev_total {
            return Err(
                InvalidBatchStart { expected: prev_total, given: should_start_at_element }.into()
            );
        }
        let size = batch.len() as u64;
        if size > MAX_BATCH_SIZE {
            return Err(
                BatchTooLarge { size: U256::from(size), max: U256::from(MAX_BATCH_SIZE) }.into()
            );
        }
        let root = batch::merkle_root(&batch).ok_or(EmptyBatch {})?;
        let size = U256::from(size);
        let now = U256::from(self.vm().block_timestamp());
        let extra_data =
            <(sol_data::Uint<256>, sol_data::Address)>::abi_encode_params(&(now, sender));
        let index = self.total_batches.get();
        self.batches.setter(index).set(header_hash(root, size, prev_total, &extra_data));
        self.total_batches.set(index + U256::from(1));
        self.total_elements.set(prev_total + size);
        self.vm().log(StateBatchAppended {
            batchIndex: index,
            batchRoot: root,
            batchSize: size,
            prevTotalElements: prev_total,
            extraData: extra_data.into(),
        });
        Ok(())
    }

    /// Deletes a batch inside its fraud-proof window, and every batch after it.
    ///
    /// # Errors
    /// `NotChallenger`, `InvalidBatchHeader`, `OutsideFraudProofWindow`.
    ///
    /// # Events
    /// `StateBatchDeleted(index, root)`.
    pub fn delete_state_batch(&mut self, batch_header: ChainBatchHeader) -> Result<(), Error> {
        let sender = self.vm().msg_sender();
        if sender != self.challenger.get() {
            return Err(NotChallenger { caller: sender }.into());
        }
        self.check_header(&batch_header)?;
        if !self.inside_window(&batch_header)? {
            return Err(OutsideFraudProofWindow { batchIndex: batch_header.batchIndex }.into());
        }
        self.total_batches.set(batch_header.batchIndex);
        self.total_elements.set(batch_header.prevTotalElements);
        self.vm().log(StateBatchDeleted {
            batchIndex: batch_header.batchIndex,
            batchRoot: batch_header.batchRoot,
        });
        Ok(())
    }

    /// Whether `element` is the state root at `proof.index` of the stored batch `batch_header`.
    ///
    /// # Errors
    /// `InvalidBatchHeader` for an unknown batch or a header that does not match it.
    pub fn verify_state_commitment(
        &self,
        element: B256,
        batch_header: ChainBatchHeader,
        proof: ChainInclusionProof,
    ) -> Result<bool, Error> {
        self.check_header(&batch_header)?;
        Ok(Self::included(&batch_header, element, &proof))
    }

    /// `verifyStateCommitment` for a final batch: what the parent-chain messenger asks before
    /// accepting a child-to-parent message, in one call.
    ///
    /// # Errors
    /// `InvalidBatchHeader` for an unknown batch or a header that does not match it,
    /// `InsideFraudProofWindow` while the batch can still be deleted.
    pub fn verify_finalized_state_commitment(
        &self,
        element: B256,
        batch_header: ChainBatchHeader,
        proof: ChainInclusionProof,
    ) -> Result<bool, Error> {
        self.check_header(&batch_header)?;
        if self.inside_window(&batch_header)? {
            return Err(InsideFraudProofWindow { batchIndex: batch_header.batchIndex }.into());
        }
        Ok(Self::included(&batch_header, element, &proof))
    }

    /// Whether the batch can still be deleted (and its roots not yet be used).
    ///
    /// # Errors
    /// `InvalidBatchHeader` for an unknown batch or a header that does not match it.
    pub fn inside_fraud_proof_window(&self, batch_header: ChainBatchHeader) -> Result<bool, Error> {
        self.check_header(&batch_header)?;
        self.inside_window(&batch_header)
    }

    /// State roots committed so far.
    pub fn get_total_elements(&self) -> U256 {
        self.total_elements.get()
    }

    /// Batches committed so far.
    pub fn get_total_batches(&self) -> U256 {
        self.total_batches.get()
    }

    /// The stored header hash of batch `index` (zero if none).
    pub fn get_batch_hash(&self, index: U256) -> B256 {
        if index < self.total_batches.get() {
            self.batches.get(index)
        } else {
            B256::ZERO
        }
    }

    /// Seconds a batch stays challengeable.
    pub fn fraud_proof_window(&self) -> U256 {
        self.fraud_proof_window.get()
    }

    /// The proposer.
    pub fn proposer(&self) -> Address {
        self.proposer.get()
    }

    /// The challenger.
    pub fn challenger(&self) -> Address {
        self.challenger.get()
    }
}

#[cfg(test)]
mod tests;
