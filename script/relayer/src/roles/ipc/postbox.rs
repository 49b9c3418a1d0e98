//! Postbox propagation: a message applied on a chain but bound further away waits in its
//! gateway's postbox (`MessageStoredInPostbox`) until `propagateAll` sends it on.

use alloy::primitives::B256;
use alloy::sol_types::{SolCall, SolValue};

use super::{envelope, store_id, EnvelopePayload};
use crate::bindings::{convert, IGateway, IGatewayExecutor};
use crate::edge::Edge;
use crate::roles::{Delivery, Roles};
use crate::store::Store;
use crossnet_sdk::ipc::MessageStoredInPostbox;

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
    match crate::roles::submit_many(client, store, &keys, gateway, call.abi_encode(), None).await {
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
