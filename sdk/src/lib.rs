//! crossnet-sdk: the one shared library of crossnet, used by every contract, by dApps and by
//! off-chain code.
//!
//! * [`xdm`]: system 1, cross-domain messaging (OVM v0 encoding, ABI, the messenger component).
//! * [`ipc`]: system 2, general message passing between subnets (IPC ABI, tracing ids, routing,
//!   quorum signatures, policies, the `IpcExchange` component dApps inherit).
//! * [`proof`]: RLP, the strict Merkle-Patricia proof verifier and the state-root batch tree.
//! * [`alias`]: Arbitrum address aliasing.
//! * [`access`]: owner, pause, reentrancy guard, one-shot initialisation.
//! * [`receiver`]: the cross-domain receiver check (`onlyFromCrossDomainAccount`).
//!
//! The crate is `no_std` (plus `alloc`) and builds for wasm32 (where keccak is the Stylus host
//! function) and for the host.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
extern crate alloc;

pub mod access;
pub mod alias;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "export-abi")]
pub mod export;
pub mod ipc;
pub mod proof;
pub mod receiver;
#[cfg(feature = "test-utils")]
pub mod testing;
pub mod xdm;
