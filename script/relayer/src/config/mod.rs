//! The deployment and relay configuration (`crossnet.toml`), shared by `crossnet deploy`,
//! `crossnet relay` and `crossnet status`. `script/crossnet.example.toml` is the commented
//! example.
//!
//! The topology is data: `[chains.<name>]` names any number of chains; `[[xdm]]` pairs them
//! for system 1 (see [`xdm`]); `[ipc.subnets.<name>]` describes the subnet tree of system 2
//! (see [`ipc`]). Chains are referred to by name everywhere (routes, records, logs).
//!
//! Keys never appear in the file: it names where they are (an environment variable, or an
//! encrypted keystore with its password in a file or a variable; see [`crate::keys`]).

mod chain;
mod ipc;
mod xdm;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use chain::{ChainConfig, Finality};
pub use ipc::{IpcConfig, LinkedToken, SubnetConfig, ValidatorEntry};
pub use xdm::XdmPair;

use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::artifacts::Artifacts;
use crate::keys::KeySource;

/// Where the built programs are looked for when neither the config nor the command line says.
pub const DEFAULT_WASM_DIR: &str = "./target/wasm";

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Chains by name.
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
    /// System 1 pairs (cross-domain messengers).
    #[serde(default)]
    pub xdm: Vec<XdmPair>,
    /// System 2 (gateways, subnet actors), when deployed.
    #[serde(default)]
    pub ipc: Option<IpcConfig>,
    /// The relay daemon.
    #[serde(default)]
    pub relay: RelayConfig,
    /// The validator this file configures (`crossnet validator`): one key.
    #[serde(default)]
    pub validator: Option<ValidatorConfig>,
    /// Directory of the config file (set when loading).
    #[serde(skip)]
    pub base: PathBuf,
}

/// Relay daemon settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelayConfig {
    /// The roles this daemon runs: `relayer`, `proposer`.
    #[serde(default = "default_roles")]
    pub roles: Vec<Role>,
    /// The SQLite file holding cursors and message lifecycles (relative to the config file).
    #[serde(default = "default_database")]
    pub database: PathBuf,
    /// The relayer's (and proposer's) key (default: environment variable
    /// `CROSSNET_RELAYER_KEY`).
    #[serde(default = "default_relayer_key")]
    pub key: KeySource,
    /// Milliseconds a validator has to answer a request for its signatures.
    #[serde(default = "default_validator_timeout")]
    pub validator_timeout_ms: u64,
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
            validator_timeout_ms: default_validator_timeout(),
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
}

/// `[validator]`: one validator of the subnets whose sets hold its key's address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidatorConfig {
    /// Its key (the only one it holds).
    pub key: KeySource,
    /// Where it serves its signatures (port 0: any free port, printed at start).
    #[serde(default = "default_listen")]
    pub listen: std::net::SocketAddr,
    /// Its signing log (relative to the config file).
    #[serde(default = "default_validator_database")]
    pub database: PathBuf,
    /// Milliseconds between passes.
    #[serde(default = "default_poll")]
    pub poll_interval_ms: u64,
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
const fn default_validator_timeout() -> u64 {
    2_000
}
fn default_listen() -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], 9100))
}
fn default_validator_database() -> PathBuf {
    PathBuf::from("crossnet-validator.sqlite")
}
fn default_database() -> PathBuf {
    PathBuf::from("crossnet-relay.sqlite")
}
fn default_roles() -> Vec<Role> {
    vec![Role::Relayer, Role::Proposer]
}
const fn default_poll() -> u64 {
    500
}
const fn default_attempts() -> u32 {
    8
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
        let mut ids: Vec<u64> = self.chains.values().map(|c| c.chain_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != self.chains.len() {
            bail!("every chain needs its own chain_id");
        }
        for name in self.chains.keys() {
            if name.is_empty()
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                bail!("chain name {name:?}: use letters, digits, '-' and '_'");
            }
        }
        self.deployer_key.check("deployer_key")?;
        self.relay.key.check("relay.key")?;
        if let Some(validator) = &self.validator {
            validator.key.check("validator.key")?;
        }
        let is_chain = |name: &str| self.chains.contains_key(name);
        xdm::check(&self.xdm, is_chain)?;
        if let Some(ipc) = &self.ipc {
            ipc.check(is_chain)?;
        }
        if self.xdm.is_empty() && self.ipc.as_ref().is_none_or(|i| i.subnets.is_empty()) {
            bail!("nothing to deploy: add [[xdm]] pairs and/or [ipc.subnets.<name>] sections");
        }
        Ok(())
    }

    /// Replaces the RPC URL of chain `name` (a command-line override).
    ///
    /// # Errors
    /// A chain the config does not have.
    pub fn override_url(&mut self, name: &str, url: &str) -> anyhow::Result<()> {
        let chain = self
            .chains
            .get_mut(name)
            .with_context(|| format!("--rpc-url {name}=...: the config has no [chains.{name}]"))?;
        url.clone_into(&mut chain.rpc_url);
        Ok(())
    }

    /// The chain named `name`.
    ///
    /// # Errors
    /// When the config has no such chain.
    pub fn chain(&self, name: &str) -> anyhow::Result<&ChainConfig> {
        self.chains.get(name).with_context(|| format!("the config has no [chains.{name}]"))
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

    /// The validator's key.
    ///
    /// # Errors
    /// No `[validator]` section; as [`KeySource::load`].
    pub fn validator_key(&self) -> anyhow::Result<PrivateKeySigner> {
        let validator = self.validator.as_ref().context("the config has no [validator] section")?;
        validator.key.load(&self.base).context("validator.key")
    }

    /// The relay database.
    #[must_use]
    pub fn database(&self) -> PathBuf {
        self.resolve(&self.relay.database)
    }
}

impl Config {
    /// A config for `chains` keeping its deployments (`dir/deployments`) and relay database
    /// (`dir/relay.sqlite`) in `dir`, with no system yet, every role and the defaults of the
    /// file format.
    #[must_use]
    pub fn local(chains: BTreeMap<String, ChainConfig>, dir: &Path) -> Self {
        Self {
            chains,
            deployments_dir: dir.join("deployments"),
            wasm_dir: None,
            deployer_key: default_deployer_key(),
            xdm: Vec::new(),
            ipc: None,
            relay: RelayConfig { database: dir.join("relay.sqlite"), ..RelayConfig::default() },
            validator: None,
            base: dir.to_path_buf(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use alloy::primitives::{Address, U256};

    use super::*;

    const GOOD: &str = r#"
        [chains.root]
        rpc_url = "http://127.0.0.1:8547"
        chain_id = 412346
        [chains.alpha]
        rpc_url = "http://127.0.0.1:8548"
        chain_id = 412347
        finality = 3
        [chains.beta]
        rpc_url = "http://127.0.0.1:8549"
        chain_id = 412348
        finality = "safe"
        [[xdm]]
        parent = "root"
        child = "alpha"
        fraud_proof_window = 5
        [ipc.subnets.alpha]
        parent = "root"
        validators = [
            { address = "0x0000000000000000000000000000000000000002", weight = 3 },
            { address = "0x0000000000000000000000000000000000000001", url = "http://127.0.0.1:9101" },
        ]
        [ipc.subnets.beta]
        parent = "alpha"
        checkpoint_period = 7
        validators = [{ address = "0x0000000000000000000000000000000000000003" }]
    "#;

    #[test]
    fn parses_a_tree_with_defaults_succeeds() {
        let c = Config::parse(GOOD).unwrap();
        assert_eq!(c.chain("alpha").unwrap().chain_id, 412_347);
        assert_eq!(c.chain("root").unwrap().finality, Finality::Finalized);
        assert_eq!(c.chain("alpha").unwrap().finality, Finality::Confirmations(3));
        assert_eq!(c.chain("beta").unwrap().finality, Finality::Safe);
        assert_eq!(c.relay.roles, default_roles());
        assert_eq!(c.xdm[0].up(), "alpha->root");
        let ipc = c.ipc.unwrap();
        assert_eq!(ipc.chains(), ["root", "alpha", "beta"]);
        let (set, weights) = ipc.subnets["alpha"].validator_set();
        assert_eq!(set[0], Address::with_last_byte(1));
        assert_eq!(weights, vec![U256::from(1), U256::from(3)]);
        assert_eq!(ipc.subnets["beta"].checkpoint_period, 7);
        assert_eq!(ipc.subnets["beta"].max_msgs_per_batch, 10);
    }

    #[test]
    fn the_committed_example_parses_succeeds() {
        let text = include_str!("../../../crossnet.example.toml");
        let c = Config::parse(text).unwrap();
        assert!(!c.xdm.is_empty() && c.ipc.is_some());
    }

    #[test]
    fn bad_configs_get_clear_messages_reverts() {
        let two = "[chains.a]\nrpc_url='x'\nchain_id=1\n[chains.b]\nrpc_url='y'\nchain_id=2\n";
        let cases = [
            (String::new(), "nothing to deploy"),
            (format!("{two}[[xdm]]\nparent='a'\nchild='c'\nfraud_proof_window=1"), "no [chains.c]"),
            (
                format!("{two}[[xdm]]\nparent='a'\nchild='b'\nfraud_proof_window=0"),
                "at least 1 second",
            ),
            (
                "[chains.a]\nrpc_url='x'\nchain_id=1\n[chains.b]\nrpc_url='y'\nchain_id=1\n".into(),
                "own chain_id",
            ),
            (two.to_owned(), "nothing to deploy"),
            ("[chains.a]\nrpc_url='x'\nchain_id='one'".into(), "invalid type"),
            ("[chains.a]\nrpc_url='x'\nchain_id=1\nfinality='soon'".into(), "confirmations"),
            ("[chains.a]\nrpc_url='x'\nchain_id=1\nprivate_key='0x01'".into(), "unknown field"),
            (format!("{two}[ipc.subnets.b]\nparent='a'\nvalidators=[]"), "at least one validator"),
            (format!("{two}[ipc.subnets.b]\nparent='z'\nvalidators=[]"), "no [chains.z]"),
            (format!("{two}[xdm]\nparent='a'\nchild='b'\nfraud_proof_window=1"), "invalid type"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", Config::parse(&text).unwrap_err());
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }
}
