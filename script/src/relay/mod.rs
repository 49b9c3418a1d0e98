//! `crossnet relay`: one daemon running the off-chain roles a config names.
//!
//! * **relayer**: system 1 child→parent messages with `eth_getProof` proofs once their state
//!   batch is past the fraud-proof window, parent→child queue entries (as the child
//!   messenger's origin); system 2 parent finalities down and checkpoints up every edge of the
//!   tree, and postbox propagation.
//! * **proposer**: appends child state roots to the state-commitment chain.
//! * **signer**: signs checkpoints and parent finalities with the validator keys (the relayer
//!   of the same daemon carries the signatures).
//!
//! Progress lives in SQLite (see [`store`]): scan cursors, proposed batches and each message's
//! lifecycle. Every delivery re-reads the destination chain first (replay maps, applied
//! nonces, last checkpoint), and a transaction hash is stored the moment it is sent, so a
//! daemon killed at any point and restarted resumes without losing or double-submitting.
//! Failed deliveries are retried with exponential backoff up to `relay.max_attempts`.

pub mod ipc;
pub mod store;
pub mod xdm;

use std::path::PathBuf;
use std::time::Duration;

use alloy::primitives::{Address, U256};
use alloy::rpc::types::TransactionReceipt;
use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context as _};

use crate::client::{Client, TxError};
use crate::config::{key_from_env, keys_from_env, Config, Role};
use store::Store;

/// `crossnet relay` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (see `script/crossnet.example.toml`).
    #[arg(long)]
    pub config: PathBuf,
    /// Run one pass of every role and exit (default: run until Ctrl-C / SIGTERM).
    #[arg(long)]
    pub once: bool,
    /// Put failed deliveries back in the queue before starting.
    #[arg(long)]
    pub retry_failed: bool,
}

/// A delivery made in one pass (logged; returned for callers that measure).
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Message id.
    pub id: String,
    /// Route.
    pub route: String,
    /// Gas of the delivering transaction.
    pub gas: u64,
    /// Outcome at the destination.
    pub outcome: String,
    /// Time spent building the proof (child→parent only).
    pub proof_time: Option<Duration>,
}

/// The clients the roles sign with.
#[derive(Clone, Debug)]
pub struct Roles {
    /// Parent chain, relayer key.
    pub parent: Client,
    /// Child chain, relayer key.
    pub child: Client,
    /// Parent chain, proposer key (the relayer key).
    pub proposer: Client,
    /// Grandchild chain, relayer key (when configured).
    pub grandchild: Option<Client>,
    /// Validator keys (signer role).
    pub validators: Vec<PrivateKeySigner>,
}

impl Roles {
    /// The client of chain `role`.
    #[must_use]
    pub fn chain(&self, role: &str) -> Option<&Client> {
        match role {
            "parent" => Some(&self.parent),
            "child" => Some(&self.child),
            "grandchild" => self.grandchild.as_ref(),
            _ => None,
        }
    }
}

/// Sends a delivery with `gas` (default: the estimate plus a margin), storing its hash as
/// soon as it is known.
///
/// # Errors
/// The revert or transport failure.
pub async fn submit(
    client: &Client,
    store: &Store,
    id: &str,
    to: Address,
    data: Vec<u8>,
    gas: Option<u64>,
) -> Result<TransactionReceipt, TxError> {
    submit_many(client, store, &[id.to_owned()], to, data, gas).await
}

/// Sends one delivery carrying the messages `ids`, storing its hash on each as soon as the
/// node accepted it (before waiting for the receipt).
///
/// # Errors
/// The revert or transport failure.
pub async fn submit_many(
    client: &Client,
    store: &Store,
    ids: &[String],
    to: Address,
    data: Vec<u8>,
    gas: Option<u64>,
) -> Result<TransactionReceipt, TxError> {
    let gas = match gas {
        Some(g) => g,
        // Executions are guarded on chain (a message short of its gas reverts the whole
        // submission), so the estimate is safe; the margin covers state drift.
        None => {
            let est = client.estimate(client.from, to, data.clone()).await?;
            est + est / 5 + 50_000
        }
    };
    let hash = client.send_nowait(to, data, U256::ZERO, Some(gas)).await?;
    for id in ids {
        store.set_tx(id, &format!("{hash}")).map_err(TxError::Other)?;
    }
    client.wait(hash).await
}

/// The daemon: roles, deployments and store.
pub struct Daemon {
    /// The config.
    pub config: Config,
    /// Clients.
    pub roles: Roles,
    /// System 1, when deployed.
    pub xdm: Option<xdm::Xdm>,
    /// System 2 edges.
    pub edges: Vec<ipc::Edge>,
    /// The store.
    pub store: Store,
}

impl Daemon {
    /// Connects every chain and opens the store.
    ///
    /// # Errors
    /// Missing keys, unreachable chains, missing deployments.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let key = key_from_env(&config.relay.key_env)?;
        let validators = if config.relay.roles.contains(&Role::Signer) && config.ipc.is_some() {
            keys_from_env(&config.relay.validator_keys_env)?
        } else {
            Vec::new()
        };
        Self::with_keys(config, key, validators).await
    }

    /// Connects every chain with the relayer `key` and opens the store; `validators` sign.
    ///
    /// # Errors
    /// Unreachable chains, missing deployments.
    pub async fn with_keys(
        config: Config,
        key: PrivateKeySigner,
        validators: Vec<PrivateKeySigner>,
    ) -> anyhow::Result<Self> {
        let records = crate::deploy::records(&config)?;
        let connect = |role: &'static str| {
            let config = &config;
            let key = key.clone();
            async move {
                let chain = config.chain(role)?;
                Client::connect(&chain.rpc_url, chain.chain_id, key)
                    .await
                    .with_context(|| format!("chain {role}"))
            }
        };
        let parent = connect("parent").await?;
        let child = connect("child").await?;
        let grandchild = match config.chains.get("grandchild") {
            Some(_) => Some(connect("grandchild").await?),
            None => None,
        };
        let roles = Roles { proposer: parent.clone(), parent, child, grandchild, validators };
        let xdm = match &config.xdm {
            Some(_) => Some(xdm::Xdm::from_records(&records["parent"], &records["child"])?),
            None => None,
        };
        let edges = match &config.ipc {
            Some(ipc_config) => ipc::edges(&records, ipc_config)?,
            None => Vec::new(),
        };
        if config.ipc.is_some()
            && config.relay.roles.contains(&Role::Relayer)
            && !config.relay.roles.contains(&Role::Signer)
        {
            bail!(
                "the IPC relayer carries signatures gathered in-process: run the signer role in \
                 the same daemon (relay.roles = [\"relayer\", \"signer\", ...])"
            );
        }
        let store = Store::open(&config.database())?;
        Ok(Self { config, roles, xdm, edges, store })
    }

    /// One pass of every configured role. Returns the deliveries made.
    ///
    /// # Errors
    /// RPC or store errors (refused deliveries are recorded and retried, not returned).
    pub async fn pass(&self) -> anyhow::Result<Vec<Delivery>> {
        let roles = &self.config.relay.roles;
        let relayer = roles.contains(&Role::Relayer);
        let max = self.config.relay.max_attempts;
        let mut out = Vec::new();
        if let Some(x) = &self.xdm {
            xdm::scan(&self.roles, x, &self.store).await?;
            if roles.contains(&Role::Proposer) {
                xdm::propose(&self.roles, x, &self.store, self.config.relay.propose_every_secs)
                    .await?;
            }
            if relayer {
                out.extend(xdm::relay_down(&self.roles, x, &self.store, max).await?);
                out.extend(xdm::relay_up(&self.roles, x, &self.store, max).await?);
            }
        }
        if let Some(ipc_config) = &self.config.ipc {
            for edge in &self.edges {
                ipc::scan(&self.roles, edge, &self.store).await?;
            }
            if relayer {
                for edge in &self.edges {
                    out.extend(
                        ipc::relay_down(&self.roles, edge, ipc_config, &self.store, max).await?,
                    );
                    out.extend(
                        ipc::relay_up(&self.roles, edge, ipc_config, &self.store, max).await?,
                    );
                }
                for role in crate::config::ROLES {
                    out.extend(
                        ipc::propagate(&self.roles, &self.edges, role, &self.store, max).await?,
                    );
                }
            }
        }
        Ok(out)
    }

    /// Runs passes until `stop` resolves.
    ///
    /// # Errors
    /// Store errors; RPC errors are logged and retried.
    pub async fn run_until(
        &self,
        stop: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<()> {
        let interval = Duration::from_millis(self.config.relay.poll_interval_ms.max(10));
        tokio::pin!(stop);
        let mut backoff = interval;
        loop {
            match self.pass().await {
                Ok(_) => backoff = interval,
                Err(e) => {
                    tracing::warn!("relay pass failed (retrying in {backoff:?}): {e:#}");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
            tokio::select! {
                () = &mut stop => return Ok(()),
                () = tokio::time::sleep(backoff) => {}
            }
        }
    }
}

/// Runs `crossnet relay`.
///
/// # Errors
/// Bad config, missing keys or deployments.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = Config::load(&args.config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let daemon = Daemon::new(config).await?;
        if args.retry_failed {
            let n = daemon.store.retry_failed()?;
            tracing::info!("{n} failed deliveries queued again");
        }
        tracing::info!(
            roles = ?daemon.config.relay.roles,
            database = %daemon.config.database().display(),
            "relay started"
        );
        if args.once {
            daemon.pass().await?;
            return Ok(());
        }
        daemon
            .run_until(async {
                let _ = crate::wait_for_stop().await;
            })
            .await?;
        tracing::info!("relay stopped");
        Ok(())
    })
}
