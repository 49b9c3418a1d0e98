//! The roles of the relay daemon, per system: [`xdm`] (system 1: scanning, the proposer, the
//! relayer both ways) and [`ipc`] (system 2: parent finalities, checkpoints, postbox
//! propagation on every edge of the tree), and what they share: the chain clients and the
//! submission of a delivery with its hash stored before the receipt is awaited.

pub mod ipc;
pub mod xdm;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context as _;

use alloy::primitives::{Address, U256};
use alloy::rpc::types::TransactionReceipt;

use crate::client::{Client, TxError};
use crate::store::Store;

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

/// What the roles work with: every chain of the config by name, with the relayer key (which
/// is also the proposer's), and the collector of validator signatures.
#[derive(Clone, Debug, Default)]
pub struct Roles {
    /// Chains by name.
    pub chains: BTreeMap<String, Client>,
    /// Fetches what validators published.
    pub collector: Collector,
}

impl Roles {
    /// The client of chain `name`.
    ///
    /// # Errors
    /// A chain the config does not name.
    pub fn chain(&self, name: &str) -> anyhow::Result<&Client> {
        self.chains.get(name).with_context(|| format!("no chain {name} in the config"))
    }

    /// The clients of chains `a` and `b`.
    ///
    /// # Errors
    /// A chain the config does not name.
    pub fn pair(&self, a: &str, b: &str) -> anyhow::Result<(&Client, &Client)> {
        Ok((self.chain(a)?, self.chain(b)?))
    }
}

/// Collects validator signatures over HTTP.
#[derive(Clone, Debug, Default)]
pub struct Collector {
    http: alloy::transports::http::reqwest::Client,
    timeout: Duration,
}

impl Collector {
    /// A collector giving each validator `timeout` to answer.
    #[must_use]
    pub fn new(timeout: Duration) -> Self {
        Self { http: alloy::transports::http::reqwest::Client::new(), timeout }
    }

    /// What `validators` published of `kind` for `verifier` above `after`.
    pub async fn collect(
        &self,
        validators: &[(Address, String)],
        kind: crate::statement::Kind,
        verifier: Address,
        after: u64,
    ) -> Vec<crate::signatures::Collected> {
        let timeout = if self.timeout.is_zero() { Duration::from_secs(2) } else { self.timeout };
        crate::signatures::collect(&self.http, validators, kind, verifier, after, timeout).await
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
