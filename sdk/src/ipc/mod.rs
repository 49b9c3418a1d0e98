//! System 2: general message passing between subnets, IPC style.
//!
//! * [`abi`]: the `sol!` types (IPC ABI shapes), calls, events and errors shared by the
//!   gateway, the subnet actor, the parent-finality program, dApps and off-chain code.
//! * [`subnet`]: `SubnetID` and address helpers (parent, child, down, common parent, routing).
//! * [`gateway`]: the state and shared logic of the two gateway programs (routing, queueing,
//!   claims).
//! * [`message`]: the one tracing id, envelope constructors, Call / Result payloads.
//! * [`digest`]: domain-separated (EIP-712) digests of checkpoints and parent finalities.
//! * [`quorum`]: `ecrecover` through the precompile and the sorted-unique weighted quorum.
//! * [`statement`]: reading the encoded checkpoints and finalities the validators sign.
//! * [`policy`]: the `SubnetPolicy` a subnet actor publishes and the gateways enforce.
//! * [`call`]: calls into user code with a fixed gas budget and bounded return data, and the
//!   bottom-up batch epochs.
//! * [`events`]: compact emission of one-word events.
//! * [`exchange`]: the `IpcExchange` component a dApp inherits to send Calls and receive
//!   Calls and Results.
//!
//! # Message model
//! A message is an [`IpcEnvelope`] of kind Transfer, Call or Result travelling hop by hop
//! between the gateways of a subnet tree. Each hop is one stream with strict nonces: top-down
//! from a parent into one child, bottom-up from a child to its parent. Its identity is the
//! [tracing id](message::tracing_id): `keccak256(abi.encode(kind, to, from, value, message,
//! originalNonce))`, where `originalNonce` is assigned where the message is created (for every
//! direction, so equal messages never share an id). Every applied Call or Transfer yields
//! exactly one Result (Ok, SystemErr or ActorErr) routed back to its sender; a Result never
//! yields one.

pub mod abi;
pub mod call;
pub mod digest;
pub mod events;
pub mod exchange;
#[cfg(feature = "export-abi")]
pub mod export;
pub mod gateway;
pub mod message;
pub mod policy;
pub mod quorum;
pub mod statement;
pub mod subnet;
#[cfg(any(test, feature = "test-utils"))]
pub mod testing;

pub use abi::*;

/// The kind of an [`IpcEnvelope`] (`IpcMsgKind` in Solidity; a `uint8` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum IpcMsgKind {
    /// Moves value only (`fund`, `release`); never reaches a contract's IPC entrypoint.
    Transfer = 0,
    /// A general-purpose call to a contract's `handleIpcMessage`.
    Call = 1,
    /// The answer to a Transfer or a Call.
    Result = 2,
}

impl IpcMsgKind {
    /// The kind encoded by `value`, if any.
    #[must_use]
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Transfer),
            1 => Some(Self::Call),
            2 => Some(Self::Result),
            _ => None,
        }
    }
}

/// How a message ended (`OutcomeType` in Solidity; a `uint8` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum OutcomeType {
    /// Executed; `ret` is the call's return data.
    Ok = 0,
    /// Refused by the IPC system (route, policy, target address); `ret` is the ABI-encoded
    /// error; the value is refunded.
    SystemErr = 1,
    /// The receiver reverted (or could not take the value); `ret` is its revert data; the
    /// value is refunded.
    ActorErr = 2,
}

impl OutcomeType {
    /// The outcome encoded by `value`, if any.
    #[must_use]
    pub fn from_u8(value: u8) -> Option<Self> {
        match value {
            0 => Some(Self::Ok),
            1 => Some(Self::SystemErr),
            2 => Some(Self::ActorErr),
            _ => None,
        }
    }
}

/// Why a message is invalid ([`InvalidXnetMessage::reason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum InvalidXnetMessageReason {
    /// The sender may not send this (not a contract, or not in the source subnet).
    Sender = 0,
    /// The destination subnet is empty, unknown or unregistered.
    DstSubnet = 1,
    /// The nonce does not continue the stream.
    Nonce = 2,
    /// The value is zero where it must not be, or does not match `msg.value`.
    Value = 3,
    /// The kind is not allowed here.
    Kind = 4,
    /// The destination is the sending subnet itself.
    CannotSendToItself = 5,
    /// No route: the destination is in another tree, or this gateway has no parent.
    CommonParentNotExist = 6,
    /// The destination account is not an EVM address.
    InvalidTarget = 7,
}

impl From<InvalidXnetMessageReason> for InvalidXnetMessage {
    fn from(reason: InvalidXnetMessageReason) -> Self {
        InvalidXnetMessage { reason: reason as u8 }
    }
}

/// Which rule of a [`SubnetPolicy`] refused a message ([`PolicyRefused::rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum PolicyRule {
    /// The subnet is paused.
    Paused = 0,
    /// The value is above `maxValue`.
    MaxValue = 1,
    /// The sender is not in `senders`.
    Sender = 2,
    /// The receiver is not in `targets`.
    Target = 3,
}

/// `addrType` of a delegated (EVM) [`FvmAddress`].
pub const DELEGATED_ADDR_TYPE: u8 = 4;

/// Namespace of the Ethereum address manager in a delegated address.
pub const EAM_NAMESPACE: u64 = 10;

/// Largest return (or revert) data a Result carries; longer data is cut.
pub const MAX_RET_LEN: usize = 256;

/// Longest `senders` / `targets` list of a [`SubnetPolicy`].
pub const MAX_POLICY_LIST: usize = 16;

/// Largest validator set.
pub const MAX_VALIDATORS: usize = 64;

/// Deepest subnet (route length) a gateway registers.
pub const MAX_TREE_DEPTH: usize = 10;
