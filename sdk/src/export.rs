//! Solidity interface export (feature `export-abi`).
//!
//! stylus-sdk 0.10 defines only the structs that appear in return types; a struct used only as
//! a parameter is referenced but never defined, so solc rejects the interface. [`print_interface`]
//! prints the SDK's interface with those definitions added, and with the contract's events
//! (the SDK prints none): each declaration is checked against the `sol!` event's signature when
//! the interface is exported, so a declaration cannot drift from the event the program emits.

use alloc::{string::String, vec::Vec};
use core::fmt;

use alloy_sol_types::SolEvent;
use stylus_sdk::abi::export::{internal::InnerType, GenerateAbi};

/// SPDX identifier written at the top of every interface.
pub const LICENSE: &str = "MIT OR Apache-2.0";
/// Pragma written at the top of every interface.
pub const PRAGMA: &str = "pragma solidity ^0.8.23;";

struct Abi<T>(core::marker::PhantomData<T>);

impl<T: GenerateAbi> fmt::Display for Abi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt_abi(f)
    }
}

/// The interface of `T` with the definitions of `parameter_types` (each the
/// `InnerTypes::inner_types()` of a struct used as a parameter) added before the closing brace.
#[must_use]
pub fn interface<T: GenerateAbi>(parameter_types: &[Vec<InnerType>]) -> String {
    let body = alloc::format!("{}", Abi::<T>(core::marker::PhantomData));
    let mut missing = Vec::new();
    for item in parameter_types.iter().flatten() {
        if !body.contains(item.name.as_str()) && !missing.contains(&item.name) {
            missing.push(item.name.clone());
        }
    }
    let body = with_calldata_locations(&body, parameter_types);
    let trimmed = body.trim_end();
    let Some(open) = trimmed.strip_suffix('}') else {
        return body;
    };
    let mut out = String::from(open.trim_end());
    out.push('\n');
    for definition in missing {
        out.push_str("\n    ");
        out.push_str(&definition);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// Struct parameters of external functions need a data location; the SDK prints none.
fn with_calldata_locations(body: &str, parameter_types: &[Vec<InnerType>]) -> String {
    let mut names: Vec<&str> = parameter_types
        .iter()
        .flatten()
        .filter_map(|t| t.name.strip_prefix("struct "))
        .filter_map(|rest| rest.split(|c: char| c == ' ' || c == '{').next())
        .collect();
    // Nested structs appear in several `inner_types` lists: mark each name once.
    names.sort_unstable();
    names.dedup();
    let mut out = String::with_capacity(body.len() + 64);
    for line in body.split_inclusive('\n') {
        let mut line = String::from(line);
        if line.trim_start().starts_with("function ") {
            // Only the parameter list takes a location; return types keep the SDK's `memory`.
            let split = line.find(" returns ").unwrap_or(line.len());
            let (mut params, returns) =
                (String::from(&line[..split]), String::from(&line[split..]));
            for name in &names {
                for prefix in ["(", ", "] {
                    let from = alloc::format!("{prefix}{name} ");
                    let to = alloc::format!("{prefix}{name} calldata ");
                    params = params.replace(&from, &to);
                }
            }
            line = params + &returns;
        }
        out.push_str(&line);
    }
    out
}

/// A Solidity event declaration checked against the `sol!` event `E`.
///
/// # Panics
/// When the declaration's canonical signature differs from `E::SIGNATURE` (the export fails,
/// which the test command's ABI check reports).
#[must_use]
#[allow(clippy::panic)]
pub fn event<E: SolEvent>(declaration: &'static str) -> &'static str {
    let canonical = canonical_event_signature(declaration);
    if canonical != E::SIGNATURE {
        panic!("event declaration `{declaration}` does not match `{}`", E::SIGNATURE);
    }
    declaration
}

/// `event Name(type indexed name, ...);` -> `Name(type,...)`.
fn canonical_event_signature(declaration: &str) -> String {
    let body = declaration.trim().trim_start_matches("event").trim().trim_end_matches(';');
    let (name, params) = body.split_once('(').unwrap_or((body, ")"));
    let params = params.trim_end().trim_end_matches(')');
    let types: Vec<&str> = params
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.split_whitespace().next())
        .collect();
    alloc::format!("{}({})", name.trim(), types.join(","))
}

/// Prints the header and [`interface`] of `T`, with `events` (see [`event`]) added.
pub fn print_interface_with_events<T: GenerateAbi>(
    parameter_types: &[Vec<InnerType>],
    events: &[&str],
) {
    let mut body = interface::<T>(parameter_types);
    if !events.is_empty() {
        if let Some(close) = body.rfind('}') {
            let mut declarations = String::new();
            for declaration in events {
                declarations.push_str("\n    ");
                declarations.push_str(declaration);
                declarations.push('\n');
            }
            body.insert_str(close, &declarations);
        }
    }
    print_header();
    std::print!("{body}");
}

fn print_header() {
    std::println!("// SPDX-License-Identifier: {LICENSE}");
    std::println!("{PRAGMA}");
    std::println!();
    std::println!(
        "// Generated from the Rust program by `bash script/export-abi.sh`; do not edit."
    );
}

/// Declarations of the system 1 events, for [`print_interface_with_events`].
pub mod xdm_events {
    use crate::{access, xdm};

    use super::event;

    /// `SentMessage`.
    #[must_use]
    pub fn sent_message() -> &'static str {
        event::<xdm::SentMessage>("event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);")
    }
    /// `RelayedMessage`.
    #[must_use]
    pub fn relayed_message() -> &'static str {
        event::<xdm::RelayedMessage>("event RelayedMessage(bytes32 indexed msgHash);")
    }
    /// `FailedRelayedMessage`.
    #[must_use]
    pub fn failed_relayed_message() -> &'static str {
        event::<xdm::FailedRelayedMessage>("event FailedRelayedMessage(bytes32 indexed msgHash);")
    }
    /// `MessagePassed`.
    #[must_use]
    pub fn message_passed() -> &'static str {
        event::<xdm::MessagePassed>("event MessagePassed(address indexed sender, bytes32 indexed messageKey, bytes message);")
    }
    /// `WhitelistUpdated`.
    #[must_use]
    pub fn whitelist_updated() -> &'static str {
        event::<xdm::WhitelistUpdated>(
            "event WhitelistUpdated(address indexed sender, bool allowed);",
        )
    }
    /// `AllowAllSendersUpdated`.
    #[must_use]
    pub fn allow_all_senders_updated() -> &'static str {
        event::<xdm::AllowAllSendersUpdated>("event AllowAllSendersUpdated(bool allowAll);")
    }
    /// `MessengerInitialized`.
    #[must_use]
    pub fn messenger_initialized() -> &'static str {
        event::<xdm::MessengerInitialized>("event MessengerInitialized(address indexed otherMessenger, address passer, address origin, address stateCommitmentChain, address transactionQueue);")
    }
    /// `TransactionEnqueued`.
    #[must_use]
    pub fn transaction_enqueued() -> &'static str {
        event::<xdm::TransactionEnqueued>("event TransactionEnqueued(address indexed l1TxOrigin, address indexed target, uint256 gasLimit, bytes data, uint256 indexed queueIndex, uint256 timestamp);")
    }
    /// `StateBatchAppended`.
    #[must_use]
    pub fn state_batch_appended() -> &'static str {
        event::<xdm::StateBatchAppended>("event StateBatchAppended(uint256 indexed batchIndex, bytes32 batchRoot, uint256 batchSize, uint256 prevTotalElements, bytes extraData);")
    }
    /// `StateBatchDeleted`.
    #[must_use]
    pub fn state_batch_deleted() -> &'static str {
        event::<xdm::StateBatchDeleted>(
            "event StateBatchDeleted(uint256 indexed batchIndex, bytes32 batchRoot);",
        )
    }
    /// `OwnershipTransferred`.
    #[must_use]
    pub fn ownership_transferred() -> &'static str {
        event::<access::OwnershipTransferred>(
            "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);",
        )
    }
    /// `Paused`.
    #[must_use]
    pub fn paused() -> &'static str {
        event::<access::Paused>("event Paused(address account);")
    }
    /// `Unpaused`.
    #[must_use]
    pub fn unpaused() -> &'static str {
        event::<access::Unpaused>("event Unpaused(address account);")
    }
}

/// Prints the header and [`interface`] of `T` to stdout.
pub fn print_interface<T: GenerateAbi>(parameter_types: &[Vec<InnerType>]) {
    print_interface_with_events::<T>(parameter_types, &[]);
}
