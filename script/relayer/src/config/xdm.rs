//! System 1 in the config: any number of parent/child pairs, named by chain.
//!
//! ```toml
//! [[xdm]]
//! parent = "root"
//! child = "alpha"
//! fraud_proof_window = 4
//! ```

use alloy::primitives::Address;
use anyhow::bail;
use serde::Deserialize;

/// One system 1 deployment between two chains.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XdmPair {
    /// The chain holding the state-commitment chain, the queue and the parent messenger.
    pub parent: String,
    /// The chain holding the passer and the child messenger.
    pub child: String,
    /// Fraud-proof window of the state-commitment chain, in seconds.
    pub fraud_proof_window: u64,
    /// Largest child gas limit of a queue entry.
    #[serde(default = "default_max_gas")]
    pub max_gas: u64,
    /// Whether every child account may send to the parent (otherwise a whitelist).
    #[serde(default = "yes")]
    pub allow_all_senders: bool,
    /// Who appends state batches (default: the relayer key's address).
    #[serde(default)]
    pub proposer: Option<Address>,
    /// Who may delete batches inside the window (default: the deployer).
    #[serde(default)]
    pub challenger: Option<Address>,
    /// The child messenger's origin, who delivers queue entries (default: the relayer key's
    /// address).
    #[serde(default)]
    pub sequencer: Option<Address>,
}

const fn default_max_gas() -> u64 {
    15_000_000
}

const fn yes() -> bool {
    true
}

impl XdmPair {
    /// System 1 between `parent` and `child` with fraud-proof window `window` and the
    /// defaults of the file format.
    #[must_use]
    pub fn new(parent: &str, child: &str, window: u64) -> Self {
        Self {
            parent: parent.to_owned(),
            child: child.to_owned(),
            fraud_proof_window: window,
            max_gas: default_max_gas(),
            allow_all_senders: true,
            proposer: None,
            challenger: None,
            sequencer: None,
        }
    }

    /// Route name of parent→child messages (`root->alpha`).
    #[must_use]
    pub fn down(&self) -> String {
        format!("{}->{}", self.parent, self.child)
    }

    /// Route name of child→parent messages (`alpha->root`).
    #[must_use]
    pub fn up(&self) -> String {
        format!("{}->{}", self.child, self.parent)
    }
}

/// Checks the pairs against the chain names.
///
/// # Errors
/// An unknown chain, a pair with itself, a chain that is the child of two pairs, a zero
/// window.
pub fn check(pairs: &[XdmPair], is_chain: impl Fn(&str) -> bool) -> anyhow::Result<()> {
    let mut children: Vec<&str> = Vec::new();
    for pair in pairs {
        for name in [&pair.parent, &pair.child] {
            if !is_chain(name) {
                bail!("[[xdm]] {} -> {}: no [chains.{name}]", pair.parent, pair.child);
            }
        }
        if pair.parent == pair.child {
            bail!("[[xdm]] pairs {} with itself", pair.parent);
        }
        if children.contains(&pair.child.as_str()) {
            bail!("chain {} is the child of two [[xdm]] pairs", pair.child);
        }
        children.push(&pair.child);
        if pair.fraud_proof_window == 0 {
            bail!(
                "[[xdm]] {} -> {}: fraud_proof_window must be at least 1 second",
                pair.parent,
                pair.child
            );
        }
    }
    Ok(())
}
