//! `L1CrossDomainMessenger`: the parent-chain messenger.
//!
//! * Parent to child: `sendMessage(target, message, gasLimit)` encodes the OVM v0 message with
//!   this messenger's nonce and enqueues it in the `CanonicalTransactionChain` for the
//!   child-chain messenger (which deduplicates by message id).
//! * Child to parent: `relayMessage(target, sender, message, nonce, proof)` first verifies,
//!   before touching any message state, that the batch exists and is outside its fraud-proof
//!   window, that the state root is in the batch, that the passer's account is in that state
//!   and that its `sentMessages` slot for `keccak256(bytes ‖ l2Messenger)` holds `true`; then
//!   it delivers. A failed delivery is recorded and anyone may retry it without a proof through
//!   `relayMessage(target, sender, message, nonce)`.
//!
//! Deployed with a constructor (owner), then wired once by the owner with `initialize`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::{SolCall, SolError};
use crossnet_sdk::{
    access::{
        AlreadyInitialized, EnforcedPause, ExpectedPause, Initializable, NotInitialized, Ownable,
        OwnableInvalidOwner, OwnableUnauthorizedAccount, Pausable,
    },
    proof::mpt,
    xdm::{
        core::{Delivery, Messenger, RelayError},
        enqueueCall, passer_key, sent_messages_slot, verifyFinalizedStateCommitmentCall,
        EstimationCallFailed, InsideFraudProofWindow, InsufficientRelayGas, InvalidAccountProof,
        InvalidBatchHeader, InvalidConfiguration, InvalidStateRootProof, InvalidStorageProof,
        L2MessageInclusionProof, MessageAlreadyRelayed, MessageCannotBeReplayed, MessageNotSent,
        MessengerInitialized, ReentrantRelay, SystemCallFailed, TransactionDataTooLarge,
        TransactionGasLimitTooHigh, TransactionGasLimitTooLow, UnsafeTarget,
        XDomainMessageSenderNotSet,
    },
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    call::{call, static_call},
    prelude::*,
    storage::StorageAddress,
};

/// Every way a call can be refused. `sendMessage` also forwards the queue's errors
/// (`TransactionDataTooLarge`, `TransactionGasLimitTooHigh`, `TransactionGasLimitTooLow`).
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// Paused.
    EnforcedPause(EnforcedPause),
    /// Not paused.
    ExpectedPause(ExpectedPause),
    /// `initialize` called twice.
    AlreadyInitialized(AlreadyInitialized),
    /// Used before `initialize`.
    NotInitialized(NotInitialized),
    /// Zero address in `initialize`.
    InvalidConfiguration(InvalidConfiguration),
    /// `xDomainMessageSender` read outside a relay.
    XDomainMessageSenderNotSet(XDomainMessageSenderNotSet),
    /// Unknown batch, or a header that does not match it.
    InvalidBatchHeader(InvalidBatchHeader),
    /// The batch is still challengeable.
    InsideFraudProofWindow(InsideFraudProofWindow),
    /// The state root is not in the batch.
    InvalidStateRootProof(InvalidStateRootProof),
    /// The passer's account proof failed.
    InvalidAccountProof(InvalidAccountProof),
    /// The `sentMessages` storage proof failed.
    InvalidStorageProof(InvalidStorageProof),
    /// The proven slot is not `true`.
    MessageNotSent(MessageNotSent),
    /// Message already delivered.
    MessageAlreadyRelayed(MessageAlreadyRelayed),
    /// Retry without proof of a message that has not failed.
    MessageCannotBeReplayed(MessageCannotBeReplayed),
    /// Target is a system contract.
    UnsafeTarget(UnsafeTarget),
    /// Relay started during a relay.
    ReentrantRelay(ReentrantRelay),
    /// Too little gas to record the outcome.
    InsufficientRelayGas(InsufficientRelayGas),
    /// The call failed during gas estimation.
    EstimationCallFailed(EstimationCallFailed),
    /// A system contract call failed unexpectedly.
    SystemCallFailed(SystemCallFailed),
    /// Forwarded from the queue: payload too large.
    TransactionDataTooLarge(TransactionDataTooLarge),
    /// Forwarded from the queue: gas limit too high.
    TransactionGasLimitTooHigh(TransactionGasLimitTooHigh),
    /// Forwarded from the queue: gas limit too low.
    TransactionGasLimitTooLow(TransactionGasLimitTooLow),
}

impl From<RelayError> for Error {
    fn from(e: RelayError) -> Self {
        match e {
            RelayError::MessageAlreadyRelayed(e) => e.into(),
            RelayError::MessageCannotBeReplayed(e) => e.into(),
            RelayError::UnsafeTarget(e) => e.into(),
            RelayError::ReentrantRelay(e) => e.into(),
            RelayError::InsufficientRelayGas(e) => e.into(),
            RelayError::EstimationCallFailed(e) => e.into(),
        }
    }
}

/// The parent-chain messenger.
#[entrypoint]
#[storage]
pub struct L1CrossDomainMessenger {
    ownable: Ownable,
    pausable: Pausable,
    initializable: Initializable,
    messenger: Messenger,
    l2_messenger: StorageAddress,
    l2_passer: StorageAddress,
    state_commitment_chain: StorageAddress,
    transaction_queue: StorageAddress,
}

impl L1CrossDomainMessenger {
    /// Verifies a child-to-parent message against a finalized child state root.
    fn verify_message(&self, bytes: &[u8], proof: &L2MessageInclusionProof) -> Result<(), Error> {
        // One call: the batch is known, final, and holds the state root.
        let data = verifyFinalizedStateCommitmentCall {
            element: proof.stateRoot,
            batchHeader: proof.stateRootBatchHeader.clone(),
            proof: proof.stateRootProof.clone(),
        }
        .abi_encode();
        let scc = self.state_commitment_chain.get();
        let included = match static_call(self.vm(), Call::new(), scc, &data) {
            Ok(ret) => verifyFinalizedStateCommitmentCall::abi_decode_returns(&ret)
                .map_err(|_| SystemCallFailed { target: scc })?,
            Err(revert) => {
                let revert = Vec::<u8>::from(revert);
                return Err(match InsideFraudProofWindow::abi_decode(&revert) {
                    Ok(inside) => inside.into(),
                    Err(_) => InvalidBatchHeader {}.into(),
                });
            }
        };
        if !included {
            return Err(InvalidStateRootProof {}.into());
        }
        let account =
            mpt::verify_account(proof.stateRoot, self.l2_passer.get(), &proof.stateTrieWitness)
                .map_err(|_| InvalidAccountProof {})?;
        let slot = sent_messages_slot(passer_key(bytes, self.l2_messenger.get()));
        let value = mpt::verify_storage(account.storage_root, slot, &proof.storageTrieWitness)
            .map_err(|_| InvalidStorageProof {})?;
        if value == U256::from(1) {
            Ok(())
        } else {
            Err(MessageNotSent {}.into())
        }
    }

    fn deliver(&mut self, delivery: &Delivery<'_>) -> Result<(), Error> {
        let unsafe_targets = [self.state_commitment_chain.get(), self.transaction_queue.get()];
        let context = Call::new_mutating(self);
        self.messenger.relay(context, delivery, &unsafe_targets)?;
        Ok(())
    }
}

#[public]
impl L1CrossDomainMessenger {
    /// Sets the owner (run once, atomically with deployment through StylusDeployer).
    ///
    /// # Errors
    /// `OwnableInvalidOwner` for the zero address.
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        self.ownable.set_owner(owner)?;
        self.messenger.init();
        Ok(())
    }

    /// Wires the messenger (owner only, once).
    ///
    /// # Arguments
    /// * `l2_messenger` - the child-chain messenger (the only accepted passer sender).
    /// * `l2_message_passer` - the child-chain `L2ToL1MessagePasser` whose storage is proven.
    /// * `state_commitment_chain` - holds the child state-root batches.
    /// * `transaction_queue` - the `CanonicalTransactionChain` parent-to-child queue.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `AlreadyInitialized`, `InvalidConfiguration` (zero address).
    ///
    /// # Events
    /// `MessengerInitialized(l2_messenger, l2_message_passer, 0, scc, queue)`.
    pub fn initialize(
        &mut self,
        l2_messenger: Address,
        l2_message_passer: Address,
        state_commitment_chain: Address,
        transaction_queue: Address,
    ) -> Result<(), Error> {
        self.ownable.check_owner()?;
        if [l2_messenger, l2_message_passer, state_commitment_chain, transaction_queue]
            .iter()
            .any(|a| a.is_zero())
        {
            return Err(InvalidConfiguration {}.into());
        }
        self.initializable.initialize_once()?;
        self.l2_messenger.set(l2_messenger);
        self.l2_passer.set(l2_message_passer);
        self.state_commitment_chain.set(state_commitment_chain);
        self.transaction_queue.set(transaction_queue);
        self.vm().log(MessengerInitialized {
            otherMessenger: l2_messenger,
            passer: l2_message_passer,
            origin: Address::ZERO,
            stateCommitmentChain: state_commitment_chain,
            transactionQueue: transaction_queue,
        });
        Ok(())
    }

    /// Sends a message to `target` on the child chain through the queue.
    ///
    /// # Arguments
    /// * `target` - the child-chain contract to call.
    /// * `message` - its calldata.
    /// * `gas_limit` - child gas for the delivery (the queue's bounds apply).
    ///
    /// # Errors
    /// `NotInitialized`, `EnforcedPause`, and the queue's
    /// `TransactionDataTooLarge` / `TransactionGasLimitTooHigh` / `TransactionGasLimitTooLow`
    /// forwarded unchanged.
    ///
    /// # Events
    /// `SentMessage(target, msg.sender, message, nonce, gas_limit)`, and the queue's
    /// `TransactionEnqueued`.
    pub fn send_message(
        &mut self,
        target: Address,
        message: Bytes,
        gas_limit: u32,
    ) -> Result<(), Vec<u8>> {
        self.initializable.check_initialized().map_err(Error::from)?;
        self.pausable.when_not_paused().map_err(Error::from)?;
        let queue = self.transaction_queue.get();
        let bytes = self.messenger.record_sent(target, &message, gas_limit);
        let data = enqueueCall {
            target: self.l2_messenger.get(),
            gasLimit: U256::from(gas_limit),
            data: bytes.into(),
        }
        .abi_encode();
        let context = Call::new_mutating(self);
        // The queue's typed errors reach the caller unchanged.
        call(self.vm(), context, queue, &data)?;
        Ok(())
    }

    /// Delivers a child-to-parent message proven against a finalized child state root.
    ///
    /// # Arguments
    /// * `target`, `sender`, `message`, `message_nonce` - the OVM v0 message.
    /// * `proof` - state root, its batch header and inclusion proof, and the EIP-1186 node lists
    ///   of the passer account and of its `sentMessages` slot.
    ///
    /// # Errors
    /// `NotInitialized`, `EnforcedPause`; proof: `InvalidBatchHeader`, `InsideFraudProofWindow`,
    /// `InvalidStateRootProof`, `InvalidAccountProof`, `InvalidStorageProof`, `MessageNotSent`;
    /// delivery: `MessageAlreadyRelayed`, `UnsafeTarget`, `ReentrantRelay`,
    /// `InsufficientRelayGas`, `EstimationCallFailed`.
    ///
    /// # Events
    /// `RelayedMessage(hash)` when the call succeeds, `FailedRelayedMessage(hash)` when it fails.
    #[selector(name = "relayMessage")]
    pub fn relay_message_with_proof(
        &mut self,
        target: Address,
        sender: Address,
        message: Bytes,
        message_nonce: U256,
        proof: L2MessageInclusionProof,
    ) -> Result<(), Error> {
        self.initializable.check_initialized()?;
        self.pausable.when_not_paused()?;
        let bytes = crossnet_sdk::xdm::encode_message(target, sender, &message, message_nonce);
        self.verify_message(&bytes, &proof)?;
        self.deliver(&Delivery {
            target,
            sender,
            message: &message,
            nonce: message_nonce,
            authenticated: true,
        })
    }

    /// Retries a message whose delivery failed (anyone, no proof needed).
    ///
    /// # Errors
    /// `NotInitialized`, `EnforcedPause`, `MessageCannotBeReplayed` (never failed),
    /// `MessageAlreadyRelayed`, `UnsafeTarget`, `ReentrantRelay`, `InsufficientRelayGas`,
    /// `EstimationCallFailed`.
    ///
    /// # Events
    /// `RelayedMessage(hash)` or `FailedRelayedMessage(hash)`.
    pub fn relay_message(
        &mut self,
        target: Address,
        sender: Address,
        message: Bytes,
        message_nonce: U256,
    ) -> Result<(), Error> {
        self.initializable.check_initialized()?;
        self.pausable.when_not_paused()?;
        self.deliver(&Delivery {
            target,
            sender,
            message: &message,
            nonce: message_nonce,
            authenticated: false,
        })
    }

    /// The child-chain sender of the message being relayed.
    ///
    /// # Errors
    /// `XDomainMessageSenderNotSet` outside a relay.
    pub fn x_domain_message_sender(&self) -> Result<Address, Error> {
        Ok(self.messenger.x_domain_message_sender()?)
    }

    /// Nonce of the next parent-to-child message.
    pub fn message_nonce(&self) -> U256 {
        self.messenger.message_nonce()
    }

    /// Whether this messenger sent the message with id `msg_hash`.
    pub fn sent_messages(&self, msg_hash: B256) -> bool {
        self.messenger.sent(msg_hash)
    }

    /// Whether the message with id `msg_hash` was delivered successfully.
    pub fn successful_messages(&self, msg_hash: B256) -> bool {
        self.messenger.successful(msg_hash)
    }

    /// Whether the last delivery of the message with id `msg_hash` failed (retryable).
    pub fn failed_messages(&self, msg_hash: B256) -> bool {
        self.messenger.failed(msg_hash)
    }

    /// Whether a relay id `keccak256(abi.encodePacked(bytes, relayer, block))` was recorded.
    pub fn relayed_messages(&self, relay_id: B256) -> bool {
        self.messenger.relayed(relay_id)
    }

    /// The child-chain messenger.
    pub fn l2_cross_domain_messenger(&self) -> Address {
        self.l2_messenger.get()
    }

    /// The child-chain passer whose storage is proven.
    pub fn l2_message_passer(&self) -> Address {
        self.l2_passer.get()
    }

    /// The state-commitment chain.
    pub fn state_commitment_chain(&self) -> Address {
        self.state_commitment_chain.get()
    }

    /// The parent-to-child queue.
    pub fn transaction_queue(&self) -> Address {
        self.transaction_queue.get()
    }

    /// Pauses sends and relays (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `EnforcedPause` (already paused).
    ///
    /// # Events
    /// `Paused(msg.sender)`.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.pausable.pause()?)
    }

    /// Unpauses (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `ExpectedPause` (not paused).
    ///
    /// # Events
    /// `Unpaused(msg.sender)`.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.pausable.unpause()?)
    }

    /// Whether sends and relays are paused.
    pub fn paused(&self) -> bool {
        self.pausable.paused()
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }

    /// Hands ownership to `new_owner` (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `OwnableInvalidOwner` (zero address).
    ///
    /// # Events
    /// `OwnershipTransferred(owner, new_owner)`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.ownable.set_owner(new_owner)?)
    }
}

#[cfg(test)]
mod tests;
