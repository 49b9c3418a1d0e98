//! System 2 in the config: the subnet tree. Every child subnet names its parent chain and has
//! its own validator set (addresses, weights, and where each validator publishes its
//! signatures), checkpoint period and batch size; a chain that is no subnet's child is a root.
//!
//! ```toml
//! [ipc.subnets.alpha]
//! parent = "root"
//! checkpoint_period = 5
//! max_msgs_per_batch = 10
//! validators = [
//!     { address = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf", weight = 1, url = "http://127.0.0.1:9101" },
//! ]
//! ```

use std::collections::BTreeMap;

use alloy::primitives::{Address, U256};
use anyhow::bail;
use serde::Deserialize;

/// System 2 settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpcConfig {
    /// Gas each executed message gets.
    #[serde(default = "default_execution_gas")]
    pub execution_gas: u64,
    /// Collateral (wei) the deployer locks when registering each child subnet.
    #[serde(default = "default_collateral")]
    pub collateral: U256,
    /// Native supply (wei) each child gateway holds to pay out funds.
    #[serde(default = "default_reserve")]
    pub child_reserve: U256,
    /// The child subnets by chain name.
    #[serde(default)]
    pub subnets: BTreeMap<String, SubnetConfig>,
    /// Linked-token example deployments (controller chain, replica chain).
    #[serde(default)]
    pub linked_token: Vec<LinkedToken>,
}

/// One child subnet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubnetConfig {
    /// The chain of its parent subnet.
    pub parent: String,
    /// Child blocks between bottom-up checkpoints.
    #[serde(default = "default_period")]
    pub checkpoint_period: u64,
    /// Messages per bottom-up batch (a full batch is cut early).
    #[serde(default = "default_max_msgs")]
    pub max_msgs_per_batch: u64,
    /// Most top-down messages one parent finality carries (part of the rule by which the
    /// validators build finalities, so the same for all of them).
    #[serde(default = "default_finality_msgs")]
    pub max_msgs_per_finality: u64,
    /// Parent finalities commit parent blocks that are multiples of this (1: any block with
    /// something to carry; more batches more messages per finality at the cost of latency).
    #[serde(default = "one")]
    pub finality_period: u64,
    /// Its validators.
    pub validators: Vec<ValidatorEntry>,
}

/// One validator of a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorEntry {
    /// The address its key signs as.
    pub address: Address,
    /// Its weight (a statement needs more than 2/3 of the subnet's total).
    #[serde(default = "one")]
    pub weight: u64,
    /// Where it publishes its signatures (`crossnet validator`'s `listen` address), for
    /// relayers to collect.
    #[serde(default)]
    pub url: Option<String>,
}

/// The linked-token example between two chains of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedToken {
    /// The chain of the ERC-20 and its controller.
    pub controller: String,
    /// The chain of the replica.
    pub replica: String,
}

const fn default_period() -> u64 {
    5
}
const fn default_max_msgs() -> u64 {
    10
}
const fn default_finality_msgs() -> u64 {
    32
}
const fn default_execution_gas() -> u64 {
    3_000_000
}
const fn one() -> u64 {
    1
}
fn default_collateral() -> U256 {
    U256::from(1_000u64)
}
fn default_reserve() -> U256 {
    U256::from(10u128.pow(21))
}

impl Default for IpcConfig {
    fn default() -> Self {
        Self {
            execution_gas: default_execution_gas(),
            collateral: default_collateral(),
            child_reserve: default_reserve(),
            subnets: BTreeMap::new(),
            linked_token: Vec::new(),
        }
    }
}

impl SubnetConfig {
    /// A child of `parent` with `validators` (weight 1 each, at `urls` when given) and the
    /// defaults of the file format.
    #[must_use]
    pub fn new(parent: &str, validators: &[Address]) -> Self {
        Self {
            parent: parent.to_owned(),
            checkpoint_period: default_period(),
            max_msgs_per_batch: default_max_msgs(),
            max_msgs_per_finality: default_finality_msgs(),
            finality_period: 1,
            validators: validators
                .iter()
                .map(|a| ValidatorEntry { address: *a, weight: 1, url: None })
                .collect(),
        }
    }

    /// Validators sorted by address with their weights (as the contracts require).
    #[must_use]
    pub fn validator_set(&self) -> (Vec<Address>, Vec<U256>) {
        let mut set: Vec<(Address, U256)> =
            self.validators.iter().map(|v| (v.address, U256::from(v.weight))).collect();
        set.sort_by_key(|(a, _)| *a);
        set.into_iter().unzip()
    }
}

impl IpcConfig {
    /// The parent chain of `chain` (`None`: a root, or not in the tree).
    #[must_use]
    pub fn parent_of(&self, chain: &str) -> Option<&str> {
        self.subnets.get(chain).map(|s| s.parent.as_str())
    }

    /// Every chain of the tree, parents before their children (roots first, by name).
    #[must_use]
    pub fn chains(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .subnets
            .values()
            .map(|s| s.parent.clone())
            .filter(|p| !self.subnets.contains_key(p))
            .collect();
        out.sort();
        out.dedup();
        let mut i = 0;
        while i < out.len() {
            let mut children: Vec<String> = self
                .subnets
                .iter()
                .filter(|(_, s)| s.parent == out[i])
                .map(|(name, _)| name.clone())
                .collect();
            children.sort();
            out.extend(children);
            i += 1;
        }
        out
    }

    /// The depth of `chain` below its root (0 for a root).
    #[must_use]
    pub fn depth(&self, chain: &str) -> usize {
        let mut depth = 0;
        let mut at = chain;
        while let Some(parent) = self.parent_of(at) {
            depth += 1;
            at = parent;
            if depth > self.subnets.len() {
                break; // a cycle; `check` refuses those
            }
        }
        depth
    }

    /// Checks the tree against the chain names.
    ///
    /// # Errors
    /// An unknown chain, a cycle, a subnet without validators or with duplicate ones, a zero
    /// weight, period or batch size, a linked token outside the tree.
    pub fn check(&self, is_chain: impl Fn(&str) -> bool) -> anyhow::Result<()> {
        for (name, subnet) in &self.subnets {
            let at = format!("[ipc.subnets.{name}]");
            if !is_chain(name) {
                bail!("{at}: no [chains.{name}]");
            }
            if !is_chain(&subnet.parent) {
                bail!("{at}: its parent {} has no [chains.{}]", subnet.parent, subnet.parent);
            }
            if self.depth(name) > self.subnets.len() || subnet.parent == *name {
                bail!("{at}: the subnet tree has a cycle through {name}");
            }
            if subnet.checkpoint_period == 0
                || subnet.max_msgs_per_batch == 0
                || subnet.max_msgs_per_finality == 0
                || subnet.finality_period == 0
            {
                bail!(
                    "{at}: checkpoint_period, max_msgs_per_batch, max_msgs_per_finality and \
                     finality_period must be positive"
                );
            }
            if subnet.validators.is_empty() {
                bail!("{at}: validators must name at least one validator");
            }
            let mut seen: Vec<Address> = Vec::new();
            for v in &subnet.validators {
                if seen.contains(&v.address) {
                    bail!("{at}: validator {} is listed twice", v.address);
                }
                if v.weight == 0 {
                    bail!("{at}: validator {} has weight 0", v.address);
                }
                seen.push(v.address);
            }
        }
        let tree = self.chains();
        for token in &self.linked_token {
            for name in [&token.controller, &token.replica] {
                if !tree.contains(name) {
                    bail!("[[ipc.linked_token]]: chain {name} is not in the subnet tree");
                }
            }
            if token.controller == token.replica {
                bail!(
                    "[[ipc.linked_token]]: controller and replica are both on {}",
                    token.controller
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tree(edges: &[(&str, &str)]) -> IpcConfig {
        let mut ipc = IpcConfig::default();
        for (child, parent) in edges {
            ipc.subnets.insert((*child).into(), SubnetConfig::new(parent, &[Address::ZERO]));
        }
        ipc
    }

    #[test]
    fn chains_come_parents_first_succeeds() {
        let ipc = tree(&[("gamma", "alpha"), ("beta", "root"), ("alpha", "root")]);
        assert_eq!(ipc.chains(), ["root", "alpha", "beta", "gamma"]);
        assert_eq!((ipc.depth("root"), ipc.depth("gamma")), (0, 2));
        assert_eq!(ipc.parent_of("gamma"), Some("alpha"));
        ipc.check(|_| true).unwrap();
    }

    #[test]
    fn cycles_unknown_chains_and_bad_sets_reverts() {
        let cycle = tree(&[("a", "b"), ("b", "a")]);
        assert!(format!("{:#}", cycle.check(|_| true).unwrap_err()).contains("cycle"));
        let ipc = tree(&[("alpha", "root")]);
        let err = format!("{:#}", ipc.check(|n| n != "root").unwrap_err());
        assert!(err.contains("no [chains.root]"), "{err}");
        let mut twice = tree(&[("alpha", "root")]);
        let subnet = twice.subnets.get_mut("alpha").unwrap();
        subnet.validators.push(subnet.validators[0].clone());
        assert!(format!("{:#}", twice.check(|_| true).unwrap_err()).contains("twice"));
        let mut token = tree(&[("alpha", "root")]);
        token.linked_token.push(LinkedToken { controller: "root".into(), replica: "omega".into() });
        assert!(format!("{:#}", token.check(|_| true).unwrap_err()).contains("omega"));
    }
}
