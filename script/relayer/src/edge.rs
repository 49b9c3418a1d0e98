//! The edges of the deployed subnet tree: for every child subnet, the programs on both sides
//! (parent gateway and the child's actor; child gateway and parent-finality program) and its
//! settings, read from the config and the deployment records. The relayer and the validators
//! both work per edge.

use std::collections::BTreeMap;

use alloy::primitives::Address;
use anyhow::Context as _;
use crossnet_sdk::ipc::SubnetID;

use crate::config::{IpcConfig, ValidatorEntry};
use crate::deployment::{keys, Deployment};

/// One parent→child edge as deployed.
#[derive(Debug, Clone)]
pub struct Edge {
    /// Name of the parent chain.
    pub parent: String,
    /// Name of the child chain.
    pub child: String,
    /// Parent gateway.
    pub parent_gateway: Address,
    /// The child's actor on the parent.
    pub actor: Address,
    /// Child gateway.
    pub child_gateway: Address,
    /// Child parent-finality program.
    pub finality: Address,
    /// The child's subnet id.
    pub child_id: SubnetID,
    /// Checkpoint period.
    pub period: u64,
    /// Messages per bottom-up batch.
    pub max_msgs: u64,
    /// Most messages per parent finality.
    pub max_finality_msgs: u64,
    /// Parent blocks between parent finalities.
    pub finality_period: u64,
    /// The child's validators as configured (address, weight, where they publish).
    pub validators: Vec<ValidatorEntry>,
}

impl Edge {
    /// Route name, e.g. `parent->child`.
    #[must_use]
    pub fn down(&self) -> String {
        format!("{}->{}", self.parent, self.child)
    }

    /// Route name, e.g. `child->parent`.
    #[must_use]
    pub fn up(&self) -> String {
        format!("{}->{}", self.child, self.parent)
    }

    /// The validators that publish somewhere: (address, URL).
    #[must_use]
    pub fn published(&self) -> Vec<(Address, String)> {
        self.validators.iter().filter_map(|v| Some((v.address, v.url.clone()?))).collect()
    }

    /// Whether `validator` is in this subnet's configured set.
    #[must_use]
    pub fn has_validator(&self, validator: Address) -> bool {
        self.validators.iter().any(|v| v.address == validator)
    }
}

/// The edges of the deployed tree, parents first.
///
/// # Errors
/// Chains or programs missing from the records.
pub fn edges(records: &BTreeMap<String, Deployment>, ipc: &IpcConfig) -> anyhow::Result<Vec<Edge>> {
    let record = |name: &str| {
        records.get(name).with_context(|| format!("no deployment record of chain {name}"))
    };
    let mut out = Vec::new();
    for child in ipc.chains() {
        let Some(subnet) = ipc.subnets.get(&child) else { continue };
        let (p, c) = (record(&subnet.parent)?, record(&child)?);
        out.push(Edge {
            parent: subnet.parent.clone(),
            child: child.clone(),
            parent_gateway: p.address(keys::GATEWAY)?,
            actor: p.address(&keys::actor(&child))?,
            child_gateway: c.address(keys::GATEWAY)?,
            finality: c.address(keys::FINALITY)?,
            child_id: c.subnet_id()?,
            period: subnet.checkpoint_period,
            max_msgs: subnet.max_msgs_per_batch,
            max_finality_msgs: subnet.max_msgs_per_finality,
            finality_period: subnet.finality_period,
            validators: subnet.validators.clone(),
        });
    }
    Ok(out)
}
