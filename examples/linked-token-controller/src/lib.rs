//! `LinkedTokenController`: the parent-chain side of the linked token.
//!
//! It holds the underlying ERC-20. `linkedTransfer(recipient, amount)` pulls `amount` of the
//! caller's underlying tokens (approved first) into the controller and sends the replica on
//! the child subnet a Call `receiveLinked(recipient, amount)`; the transfer stays unconfirmed
//! under the Call's tracing id until its Result arrives: Ok confirms it, SystemErr or ActorErr
//! returns the tokens to the caller. A `receiveLinked` Call from the replica (a withdrawal)
//! releases underlying tokens to its recipient. Only Calls from the linked replica on the
//! linked subnet, with that selector, are accepted.
//!
//! The IPC plumbing is [`crossnet_sdk::ipc::exchange::IpcExchange`]: the contract routes its
//! `IIpcExchange` entries and implements two hooks.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::SolCall;
use crossnet_sdk::{
    access::{Ownable, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    ipc::{
        exchange::{IIpcExchange, IpcExchange, IpcHandler},
        CallMsg, InvalidIpcConfiguration, IpcEnvelope, ResultMsg, SubnetID,
    },
};
use linked_token::{
    erc20::{transferCall, transferFromCall},
    linked::{LinkedError, LinkedToken},
};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256},
    call::call,
    prelude::*,
    storage::StorageAddress,
};

/// The typed errors of the program's own checks. The linked-transfer errors
/// (`LinkedTokenNotInitialized`, `InvalidLink`, `TransferRejected`, `InvalidOriginSubnet`,
/// `InvalidOriginContract`, `InvalidEnvelope`, `NoSuchUnconfirmedTransfer`) are
/// [`LinkedError`]'s; token and gateway errors are forwarded unchanged.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// Zero gateway or token.
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
pub struct LinkedTokenController {
    ownable: Ownable,
    exchange: IpcExchange,
    linked: LinkedToken,
    underlying: StorageAddress,
}

impl LinkedTokenController {
    /// Calls the underlying token; a revert or a `false` answer is an error.
    fn call_token(&mut self, data: &[u8]) -> Result<(), Vec<u8>> {
        let token = self.underlying.get();
        let context = Call::new_mutating(self);
        let ret = call(self.vm(), context, token, data)?;
        if ret.len() >= 32 && ret[31] == 0 {
            return Err(ret);
        }
        Ok(())
    }

    /// Sends `amount` underlying tokens held here to `to`.
    fn release(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        self.call_token(&transferCall { to, value: amount }.abi_encode())
    }
}

#[public]
#[implements(IIpcExchange)]
impl LinkedTokenController {
    /// Deploys the controller of `underlying`.
    ///
    /// # Arguments
    /// * `owner` - sets the link, may drop inflight Calls and unconfirmed transfers.
    /// * `gateway` - this chain's IPC gateway.
    /// * `underlying` - the ERC-20 it locks.
    ///
    /// # Errors
    /// `OwnableInvalidOwner`, `InvalidIpcConfiguration` (zero gateway or token).
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        gateway: Address,
        underlying: Address,
    ) -> Result<(), Vec<u8>> {
        self.ownable.set_owner(owner).map_err(revert)?;
        if underlying.is_zero() {
            return Err(revert(InvalidIpcConfiguration {}));
        }
        self.exchange.init(gateway).map_err(revert)?;
        self.underlying.set(underlying);
        Ok(())
    }

    /// Links the controller to the replica `replica` on `subnet` (owner only, once).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `InvalidLink`.
    ///
    /// # Events
    /// `LinkedContractSet(replica, root, route)`.
    pub fn set_linked_contract(
        &mut self,
        subnet: SubnetID,
        replica: Address,
    ) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(revert)?;
        self.linked.set_link(subnet, replica).map_err(linked)
    }

    /// Locks `amount` of the caller's underlying tokens (approve the controller first) and sends
    /// them to `recipient` on the child subnet. Returns the transfer's tracing id.
    ///
    /// # Errors
    /// `LinkedTokenNotInitialized`, `TransferRejected`, the token's errors (allowance,
    /// balance), the gateway's (`InvalidXnetMessage`, `PolicyRefused`).
    ///
    /// # Events
    /// The token's `Transfer`, `LinkedTokensSent(sender, recipient, id, nonce, amount)`, the
    /// gateway's `NewTopDownMessage`.
    pub fn linked_transfer(&mut self, recipient: Address, amount: U256) -> Result<B256, Vec<u8>> {
        self.linked.validate(recipient, amount).map_err(linked)?;
        let sender = self.vm().msg_sender();
        let this = self.vm().contract_address();
        self.call_token(&transferFromCall { from: sender, to: this, value: amount }.abi_encode())?;
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

    /// The linked subnet and replica.
    pub fn linked_contract(&self) -> (SubnetID, Address) {
        self.linked.link()
    }

    /// The underlying token.
    pub fn underlying(&self) -> Address {
        self.underlying.get()
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }
}

crossnet_sdk::impl_ipc_exchange!(LinkedTokenController);

impl IpcHandler for LinkedTokenController {
    fn ipc_exchange(&self) -> &IpcExchange {
        &self.exchange
    }

    fn ipc_exchange_mut(&mut self) -> &mut IpcExchange {
        &mut self.exchange
    }

    fn authorize_drop(&self) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(revert)
    }

    /// A withdrawal from the replica: releases the underlying tokens to the recipient.
    fn handle_ipc_call(
        &mut self,
        envelope: &IpcEnvelope,
        call: &CallMsg,
    ) -> Result<Vec<u8>, Vec<u8>> {
        let (recipient, amount) = self.linked.receive(envelope, call).map_err(linked)?;
        self.release(recipient, amount)?;
        self.linked.received(recipient, envelope.tracing_id(), amount);
        Ok(Vec::new())
    }

    /// The Result of a deposit: on error, returns the locked tokens to their sender.
    fn handle_ipc_result(
        &mut self,
        _envelope: &IpcEnvelope,
        result: &ResultMsg,
    ) -> Result<(), Vec<u8>> {
        if let Some((sender, amount)) = self.linked.settle(result).map_err(linked)? {
            self.release(sender, amount)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
