//! `IpcExchange`: what a dApp inherits to take part in IPC messaging.
//!
//! * [`IpcExchange::perform_ipc_call`] sends a Call through the gateway and records it as
//!   inflight under its tracing id;
//! * the public `handleIpcMessage(IpcEnvelope)` entry (trait [`IIpcExchange`]) accepts calls
//!   from the gateway only and dispatches Calls to [`IpcHandler::handle_ipc_call`] and Results
//!   of inflight Calls to [`IpcHandler::handle_ipc_result`];
//! * `dropMessages(bytes32[])` lets the dApp's admin forget inflight Calls.
//!
//! Invariants (as in IPC's `IpcContract`): only the gateway delivers; a Result is accepted once,
//! only for an inflight id and only from the account the Call went to; an inflight entry is
//! removed by its Result (when the handler succeeds) or by `dropMessages`; Transfers never reach
//! the dApp. Calls are not origin-authenticated by the exchange: `handle_ipc_call` checks
//! `envelope.from` itself.
//!
//! The inflight map stores a hash of the original's destination ([`address_key`]) under the
//! tracing id, one slot instead of the whole envelope (IPC stores ~20); that is all the Result
//! check needs. A dApp that needs more of the original keeps it under the same id (see the
//! linked token), or decodes [`SentCall::committed`].
//!
//! A handler error makes `handleIpcMessage` revert: for a Call the gateway answers ActorErr with
//! the revert data; for a Result the gateway does not retry, credits any refund to the dApp's
//! claimable balance at the gateway, and the entry stays inflight (drop it, or claim).
//!
//! # Inheriting it
//! A dApp adds an `IpcExchange` field, routes the `IIpcExchange` entries, and implements the two
//! hooks (`examples/linked-token-*` are complete programs built this way):
//! ```ignore
//! use crossnet_sdk::ipc::exchange::{IIpcExchange, IpcExchange, IpcHandler};
//!
//! #[entrypoint]
//! #[storage]
//! pub struct Pinger {
//!     ownable: Ownable,
//!     exchange: IpcExchange,
//! }
//!
//! #[public]
//! #[implements(IIpcExchange)]
//! impl Pinger {
//!     #[constructor]
//!     pub fn constructor(&mut self, owner: Address, gateway: Address) -> Result<(), Vec<u8>> {
//!         self.ownable.set_owner(owner).map_err(|e| e.abi_encode())?;
//!         self.exchange.init(gateway).map_err(|e| e.abi_encode())
//!     }
//!
//!     /// Sends `msg.value` with a Call `ping()` to `to`; returns the tracing id.
//!     #[payable]
//!     pub fn ping(&mut self, to: IPCAddress) -> Result<B256, Vec<u8>> {
//!         let call = CallMsg::new(PING_SELECTOR, vec![]);
//!         let context = Call::new_payable(self, self.vm().msg_value());
//!         Ok(self.exchange.perform_ipc_call(context, to, &call)?.id)
//!     }
//! }
//!
//! // `handleIpcMessage`, `dropMessages`, `ipcGateway`, `inflightMsgs`.
//! crossnet_sdk::impl_ipc_exchange!(Pinger);
//!
//! impl IpcHandler for Pinger {
//!     fn ipc_exchange(&self) -> &IpcExchange { &self.exchange }
//!     fn ipc_exchange_mut(&mut self) -> &mut IpcExchange { &mut self.exchange }
//!     fn authorize_drop(&self) -> Result<(), Vec<u8>> {
//!         self.ownable.check_owner().map_err(|e| e.abi_encode())
//!     }
//!     fn handle_ipc_call(&mut self, envelope: &IpcEnvelope, call: &CallMsg)
//!         -> Result<Vec<u8>, Vec<u8>> {
//!         // Check envelope.from (subnet and contract) and call.selector() here.
//!         Ok(b"pong".to_vec())
//!     }
//!     fn handle_ipc_result(&mut self, envelope: &IpcEnvelope, result: &ResultMsg)
//!         -> Result<(), Vec<u8>> {
//!         // result.id is the id `ping` returned; result.is_err() means the value came back.
//!         Ok(())
//!     }
//! }
//! ```

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, B256};
use alloy_sol_types::{SolCall, SolError};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap},
    stylus_core::calls::MutatingCallContext,
};

use super::{
    message::tracing_id_of_encoded, sendContractXnetMessageCall, CallMsg, CallerIsNotGateway,
    IPCAddress, InflightMessageDropped, InvalidIpcConfiguration, IpcEnvelope, IpcMsgKind,
    IpcSystemCallFailed, ResultMsg, UnrecognizedResult, UnsupportedMsgKind,
};

/// A Call the gateway accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCall {
    /// Its tracing id (the id its Result carries).
    pub id: B256,
    /// The `originalNonce` the gateway assigned.
    pub original_nonce: u64,
    /// `abi.encode(committed envelope)` as the gateway returned it (decode with
    /// `<IpcEnvelope as SolValue>::abi_decode` when needed).
    pub committed: Vec<u8>,
}

/// The key of an account in the inflight map: `keccak256(root ‖ route length ‖ route ‖
/// addrType ‖ payload)` (fixed-width integers, big-endian), computed from the fields without an
/// ABI encoder.
#[must_use]
pub fn address_key(address: &IPCAddress) -> B256 {
    let subnet = &address.subnetId;
    let mut buf =
        Vec::with_capacity(17 + 20 * subnet.route.len() + address.rawAddress.payload.len());
    buf.extend_from_slice(&subnet.root.to_be_bytes());
    buf.extend_from_slice(&(subnet.route.len() as u64).to_be_bytes());
    for actor in &subnet.route {
        buf.extend_from_slice(actor.as_slice());
    }
    buf.push(address.rawAddress.addrType);
    buf.extend_from_slice(&address.rawAddress.payload);
    keccak256(buf)
}

/// The dApp side of IPC messaging: the gateway and the inflight Calls.
#[storage]
pub struct IpcExchange {
    gateway: StorageAddress,
    inflight: StorageMap<B256, StorageB256>,
}

/// The hooks a dApp implements (IPC's `_handleIpcCall` / `_handleIpcResult`).
pub trait IpcHandler {
    /// The dApp's exchange.
    fn ipc_exchange(&self) -> &IpcExchange;

    /// The dApp's exchange, mutably.
    fn ipc_exchange_mut(&mut self) -> &mut IpcExchange;

    /// Allows `dropMessages` (typically `ownable.check_owner()`).
    ///
    /// # Errors
    /// The revert data refusing the caller.
    fn authorize_drop(&self) -> Result<(), Vec<u8>>;

    /// Handles a Call; the returned bytes travel back in the Ok Result.
    ///
    /// # Errors
    /// Any revert data: the Call fails with ActorErr carrying it, and its value is refunded.
    fn handle_ipc_call(
        &mut self,
        envelope: &IpcEnvelope,
        call: &CallMsg,
    ) -> Result<Vec<u8>, Vec<u8>>;

    /// Handles the Result of an inflight Call (`result.id` is the id `perform_ipc_call`
    /// returned; a refund, if any, is `msg.value`).
    ///
    /// # Errors
    /// Should not fail: a failure is not retried, the entry stays inflight and the refund is
    /// credited to this contract's claimable balance at the gateway.
    fn handle_ipc_result(
        &mut self,
        envelope: &IpcEnvelope,
        result: &ResultMsg,
    ) -> Result<(), Vec<u8>>;
}

/// The public entries of an IPC-enabled contract. Implement it with
/// [`impl_ipc_exchange!`](crate::impl_ipc_exchange) and route it with
/// `#[implements(IIpcExchange)]`.
#[allow(missing_docs)] // `#[public]` adds an undocumented marker method
#[public]
pub trait IIpcExchange {
    /// The IPC entrypoint, for the gateway only (see [`handle_ipc_message`]).
    ///
    /// # Errors
    /// `CallerIsNotGateway`, `UnsupportedMsgKind`, `UnrecognizedResult`, or the handler's.
    #[payable]
    fn handle_ipc_message(&mut self, envelope: IpcEnvelope) -> Result<Bytes, Vec<u8>>;

    /// Forgets inflight Calls (see [`drop_messages`]).
    ///
    /// # Errors
    /// The dApp's authorisation error.
    ///
    /// # Events
    /// `InflightMessageDropped(id)` per id.
    fn drop_messages(&mut self, ids: Vec<B256>) -> Result<(), Vec<u8>>;

    /// The gateway this contract talks to.
    fn ipc_gateway(&self) -> Address;

    /// Whether the Call with tracing id `id` awaits its Result.
    fn inflight_msgs(&self, id: B256) -> bool;
}

impl IpcExchange {
    /// Sets the gateway (call from the constructor).
    ///
    /// # Errors
    /// [`InvalidIpcConfiguration`] for the zero address.
    pub fn init(&mut self, gateway: Address) -> Result<(), InvalidIpcConfiguration> {
        if gateway.is_zero() {
            return Err(InvalidIpcConfiguration {});
        }
        self.gateway.set(gateway);
        Ok(())
    }

    /// The gateway.
    #[must_use]
    pub fn gateway(&self) -> Address {
        self.gateway.get()
    }

    /// Whether the Call with tracing id `id` awaits its Result.
    #[must_use]
    pub fn is_inflight(&self, id: B256) -> bool {
        !self.inflight.get(id).is_zero()
    }

    /// Sends a Call to `to` through the gateway and records it inflight.
    ///
    /// # Arguments
    /// * `context` - `Call::new_payable(self, value)` (or `Call::new_mutating(self)` for no
    ///   value): the value travels with the Call and is refunded by an error Result.
    /// * `to` - the receiving contract and its subnet.
    /// * `call` - selector and parameters for the receiver.
    ///
    /// Returns the Call's tracing id, its `originalNonce` and the committed envelope.
    ///
    /// # Errors
    /// The gateway's revert data unchanged (`InvalidXnetMessage`, `PolicyRefused`, ...), or
    /// [`IpcSystemCallFailed`] when its answer is not an envelope.
    pub fn perform_ipc_call(
        &mut self,
        context: impl MutatingCallContext,
        to: IPCAddress,
        call: &CallMsg,
    ) -> Result<SentCall, Vec<u8>> {
        let gateway = self.gateway.get();
        let key = address_key(&to);
        let envelope = IpcEnvelope::new_call(IPCAddress::default(), to, call, context.value());
        let data = sendContractXnetMessageCall { envelope }.abi_encode();
        let committed = super::call::call_contract(self.vm(), gateway, context.value(), &data)?;
        // The return data is `abi.encode(committed)`: its id and nonce are read from it.
        let Some(nonce_word) = committed.get(96..128).filter(|_| committed.len() > 256) else {
            return Err(IpcSystemCallFailed { target: gateway }.abi_encode());
        };
        let mut nonce = [0u8; 8];
        nonce.copy_from_slice(&nonce_word[24..]);
        let id = tracing_id_of_encoded(&committed);
        self.inflight.setter(id).set(key);
        Ok(SentCall { id, original_nonce: u64::from_be_bytes(nonce), committed })
    }

    /// Removes `id` from the inflight map if `from` is the account its Call went to.
    ///
    /// # Errors
    /// [`UnrecognizedResult`] for an unknown id or another sender.
    pub fn take_inflight(&mut self, id: B256, from: &IPCAddress) -> Result<(), UnrecognizedResult> {
        let expected = self.inflight.get(id);
        if expected.is_zero() || expected != address_key(from) {
            return Err(UnrecognizedResult {});
        }
        self.inflight.delete(id);
        Ok(())
    }

    /// Forgets inflight Calls (the caller must be authorised).
    ///
    /// # Events
    /// `InflightMessageDropped(id)` per id.
    pub fn drop_messages(&mut self, ids: &[B256]) {
        for &id in ids {
            self.inflight.delete(id);
            self.vm().log(InflightMessageDropped { id });
        }
    }
}

/// `handleIpcMessage`: checks the caller is the gateway, then dispatches a Call to
/// [`IpcHandler::handle_ipc_call`] (returning its bytes) and a Result of an inflight Call to
/// [`IpcHandler::handle_ipc_result`] (after removing the entry).
///
/// # Errors
/// `CallerIsNotGateway` for any other caller; `UnsupportedMsgKind` for a Transfer, an unknown
/// kind or a Call whose payload is not a `CallMsg`; `UnrecognizedResult` for a Result that is
/// malformed, not inflight, or not from the Call's destination; the handler's errors.
pub fn handle_ipc_message<T: IpcHandler + ?Sized>(
    contract: &mut T,
    envelope: IpcEnvelope,
) -> Result<Bytes, Vec<u8>> {
    let exchange = contract.ipc_exchange();
    if exchange.vm().msg_sender() != exchange.gateway.get() {
        return Err(CallerIsNotGateway {}.abi_encode());
    }
    match IpcMsgKind::from_u8(envelope.kind) {
        Some(IpcMsgKind::Call) => {
            let call = envelope.call_msg().ok_or_else(|| UnsupportedMsgKind {}.abi_encode())?;
            Ok(contract.handle_ipc_call(&envelope, &call)?.into())
        }
        Some(IpcMsgKind::Result) => {
            let result = envelope.result_msg().ok_or_else(|| UnrecognizedResult {}.abi_encode())?;
            contract
                .ipc_exchange_mut()
                .take_inflight(result.id, &envelope.from)
                .map_err(|e| e.abi_encode())?;
            contract.handle_ipc_result(&envelope, &result)?;
            Ok(Bytes::new())
        }
        _ => Err(UnsupportedMsgKind {}.abi_encode()),
    }
}

/// `dropMessages`: [`IpcHandler::authorize_drop`], then [`IpcExchange::drop_messages`].
///
/// # Errors
/// The authorisation error.
pub fn drop_messages<T: IpcHandler + ?Sized>(
    contract: &mut T,
    ids: &[B256],
) -> Result<(), Vec<u8>> {
    contract.authorize_drop()?;
    contract.ipc_exchange_mut().drop_messages(ids);
    Ok(())
}

/// Implements the public [`IIpcExchange`] entries for a contract that implements
/// [`IpcHandler`]; route them with `#[implements(crossnet_sdk::ipc::exchange::IIpcExchange)]`
/// on the contract's `#[public]` impl.
#[macro_export]
macro_rules! impl_ipc_exchange {
    ($contract:ty) => {
        #[stylus_sdk::prelude::public]
        impl $crate::ipc::exchange::IIpcExchange for $contract {
            #[payable]
            fn handle_ipc_message(
                &mut self,
                envelope: $crate::ipc::IpcEnvelope,
            ) -> Result<stylus_sdk::abi::Bytes, alloc::vec::Vec<u8>> {
                $crate::ipc::exchange::handle_ipc_message(self, envelope)
            }

            fn drop_messages(
                &mut self,
                ids: alloc::vec::Vec<stylus_sdk::alloy_primitives::B256>,
            ) -> Result<(), alloc::vec::Vec<u8>> {
                $crate::ipc::exchange::drop_messages(self, &ids)
            }

            fn ipc_gateway(&self) -> stylus_sdk::alloy_primitives::Address {
                $crate::ipc::exchange::IpcHandler::ipc_exchange(self).gateway()
            }

            fn inflight_msgs(&self, id: stylus_sdk::alloy_primitives::B256) -> bool {
                $crate::ipc::exchange::IpcHandler::ipc_exchange(self).is_inflight(id)
            }
        }
    };
}

#[cfg(test)]
mod tests;
