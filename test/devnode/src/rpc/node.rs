//! What one server keeps besides the chain: unlocked keys, impersonated accounts, the
//! transaction pool (when automine is off), filters.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use alloy_consensus::TxEnvelope;
use alloy_primitives::{Address, Bytes, B256};
use alloy_rpc_types_eth::Filter;
use alloy_signer_local::PrivateKeySigner;

use super::RpcOptions;
use crate::chain::TxRequest;
use crate::Chain;

/// Most filters kept at once (the oldest is dropped beyond this).
pub(crate) const MAX_FILTERS: usize = 1024;

/// A transaction waiting for the next block (automine off).
#[derive(Debug, Clone)]
pub(crate) enum Pending {
    /// A signed transaction.
    Signed {
        /// Its hash.
        hash: B256,
        /// Its signed bytes.
        raw: Bytes,
        /// Decoded.
        envelope: Box<TxEnvelope>,
        /// Its recovered sender.
        from: Address,
    },
    /// An unsigned transaction from an impersonated account (nonce resolved).
    Unsigned {
        /// Its hash ([`Chain::unsigned_hash`]).
        hash: B256,
        /// The request.
        request: TxRequest,
    },
}

impl Pending {
    pub(crate) fn hash(&self) -> B256 {
        match self {
            Self::Signed { hash, .. } | Self::Unsigned { hash, .. } => *hash,
        }
    }

    pub(crate) fn from(&self) -> Address {
        match self {
            Self::Signed { from, .. } => *from,
            Self::Unsigned { request, .. } => request.from,
        }
    }
}

/// An installed filter.
#[derive(Debug, Clone)]
pub(crate) enum FilterKind {
    /// `eth_newFilter`: logs of blocks from `next` on.
    Logs { filter: Box<Filter>, next: u64 },
    /// `eth_newBlockFilter`: hashes of blocks from `next` on.
    Blocks { next: u64 },
    /// `eth_newPendingTransactionFilter`: pooled transactions not reported yet.
    Pending { seen: HashSet<B256> },
}

/// Mutable server state (locked after the chain: chain first, then this).
#[derive(Debug, Default)]
pub(crate) struct Extra {
    pub impersonated: HashSet<Address>,
    pub pool: Vec<Pending>,
    pub automine: bool,
    pub filters: BTreeMap<u64, FilterKind>,
    pub next_filter: u64,
}

/// One server's state.
#[derive(Debug)]
pub(crate) struct Node {
    pub chain: Arc<Mutex<Chain>>,
    pub options: RpcOptions,
    pub signers: Vec<PrivateKeySigner>,
    pub extra: Mutex<Extra>,
}

impl Node {
    pub(crate) fn new(chain: Arc<Mutex<Chain>>, options: RpcOptions) -> Self {
        let signers =
            options.unlocked.iter().filter_map(|k| PrivateKeySigner::from_bytes(k).ok()).collect();
        let extra = Extra { automine: options.automine, ..Extra::default() };
        Self { chain, options, signers, extra: Mutex::new(extra) }
    }

    /// Locks the chain (a panic in an earlier request does not make the chain unusable: its
    /// state only changes when a transaction is committed, after execution).
    pub(crate) fn chain(&self) -> MutexGuard<'_, Chain> {
        self.chain.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the server state (always after [`Self::chain`] when both are needed).
    pub(crate) fn extra(&self) -> MutexGuard<'_, Extra> {
        self.extra.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn signer(&self, address: Address) -> Option<&PrivateKeySigner> {
        self.signers.iter().find(|s| s.address() == address)
    }
}

/// Mines the pool, one block per transaction (Arbitrum-style), or one empty block when the
/// pool is empty. Transactions that became invalid are dropped (and logged).
pub(crate) fn mine_pool(chain: &mut Chain, extra: &mut Extra) -> usize {
    let pool = std::mem::take(&mut extra.pool);
    if pool.is_empty() {
        chain.mine(1);
        return 0;
    }
    let mut mined = 0;
    for pending in pool {
        let result = match &pending {
            Pending::Signed { raw, .. } => chain.send_raw(raw),
            Pending::Unsigned { request, .. } => chain.send(request.clone()),
        };
        match result {
            Ok(_) => mined += 1,
            Err(e) => tracing::warn!(hash = %pending.hash(), "dropped pooled transaction: {e}"),
        }
    }
    mined
}
