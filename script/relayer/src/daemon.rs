//! The relay daemon: one process running the off-chain roles a config names.
//!
//! * **relayer**: system 1 child→parent messages with `eth_getProof` proofs once their state
//!   batch is past the fraud-proof window, parent→child queue entries (as the child
//!   messenger's origin); system 2 parent finalities down and checkpoints up every edge of the
//!   tree, and postbox propagation.
//! * **proposer**: appends child state roots to the state-commitment chain.
//!
//! It holds no validator key: checkpoints and parent finalities are signed by the validators
//! (`crossnet validator`, one process per key), who publish their signatures; the relayer
//! collects them and submits statements signed by more than 2/3 of a subnet's weight.
//!
//! Progress lives in SQLite (see [`crate::store`]): scan cursors, proposed batches and each
//! message's lifecycle. Every delivery re-reads the destination chain first (replay maps,
//! applied nonces, last checkpoint), and a transaction hash is stored the moment it is sent, so
//! a daemon killed at any point and restarted resumes without losing or double-submitting.
//! Failed deliveries are retried with exponential backoff up to `relay.max_attempts`.

use std::collections::BTreeMap;
use std::time::Duration;

use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context as _};

use crate::client::Client;
use crate::config::{Config, Role};
use crate::edge::Edge;
use crate::roles::{ipc, xdm, Collector, Delivery, Roles};
use crate::store::Store;

/// The daemon: roles, deployments and store.
pub struct Daemon {
    /// The config.
    pub config: Config,
    /// Clients.
    pub roles: Roles,
    /// System 1 pairs.
    pub xdm: Vec<xdm::Xdm>,
    /// System 2 edges.
    pub edges: Vec<Edge>,
    /// The store.
    pub store: Store,
}

impl Daemon {
    /// Connects every chain with the relayer key of the config and opens the store.
    ///
    /// # Errors
    /// A missing key, unreachable chains, missing deployments.
    pub async fn new(config: Config) -> anyhow::Result<Self> {
        let key = config.relayer_key()?;
        Self::with_key(config, key).await
    }

    /// Connects every chain with the relayer `key` and opens the store.
    ///
    /// # Errors
    /// Unreachable chains, missing deployments.
    pub async fn with_key(config: Config, key: PrivateKeySigner) -> anyhow::Result<Self> {
        let records = crate::deployment::records(&config)?;
        let timeout = Duration::from_millis(config.relay.validator_timeout_ms);
        let mut roles = Roles { chains: BTreeMap::new(), collector: Collector::new(timeout) };
        for (name, chain) in &config.chains {
            let client = Client::connect(&chain.rpc_url, chain.chain_id, key.clone())
                .await
                .with_context(|| format!("chain {name}"))?;
            roles.chains.insert(name.clone(), client);
        }
        let xdm = config
            .xdm
            .iter()
            .map(|pair| xdm::Xdm::from_records(pair, &records))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let edges = match &config.ipc {
            Some(ipc_config) => crate::edge::edges(&records, ipc_config)?,
            None => Vec::new(),
        };
        if config.relay.roles.contains(&Role::Relayer) {
            if let Some(edge) = edges.iter().find(|e| e.published().is_empty()) {
                bail!(
                    "subnet {}: no validator has a `url`, so no signatures can be collected for \
                     it (give each validator the address its `crossnet validator` listens on)",
                    edge.child
                );
            }
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
        for x in &self.xdm {
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
                    out.extend(ipc::relay_down(&self.roles, edge, &self.store, max).await?);
                    out.extend(ipc::relay_up(&self.roles, edge, &self.store, max).await?);
                }
                for chain in ipc_config.chains() {
                    out.extend(
                        ipc::propagate(&self.roles, &self.edges, &chain, &self.store, max).await?,
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
