//! How values, revert data and failures are printed: as forge prints them (`Error(string)` as
//! its message, `Panic(uint256)` by name, custom errors decoded with every ABI the build knows).

use std::collections::HashMap;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::Error as AbiError;
use alloy_primitives::hex;
use alloy_sol_types::SolError;

alloy_sol_types::sol! {
    /// `Error(string)`.
    error Error(string message);
    /// `Panic(uint256)`.
    error Panic(uint256 code);
}

/// ABI-encoded `Error(message)`.
#[must_use]
pub fn encode_error_string(message: &str) -> Vec<u8> {
    Error { message: message.to_string() }.abi_encode()
}

/// The message of `Error(string)` revert data.
#[must_use]
pub fn decode_error_string(data: &[u8]) -> Option<String> {
    Error::abi_decode(data).ok().map(|e| e.message)
}

/// A value as forge prints it in assertion messages: numbers in decimal, addresses
/// checksummed, bytes in hex, strings as they are, arrays in brackets.
#[must_use]
pub fn value(v: &DynSolValue) -> String {
    match v {
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::Function(f) => hex::encode_prefixed(f.as_slice()),
        DynSolValue::FixedBytes(word, size) => hex::encode_prefixed(&word[..*size]),
        DynSolValue::Bytes(b) => hex::encode_prefixed(b),
        DynSolValue::String(s) => s.clone(),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) => {
            format!("[{}]", items.iter().map(value).collect::<Vec<_>>().join(", "))
        }
        DynSolValue::Tuple(items) => {
            format!("({})", items.iter().map(value).collect::<Vec<_>>().join(", "))
        }
    }
}

/// The name of a Solidity panic code.
#[must_use]
pub fn panic_name(code: u64) -> &'static str {
    match code {
        0x00 => "generic panic",
        0x01 => "assertion failed",
        0x11 => "arithmetic underflow or overflow",
        0x12 => "division or modulo by zero",
        0x21 => "enum overflow",
        0x22 => "invalid storage byte array access",
        0x31 => "attempted to pop an empty array",
        0x32 => "array out-of-bounds access",
        0x41 => "out of memory",
        0x51 => "called an invalid internal function",
        _ => "unknown panic",
    }
}

/// Decodes revert data with the custom errors of every ABI of the build.
#[derive(Debug, Default, Clone)]
pub struct Decoder {
    errors: HashMap<[u8; 4], AbiError>,
}

impl Decoder {
    /// A decoder knowing `errors`.
    pub fn new(errors: impl IntoIterator<Item = AbiError>) -> Self {
        Self { errors: errors.into_iter().map(|e| (e.selector().0, e)).collect() }
    }

    /// The custom error `data` encodes, as `Name(arg, ...)`, when known.
    fn custom(&self, data: &[u8]) -> Option<String> {
        let selector: [u8; 4] = data.get(..4)?.try_into().ok()?;
        let error = self.errors.get(&selector)?;
        let args = error.abi_decode_input(&data[4..]).ok()?;
        Some(format!("{}({})", error.name, args.iter().map(value).collect::<Vec<_>>().join(", ")))
    }

    /// Revert data as forge prints a failure reason.
    #[must_use]
    pub fn revert_reason(&self, data: &[u8]) -> String {
        if data.is_empty() {
            return "EvmError: Revert".into();
        }
        if let Some(message) = decode_error_string(data) {
            return message;
        }
        if let Ok(panic) = Panic::abi_decode(data) {
            let code: u64 = panic.code.saturating_to();
            return format!("panic: {} (0x{code:02x})", panic_name(code));
        }
        if let Some(custom) = self.custom(data) {
            return custom;
        }
        match data.get(..4) {
            Some(selector) if data.len() > 4 => format!(
                "custom error 0x{}: {}",
                hex::encode(selector),
                hex::encode_prefixed(&data[4..])
            ),
            Some(selector) => format!("custom error 0x{}", hex::encode(selector)),
            None => hex::encode_prefixed(data),
        }
    }

    /// What an `expectRevert` expected, printed like a reason: a known error or selector by
    /// name, a message as text.
    #[must_use]
    pub fn expected_reason(&self, data: &[u8]) -> String {
        if data.len() == 4 {
            if let Some(error) = data.try_into().ok().and_then(|s: [u8; 4]| self.errors.get(&s)) {
                return error.signature();
            }
        }
        if decode_error_string(data).is_some() || self.custom(data).is_some() {
            return self.revert_reason(data);
        }
        match std::str::from_utf8(data) {
            Ok(text) if !text.is_empty() && !text.chars().any(char::is_control) => text.to_string(),
            _ => self.revert_reason(data),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy_primitives::{Address, U256};
    use alloy_sol_types::SolValue;

    use super::*;

    #[test]
    fn revert_reasons_are_decoded_succeeds() {
        let decoder = Decoder::new([AbiError::parse("error NotProposer(address caller)").unwrap()]);
        assert_eq!(decoder.revert_reason(&[]), "EvmError: Revert");
        assert_eq!(decoder.revert_reason(&encode_error_string("boom")), "boom");
        let panic = Panic { code: U256::from(0x11) }.abi_encode();
        assert_eq!(decoder.revert_reason(&panic), "panic: arithmetic underflow or overflow (0x11)");
        let mut custom =
            AbiError::parse("error NotProposer(address caller)").unwrap().selector().to_vec();
        custom.extend_from_slice(&Address::repeat_byte(0x11).abi_encode());
        assert_eq!(
            decoder.revert_reason(&custom),
            "NotProposer(0x1111111111111111111111111111111111111111)"
        );
        assert_eq!(decoder.expected_reason(&custom[..4]), "NotProposer(address)");
        assert_eq!(decoder.revert_reason(&[1, 2, 3, 4]), "custom error 0x01020304");
    }
}
