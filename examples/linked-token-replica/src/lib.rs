//! `LinkedTokenReplica`: the child-chain side of the linked token, an ERC-20 of its own.
//!
//! A `receiveLinked(recipient, amount)` Call from the controller (a deposit) mints replica
//! tokens to its recipient. `linkedTransfer(recipient, amount)` burns `amount` of the
//! caller's replica tokens and sends the controller on the parent a Call
//! `receiveLinked(recipient, amount)` (a withdrawal); the transfer stays unconfirmed under the
//! Call's tracing id until its Result arrives: Ok confirms it, SystemErr or ActorErr mints the
//! tokens back to the caller. Only Calls from the linked controller on the linked subnet,
//! with that selector, are accepted. Supply is conserved: replica supply = underlying locked
//! in the controller, minus transfers in flight.
//!
//! The IPC plumbing is [`crossnet_sdk::ipc::exchange::IpcExchange`]: the contract routes its
//! `IIpcExchange` entries and implements two hooks.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use crossnet_sdk::{
    access::{Ownable, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    ipc::{
        exchange::{IIpcExchange, IpcExchange, IpcHandler},
        CallMsg, InvalidIpcConfiguration, IpcEnvelope, ResultMsg, SubnetID,
    },
};
use linked_token::{
    erc20::{Erc20, IErc20},
    linked::{LinkedError, LinkedToken},
};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};

/// The typed errors of the program's own checks. The linked-transfer errors
/// (`LinkedTokenNotInitialized`, `InvalidLink`, `TransferRejected`, `InvalidOriginSubnet`,
/// `InvalidOriginContract`, `InvalidEnvelope`, `NoSuchUnconfirmedTransfer`) are
/// [`LinkedError`]'s, the ERC-20 ones [`linked_token::erc20::Erc20Error`]'s; gateway errors
/// are forwarded unchanged.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// Zero gateway.
    InvalidIpcConfiguration(InvalidIpcConfiguration),
}

/// Encodes a typed error as revert data.
fn revert(e: impl Into<Error>) -> Vec<u8> {
    e.into().into()
}

/// Encodes a linked-transfer error as revert data.
fn linked(e: LinkedError) -> Vec<u8> {
    e.into()
}

/// The controller.
#[entrypoint]
#[storage]
pub struct LinkedTokenReplica {
    ownable: Ownable,
    exchange: IpcExchange,
    linked: LinkedToken,
    token: Erc20,
}

#[public]
#[implements(IIpcExchange, IErc20)]
impl LinkedTokenReplica {
    /// Deploys the replica token.
    ///
    /// # Arguments
    /// * `owner` - sets the link, may drop inflight Calls and unconfirmed transfers.
    /// * `gateway` - this chain's IPC gateway.
    /// * `name`, `symbol` - token metadata.
    ///
    /// # Errors
    /// `OwnableInvalidOwner`, `InvalidIpcConfiguration` (zero gateway).
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        gateway: Address,
        name: String,
        symbol: String,
    ) -> Result<(), Vec<u8>> {
        self.ownable.set_owner(owner).map_err(revert)?;
        self.exchange.init(gateway).map_err(revert)?;
        self.token.init(&name, &symbol);
        Ok(())
    }

    /// Links the replica to the controller `controller` on `subnet` (owner only, once).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `InvalidLink`.
    ///
    /// # Events
    /// `LinkedContractSet(controller, root, route)`.
    pub fn set_linked_contract(
        &mut self,
        subnet: SubnetID,
        controller: Address,
    ) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(revert)?;
        self.linked.set_link(subnet, controller).map_err(linked)
    }

    /// Burns `amount` of the caller's tokens and sends them to `recipient` on the parent
    /// (released from the controller). Returns the transfer's tracing id.
    ///
    /// # Errors
    /// `LinkedTokenNotInitialized`, `TransferRejected`, `ERC20InsufficientBalance`, the
    /// gateway's (`InvalidXnetMessage`, `PolicyRefused`, `BottomUpBatchFull`).
    ///
    /// # Events
    /// `Transfer(sender, 0, amount)`, `LinkedTokensSent(sender, recipient, id, nonce, amount)`,
    /// the gateway's `NewBottomUpMessage`.
    pub fn linked_transfer(&mut self, recipient: Address, amount: U256) -> Result<B256, Vec<u8>> {
        self.linked.validate(recipient, amount).map_err(linked)?;
        let sender = self.vm().msg_sender();
        self.token.burn(sender, amount).map_err(Vec::<u8>::from)?;
        let context = Call::new_mutating(self);
        self.linked.send(&mut self.exchange, context, sender, recipient, amount)
    }

    /// Forgets an unconfirmed transfer without refund (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `NoSuchUnconfirmedTransfer`.
    ///
    /// # Events
    /// `UnconfirmedTransferRemoved(id)`.
    pub fn remove_unconfirmed_transfer(&mut self, id: B256) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(revert)?;
        self.linked.remove(id).map_err(linked)
    }

    /// The sender and amount of unconfirmed transfer `id` (zero when none).
    pub fn unconfirmed_transfer(&self, id: B256) -> (Address, U256) {
        self.linked.unconfirmed(id)
    }

    /// The linked subnet and controller.
    pub fn linked_contract(&self) -> (SubnetID, Address) {
        self.linked.link()
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }
}

crossnet_sdk::impl_ipc_exchange!(LinkedTokenReplica);
linked_token::impl_erc20!(LinkedTokenReplica, token);

impl IpcHandler for LinkedTokenReplica {
    fn ipc_exchange(&self) -> &IpcExchange {
        &self.exchange
    }

    fn ipc_exchange_mut(&mut self) -> &mut IpcExchange {
        &mut self.exchange
    }

    fn authorize_drop(&self) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(revert)
    }

    /// A deposit from the controller: mints replica tokens to the recipient.
    fn handle_ipc_call(
        &mut self,
        envelope: &IpcEnvelope,
        call: &CallMsg,
    ) -> Result<Vec<u8>, Vec<u8>> {
        let (recipient, amount) = self.linked.receive(envelope, call).map_err(linked)?;
        self.token.mint(recipient, amount).map_err(Vec::<u8>::from)?;
        self.linked.received(recipient, envelope.tracing_id(), amount);
        Ok(Vec::new())
    }

    /// The Result of a withdrawal: on error, mints the burnt tokens back to their sender.
    fn handle_ipc_result(
        &mut self,
        _envelope: &IpcEnvelope,
        result: &ResultMsg,
    ) -> Result<(), Vec<u8>> {
        if let Some((sender, amount)) = self.linked.settle(result).map_err(linked)? {
            self.token.mint(sender, amount).map_err(Vec::<u8>::from)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
