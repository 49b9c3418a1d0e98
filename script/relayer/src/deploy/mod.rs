//! Deploys, activates and wires the programs of system 1 and/or system 2 on the chains of a
//! config, and records them in `deployments/<chain-id>.json` (see [`crate::deployment`]).
//!
//! Re-running is safe: a recorded program whose on-chain code still hashes to the recorded
//! code hash, is activated, and was deployed with the same constructor arguments is kept; a
//! recorded wiring step (initialise, register, link) is skipped when the chain shows it done.
//! The record is written after every transaction, so an interrupted run resumes.

mod ipc;
mod linked_token;
mod xdm;

use std::collections::BTreeMap;
use std::path::PathBuf;

use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use anyhow::Context as _;

pub use ipc::deploy_ipc;
pub use xdm::deploy_xdm;

use crate::artifacts::Artifacts;
use crate::bindings::IArbWasm;
use crate::client::{Client, ARB_WASM};
use crate::config::Config;
use crate::deployment::{Contract, Deployment, Step};

/// One chain being deployed to.
pub struct Target {
    /// The client (deployer key).
    pub client: Client,
    /// Its record.
    pub record: Deployment,
    dir: PathBuf,
    artifacts: Artifacts,
    /// What happened, for the summary.
    pub log: Vec<String>,
}

impl Target {
    /// Loads the record of `client`'s chain.
    ///
    /// # Errors
    /// A malformed record.
    pub fn new(client: Client, chain: &str, config: &Config) -> anyhow::Result<Self> {
        let dir = config.deployments_dir();
        let record = Deployment::load(&dir, client.chain_id, chain)?;
        Ok(Self { client, record, dir, artifacts: config.artifacts(), log: Vec::new() })
    }

    pub(crate) fn note(&mut self, line: String) {
        tracing::info!(chain = %self.record.chain, "{line}");
        self.log.push(line);
    }

    /// Deploys `program` under `key` with `args` (ABI-encoded constructor arguments, `None`
    /// for programs without a constructor), unless the record holds a verified deployment of
    /// the same code and arguments. Returns the address.
    ///
    /// # Errors
    /// Missing code, deployment failures.
    pub async fn program(
        &mut self,
        key: &str,
        program: &str,
        args: Option<Vec<u8>>,
    ) -> anyhow::Result<Address> {
        let code = self.artifacts.code(program)?;
        let codehash = keccak256(&code);
        let args_bytes = Bytes::from(args.clone().unwrap_or_default());
        if let Some(existing) = self.record.contracts.get(key).cloned() {
            if existing.codehash == codehash && existing.args == args_bytes {
                if self.verify(&existing).await? {
                    self.note(format!("{key}: kept {} (verified)", existing.address));
                    return Ok(existing.address);
                }
                self.note(format!("{key}: recorded {} no longer verifies", existing.address));
            } else {
                self.note(format!("{key}: code or arguments changed, redeploying"));
            }
        }
        let (address, tx_hash) = self
            .client
            .deploy_program(&code, args.as_deref())
            .await
            .map_err(|e| anyhow::anyhow!("deploying {key} ({program}): {e}"))?;
        self.record.contracts.insert(
            key.to_owned(),
            Contract { program: program.to_owned(), address, codehash, tx_hash, args: args_bytes },
        );
        self.record.save(&self.dir)?;
        self.note(format!("{key}: deployed {address} ({} bytes, tx {tx_hash})", code.len()));
        Ok(address)
    }

    /// Whether `contract` is on chain with its code, activated.
    async fn verify(&self, contract: &Contract) -> anyhow::Result<bool> {
        let code = self.client.code(contract.address).await?;
        if keccak256(&code) != contract.codehash {
            return Ok(false);
        }
        let version = self
            .client
            .call_sol(ARB_WASM, &IArbWasm::codehashVersionCall { codehash: contract.codehash })
            .await;
        Ok(version.is_ok_and(|v| v > 0))
    }

    /// Runs the wiring call `call` on `to` with `value` under `key`, unless `done` says the
    /// chain already shows it (a record alone is not trusted).
    ///
    /// # Errors
    /// The call's revert.
    pub async fn step<C: SolCall>(
        &mut self,
        key: &str,
        to: Address,
        call: &C,
        value: U256,
        done: bool,
    ) -> anyhow::Result<()> {
        let input = call.abi_encode();
        let input_hash = keccak256(&input);
        if done {
            self.note(format!("{key}: already done"));
            return Ok(());
        }
        let receipt =
            self.client.send(to, input, value).await.map_err(|e| anyhow::anyhow!("{key}: {e}"))?;
        self.record
            .steps
            .insert(key.to_owned(), Step { input_hash, tx_hash: receipt.transaction_hash });
        self.record.save(&self.dir)?;
        self.note(format!("{key}: done (tx {})", receipt.transaction_hash));
        Ok(())
    }

    /// Saves the record.
    ///
    /// # Errors
    /// I/O errors.
    pub fn save(&self) -> anyhow::Result<()> {
        self.record.save(&self.dir)
    }
}

/// Connects to every chain of `config` with `key`, by chain name.
///
/// # Errors
/// Unreachable RPC, wrong chain id.
pub async fn connect_all(
    config: &Config,
    key: &PrivateKeySigner,
) -> anyhow::Result<BTreeMap<String, Client>> {
    let mut clients = BTreeMap::new();
    for (name, chain) in &config.chains {
        let client = Client::connect(&chain.rpc_url, chain.chain_id, key.clone())
            .await
            .with_context(|| format!("chain {name}"))?;
        clients.insert(name.clone(), client);
    }
    Ok(clients)
}

/// Deploys everything `config` asks for with the keys named in the config; returns the
/// records.
///
/// # Errors
/// Missing keys, any failure, with the chain and program named.
pub async fn deploy(config: &Config) -> anyhow::Result<Vec<Deployment>> {
    let key = config.deployer_key()?;
    let relayer = match (&config.relay.key.env, config.relayer_key()) {
        (_, Ok(relayer)) => relayer.address(),
        // No relayer key here (it may live on another host): the deployer's address stands in
        // for the proposer and the sequencer unless the config names them.
        (Some(var), Err(_)) if std::env::var_os(var).is_none() => {
            tracing::info!("{var} is not set: the deployer stands in for the relayer's address");
            key.address()
        }
        (_, Err(e)) => return Err(e),
    };
    deploy_with(config, &key, relayer).await
}

/// Deploys everything `config` asks for, signing with `key`; `relayer` becomes the
/// proposer and the child messenger's origin unless the config names others.
///
/// # Errors
/// Any failure, with the chain and program named.
pub async fn deploy_with(
    config: &Config,
    key: &PrivateKeySigner,
    relayer: Address,
) -> anyhow::Result<Vec<Deployment>> {
    let mut targets = Targets::new();
    for (name, client) in connect_all(config, key).await? {
        client.require_balance(U256::from(10u64).pow(U256::from(16u64)), "deploying").await?;
        targets.insert(name.clone(), Target::new(client, &name, config)?);
    }
    for pair in &config.xdm {
        let (mut parent, mut child) =
            (take(&mut targets, &pair.parent)?, take(&mut targets, &pair.child)?);
        let result = deploy_xdm(&mut parent, &mut child, pair, relayer).await;
        targets.insert(pair.parent.clone(), parent);
        targets.insert(pair.child.clone(), child);
        result.with_context(|| format!("system 1 {} -> {}", pair.parent, pair.child))?;
    }
    if let Some(ipc) = &config.ipc {
        deploy_ipc(&mut targets, ipc).await?;
    }
    for t in targets.values() {
        t.save()?;
    }
    Ok(targets.into_values().map(|t| t.record).collect())
}

/// The chains being deployed to, by name.
pub type Targets = BTreeMap<String, Target>;

/// Takes chain `name` out of `targets` (to hold two of them mutably at once).
///
/// # Errors
/// An unknown chain.
pub fn take(targets: &mut Targets, name: &str) -> anyhow::Result<Target> {
    targets.remove(name).with_context(|| format!("no chain {name}"))
}
