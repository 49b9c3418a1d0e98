//! System 1 roles on one parent/child pair: the proposer (state-root batches on the parent), the relayer child→parent
//! (proofs from `eth_getProof` once the fraud-proof window has passed) and parent→child (queue
//! entries delivered by the sequencer).

use std::collections::BTreeMap;

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::sol_types::{SolCall, SolType, SolValue};
use anyhow::Context as _;
use crossnet_sdk::client::{relay_proof, XdmMessage};
use crossnet_sdk::xdm::{
    ChainBatchHeader, FailedRelayedMessage, RelayedMessage, SentMessage, StateBatchAppended,
    TransactionEnqueued,
};
use serde::{Deserialize, Serialize};

use super::{Delivery, Roles};
use crate::bindings::{
    IL1CrossDomainMessenger as L1, IL2CrossDomainMessenger as L2, IStateCommitmentChain as Scc,
};
use crate::client::{receipt_events, Client};
use crate::config::XdmPair;
use crate::deployment::{keys, Deployment};
use crate::store::{Status, Store};

/// One system 1 pair as deployed.
#[derive(Debug, Clone)]
pub struct Xdm {
    /// The parent chain's name.
    pub parent: String,
    /// The child chain's name.
    pub child: String,
    /// Child: the passer.
    pub passer: Address,
    /// Child: the messenger.
    pub l2m: Address,
    /// Parent: the messenger.
    pub l1m: Address,
    /// Parent: the state-commitment chain.
    pub scc: Address,
    /// Parent: the queue.
    pub ctc: Address,
}

impl Xdm {
    /// Reads the addresses of `pair` from the deployment records (by chain name).
    ///
    /// # Errors
    /// A chain or program missing from the records.
    pub fn from_records(
        pair: &XdmPair,
        records: &BTreeMap<String, Deployment>,
    ) -> anyhow::Result<Self> {
        let record = |name: &str| {
            records.get(name).with_context(|| format!("no deployment record of chain {name}"))
        };
        let (parent, child) = (record(&pair.parent)?, record(&pair.child)?);
        Ok(Self {
            parent: pair.parent.clone(),
            child: pair.child.clone(),
            passer: child.address(keys::PASSER)?,
            l2m: child.address(keys::L2M)?,
            l1m: parent.address(&keys::l1m(&pair.child))?,
            scc: parent.address(&keys::scc(&pair.child))?,
            ctc: parent.address(&keys::ctc(&pair.child))?,
        })
    }

    /// Route of child→parent messages (`alpha->root`).
    #[must_use]
    pub fn up(&self) -> String {
        format!("{}->{}", self.child, self.parent)
    }

    /// Route of parent→child messages (`root->alpha`).
    #[must_use]
    pub fn down(&self) -> String {
        format!("{}->{}", self.parent, self.child)
    }

    fn cursor(&self, what: &str) -> String {
        format!("xdm.{}.{what}", self.child)
    }

    fn clients<'a>(&self, roles: &'a Roles) -> anyhow::Result<(&'a Client, &'a Client)> {
        roles.pair(&self.parent, &self.child)
    }
}

/// A child→parent message as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpPayload {
    /// Target on the parent.
    pub target: Address,
    /// Sender on the child.
    pub sender: Address,
    /// Calldata.
    pub message: Bytes,
    /// Nonce.
    pub nonce: U256,
}

impl UpPayload {
    fn message(&self) -> XdmMessage {
        XdmMessage {
            target: self.target,
            sender: self.sender,
            message: self.message.clone(),
            nonce: self.nonce,
        }
    }
}

/// A parent→child queue entry as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DownPayload {
    /// Queue index.
    pub queue_index: U256,
    /// Child gas limit.
    pub gas_limit: U256,
    /// The child messenger calldata.
    pub data: Bytes,
}

/// A proposed batch as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchPayload {
    /// Header (from `StateBatchAppended`).
    pub header: HeaderJson,
    /// Child blocks of the roots.
    pub blocks: Vec<u64>,
    /// The roots.
    pub roots: Vec<B256>,
}

/// `ChainBatchHeader` in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeaderJson {
    /// Index.
    pub batch_index: U256,
    /// Merkle root.
    pub batch_root: B256,
    /// Size.
    pub batch_size: U256,
    /// Elements before.
    pub prev_total_elements: U256,
    /// Extra data.
    pub extra_data: Bytes,
}

impl From<&HeaderJson> for ChainBatchHeader {
    fn from(h: &HeaderJson) -> Self {
        Self {
            batchIndex: h.batch_index,
            batchRoot: h.batch_root,
            batchSize: h.batch_size,
            prevTotalElements: h.prev_total_elements,
            extraData: h.extra_data.clone(),
        }
    }
}

fn scc_header(h: &ChainBatchHeader) -> Scc::ChainBatchHeader {
    Scc::ChainBatchHeader {
        batchIndex: h.batchIndex,
        batchRoot: h.batchRoot,
        batchSize: h.batchSize,
        prevTotalElements: h.prevTotalElements,
        extraData: h.extraData.clone(),
    }
}

/// Scans both chains for new messages.
///
/// # Errors
/// RPC or store errors.
pub async fn scan(roles: &Roles, xdm: &Xdm, store: &Store) -> anyhow::Result<()> {
    let (parent, child) = xdm.clients(roles)?;
    let (up, down) = (xdm.up(), xdm.down());
    let child_head = child.block_number().await?;
    let from = store.cursor(&xdm.cursor("child"))?.map_or(0, |c| c + 1);
    if from <= child_head {
        for (event, log) in child.events::<SentMessage>(xdm.l2m, from, child_head).await? {
            let payload = UpPayload {
                target: event.target,
                sender: event.sender,
                message: event.message.clone(),
                nonce: event.messageNonce,
            };
            // The same bytes can cross both ways (same sender, target and nonce on each side):
            // the route is part of the key.
            let id = format!("{}@{up}", keccak256(payload.message().bytes()));
            let block = log.block_number.unwrap_or(child_head);
            if store.insert(&id, "xdm", &up, &serde_json::to_string(&payload)?, block)? {
                tracing::info!(%id, block, route = %up, "message seen");
            }
        }
        store.set_cursor(&xdm.cursor("child"), child_head)?;
    }
    let parent_head = parent.block_number().await?;
    let from = store.cursor(&xdm.cursor("parent"))?.map_or(0, |c| c + 1);
    if from <= parent_head {
        for (event, log) in parent.events::<TransactionEnqueued>(xdm.ctc, from, parent_head).await?
        {
            // Only the parent messenger's entries (its aliased address is the queue origin) for
            // the child messenger are ours to deliver.
            let origin = crossnet_sdk::alias::apply_l1_to_l2_alias(xdm.l1m);
            if event.l1TxOrigin != origin || event.target != xdm.l2m {
                continue;
            }
            let payload = DownPayload {
                queue_index: event.queueIndex,
                gas_limit: event.gasLimit,
                data: event.data.clone(),
            };
            let id = format!("{}@{down}", keccak256(&payload.data));
            let block = log.block_number.unwrap_or(parent_head);
            if store.insert(&id, "xdm", &down, &serde_json::to_string(&payload)?, block)? {
                tracing::info!(%id, queue_index = %event.queueIndex, route = %down, "message seen");
            }
        }
        store.set_cursor(&xdm.cursor("parent"), parent_head)?;
    }
    Ok(())
}

/// The proposer: appends the latest child state root when a pending child→parent message is
/// not covered by a batch yet (or every `every_secs` when set).
///
/// # Errors
/// RPC, store or contract errors.
pub async fn propose(
    roles: &Roles,
    xdm: &Xdm,
    store: &Store,
    every_secs: u64,
) -> anyhow::Result<Option<u64>> {
    let (parent, child) = xdm.clients(roles)?;
    let batches = store.batches(&xdm.child)?;
    let covered = batches
        .last()
        .and_then(|(_, p)| serde_json::from_str::<BatchPayload>(p).ok())
        .and_then(|b| b.blocks.last().copied());
    let uncovered = store
        .with_status("xdm", &xdm.up(), Status::Pending)?
        .iter()
        .any(|m| covered.is_none_or(|c| m.source_block > c));
    let heartbeat = every_secs > 0
        && store
            .cursor(&xdm.cursor("last_proposal"))?
            .is_none_or(|t| crate::store::now() as u64 >= t + every_secs);
    if !uncovered && !heartbeat {
        return Ok(None);
    }
    let head = child.block(None).await?;
    if covered.is_some_and(|c| head.number <= c) {
        return Ok(None);
    }
    let start = parent
        .call_sol(xdm.scc, &Scc::getTotalElementsCall {})
        .await
        .map_err(|e| anyhow::anyhow!("reading the state-commitment chain: {e}"))?;
    let call =
        Scc::appendStateBatchCall { batch: vec![head.state_root], should_start_at_element: start };
    let receipt = parent
        .send_sol(xdm.scc, &call)
        .await
        .map_err(|e| anyhow::anyhow!("appendStateBatch: {e}"))?;
    let event = receipt_events::<StateBatchAppended>(&receipt)
        .pop()
        .context("appendStateBatch emitted no StateBatchAppended")?;
    let index: u64 = event.batchIndex.try_into().unwrap_or(u64::MAX);
    let payload = BatchPayload {
        header: HeaderJson {
            batch_index: event.batchIndex,
            batch_root: event.batchRoot,
            batch_size: event.batchSize,
            prev_total_elements: event.prevTotalElements,
            extra_data: event.extraData.clone(),
        },
        blocks: vec![head.number],
        roots: vec![head.state_root],
    };
    store.put_batch(&xdm.child, index, &serde_json::to_string(&payload)?)?;
    store.set_cursor(&xdm.cursor("last_proposal"), crate::store::now() as u64)?;
    tracing::info!(
        pair = %xdm.up(),
        batch = index,
        child_block = head.number,
        gas = receipt.gas_used,
        "state batch appended"
    );
    Ok(Some(index))
}

/// The relayer, child→parent: relays every message whose batch is past the window.
///
/// # Errors
/// RPC or store errors (a refused delivery is recorded, not returned).
pub async fn relay_up(
    roles: &Roles,
    xdm: &Xdm,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let (parent, child) = xdm.clients(roles)?;
    let route = xdm.up();
    let batches: Vec<BatchPayload> = store
        .batches(&xdm.child)?
        .iter()
        .filter_map(|(_, p)| serde_json::from_str(p).ok())
        .collect();
    let mut out = Vec::new();
    let todo = store.unfinished("xdm", &route)?;
    let now = crate::store::now();
    // First every message whose batch is past the window becomes relayable (so the time to
    // relayed includes waiting behind the others), then they are relayed in order.
    let mut ready = Vec::new();
    for m in todo {
        if m.next_attempt_at > now {
            continue;
        }
        let payload: UpPayload = serde_json::from_str(&m.payload)?;
        let message = payload.message();
        let hash = keccak256(message.bytes());
        // Already relayed (by us before a restart, or by anyone): record and move on.
        if let Some(outcome) = parent_outcome(parent, xdm.l1m, hash).await? {
            if m.status != Status::Relayed {
                store.mark_relayed(&m.id, m.tx_hash.as_deref(), m.gas_used, outcome)?;
            }
            continue;
        }
        let Some(batch) = batches.iter().find(|b| b.blocks.iter().any(|&n| n >= m.source_block))
        else {
            continue;
        };
        let header = ChainBatchHeader::from(&batch.header);
        let inside = parent
            .call_sol(
                xdm.scc,
                &Scc::insideFraudProofWindowCall { batch_header: scc_header(&header) },
            )
            .await
            .map_err(|e| anyhow::anyhow!("insideFraudProofWindow: {e}"))?;
        if inside {
            continue;
        }
        store.mark_relayable(&m.id)?;
        ready.push((m, message, batch, header));
    }
    for (m, message, batch, header) in ready {
        let index = batch.blocks.iter().position(|&n| n >= m.source_block).unwrap_or(0);
        let started = std::time::Instant::now();
        let slot = message.passer_slot(xdm.l2m);
        let proof = child.proof(xdm.passer, vec![slot], batch.blocks[index]).await?;
        let storage = proof.storage_proof.first().map(|s| s.proof.clone()).unwrap_or_default();
        let proof = relay_proof(header, &batch.roots, index, proof.account_proof, storage)
            .context("batch index")?;
        let proof_time = started.elapsed();
        let proof = <L1::L2MessageInclusionProof as SolType>::abi_decode(&proof.abi_encode())
            .context("proof ABI")?;
        let call = L1::relayMessage_0Call {
            target: message.target,
            sender: message.sender,
            message: message.message.clone(),
            message_nonce: message.nonce,
            proof,
        };
        let data = call.abi_encode();
        let gas = match up_gas(parent, xdm.l1m, &data).await {
            Ok(gas) => gas,
            Err(e) => {
                let status = store.mark_attempt_failed(&m.id, &e.to_string(), max_attempts)?;
                tracing::warn!(id = %m.id, %route, ?status, "relay refused: {e}");
                continue;
            }
        };
        store.mark_submitting(&m.id)?;
        match super::submit(parent, store, &m.id, xdm.l1m, data, Some(gas)).await {
            Ok(receipt) => {
                let outcome = if receipt_events::<RelayedMessage>(&receipt).is_empty() {
                    "target failed (retry with the 4-argument relayMessage)"
                } else {
                    "ok"
                };
                let tx = format!("{}", receipt.transaction_hash);
                store.mark_relayed(&m.id, Some(&tx), Some(receipt.gas_used), outcome)?;
                tracing::info!(id = %m.id, %route, %tx, gas = receipt.gas_used, outcome, "relayed");
                out.push(Delivery {
                    id: m.id.clone(),
                    route: route.clone(),
                    gas: receipt.gas_used,
                    outcome: outcome.into(),
                    proof_time: Some(proof_time),
                });
            }
            Err(e) => {
                let status = store.mark_attempt_failed(&m.id, &e.to_string(), max_attempts)?;
                tracing::warn!(id = %m.id, %route, ?status, "relay failed: {e}");
            }
        }
    }
    Ok(out)
}

/// The sender the parent messenger treats as a gas estimation (a failing target then reverts
/// the estimate instead of being recorded as failed).
const ESTIMATION_ORIGIN: Address = Address::with_last_byte(1);
/// Gas for a relay whose target fails even with ample gas (recorded as failed on chain, so
/// anyone can retry it later).
const FAILING_TARGET_GAS: u64 = 2_000_000;

/// Gas for a child→parent relay: estimated so that the target succeeds (the messenger
/// records a target that ran out of gas as failed, so a bare estimate is not enough).
async fn up_gas(parent: &Client, l1m: Address, data: &[u8]) -> anyhow::Result<u64> {
    match parent.estimate(ESTIMATION_ORIGIN, l1m, data.to_vec()).await {
        Ok(est) => Ok(est + est / 5 + 50_000),
        Err(_) => {
            // Either the relay itself is refused (bad proof, window, replay) or the target
            // fails whatever the gas: tell them apart with a plain estimate.
            parent
                .estimate(parent.from, l1m, data.to_vec())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(FAILING_TARGET_GAS)
        }
    }
}

/// `Some(outcome)` when the parent messenger has relayed `hash`.
async fn parent_outcome(
    parent: &Client,
    l1m: Address,
    hash: B256,
) -> anyhow::Result<Option<&'static str>> {
    let ok = parent
        .call_sol(l1m, &L1::successfulMessagesCall { msg_hash: hash })
        .await
        .map_err(|e| anyhow::anyhow!("successfulMessages: {e}"))?;
    if ok {
        return Ok(Some("ok"));
    }
    let failed = parent
        .call_sol(l1m, &L1::failedMessagesCall { msg_hash: hash })
        .await
        .map_err(|e| anyhow::anyhow!("failedMessages: {e}"))?;
    Ok(failed.then_some("target failed (retry with the 4-argument relayMessage)"))
}

/// The relayer, parent→child: the sequencer delivers each queue entry.
///
/// # Errors
/// RPC or store errors (a refused delivery is recorded, not returned).
pub async fn relay_down(
    roles: &Roles,
    xdm: &Xdm,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let child = roles.chain(&xdm.child)?;
    let route = xdm.down();
    let mut out = Vec::new();
    let todo = store.unfinished("xdm", &route)?;
    let now = crate::store::now();
    let mut ready = Vec::new();
    for m in todo {
        if m.next_attempt_at > now {
            continue;
        }
        let payload: DownPayload = serde_json::from_str(&m.payload)?;
        let hash = keccak256(&payload.data);
        let ok = child
            .call_sol(xdm.l2m, &L2::successfulMessagesCall { msg_hash: hash })
            .await
            .map_err(|e| anyhow::anyhow!("successfulMessages: {e}"))?;
        let failed = child
            .call_sol(xdm.l2m, &L2::failedMessagesCall { msg_hash: hash })
            .await
            .map_err(|e| anyhow::anyhow!("failedMessages: {e}"))?;
        if ok || failed {
            let outcome = if ok { "ok" } else { "target failed" };
            if m.status != Status::Relayed {
                store.mark_relayed(&m.id, m.tx_hash.as_deref(), m.gas_used, outcome)?;
            }
            continue;
        }
        store.mark_relayable(&m.id)?;
        ready.push((m, payload));
    }
    for (m, payload) in ready {
        // The sequencer gives the entry its gas limit on top of the messenger's own needs.
        let limit: u64 = payload.gas_limit.try_into().unwrap_or(u64::MAX / 4);
        let gas = match child.estimate(child.from, xdm.l2m, payload.data.to_vec()).await {
            Ok(est) => est.saturating_add(limit),
            Err(e) => {
                let status = store.mark_attempt_failed(&m.id, &e.to_string(), max_attempts)?;
                tracing::warn!(id = %m.id, %route, ?status, "relay refused: {e}");
                continue;
            }
        };
        store.mark_submitting(&m.id)?;
        match super::submit(child, store, &m.id, xdm.l2m, payload.data.to_vec(), Some(gas)).await {
            Ok(receipt) => {
                let outcome = if receipt_events::<FailedRelayedMessage>(&receipt).is_empty() {
                    "ok"
                } else {
                    "target failed"
                };
                let tx = format!("{}", receipt.transaction_hash);
                store.mark_relayed(&m.id, Some(&tx), Some(receipt.gas_used), outcome)?;
                tracing::info!(id = %m.id, %route, %tx, gas = receipt.gas_used, outcome, "relayed");
                out.push(Delivery {
                    id: m.id.clone(),
                    route: route.clone(),
                    gas: receipt.gas_used,
                    outcome: outcome.into(),
                    proof_time: None,
                });
            }
            Err(e) => {
                let status = store.mark_attempt_failed(&m.id, &e.to_string(), max_attempts)?;
                tracing::warn!(id = %m.id, %route, ?status, "relay failed: {e}");
            }
        }
    }
    Ok(out)
}
