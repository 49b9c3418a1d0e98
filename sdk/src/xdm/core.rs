//! The messenger component shared by both messengers.
//!
//! It owns the relay bookkeeping and the delivery rules (Bedrock robustness, OVM v0 ids):
//! * a message is delivered at most once successfully (`successfulMessages`);
//! * a delivery whose call fails is recorded in `failedMessages` and anyone may retry it later
//!   without authentication; a later success clears the failure, so the two maps are never
//!   both set for one message;
//! * `xDomainMessageSender` holds the sender only while the target runs and doubles as the
//!   reentrancy lock: a relay started while another runs is refused;
//! * the call gets all gas but a reserve, so the outcome can always be recorded;
//! * during gas estimation (`tx.origin == ESTIMATION_ADDRESS`) a failing call reverts, so an
//!   estimate is always enough for a successful delivery.
//!
//! Authentication (proofs on the parent chain, the configured origin on the child chain) is
//! the contract's job and happens before [`Messenger::relay`].

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, keccak256, Address, B256, U256};
use stylus_sdk::{
    call::call,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256},
};

use super::{
    encode_message, relay_id, EstimationCallFailed, FailedRelayedMessage, InsufficientRelayGas,
    MessageAlreadyRelayed, MessageCannotBeReplayed, ReentrantRelay, RelayedMessage, SentMessage,
    UnsafeTarget, XDomainMessageSenderNotSet, DEFAULT_X_DOMAIN_SENDER,
};

/// Gas kept back from the target's call so that the outcome can always be recorded.
pub const RELAY_RESERVED_GAS: u64 = 60_000;

/// `tx.origin` of gas-estimation calls (Bedrock `Constants.ESTIMATION_ADDRESS`).
pub const ESTIMATION_ADDRESS: Address = address!("0000000000000000000000000000000000000001");

/// Why a relay was refused (nothing is recorded).
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum RelayError {
    /// See [`MessageAlreadyRelayed`].
    MessageAlreadyRelayed(MessageAlreadyRelayed),
    /// See [`MessageCannotBeReplayed`].
    MessageCannotBeReplayed(MessageCannotBeReplayed),
    /// See [`UnsafeTarget`].
    UnsafeTarget(UnsafeTarget),
    /// See [`ReentrantRelay`].
    ReentrantRelay(ReentrantRelay),
    /// See [`InsufficientRelayGas`].
    InsufficientRelayGas(InsufficientRelayGas),
    /// See [`EstimationCallFailed`].
    EstimationCallFailed(EstimationCallFailed),
}

/// A message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery<'a> {
    /// Contract to call.
    pub target: Address,
    /// Sender on the other domain (what `xDomainMessageSender` returns during the call).
    pub sender: Address,
    /// Calldata for the target.
    pub message: &'a [u8],
    /// Message nonce.
    pub nonce: U256,
    /// The contract authenticated this delivery (proof or origin). Unauthenticated deliveries
    /// are only allowed for messages that failed before.
    pub authenticated: bool,
}

/// Relay bookkeeping of one messenger.
#[storage]
pub struct Messenger {
    x_domain_message_sender: StorageAddress,
    message_nonce: StorageU256,
    sent_messages: StorageMap<B256, StorageBool>,
    successful_messages: StorageMap<B256, StorageBool>,
    failed_messages: StorageMap<B256, StorageBool>,
    relayed_messages: StorageMap<B256, StorageBool>,
}

impl Messenger {
    /// Stores the default sender (call from the constructor).
    pub fn init(&mut self) {
        self.x_domain_message_sender.set(DEFAULT_X_DOMAIN_SENDER);
    }

    /// The sender of the message being relayed.
    ///
    /// # Errors
    /// [`XDomainMessageSenderNotSet`] outside a relay.
    pub fn x_domain_message_sender(&self) -> Result<Address, XDomainMessageSenderNotSet> {
        let sender = self.x_domain_message_sender.get();
        if sender == DEFAULT_X_DOMAIN_SENDER || sender.is_zero() {
            Err(XDomainMessageSenderNotSet {})
        } else {
            Ok(sender)
        }
    }

    /// The nonce the next message sent by this messenger gets.
    #[must_use]
    pub fn message_nonce(&self) -> U256 {
        self.message_nonce.get()
    }

    /// Whether this messenger sent the message with id `hash`.
    #[must_use]
    pub fn sent(&self, hash: B256) -> bool {
        self.sent_messages.get(hash)
    }

    /// Whether the message with id `hash` was delivered successfully.
    #[must_use]
    pub fn successful(&self, hash: B256) -> bool {
        self.successful_messages.get(hash)
    }

    /// Whether the last delivery of the message with id `hash` failed.
    #[must_use]
    pub fn failed(&self, hash: B256) -> bool {
        self.failed_messages.get(hash)
    }

    /// Whether a relay id (see [`super::relay_id`]) was recorded.
    #[must_use]
    pub fn relayed(&self, id: B256) -> bool {
        self.relayed_messages.get(id)
    }

    /// Records an outgoing message under the next nonce, emits `SentMessage` and returns the
    /// message bytes (what travels to the other domain).
    ///
    /// # Events
    /// `SentMessage(target, sender, message, nonce, gas_limit)`.
    pub fn record_sent(&mut self, target: Address, message: &[u8], gas_limit: u32) -> Vec<u8> {
        let sender = self.vm().msg_sender();
        let nonce = self.message_nonce.get();
        self.message_nonce.set(nonce + U256::from(1));
        let bytes = encode_message(target, sender, message, nonce);
        self.sent_messages.setter(keccak256(&bytes)).set(true);
        self.vm().log(SentMessage {
            target,
            sender,
            message: message.to_vec().into(),
            messageNonce: nonce,
            gasLimit: U256::from(gas_limit),
        });
        bytes
    }

    /// Delivers a message: checks replay, reentrancy and target, calls the target with
    /// `xDomainMessageSender` set, and records the outcome. Returns whether the call succeeded.
    ///
    /// # Arguments
    /// * `context` - a mutating call context from the top-level contract
    ///   (`Call::new_mutating(self)`); its gas is replaced.
    /// * `delivery` - the message and whether the contract authenticated it.
    /// * `unsafe_targets` - system contracts the message may not call (this messenger is
    ///   always one of them).
    ///
    /// # Errors
    /// [`RelayError`]: already successful, unauthenticated retry of a message that has not
    /// failed, unsafe target, reentrant relay, or too little gas to record the outcome.
    ///
    /// # Events
    /// `RelayedMessage(hash)` on success, `FailedRelayedMessage(hash)` on failure.
    pub fn relay(
        &mut self,
        context: Call<true, false>,
        delivery: &Delivery<'_>,
        unsafe_targets: &[Address],
    ) -> Result<bool, RelayError> {
        let bytes =
            encode_message(delivery.target, delivery.sender, delivery.message, delivery.nonce);
        let hash = keccak256(&bytes);
        if self.x_domain_message_sender.get() != DEFAULT_X_DOMAIN_SENDER {
            return Err(ReentrantRelay {}.into());
        }
        if self.successful_messages.get(hash) {
            return Err(MessageAlreadyRelayed { msgHash: hash }.into());
        }
        if !delivery.authenticated && !self.failed_messages.get(hash) {
            return Err(MessageCannotBeReplayed { msgHash: hash }.into());
        }
        let this = self.vm().contract_address();
        if delivery.target == this || unsafe_targets.contains(&delivery.target) {
            return Err(UnsafeTarget { target: delivery.target }.into());
        }
        let gas_left = self.vm().evm_gas_left();
        if gas_left <= RELAY_RESERVED_GAS {
            return Err(InsufficientRelayGas {
                gasLeft: U256::from(gas_left),
                required: U256::from(RELAY_RESERVED_GAS),
            }
            .into());
        }

        self.x_domain_message_sender.set(delivery.sender);
        // `call` flushes the storage cache first, so the target (and anything it calls back
        // into) sees the sender and the reentrancy lock.
        let outcome = call(
            self.vm(),
            context.gas(gas_left - RELAY_RESERVED_GAS),
            delivery.target,
            delivery.message,
        );
        self.x_domain_message_sender.set(DEFAULT_X_DOMAIN_SENDER);

        let success = outcome.is_ok();
        if success {
            self.successful_messages.setter(hash).set(true);
            if self.failed_messages.get(hash) {
                self.failed_messages.setter(hash).set(false);
            }
            self.vm().log(RelayedMessage { msgHash: hash });
        } else {
            if self.vm().tx_origin() == ESTIMATION_ADDRESS {
                // Make estimation find the gas a successful delivery needs (or report that the
                // call fails whatever the gas).
                return Err(EstimationCallFailed { msgHash: hash }.into());
            }
            self.failed_messages.setter(hash).set(true);
            self.vm().log(FailedRelayedMessage { msgHash: hash });
        }
        let relayer = self.vm().msg_sender();
        let block = self.vm().block_number();
        self.relayed_messages.setter(relay_id(&bytes, relayer, block)).set(true);
        Ok(success)
    }
}
