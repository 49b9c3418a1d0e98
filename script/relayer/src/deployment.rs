//! Deployment records: `deployments/<chain-id>.json`, one per chain, with every program's
//! address, code hash, deploying transaction and constructor arguments, and the wiring steps
//! done. `crossnet deploy` writes them; the relayer, the validators and `crossnet status` read
//! them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, Bytes, B256};
use anyhow::{bail, Context as _};
use crossnet_sdk::ipc::SubnetID;
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// One deployed program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// The program (`target/wasm/<program>.code`).
    pub program: String,
    /// Its address.
    pub address: Address,
    /// keccak256 of its code (what `eth_getCode` returns).
    pub codehash: B256,
    /// The deploying transaction.
    pub tx_hash: B256,
    /// ABI-encoded constructor arguments (empty: none).
    pub args: Bytes,
}

/// A wiring transaction (initialise, register, link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// keccak256 of its calldata.
    pub input_hash: B256,
    /// Its transaction.
    pub tx_hash: B256,
}

/// `deployments/<chain-id>.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The chain.
    pub chain_id: u64,
    /// Its name in the config.
    #[serde(alias = "role")]
    pub chain: String,
    /// System 2: this chain's subnet id (root / route), when deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<SubnetRecord>,
    /// Programs by key: the program name, qualified by the peer chain where a chain holds
    /// one per peer (`gateway`, `subnet-actor@alpha`, `l1-cross-domain-messenger@alpha`).
    pub contracts: BTreeMap<String, Contract>,
    /// Wiring steps by key.
    pub steps: BTreeMap<String, Step>,
}

/// A subnet id in JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetRecord {
    /// Root chain id.
    pub root: u64,
    /// Actor addresses from the root down.
    pub route: Vec<Address>,
}

impl From<&SubnetID> for SubnetRecord {
    fn from(id: &SubnetID) -> Self {
        Self { root: id.root, route: id.route.clone() }
    }
}

impl From<&SubnetRecord> for SubnetID {
    fn from(r: &SubnetRecord) -> Self {
        Self { root: r.root, route: r.route.clone() }
    }
}

impl Deployment {
    /// The subnet id recorded for this chain.
    ///
    /// # Errors
    /// When system 2 was not deployed on it.
    pub fn subnet_id(&self) -> anyhow::Result<SubnetID> {
        self.subnet.as_ref().map(Into::into).with_context(|| {
            format!(
                "chain {} has no subnet in its deployment record: run `crossnet deploy`",
                self.chain
            )
        })
    }

    /// The path of chain `chain_id`'s record in `dir`.
    #[must_use]
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// Reads the record of `chain_id` (empty when there is none).
    ///
    /// # Errors
    /// An unreadable or malformed file.
    pub fn load(dir: &Path, chain_id: u64, chain: &str) -> anyhow::Result<Self> {
        let path = Self::path(dir, chain_id);
        if !path.exists() {
            return Ok(Self { chain_id, chain: chain.to_owned(), ..Self::default() });
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let record: Self =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if record.chain_id != chain_id {
            bail!("{} records chain {}, not {chain_id}", path.display(), record.chain_id);
        }
        Ok(record)
    }

    /// Writes the record atomically.
    ///
    /// # Errors
    /// I/O errors.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = Self::path(dir, self.chain_id);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    /// The address of the program recorded under `key`.
    ///
    /// # Errors
    /// When it was not deployed.
    pub fn address(&self, key: &str) -> anyhow::Result<Address> {
        self.contracts.get(key).map(|c| c.address).with_context(|| {
            format!(
                "chain {} ({}) has no {key} in its deployment record: run `crossnet deploy`",
                self.chain, self.chain_id
            )
        })
    }
}

/// Loads the records of every chain of `config`, by chain name (for relay and status).
///
/// # Errors
/// Malformed records.
pub fn records(config: &Config) -> anyhow::Result<BTreeMap<String, Deployment>> {
    let dir = config.deployments_dir();
    let mut out = BTreeMap::new();
    for (name, chain) in &config.chains {
        out.insert(name.clone(), Deployment::load(&dir, chain.chain_id, name)?);
    }
    Ok(out)
}

/// The keys programs are recorded under. A chain holds one of a program, or one per peer
/// chain (`<program>@<peer>`).
pub mod keys {
    /// System 1, child chain: the passer.
    pub const PASSER: &str = "l2-to-l1-message-passer";
    /// System 1, child chain: the child messenger.
    pub const L2M: &str = "l2-cross-domain-messenger";
    /// System 2: the gateway of every chain of the tree.
    pub const GATEWAY: &str = "gateway";
    /// System 2: the gateway's executor.
    pub const GATEWAY_EXECUTOR: &str = "gateway-executor";
    /// System 2, child chain: its parent-finality program.
    pub const FINALITY: &str = "top-down-finality";
    /// Linked-token example: the ERC-20 on the controller's chain.
    pub const ERC20: &str = "erc20";

    /// System 1, parent chain: the state-commitment chain of child `child`.
    #[must_use]
    pub fn scc(child: &str) -> String {
        format!("state-commitment-chain@{child}")
    }

    /// System 1, parent chain: the queue of child `child`.
    #[must_use]
    pub fn ctc(child: &str) -> String {
        format!("canonical-transaction-chain@{child}")
    }

    /// System 1, parent chain: the parent messenger of child `child`.
    #[must_use]
    pub fn l1m(child: &str) -> String {
        format!("l1-cross-domain-messenger@{child}")
    }

    /// System 2, parent chain: the subnet actor of child `child`.
    #[must_use]
    pub fn actor(child: &str) -> String {
        format!("subnet-actor@{child}")
    }

    /// Linked-token example: the controller paired with the replica on `replica`.
    #[must_use]
    pub fn controller(replica: &str) -> String {
        format!("linked-token-controller@{replica}")
    }

    /// Linked-token example: the replica paired with the controller on `controller`.
    #[must_use]
    pub fn replica(controller: &str) -> String {
        format!("linked-token-replica@{controller}")
    }
}
