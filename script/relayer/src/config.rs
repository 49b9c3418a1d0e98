//! The deployment and relay configuration (`crossnet.toml`), shared by `crossnet deploy`,
//! `crossnet relay` and `crossnet status`. `script/crossnet.example.toml` is the commented
//! example.
//!
//! Keys never appear in the file: it names where they are (an environment variable, or an
//! encrypted keystore with its password in a file or a variable; see [`crate::keys`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::primitives::{Address, U256};
use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::artifacts::Artifacts;
use crate::keys::{parse_key, KeySource};

/// Where the built programs are looked for when neither the config nor the command line says.
pub const DEFAULT_WASM_DIR: &str = "./target/wasm";

/// The chain roles of a deployment: system 1 runs between `parent` and `child`; system 2 on
/// the tree `parent` (root) → `child` → `grandchild`.
pub const ROLES: [&str; 3] = ["parent", "child", "grandchild"];

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Chains by role (`parent`, `child`, optional `grandchild`).
    #[serde(default)]
    pub chains: BTreeMap<String, ChainConfig>,
    /// Where `deployments/<chain-id>.json` files live (relative to the config file).
    #[serde(default = "default_deployments")]
    pub deployments_dir: PathBuf,
    /// Where the built programs are (`<name>.code`), relative to the config file; default
    /// `./target/wasm` of the working directory.
    #[serde(default)]
    pub wasm_dir: Option<PathBuf>,
    /// The deployer's key (default: environment variable `CROSSNET_DEPLOYER_KEY`).
    #[serde(default = "default_deployer_key")]
    pub deployer_key: KeySource,
    /// System 1 (cross-domain messengers), when deployed.
    #[serde(default)]
    pub xdm: Option<XdmConfig>,
    /// System 2 (gateways, subnet actors), when deployed.
    #[serde(default)]
    pub ipc: Option<IpcConfig>,
    /// The relay daemon.
    #[serde(default)]
    pub relay: RelayConfig,
    /// Directory of the config file (set when loading).
    #[serde(skip)]
    pub base: PathBuf,
}

/// One chain.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// JSON-RPC endpoint.
    pub rpc_url: String,
    /// The chain id the endpoint must report.
    pub chain_id: u64,
}

/// System 1 settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XdmConfig {
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

/// System 2 settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpcConfig {
    /// Child blocks between bottom-up checkpoints.
    #[serde(default = "default_period")]
    pub checkpoint_period: u64,
    /// Messages per bottom-up batch.
    #[serde(default = "default_max_msgs")]
    pub max_msgs_per_batch: u64,
    /// Gas each executed message gets.
    #[serde(default = "default_execution_gas")]
    pub execution_gas: u64,
    /// Collateral (wei) the deployer locks when registering each child subnet.
    #[serde(default = "default_collateral")]
    pub collateral: U256,
    /// Native supply (wei) each child gateway holds to pay out funds; sent by the deployer.
    #[serde(default = "default_reserve")]
    pub child_reserve: U256,
    /// Validator addresses of every child subnet.
    pub validators: Vec<Address>,
    /// Their weights (default: 1 each).
    #[serde(default)]
    pub weights: Vec<u64>,
    /// Also deploy the linked-token example (ERC-20 + controller on the parent, replica on
    /// the child).
    #[serde(default)]
    pub linked_token: bool,
}

/// Relay daemon settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayConfig {
    /// The roles this daemon runs: `relayer`, `proposer`, `signer`.
    #[serde(default = "default_roles")]
    pub roles: Vec<Role>,
    /// The SQLite file holding cursors and message lifecycles (relative to the config file).
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// The relayer's (and proposer's) key (default: environment variable
    /// `CROSSNET_RELAYER_KEY`).
    #[serde(default = "default_relayer_key")]
    pub key: KeySource,
    /// Environment variable holding the validator keys (comma-separated hex) the signer uses.
    #[serde(default = "default_validator_env")]
    pub validator_keys_env: String,
    /// Milliseconds between polls.
    #[serde(default = "default_poll")]
    pub poll_interval_ms: u64,
    /// Seconds between state-root batches when there is nothing to prove (0: only when a
    /// message needs one).
    #[serde(default)]
    pub propose_every_secs: u64,
    /// Most attempts at a delivery before it is marked failed.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            roles: default_roles(),
            database: default_database(),
            key: default_relayer_key(),
            validator_keys_env: default_validator_env(),
            poll_interval_ms: default_poll(),
            propose_every_secs: 0,
            max_attempts: default_attempts(),
        }
    }
}

/// An off-chain role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Carries messages: child→parent with proofs, parent→child queue entries, IPC finality
    /// and checkpoints, postbox propagation.
    Relayer,
    /// Appends child state roots to the state-commitment chain.
    Proposer,
    /// Signs IPC checkpoints and parent finalities with validator keys.
    Signer,
}

fn default_deployments() -> PathBuf {
    PathBuf::from("deployments")
}
fn default_deployer_key() -> KeySource {
    KeySource::env("CROSSNET_DEPLOYER_KEY")
}
fn default_relayer_key() -> KeySource {
    KeySource::env("CROSSNET_RELAYER_KEY")
}
fn default_validator_env() -> String {
    "CROSSNET_VALIDATOR_KEYS".into()
}
fn default_database() -> PathBuf {
    PathBuf::from("crossnet-relay.sqlite")
}
fn default_roles() -> Vec<Role> {
    vec![Role::Relayer, Role::Proposer, Role::Signer]
}
const fn default_poll() -> u64 {
    500
}
const fn default_attempts() -> u32 {
    8
}
const fn default_max_gas() -> u64 {
    15_000_000
}
const fn yes() -> bool {
    true
}
const fn default_period() -> u64 {
    5
}
const fn default_max_msgs() -> u64 {
    10
}
const fn default_execution_gas() -> u64 {
    3_000_000
}
fn default_collateral() -> U256 {
    U256::from(1_000u64)
}
fn default_reserve() -> U256 {
    U256::from(10u128.pow(21))
}

impl Config {
    /// Reads and checks `path`.
    ///
    /// # Errors
    /// Unreadable file, TOML errors (with line and column), missing chains, inconsistent
    /// settings.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        let mut config =
            Self::parse(&text).with_context(|| format!("config {}", path.display()))?;
        config.base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(config)
    }

    /// Parses and checks a config text.
    ///
    /// # Errors
    /// As [`Config::load`].
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let config: Self = toml::from_str(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> anyhow::Result<()> {
        for role in self.chains.keys() {
            if !ROLES.contains(&role.as_str()) {
                bail!("unknown chain role [chains.{role}] (expected one of {ROLES:?})");
            }
        }
        for role in ["parent", "child"] {
            if !self.chains.contains_key(role) {
                bail!("missing [chains.{role}]");
            }
        }
        let mut ids: Vec<u64> = self.chains.values().map(|c| c.chain_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != self.chains.len() {
            bail!("every chain needs its own chain_id");
        }
        self.deployer_key.check("deployer_key")?;
        self.relay.key.check("relay.key")?;
        if self.xdm.is_none() && self.ipc.is_none() {
            bail!("nothing to deploy: add an [xdm] and/or an [ipc] section");
        }
        if let Some(xdm) = &self.xdm {
            if xdm.fraud_proof_window == 0 {
                bail!("xdm.fraud_proof_window must be at least 1 second");
            }
        }
        if let Some(ipc) = &self.ipc {
            if ipc.validators.is_empty() {
                bail!("ipc.validators must name at least one validator");
            }
            if !ipc.weights.is_empty() && ipc.weights.len() != ipc.validators.len() {
                bail!(
                    "ipc.weights has {} entries for {} validators",
                    ipc.weights.len(),
                    ipc.validators.len()
                );
            }
            if ipc.checkpoint_period == 0 || ipc.max_msgs_per_batch == 0 {
                bail!("ipc.checkpoint_period and ipc.max_msgs_per_batch must be positive");
            }
        }
        Ok(())
    }

    /// Replaces the RPC URLs of the parent, child and grandchild chains (command-line
    /// overrides).
    ///
    /// # Errors
    /// An override for a chain the config does not have.
    pub fn override_urls(
        &mut self,
        parent: Option<&str>,
        child: Option<&str>,
        grandchild: Option<&str>,
    ) -> anyhow::Result<()> {
        for (role, url) in [("parent", parent), ("child", child), ("grandchild", grandchild)] {
            if let Some(url) = url {
                let chain = self.chains.get_mut(role).with_context(|| {
                    format!("--{role}-rpc-url given but the config has no [chains.{role}]")
                })?;
                url.clone_into(&mut chain.rpc_url);
            }
        }
        Ok(())
    }

    /// The chain of `role`.
    ///
    /// # Errors
    /// When the config has no such chain.
    pub fn chain(&self, role: &str) -> anyhow::Result<&ChainConfig> {
        self.chains.get(role).with_context(|| format!("the config has no [chains.{role}]"))
    }

    /// `path` relative to the config file.
    #[must_use]
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base.join(path)
        }
    }

    /// The directory of built programs: the config's `wasm_dir` (relative to the config
    /// file), else [`DEFAULT_WASM_DIR`] of the working directory.
    #[must_use]
    pub fn wasm_dir(&self) -> PathBuf {
        self.wasm_dir.as_ref().map_or_else(|| PathBuf::from(DEFAULT_WASM_DIR), |d| self.resolve(d))
    }

    /// The built programs (see [`Config::wasm_dir`]).
    #[must_use]
    pub fn artifacts(&self) -> Artifacts {
        Artifacts::new(self.wasm_dir())
    }

    /// Uses `dir` (a command-line `--wasm-dir`, relative to the working directory) for the
    /// built programs.
    pub fn override_wasm_dir(&mut self, dir: &Path) {
        let absolute =
            std::env::current_dir().map_or_else(|_| dir.to_path_buf(), |cwd| cwd.join(dir));
        self.wasm_dir = Some(absolute);
    }

    /// The deployments directory.
    #[must_use]
    pub fn deployments_dir(&self) -> PathBuf {
        self.resolve(&self.deployments_dir)
    }

    /// The deployer's key.
    ///
    /// # Errors
    /// As [`KeySource::load`].
    pub fn deployer_key(&self) -> anyhow::Result<PrivateKeySigner> {
        self.deployer_key.load(&self.base).context("deployer_key")
    }

    /// The relayer's key.
    ///
    /// # Errors
    /// As [`KeySource::load`].
    pub fn relayer_key(&self) -> anyhow::Result<PrivateKeySigner> {
        self.relay.key.load(&self.base).context("relay.key")
    }

    /// The relay database.
    #[must_use]
    pub fn database(&self) -> PathBuf {
        self.resolve(&self.relay.database)
    }
}

impl Config {
    /// A config for `chains` keeping its deployments (`dir/deployments`) and relay database
    /// (`dir/relay.sqlite`) in `dir`, with every role and the defaults of the file format.
    #[must_use]
    pub fn local(
        chains: BTreeMap<String, ChainConfig>,
        dir: &Path,
        xdm: Option<XdmConfig>,
        ipc: Option<IpcConfig>,
    ) -> Self {
        Self {
            chains,
            deployments_dir: dir.join("deployments"),
            wasm_dir: None,
            deployer_key: default_deployer_key(),
            xdm,
            ipc,
            relay: RelayConfig { database: dir.join("relay.sqlite"), ..RelayConfig::default() },
            base: dir.to_path_buf(),
        }
    }
}

impl XdmConfig {
    /// System 1 with fraud-proof window `window` and the defaults of the file format.
    #[must_use]
    pub fn with_window(window: u64) -> Self {
        Self {
            fraud_proof_window: window,
            max_gas: default_max_gas(),
            allow_all_senders: true,
            proposer: None,
            challenger: None,
            sequencer: None,
        }
    }
}

impl IpcConfig {
    /// System 2 with `validators` (weight 1 each) and the defaults of the file format.
    #[must_use]
    pub fn with_validators(validators: Vec<Address>) -> Self {
        Self {
            checkpoint_period: default_period(),
            max_msgs_per_batch: default_max_msgs(),
            execution_gas: default_execution_gas(),
            collateral: default_collateral(),
            child_reserve: default_reserve(),
            validators,
            weights: Vec::new(),
            linked_token: false,
        }
    }

    /// Validators sorted by address with their weights (as the contracts require).
    #[must_use]
    pub fn validator_set(&self) -> (Vec<Address>, Vec<U256>) {
        let mut set: Vec<(Address, U256)> = self
            .validators
            .iter()
            .enumerate()
            .map(|(i, a)| (*a, U256::from(self.weights.get(i).copied().unwrap_or(1))))
            .collect();
        set.sort_by_key(|(a, _)| *a);
        set.into_iter().unzip()
    }
}

/// The keys in environment variable `var` (comma-separated hex).
///
/// # Errors
/// When the variable is unset or holds a bad key.
pub fn keys_from_env(var: &str) -> anyhow::Result<Vec<PrivateKeySigner>> {
    let value = std::env::var(var).with_context(|| {
        format!("environment variable {var} is not set (comma-separated hex private keys)")
    })?;
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, k)| parse_key(k).with_context(|| format!("{var}: key #{}", i + 1)))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
        [chains.parent]
        rpc_url = "http://127.0.0.1:8547"
        chain_id = 412346
        [chains.child]
        rpc_url = "http://127.0.0.1:8548"
        chain_id = 412347
        [xdm]
        fraud_proof_window = 5
        [ipc]
        validators = ["0x0000000000000000000000000000000000000002", "0x0000000000000000000000000000000000000001"]
        weights = [3, 1]
    "#;

    #[test]
    fn parses_example_with_defaults() {
        let c = Config::parse(GOOD).unwrap();
        assert_eq!(c.chain("child").unwrap().chain_id, 412_347);
        assert_eq!(c.relay.roles, default_roles());
        let (set, weights) = c.ipc.unwrap().validator_set();
        assert_eq!(set[0], Address::with_last_byte(1));
        assert_eq!(weights, vec![U256::from(1), U256::from(3)]);
    }

    #[test]
    fn the_committed_example_parses() {
        let text = include_str!("../../crossnet.example.toml");
        let c = Config::parse(text).unwrap();
        assert!(c.xdm.is_some() && c.ipc.is_some());
    }

    #[test]
    fn rejects_bad_configs_with_clear_messages() {
        let cases = [
            ("", "missing [chains.parent]"),
            ("[chains.parent]\nrpc_url='x'\nchain_id=1\n[chains.child]\nrpc_url='y'\nchain_id=1\n[xdm]\nfraud_proof_window=1", "own chain_id"),
            ("[chains.parent]\nrpc_url='x'\nchain_id=1\n[chains.child]\nrpc_url='y'\nchain_id=2", "nothing to deploy"),
            ("[chains.uncle]\nrpc_url='x'\nchain_id=1", "unknown chain role"),
            ("[chains.parent]\nrpc_url='x'\nchain_id='one'", "invalid type"),
            ("[chains.parent]\nrpc_url='x'\nchain_id=1\nprivate_key='0x01'", "unknown field"),
            ("[chains.parent]\nrpc_url='x'\nchain_id=1\n[chains.child]\nrpc_url='y'\nchain_id=2\n[ipc]\nvalidators=[]", "at least one validator"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", Config::parse(text).unwrap_err());
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
