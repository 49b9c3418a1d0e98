//! `L2CrossDomainMessenger`: the child-chain messenger.
//!
//! * Child to parent: `sendMessage(target, message, gasLimit)` (whitelisted senders, or anyone
//!   when allow-all is on) encodes the OVM v0 message, records it and hands it to the
//!   `L2ToL1MessagePasser`, whose `sentMessages` slot the parent chain later proves.
//! * Parent to child: `relayMessage(target, sender, message, nonce)` is accepted from the
//!   configured origin only (the aliased parent messenger, or in queue mode the sequencer that
//!   relays queue entries); a failed delivery is recorded and anyone may retry it through the
//!   same function. `xDomainMessageSender()` returns the parent-chain sender during the call.
//!
//! Deployed with a constructor (owner), then wired once by the owner with `initialize`.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::SolCall;
use crossnet_sdk::{
    access::{
        AlreadyInitialized, EnforcedPause, ExpectedPause, Initializable, NotInitialized, Ownable,
        OwnableInvalidOwner, OwnableUnauthorizedAccount, Pausable,
    },
    alias::apply_l1_to_l2_alias,
    xdm::{
        core::{Delivery, Messenger, RelayError},
        passMessageToL1Call, AllowAllSendersUpdated, EstimationCallFailed, InsufficientRelayGas,
        InvalidConfiguration, MessageAlreadyRelayed, MessageCannotBeReplayed, MessengerInitialized,
        ReentrantRelay, SenderNotWhitelisted, SystemCallFailed, UnsafeTarget, WhitelistUpdated,
        XDomainMessageSenderNotSet,
    },
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    call::call,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap},
};

/// Every way a call can be refused.
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
    /// Sender not whitelisted.
    SenderNotWhitelisted(SenderNotWhitelisted),
    /// `xDomainMessageSender` read outside a relay.
    XDomainMessageSenderNotSet(XDomainMessageSenderNotSet),
    /// Message already delivered.
    MessageAlreadyRelayed(MessageAlreadyRelayed),
    /// Retry of a message that has not failed, by someone other than the origin.
    MessageCannotBeReplayed(MessageCannotBeReplayed),
    /// Target is the passer or the messenger.
    UnsafeTarget(UnsafeTarget),
    /// Relay started during a relay.
    ReentrantRelay(ReentrantRelay),
    /// Too little gas to record the outcome.
    InsufficientRelayGas(InsufficientRelayGas),
    /// The call failed during gas estimation.
    EstimationCallFailed(EstimationCallFailed),
    /// The passer call failed.
    SystemCallFailed(SystemCallFailed),
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

/// The child-chain messenger.
#[entrypoint]
#[storage]
pub struct L2CrossDomainMessenger {
    ownable: Ownable,
    pausable: Pausable,
    initializable: Initializable,
    messenger: Messenger,
    l1_messenger: StorageAddress,
    passer: StorageAddress,
    l1_origin: StorageAddress,
    allow_all_senders: StorageBool,
    whitelist: StorageMap<Address, StorageBool>,
}

#[public]
impl L2CrossDomainMessenger {
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

    /// Wires the messenger to the parent chain (owner only, once).
    ///
    /// # Arguments
    /// * `l1_messenger` - the parent-chain messenger.
    /// * `message_passer` - the `L2ToL1MessagePasser` on this chain.
    /// * `sequencer` - queue mode: the account allowed to relay parent-to-child messages;
    ///   zero selects native delivery, where the origin is the aliased `l1_messenger`.
    /// * `allow_all_senders` - whether every account may send child-to-parent messages.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `AlreadyInitialized`, `InvalidConfiguration` (zero address).
    ///
    /// # Events
    /// `MessengerInitialized(l1_messenger, message_passer, origin, 0, 0)`,
    /// `AllowAllSendersUpdated(allow_all_senders)`.
    pub fn initialize(
        &mut self,
        l1_messenger: Address,
        message_passer: Address,
        sequencer: Address,
        allow_all_senders: bool,
    ) -> Result<(), Error> {
        self.ownable.check_owner()?;
        if l1_messenger.is_zero() || message_passer.is_zero() {
            return Err(InvalidConfiguration {}.into());
        }
        self.initializable.initialize_once()?;
        let origin =
            if sequencer.is_zero() { apply_l1_to_l2_alias(l1_messenger) } else { sequencer };
        self.l1_messenger.set(l1_messenger);
        self.passer.set(message_passer);
        self.l1_origin.set(origin);
        self.allow_all_senders.set(allow_all_senders);
        self.vm().log(MessengerInitialized {
            otherMessenger: l1_messenger,
            passer: message_passer,
            origin,
            stateCommitmentChain: Address::ZERO,
            transactionQueue: Address::ZERO,
        });
        self.vm().log(AllowAllSendersUpdated { allowAll: allow_all_senders });
        Ok(())
    }

    /// Sends a message to `target` on the parent chain. The message becomes relayable there
    /// once a state root including it is finalized.
    ///
    /// # Arguments
    /// * `target` - the parent-chain contract to call.
    /// * `message` - its calldata.
    /// * `gas_limit` - informational gas hint for relayers (not part of the message id).
    ///
    /// # Errors
    /// `NotInitialized`, `EnforcedPause`, `SenderNotWhitelisted`, `SystemCallFailed` (passer).
    ///
    /// # Events
    /// `SentMessage(target, msg.sender, message, nonce, gas_limit)`, and the passer's
    /// `MessagePassed`.
    pub fn send_message(
        &mut self,
        target: Address,
        message: Bytes,
        gas_limit: u32,
    ) -> Result<(), Error> {
        self.initializable.check_initialized()?;
        self.pausable.when_not_paused()?;
        let sender = self.vm().msg_sender();
        if !self.is_sender_allowed(sender) {
            return Err(SenderNotWhitelisted { sender }.into());
        }
        let bytes = self.messenger.record_sent(target, &message, gas_limit);
        let passer = self.passer.get();
        let data = passMessageToL1Call { message: bytes.into() }.abi_encode();
        let context = Call::new_mutating(self);
        call(self.vm(), context, passer, &data).map_err(|_| SystemCallFailed { target: passer })?;
        Ok(())
    }

    /// Delivers a parent-to-child message. From the configured origin this is the first
    /// delivery; from anyone else it is a retry of a message whose delivery failed.
    ///
    /// # Arguments
    /// * `target`, `sender`, `message`, `message_nonce` - the OVM v0 message.
    ///
    /// # Errors
    /// `NotInitialized`, `EnforcedPause`, `MessageAlreadyRelayed`, `MessageCannotBeReplayed`
    /// (not the origin and not a failed message), `UnsafeTarget` (passer or this messenger),
    /// `ReentrantRelay`, `InsufficientRelayGas`, `EstimationCallFailed`.
    ///
    /// # Events
    /// `RelayedMessage(hash)` when the call succeeds, `FailedRelayedMessage(hash)` when it fails.
    pub fn relay_message(
        &mut self,
        target: Address,
        sender: Address,
        message: Bytes,
        message_nonce: U256,
    ) -> Result<(), Error> {
        self.initializable.check_initialized()?;
        self.pausable.when_not_paused()?;
        let authenticated = self.vm().msg_sender() == self.l1_origin.get();
        let unsafe_targets = [self.passer.get()];
        let delivery =
            Delivery { target, sender, message: &message, nonce: message_nonce, authenticated };
        let context = Call::new_mutating(self);
        self.messenger.relay(context, &delivery, &unsafe_targets)?;
        Ok(())
    }

    /// The parent-chain sender of the message being relayed.
    ///
    /// # Errors
    /// `XDomainMessageSenderNotSet` outside a relay.
    pub fn x_domain_message_sender(&self) -> Result<Address, Error> {
        Ok(self.messenger.x_domain_message_sender()?)
    }

    /// Nonce of the next child-to-parent message.
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

    /// The parent-chain messenger.
    pub fn l1_cross_domain_messenger(&self) -> Address {
        self.l1_messenger.get()
    }

    /// The passer on this chain.
    pub fn message_passer(&self) -> Address {
        self.passer.get()
    }

    /// The only account whose relays count as first deliveries.
    pub fn l1_origin(&self) -> Address {
        self.l1_origin.get()
    }

    /// Whether `sender` may call `sendMessage`.
    pub fn is_sender_allowed(&self, sender: Address) -> bool {
        self.allow_all_senders.get() || self.whitelist.get(sender)
    }

    /// Whether every account may send.
    pub fn allow_all_senders(&self) -> bool {
        self.allow_all_senders.get()
    }

    /// Adds or removes a sender from the whitelist (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`.
    ///
    /// # Events
    /// `WhitelistUpdated(sender, allowed)`.
    pub fn set_whitelisted_sender(&mut self, sender: Address, allowed: bool) -> Result<(), Error> {
        self.ownable.check_owner()?;
        self.whitelist.setter(sender).set(allowed);
        self.vm().log(WhitelistUpdated { sender, allowed });
        Ok(())
    }

    /// Turns the allow-all switch on or off (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`.
    ///
    /// # Events
    /// `AllowAllSendersUpdated(allow_all)`.
    pub fn set_allow_all_senders(&mut self, allow_all: bool) -> Result<(), Error> {
        self.ownable.check_owner()?;
        self.allow_all_senders.set(allow_all);
        self.vm().log(AllowAllSendersUpdated { allowAll: allow_all });
        Ok(())
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
