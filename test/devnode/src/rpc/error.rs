//! JSON-RPC errors, with geth's codes: reverts are code 3 with the revert data.

use alloy_primitives::Bytes;
use alloy_sol_types::{Revert, SolError};
use serde_json::{json, Value};

use crate::ChainError;

/// A JSON-RPC error object (`{code, message, data?}`).
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// Error code (JSON-RPC 2.0 codes, `3` for reverts, `-32000` for failed transactions).
    pub code: i64,
    /// Human-readable message.
    pub message: String,
    /// Extra data (the revert data for code 3).
    pub data: Option<Value>,
}

impl RpcError {
    /// `-32700`: the body is not JSON.
    #[must_use]
    pub fn parse(message: impl std::fmt::Display) -> Self {
        Self::new(-32700, format!("parse error: {message}"))
    }

    /// `-32600`: not a JSON-RPC request.
    #[must_use]
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(-32600, message)
    }

    /// `-32601`: unknown method.
    #[must_use]
    pub fn method_not_found(method: &str) -> Self {
        Self::new(-32601, format!("the method {method} does not exist/is not available"))
    }

    /// `-32602`: wrong parameters.
    #[must_use]
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(-32602, message)
    }

    /// `-32603`: a bug in the node.
    #[must_use]
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(-32603, message)
    }

    /// `-32000`: the request is well-formed but cannot be served (geth's generic server error).
    #[must_use]
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(-32000, message)
    }

    /// Code 3, "execution reverted" (with the decoded reason for `Error(string)`), data = the
    /// revert data, as geth answers `eth_call` and `eth_estimateGas`.
    #[must_use]
    pub fn reverted(data: &Bytes) -> Self {
        let message = match Revert::abi_decode(data) {
            Ok(revert) => format!("execution reverted: {}", revert.reason),
            Err(_) => "execution reverted".to_owned(),
        };
        Self { code: 3, message, data: Some(Value::String(data.to_string())) }
    }

    fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    /// The error as a JSON object.
    #[must_use]
    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(data) => json!({ "code": self.code, "message": self.message, "data": data }),
            None => json!({ "code": self.code, "message": self.message }),
        }
    }
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for RpcError {}

impl From<ChainError> for RpcError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::Reverted { data, .. } => Self::reverted(&data),
            ChainError::Halted { reason, .. } => {
                Self::server(format!("execution halted: {reason}"))
            }
            ChainError::UnknownBlock(_) => Self::server("header not found"),
            ChainError::Invalid(_) | ChainError::StatePruned(_) => Self::server(e.to_string()),
            ChainError::Decode(_) | ChainError::Io(_) => Self::internal(e.to_string()),
        }
    }
}
