//! System 2 roles on every parent→child edge of the tree: parent finalities carrying the
//! top-down messages (and validator configurations) into the child ([`down`]), bottom-up
//! checkpoints carrying the child's messages to its subnet actor ([`up`]), both certified by
//! the child's validators, who sign and publish them independently (the relayer holds no
//! validator key: it collects their signatures and submits when more than 2/3 of the weight
//! signed the same statement), and postbox propagation on every gateway ([`postbox`]).

mod down;
mod postbox;
mod up;

use std::collections::BTreeMap;

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::sol_types::SolValue;
use anyhow::Context as _;
use crossnet_sdk::ipc::{
    IpcEnvelope, MessageExecuted, MessageStoredInPostbox, NewBottomUpMessage, NewTopDownMessage,
    OutcomeType, ResultExecuted,
};
use serde::{Deserialize, Serialize};

pub use down::relay_down;
pub use postbox::propagate;
pub use up::relay_up;

use super::{Delivery, Roles};
use crate::client::{receipt_events, Client};
use crate::edge::Edge;
use crate::quorum::{certify, Certified};
use crate::statement::Kind;
use crate::store::Store;

/// A message as stored (the envelope, ABI-encoded).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnvelopePayload {
    /// `abi.encode(IpcEnvelope)`.
    pub envelope: Bytes,
    /// Its nonce in its stream.
    pub nonce: u64,
}

pub(crate) fn envelope(p: &EnvelopePayload) -> anyhow::Result<IpcEnvelope> {
    IpcEnvelope::abi_decode(&p.envelope).context("stored envelope")
}

pub(crate) fn store_id(id: B256, route: &str) -> String {
    format!("{id}@{route}")
}

/// Scans an edge for new top-down and bottom-up messages.
///
/// # Errors
/// RPC or store errors.
pub async fn scan(roles: &Roles, edge: &Edge, store: &Store) -> anyhow::Result<()> {
    let (parent, child) = roles.pair(&edge.parent, &edge.child)?;
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

fn outcome_name(outcome: u8) -> &'static str {
    match outcome {
        x if x == OutcomeType::Ok as u8 => "Ok",
        x if x == OutcomeType::SystemErr as u8 => "SystemErr",
        x if x == OutcomeType::ActorErr as u8 => "ActorErr",
        _ => "unknown",
    }
}

/// Records what a delivery did to each message it carried.
pub(crate) fn record_outcomes(
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

/// The statements of `kind` verified by `verifier` on `chain` above `after` that the
/// validators of `edge` certified (signers of more than 2/3 of `weights`), in order. Faults
/// of validators are logged and counted in the store.
///
/// # Errors
/// Store errors.
pub(crate) async fn certified(
    roles: &Roles,
    store: &Store,
    edge: &Edge,
    (kind, chain, verifier): (Kind, &Client, Address),
    weights: &BTreeMap<Address, U256>,
    after: u64,
) -> anyhow::Result<Vec<Certified>> {
    let published = edge.published();
    let collected = roles.collector.collect(&published, kind, verifier, after).await;
    let outcome = certify(kind, chain.chain_id, verifier, weights, &collected);
    let route = match kind {
        Kind::Checkpoint => edge.up(),
        Kind::Finality => edge.down(),
    };
    for fault in &outcome.faults {
        let reason = fault.kind.to_string();
        if store.record_fault(
            &fault.validator,
            &route,
            kind.as_str(),
            fault.height,
            &fault.digest,
            &reason,
        )? {
            tracing::warn!(
                validator = %fault.validator, %route, kind = kind.as_str(), height = fault.height,
                digest = %fault.digest, "validator fault, statement ignored: {reason}"
            );
        }
    }
    Ok(outcome.certified)
}

/// The validator set of configuration `number` of `program` (an actor or a parent-finality
/// program, both answer `validators(uint64)`), as address → weight.
///
/// # Errors
/// RPC errors.
pub(crate) async fn weights(
    chain: &Client,
    program: Address,
    number: u64,
) -> anyhow::Result<BTreeMap<Address, U256>> {
    let call = crate::bindings::ISubnetActor::validatorsCall { number };
    let set = chain
        .call_sol(program, &call)
        .await
        .map_err(|e| anyhow::anyhow!("validators({number}) of {program}: {e}"))?;
    Ok(set._0.into_iter().zip(set._1).collect())
}

/// The tracing ids of a certified statement's messages, with their store ids on `route`.
pub(crate) fn carried(msgs: &[IpcEnvelope], route: &str) -> Vec<(B256, String)> {
    msgs.iter().map(|e| (e.tracing_id(), store_id(e.tracing_id(), route))).collect()
}

/// Sends a certified statement with `call` data; the carried messages are marked submitting
/// first and get the outcome of the receipt.
pub(crate) async fn submit_certified(
    chain: &Client,
    store: &Store,
    to: Address,
    data: Vec<u8>,
    carried: &[(B256, String)],
    (route, max_attempts): (&str, u32),
) -> anyhow::Result<Option<Vec<Delivery>>> {
    let keys: Vec<String> = carried.iter().map(|(_, k)| k.clone()).collect();
    for key in &keys {
        store.mark_relayable(key)?;
        store.mark_submitting(key)?;
    }
    match super::submit_many(chain, store, &keys, to, data, None).await {
        Ok(receipt) => Ok(Some(record_outcomes(store, &receipt, carried, route)?)),
        Err(e) => {
            tracing::warn!(%route, "certified statement refused: {e}");
            for key in &keys {
                store.mark_attempt_failed(key, &e.to_string(), max_attempts)?;
            }
            Ok(None)
        }
    }
}

/// Marks the unfinished messages of `route` below `applied` delivered (by us before a restart,
/// or by another relayer) and returns the rest: (nonce, store id, waiting on a backoff).
pub(crate) fn reconcile(
    store: &Store,
    route: &str,
    applied: u64,
) -> anyhow::Result<Vec<(u64, String, bool)>> {
    let now = crate::store::now();
    let mut rest = Vec::new();
    for m in store.unfinished("ipc", route)? {
        let payload: EnvelopePayload = serde_json::from_str(&m.payload)?;
        if payload.nonce < applied {
            store.mark_relayed(&m.id, m.tx_hash.as_deref(), m.gas_used, "applied")?;
        } else {
            rest.push((payload.nonce, m.id, m.next_attempt_at > now));
        }
    }
    Ok(rest)
}

/// Bytes of a certified statement, with its signatories and signatures, for a submission.
pub(crate) fn parts(c: &Certified) -> (Bytes, Vec<Address>, Vec<Bytes>) {
    (c.statement.encoded.clone(), c.signatories.clone(), c.signatures.clone())
}
