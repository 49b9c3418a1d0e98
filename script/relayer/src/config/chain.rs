//! One chain of the config: its endpoint, its id, and when a block counts as final.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// One chain.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// JSON-RPC endpoint.
    pub rpc_url: String,
    /// The chain id the endpoint must report.
    pub chain_id: u64,
    /// When a block is final (what validators sign at most): `"finalized"` (the chain's
    /// `finalized` block tag; default), `"safe"`, or a number of confirmations below the head.
    #[serde(default)]
    pub finality: Finality,
}

impl ChainConfig {
    /// A chain at `rpc_url` with id `chain_id`, final at the `finalized` tag.
    #[must_use]
    pub fn new(rpc_url: impl Into<String>, chain_id: u64) -> Self {
        Self { rpc_url: rpc_url.into(), chain_id, finality: Finality::default() }
    }
}

/// When a block counts as final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Finality {
    /// The block the chain tags `finalized` (on an Arbitrum chain: its parent chain's
    /// finalized batch; on the devnode: the head).
    #[default]
    Finalized,
    /// The block the chain tags `safe`.
    Safe,
    /// This many blocks below the head.
    Confirmations(u64),
}

impl std::fmt::Display for Finality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Finalized => f.write_str("finalized"),
            Self::Safe => f.write_str("safe"),
            Self::Confirmations(n) => write!(f, "{n} confirmations"),
        }
    }
}

impl<'de> Deserialize<'de> for Finality {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FinalityVisitor;
        impl Visitor<'_> for FinalityVisitor {
            type Value = Finality;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("\"finalized\", \"safe\" or a number of confirmations")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Finality, E> {
                match v {
                    "finalized" => Ok(Finality::Finalized),
                    "safe" => Ok(Finality::Safe),
                    other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Finality, E> {
                u64::try_from(v)
                    .map(Finality::Confirmations)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Finality, E> {
                Ok(Finality::Confirmations(v))
            }
        }
        deserializer.deserialize_any(FinalityVisitor)
    }
}
