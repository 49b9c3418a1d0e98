//! Event declarations of the system 2 programs for their exported interfaces (feature
//! `export-abi`), checked against the `sol!` events like [`crate::export::event`].

use alloc::string::String;

use alloy_sol_types::{SolError, SolEvent};
use stylus_sdk::abi::AbiType;

use super::{IpcEnvelope, SubnetConfig};

/// [`crate::export::event`] for declarations naming the structs `IpcEnvelope` or
/// `SubnetConfig`: the check compares their tuple forms, the interface keeps the names.
///
/// # Panics
/// When the declaration does not match `E` (the export fails).
#[must_use]
pub fn event<E: SolEvent>(declaration: &'static str) -> &'static str {
    let tuples = declaration
        .replace(
            "IpcEnvelope ",
            &(String::from(<IpcEnvelope as AbiType>::SELECTOR_ABI.as_str()) + " "),
        )
        .replace(
            "SubnetConfig ",
            &(String::from(<SubnetConfig as AbiType>::SELECTOR_ABI.as_str()) + " "),
        );
    let _ = crate::export::event::<E>(String::leak(tuples));
    declaration
}

/// A Solidity error declaration (`error Name(type name, ...);`) checked against the `sol!`
/// error `E`, for errors a program reverts with that are not in its `Error` enum.
///
/// # Panics
/// When the declaration does not match `E` (the export fails).
#[must_use]
#[allow(clippy::panic)]
pub fn error<E: SolError>(declaration: &'static str) -> &'static str {
    let body = declaration.trim().trim_start_matches("error").trim().trim_end_matches(';');
    let (name, params) = body.split_once('(').unwrap_or((body, ")"));
    let types: alloc::vec::Vec<&str> = params
        .trim_end_matches(')')
        .split(',')
        .filter_map(|p| p.split_whitespace().next())
        .collect();
    let canonical = alloc::format!("{}({})", name.trim(), types.join(","));
    if canonical != E::SIGNATURE {
        panic!("error declaration `{declaration}` does not match `{}`", E::SIGNATURE);
    }
    declaration
}

/// The quorum errors (`submitCheckpoint`, `commitParentFinality`).
#[must_use]
pub fn quorum_errors() -> [&'static str; 8] {
    use super::*;
    [
        error::<EmptySignatures>("error EmptySignatures();"),
        error::<InvalidArrayLength>("error InvalidArrayLength();"),
        error::<SignatureAddressesNotSorted>("error SignatureAddressesNotSorted();"),
        error::<DuplicateValidatorSignaturesFound>("error DuplicateValidatorSignaturesFound();"),
        error::<InvalidSignature>("error InvalidSignature();"),
        error::<InvalidSignatory>("error InvalidSignatory(address signatory);"),
        error::<NotValidator>("error NotValidator(address signatory);"),
        error::<WeightsSumLessThanThreshold>(
            "error WeightsSumLessThanThreshold(uint256 weight, uint256 total);",
        ),
    ]
}

/// The errors of `handleIpcMessage` (IpcExchange dApps).
#[must_use]
pub fn exchange_errors() -> [&'static str; 3] {
    use super::*;
    [
        error::<CallerIsNotGateway>("error CallerIsNotGateway();"),
        error::<UnrecognizedResult>("error UnrecognizedResult();"),
        error::<UnsupportedMsgKind>("error UnsupportedMsgKind();"),
    ]
}

macro_rules! declarations {
    ($($(#[$doc:meta])* $name:ident => $event:ident: $declaration:literal;)*) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name() -> &'static str {
                event::<super::$event>($declaration)
            }
        )*
    };
}

declarations! {
    /// `NewTopDownMessage`.
    new_top_down_message => NewTopDownMessage: "event NewTopDownMessage(address indexed subnet, IpcEnvelope message, bytes32 indexed id);";
    /// `NewBottomUpMessage`.
    new_bottom_up_message => NewBottomUpMessage: "event NewBottomUpMessage(bytes32 indexed id, IpcEnvelope message);";
    /// `NewBottomUpMsgBatch`.
    new_bottom_up_msg_batch => NewBottomUpMsgBatch: "event NewBottomUpMsgBatch(uint64 indexed epoch);";
    /// `MessageStoredInPostbox`.
    message_stored_in_postbox => MessageStoredInPostbox: "event MessageStoredInPostbox(bytes32 indexed id, IpcEnvelope message);";
    /// `MessagePropagatedFromPostbox`.
    message_propagated_from_postbox => MessagePropagatedFromPostbox: "event MessagePropagatedFromPostbox(bytes32 indexed id);";
    /// `MessageExecuted`.
    message_executed => MessageExecuted: "event MessageExecuted(bytes32 indexed id, uint8 outcome, bytes ret);";
    /// `ResultExecuted`.
    result_executed => ResultExecuted: "event ResultExecuted(bytes32 indexed id, bool delivered);";
    /// `MessageDropped`.
    message_dropped => MessageDropped: "event MessageDropped(bytes32 indexed id);";
    /// `RefundCredited`.
    refund_credited => RefundCredited: "event RefundCredited(address indexed account, bytes32 indexed id, uint256 amount);";
    /// `Claimed`.
    claimed => Claimed: "event Claimed(address indexed account, address recipient, uint256 amount);";
    /// `CheckpointCommitted`.
    checkpoint_committed => CheckpointCommitted: "event CheckpointCommitted(address indexed subnet, uint64 indexed height, uint64 firstNonce, uint64 numMsgs);";
    /// `TopDownMessagesApplied`.
    top_down_messages_applied => TopDownMessagesApplied: "event TopDownMessagesApplied(uint64 firstNonce, uint64 numMsgs);";
    /// `SubnetRegistered`.
    subnet_registered => SubnetRegistered: "event SubnetRegistered(address indexed subnet, uint256 collateral, uint256 genesisCircSupply);";
    /// `SubnetKilled`.
    subnet_killed => SubnetKilled: "event SubnetKilled(address indexed subnet, uint256 collateral);";
    /// `GatewayInitialized`.
    gateway_initialized => GatewayInitialized: "event GatewayInitialized(address indexed topDownFinality);";
    /// `SubnetConfigured`.
    subnet_configured => SubnetConfigured: "event SubnetConfigured(uint64 indexed configurationNumber, SubnetConfig config);";
    /// `CheckpointSubmitted`.
    checkpoint_submitted => CheckpointSubmitted: "event CheckpointSubmitted(uint64 indexed height, bytes32 blockHash, uint64 configurationNumber, uint64 numMsgs);";
    /// `ParentFinalityCommitted`.
    parent_finality_committed => ParentFinalityCommitted: "event ParentFinalityCommitted(uint64 indexed height, bytes32 blockHash, uint64 numMsgs);";
    /// `ConfigurationApplied`.
    configuration_applied => ConfigurationApplied: "event ConfigurationApplied(uint64 indexed configurationNumber);";
    /// `InflightMessageDropped`.
    inflight_message_dropped => InflightMessageDropped: "event InflightMessageDropped(bytes32 indexed id);";
}

/// Prints the interface of `T` (as [`crate::export::print_interface_with_events`]) flattened:
/// the functions, errors and structs of the interfaces it implements (`parts`, each the
/// [`crate::export::interface`] of a `<Trait>StylusAbiStruct`, e.g. `IIpcExchange`) are
/// written into it instead of an `is IX, IY` clause naming interfaces the file does not
/// define, so the file stands alone (for solc and `sol!` bindings).
pub fn print_flat_interface<T: stylus_sdk::abi::export::GenerateAbi>(
    parameter_types: &[alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType>],
    parts: &[String],
    declarations: &[&str],
) {
    std::print!("{}", flat_interface::<T>(parameter_types, parts, declarations));
}

/// The text [`print_flat_interface`] prints.
#[must_use]
pub fn flat_interface<T: stylus_sdk::abi::export::GenerateAbi>(
    parameter_types: &[alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType>],
    parts: &[String],
    declarations: &[&str],
) -> String {
    let main = crate::export::interface::<T>(parameter_types);
    let mut lines: alloc::vec::Vec<String> = main.lines().map(String::from).collect();
    if let Some(first) = lines.iter_mut().find(|l| l.starts_with("interface ")) {
        if let Some(at) = first.find(" is ") {
            first.replace_range(at..first.len(), " {");
        }
    }
    let close = lines.iter().rposition(|l| l.trim() == "}").unwrap_or(lines.len());
    let mut extra: alloc::vec::Vec<String> = alloc::vec::Vec::new();
    for part in parts {
        for line in part.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with("interface ") || trimmed == "}" {
                continue;
            }
            let line = alloc::format!("    {trimmed}");
            if !lines.contains(&line) && !extra.contains(&line) {
                extra.push(line);
            }
        }
    }
    for declaration in declarations {
        extra.push(alloc::format!("    {declaration}"));
    }
    let mut inserted = alloc::vec::Vec::new();
    for line in extra {
        inserted.push(String::new());
        inserted.push(line);
    }
    lines.splice(close..close, inserted);
    let mut out = alloc::format!(
        "// SPDX-License-Identifier: {}\n{}\n\n// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.\n",
        crate::export::LICENSE,
        crate::export::PRAGMA
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
