//! One measured path: receipt gas, execution gas, and what it is compared with.

use serde::{Deserialize, Serialize};

/// Gas of one user-facing path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// Human name of the path (the snapshot key), e.g. `"system 1: passMessageToL1 (100 B)"`.
    #[serde(skip)]
    pub path: String,
    /// Receipt `gasUsed` of the transaction.
    pub gas_used: u64,
    /// `gas_used` minus the intrinsic cost (21,000 + calldata), what the programs spent.
    pub execution_gas: u64,
    /// Receipt `gasUsed` with the programs in the Arbitrum program cache, once the devnode
    /// caches programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_gas_used: Option<u64>,
    /// Our target for `gas_used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_gas_used: Option<u64>,
    /// Our target for `execution_gas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_execution_gas: Option<u64>,
    /// The Solidity reference figure (OVM 1.0 contracts on the same devnode, same inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solidity: Option<u64>,
    /// What the figure covers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The intrinsic gas of a call transaction with `calldata` (EIP-2028 prices).
#[must_use]
pub fn intrinsic_gas(calldata: &[u8]) -> u64 {
    let zeros = calldata.iter().filter(|b| **b == 0).count() as u64;
    let others = calldata.len() as u64 - zeros;
    21_000 + 4 * zeros + 16 * others
}

impl Figure {
    /// A figure of a transaction that used `gas_used` with `calldata`.
    #[must_use]
    pub fn new(path: &str, gas_used: u64, calldata: &[u8]) -> Self {
        Self {
            path: path.to_string(),
            gas_used,
            execution_gas: gas_used.saturating_sub(intrinsic_gas(calldata)),
            cached_gas_used: None,
            target_gas_used: None,
            target_execution_gas: None,
            solidity: None,
            note: String::new(),
        }
    }

    /// With a target for `gas_used`.
    #[must_use]
    pub fn target(mut self, gas: u64) -> Self {
        self.target_gas_used = Some(gas);
        self
    }

    /// With the Solidity reference figure.
    #[must_use]
    pub fn solidity(mut self, gas: u64) -> Self {
        self.solidity = Some(gas);
        self
    }

    /// With a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    /// Whether the figure meets its targets (`None` without any).
    #[must_use]
    pub fn meets_target(&self) -> Option<bool> {
        let used = self.target_gas_used.map(|t| self.gas_used <= t);
        let execution = self.target_execution_gas.map(|t| self.execution_gas <= t);
        match (used, execution) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(true) && b.unwrap_or(true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intrinsic_gas_prices_zero_and_non_zero_bytes() {
        assert_eq!(intrinsic_gas(&[]), 21_000);
        assert_eq!(intrinsic_gas(&[0, 0, 1]), 21_000 + 8 + 16);
        let f = Figure::new("x", 30_000, &[1; 10]);
        assert_eq!(f.execution_gas, 30_000 - 21_160);
        assert_eq!(f.meets_target(), None);
        assert_eq!(f.clone().target(29_999).meets_target(), Some(false));
        assert_eq!(f.clone().target(30_000).meets_target(), Some(true));
        let f = Figure { target_execution_gas: Some(8_000), ..f.target(30_000) };
        assert_eq!(f.meets_target(), Some(false));
    }
}
