//! System 2 roles on every parent→child edge of the tree: parent finalities carrying the
//! top-down messages (and validator configurations) into the child, bottom-up checkpoints
//! carrying the child's messages to its subnet actor, both signed by the validator keys, and
//! postbox propagation on every gateway.

use std::collections::BTreeMap;

use alloy::primitives::{Address, Bytes, B256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync as _;
use alloy::sol_types::{SolCall, SolValue};
use anyhow::Context as _;
use crossnet_sdk::ipc::{
    digest::{checkpoint_digest, finality_digest},
    BottomUpCheckpoint, IpcEnvelope, MessageExecuted, MessageStoredInPostbox, NewBottomUpMessage,
    NewTopDownMessage, OutcomeType, ParentFinality, ResultExecuted, SubnetConfigured, SubnetID,
};
use serde::{Deserialize, Serialize};

use super::{Delivery, Roles};
use crate::bindings::{convert, IGateway, IGatewayExecutor, ISubnetActor, ITopDownFinality};
use crate::client::{receipt_events, Client};
use crate::config::IpcConfig;
use crate::deployment::{keys, Deployment};
use crate::store::Store;

/// Most top-down messages one parent finality carries.
pub const MAX_FINALITY_MSGS: usize = 32;
/// Most checkpoints one pass submits per edge (catching up after downtime).
pub const MAX_CHECKPOINTS_PER_PASS: usize = 64;

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
    /// The child's validators (the signer signs with those of its keys among them).
    pub validators: Vec<Address>,
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

    fn clients<'a>(&self, roles: &'a Roles) -> anyhow::Result<(&'a Client, &'a Client)> {
        Ok((roles.chain(&self.parent)?, roles.chain(&self.child)?))
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
            validators: subnet.validators.iter().map(|v| v.address).collect(),
        });
    }
    Ok(out)
}

/// A message as stored (the envelope, ABI-encoded).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvelopePayload {
    /// `abi.encode(IpcEnvelope)`.
    pub envelope: Bytes,
    /// Its nonce in its stream.
    pub nonce: u64,
}

fn envelope(p: &EnvelopePayload) -> anyhow::Result<IpcEnvelope> {
    IpcEnvelope::abi_decode(&p.envelope).context("stored envelope")
}

/// Keeps, from `items` sorted by nonce, the contiguous run starting at nonce `from` (only
/// such a run can be applied: a gap is refused on chain).
fn contiguous_from<T>(items: &mut Vec<T>, from: u64, nonce: impl Fn(&T) -> u64) {
    items.sort_by_key(&nonce);
    let mut expected = from;
    items.retain(|item| {
        let keep = nonce(item) == expected;
        if keep {
            expected += 1;
        }
        keep
    });
}

fn store_id(id: B256, route: &str) -> String {
    format!("{id}@{route}")
}

/// Scans an edge for new top-down and bottom-up messages.
///
/// # Errors
/// RPC or store errors.
pub async fn scan(roles: &Roles, edge: &Edge, store: &Store) -> anyhow::Result<()> {
    let (parent, child) = edge.clients(roles)?;
    let head = parent.block_number().await?;
    let cursor = format!("ipc.down.{}", edge.down());
    let from = store.cursor(&cursor)?.map_or(0, |c| c + 1);
    if from <= head {
        for (e, log) in parent.events::<NewTopDownMessage>(edge.parent_gateway, from, head).await? {
            if e.subnet != edge.actor {
                continue;
            }
            let payload = EnvelopePayload {
                envelope: e.message.abi_encode().into(),
                nonce: e.message.localNonce,
            };
            let block = log.block_number.unwrap_or(head);
            let route = edge.down();
            if store.insert(
                &store_id(e.id, &route),
                "ipc",
                &route,
                &serde_json::to_string(&payload)?,
                block,
            )? {
                tracing::info!(id = %e.id, %route, "top-down message seen");
            }
        }
        store.set_cursor(&cursor, head)?;
    }
    let head = child.block_number().await?;
    let cursor = format!("ipc.up.{}", edge.up());
    let from = store.cursor(&cursor)?.map_or(0, |c| c + 1);
    if from <= head {
        for (e, log) in child.events::<NewBottomUpMessage>(edge.child_gateway, from, head).await? {
            let payload = EnvelopePayload {
                envelope: e.message.abi_encode().into(),
                nonce: e.message.localNonce,
            };
            let block = log.block_number.unwrap_or(head);
            let route = edge.up();
            if store.insert(
                &store_id(e.id, &route),
                "ipc",
                &route,
                &serde_json::to_string(&payload)?,
                block,
            )? {
                tracing::info!(id = %e.id, %route, "bottom-up message seen");
            }
        }
        store.set_cursor(&cursor, head)?;
    }
    Ok(())
}

/// Sorted signatories and their 65-byte signatures of `digest`, by those of `validators`
/// that are in `set`.
fn sign(
    validators: &[PrivateKeySigner],
    set: &[Address],
    digest: B256,
) -> anyhow::Result<(Vec<Address>, Vec<Bytes>)> {
    let mut keys: Vec<&PrivateKeySigner> =
        validators.iter().filter(|k| set.contains(&k.address())).collect();
    keys.sort_by_key(|k| k.address());
    let mut addresses = Vec::new();
    let mut signatures = Vec::new();
    for key in keys {
        let sig = key.sign_hash_sync(&digest).context("signing")?;
        addresses.push(key.address());
        signatures.push(Bytes::from(sig.as_bytes().to_vec()));
    }
    Ok((addresses, signatures))
}

fn outcome_name(outcome: u8) -> &'static str {
    match outcome {
        x if x == OutcomeType::Ok as u8 => "Ok",
        x if x == OutcomeType::SystemErr as u8 => "SystemErr",
        x if x == OutcomeType::ActorErr as u8 => "ActorErr",
        _ => "unknown",
    }
}

/// Records what a delivery did to each message it carried.
fn record_outcomes(
    store: &Store,
    receipt: &alloy::rpc::types::TransactionReceipt,
    carried: &[(B256, String)],
    route: &str,
) -> anyhow::Result<Vec<Delivery>> {
    let executed: BTreeMap<B256, String> = receipt_events::<MessageExecuted>(receipt)
        .into_iter()
        .map(|e| (e.id, outcome_name(e.outcome).to_owned()))
        .chain(receipt_events::<ResultExecuted>(receipt).into_iter().map(|e| {
            (e.id, if e.delivered { "Result delivered" } else { "Result (not taken)" }.to_owned())
        }))
        .chain(
            receipt_events::<MessageStoredInPostbox>(receipt)
                .into_iter()
                .map(|e| (e.id, "stored in postbox".to_owned())),
        )
        .collect();
    let tx = format!("{}", receipt.transaction_hash);
    let mut out = Vec::new();
    for (id, key) in carried {
        let outcome = executed.get(id).cloned().unwrap_or_else(|| "applied".to_owned());
        store.mark_relayed(key, Some(&tx), Some(receipt.gas_used), &outcome)?;
        out.push(Delivery {
            id: format!("{id}"),
            route: route.to_owned(),
            gas: receipt.gas_used,
            outcome,
            proof_time: None,
        });
    }
    Ok(out)
}

/// Top-down: one parent finality with the pending configurations and messages, when any.
///
/// # Errors
/// RPC or store errors (a refused submission is recorded and retried).
pub async fn relay_down(
    roles: &Roles,
    edge: &Edge,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let (parent, child) = edge.clients(roles)?;
    let route = edge.down();
    let applied = child
        .call_sol(edge.child_gateway, &IGateway::getNoncesCall {})
        .await
        .map_err(|e| anyhow::anyhow!("child getNonces: {e}"))?
        ._1;
    let mut msgs: Vec<(u64, IpcEnvelope, String)> = Vec::new();
    let now = crate::store::now();
    let mut waiting = false;
    for m in store.unfinished("ipc", &route)? {
        let payload: EnvelopePayload = serde_json::from_str(&m.payload)?;
        if payload.nonce < applied {
            // Applied already (by us before a restart, or by another relayer).
            store.mark_relayed(&m.id, m.tx_hash.as_deref(), m.gas_used, "applied")?;
            continue;
        }
        if m.next_attempt_at > now {
            waiting = true;
        }
        msgs.push((payload.nonce, envelope(&payload)?, m.id));
    }
    if waiting {
        return Ok(Vec::new());
    }
    contiguous_from(&mut msgs, applied, |(n, _, _)| *n);
    msgs.truncate(MAX_FINALITY_MSGS);
    let adopted = child
        .call_sol(edge.finality, &ITopDownFinality::configurationNumberCall {})
        .await
        .map_err(|e| anyhow::anyhow!("configurationNumber: {e}"))?;
    let head = parent.block(None).await?;
    let configs: Vec<_> = parent
        .events::<SubnetConfigured>(edge.actor, 0, head.number)
        .await?
        .into_iter()
        .map(|(e, _)| e)
        .filter(|e| e.configurationNumber > adopted)
        .map(|e| e.config)
        .collect();
    if msgs.is_empty() && configs.is_empty() {
        return Ok(Vec::new());
    }
    let last = child
        .call_sol(edge.finality, &ITopDownFinality::lastFinalityCall {})
        .await
        .map_err(|e| anyhow::anyhow!("lastFinality: {e}"))?
        ._0;
    if head.number <= last {
        return Ok(Vec::new()); // wait for the parent's next block
    }
    for (_, _, key) in &msgs {
        store.mark_submitting(key)?;
    }
    let finality = ParentFinality {
        height: head.number,
        blockHash: head.hash,
        configs,
        msgs: msgs.iter().map(|(_, e, _)| e.clone()).collect(),
    };
    let digest = finality_digest(child.chain_id, edge.finality, &finality);
    let (signatories, signatures) = sign(&roles.validators, &edge.validators, digest)?;
    let call = ITopDownFinality::commitParentFinalityCall {
        finality: finality.abi_encode().into(),
        signatories,
        signatures,
    };
    let keys: Vec<String> = msgs.iter().map(|(_, _, k)| k.clone()).collect();
    match super::submit_many(child, store, &keys, edge.finality, call.abi_encode(), None).await {
        Ok(receipt) => {
            tracing::info!(
                %route, height = head.number, msgs = keys.len(), gas = receipt.gas_used,
                "parent finality committed"
            );
            let carried: Vec<(B256, String)> =
                msgs.iter().map(|(_, e, k)| (e.tracing_id(), k.clone())).collect();
            record_outcomes(store, &receipt, &carried, &route)
        }
        Err(e) => {
            tracing::warn!(%route, "parent finality refused: {e}");
            for key in &keys {
                store.mark_attempt_failed(key, &e.to_string(), max_attempts)?;
            }
            Ok(Vec::new())
        }
    }
}

/// Bottom-up: checkpoints at every period boundary the child has reached, while bottom-up
/// messages wait.
///
/// # Errors
/// RPC or store errors (a refused submission is recorded and retried).
pub async fn relay_up(
    roles: &Roles,
    edge: &Edge,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let (parent, child) = edge.clients(roles)?;
    let route = edge.up();
    let mut out = Vec::new();
    for _ in 0..MAX_CHECKPOINTS_PER_PASS {
        let pending = child
            .call_sol(edge.child_gateway, &IGateway::getNoncesCall {})
            .await
            .map_err(|e| anyhow::anyhow!("child getNonces: {e}"))?
            ._0;
        let applied = parent
            .call_sol(edge.parent_gateway, &IGateway::getSubnetCall { actor: edge.actor })
            .await
            .map_err(|e| anyhow::anyhow!("parent getSubnet: {e}"))?
            ._4;
        // Reconcile: everything below the applied nonce has been delivered; the rest waits.
        let mut unfinished = Vec::new();
        for m in store.unfinished("ipc", &route)? {
            let payload: EnvelopePayload = serde_json::from_str(&m.payload)?;
            if payload.nonce < applied {
                store.mark_relayed(&m.id, m.tx_hash.as_deref(), m.gas_used, "applied")?;
            } else {
                unfinished.push((payload, m.source_block));
            }
        }
        if applied >= pending {
            break;
        }
        let last = parent
            .call_sol(edge.actor, &ISubnetActor::lastCheckpointCall {})
            .await
            .map_err(|e| anyhow::anyhow!("lastCheckpoint: {e}"))?
            ._0;
        let boundary = (last / edge.period + 1) * edge.period;
        let head = child.block_number().await?;
        // The waiting messages by nonce (a contiguous run from the applied one), each with the
        // block it was emitted in.
        let mut waiting: Vec<(u64, u64, IpcEnvelope, B256)> = Vec::new();
        for (payload, block) in unfinished.into_iter().filter(|(_, block)| *block <= head) {
            let env = envelope(&payload)?;
            let id = env.tracing_id();
            waiting.push((payload.nonce, block, env, id));
        }
        contiguous_from(&mut waiting, applied, |(n, ..)| *n);
        let max = usize::try_from(edge.max_msgs).unwrap_or(usize::MAX);
        let full = waiting.len() >= max;
        if head < boundary && !full {
            // The child has not reached the boundary: those messages become relayable then.
            break;
        }
        let height = if head >= boundary {
            boundary
        } else {
            // An early cut of a full batch ends at the block of its last message.
            waiting.get(max - 1).map_or(boundary, |(_, block, ..)| (*block).max(last + 1))
        };
        let msgs: Vec<(IpcEnvelope, B256)> = waiting
            .into_iter()
            .filter(|(_, block, ..)| *block <= height)
            .take(max)
            .map(|(_, _, env, id)| (env, id))
            .collect();
        let configuration = child
            .call_sol(edge.finality, &ITopDownFinality::configurationNumberCall {})
            .await
            .map_err(|e| anyhow::anyhow!("configurationNumber: {e}"))?;
        let block = child.block(Some(height)).await?;
        let keys: Vec<String> = msgs.iter().map(|(_, id)| store_id(*id, &route)).collect();
        for key in &keys {
            store.mark_relayable(key)?;
            store.mark_submitting(key)?;
        }
        let checkpoint = BottomUpCheckpoint {
            subnetID: edge.child_id.clone(),
            blockHeight: height,
            blockHash: block.hash,
            nextConfigurationNumber: configuration,
            msgs: msgs.iter().map(|(e, _)| e.clone()).collect(),
        };
        let digest = checkpoint_digest(parent.chain_id, edge.actor, &checkpoint);
        let (signatories, signatures) = sign(&roles.validators, &edge.validators, digest)?;
        let call = ISubnetActor::submitCheckpointCall {
            checkpoint: checkpoint.abi_encode().into(),
            signatories,
            signatures,
        };
        match super::submit_many(parent, store, &keys, edge.actor, call.abi_encode(), None).await {
            Ok(receipt) => {
                tracing::info!(
                    %route, height, msgs = keys.len(), gas = receipt.gas_used,
                    "checkpoint submitted"
                );
                let carried: Vec<(B256, String)> =
                    msgs.iter().map(|(_, id)| (*id, store_id(*id, &route))).collect();
                out.extend(record_outcomes(store, &receipt, &carried, &route)?);
            }
            Err(e) => {
                tracing::warn!(%route, height, "checkpoint refused: {e}");
                for key in &keys {
                    store.mark_attempt_failed(key, &e.to_string(), max_attempts)?;
                }
                break;
            }
        }
    }
    Ok(out)
}

/// Forwards what waits in the postbox of the gateway on chain `role` (a chain name).
///
/// # Errors
/// RPC or store errors.
pub async fn propagate(
    roles: &Roles,
    edges: &[Edge],
    role: &str,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let client = roles.chain(role)?;
    let Some(gateway) = edges
        .iter()
        .find_map(|e| if e.parent == role { Some(e.parent_gateway) } else { None })
        .or_else(|| edges.iter().find(|e| e.child == role).map(|e| e.child_gateway))
    else {
        return Ok(Vec::new());
    };
    let route = format!("postbox@{role}");
    let head = client.block_number().await?;
    let cursor = format!("ipc.postbox.{role}");
    let from = store.cursor(&cursor)?.map_or(0, |c| c + 1);
    if from <= head {
        for (e, log) in client.events::<MessageStoredInPostbox>(gateway, from, head).await? {
            let payload = EnvelopePayload {
                envelope: e.message.abi_encode().into(),
                nonce: e.message.localNonce,
            };
            let block = log.block_number.unwrap_or(head);
            store.insert(
                &store_id(e.id, &route),
                "ipc",
                &route,
                &serde_json::to_string(&payload)?,
                block,
            )?;
        }
        store.set_cursor(&cursor, head)?;
    }
    let mut waiting = Vec::new();
    for m in store.unfinished("ipc", &route)? {
        let payload: EnvelopePayload = serde_json::from_str(&m.payload)?;
        let env = envelope(&payload)?;
        let id = env.tracing_id();
        let kept = client
            .call_sol(gateway, &IGateway::postboxCall { id })
            .await
            .map_err(|e| anyhow::anyhow!("postbox: {e}"))?;
        if kept == B256::ZERO {
            store.mark_relayed(&m.id, m.tx_hash.as_deref(), m.gas_used, "propagated")?;
        } else {
            waiting.push((env, m.id));
        }
    }
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = waiting.iter().map(|(_, k)| k.clone()).collect();
    for key in &keys {
        store.mark_relayable(key)?;
        store.mark_submitting(key)?;
    }
    let call = IGatewayExecutor::propagateAllCall {
        envelopes: waiting.iter().map(|(e, _)| convert(e)).collect(),
    };
    match super::submit_many(client, store, &keys, gateway, call.abi_encode(), None).await {
        Ok(receipt) => {
            tracing::info!(%route, msgs = keys.len(), gas = receipt.gas_used, "postbox propagated");
            let tx = format!("{}", receipt.transaction_hash);
            let mut out = Vec::new();
            for (env, key) in &waiting {
                store.mark_relayed(key, Some(&tx), Some(receipt.gas_used), "propagated")?;
                out.push(Delivery {
                    id: format!("{}", env.tracing_id()),
                    route: route.clone(),
                    gas: receipt.gas_used,
                    outcome: "propagated".into(),
                    proof_time: None,
                });
            }
            Ok(out)
        }
        Err(e) => {
            tracing::warn!(%route, "propagateAll refused: {e}");
            for key in &keys {
                store.mark_attempt_failed(key, &e.to_string(), max_attempts)?;
            }
            Ok(Vec::new())
        }
    }
}
