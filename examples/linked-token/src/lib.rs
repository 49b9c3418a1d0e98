//! The linked-token example: a token that moves between a parent chain and a child subnet over
//! IPC general message passing (see `README.md` for the walkthrough).
//!
//! * [`erc20`]: a minimal ERC-20 component, used by the `erc20` example program (the
//!   underlying token on the parent) and by the replica (the token on the child).
//! * [`linked`]: the linked-transfer logic both sides share: the link to the other side, the
//!   unconfirmed transfers keyed by tracing id, origin and selector checks, refunds.
//!
//! The programs are `examples/linked-token-controller` (parent: locks the underlying token)
//! and `examples/linked-token-replica` (child: mints and burns its own supply).
#![cfg_attr(not(test), no_std)]
extern crate alloc;

pub mod erc20;
pub mod linked;
