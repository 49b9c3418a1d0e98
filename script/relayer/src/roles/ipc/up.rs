//! Bottom-up: checkpoints, certified by the child's validators, submitted to the child's actor
//! on the parent. The child gateway cuts a batch at every period boundary (or early when
//! full), so every checkpoint height must be submitted in order, empty ones too, while
//! messages wait (see [`crate::statement`]).

use alloy::sol_types::{SolCall, SolValue};
use crossnet_sdk::ipc::BottomUpCheckpoint;

use super::{carried, certified, parts, reconcile, submit_certified, weights};
use crate::bindings::{IGateway, ISubnetActor};
use crate::edge::Edge;
use crate::roles::{Delivery, Roles};
use crate::statement::Kind;
use crate::store::Store;

/// Most checkpoints one pass submits per edge (catching up after downtime).
pub const MAX_CHECKPOINTS_PER_PASS: usize = 64;

/// Submits the certified checkpoints of `edge` while bottom-up messages wait, in order.
///
/// # Errors
/// RPC or store errors (a refused submission is recorded and retried).
pub async fn relay_up(
    roles: &Roles,
    edge: &Edge,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let (parent, child) = roles.pair(&edge.parent, &edge.child)?;
    let route = edge.up();
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
    let waiting = reconcile(store, &route, applied)?;
    if applied >= pending || waiting.iter().any(|(_, _, backoff)| *backoff) {
        return Ok(Vec::new());
    }
    let last = parent
        .call_sol(edge.actor, &ISubnetActor::lastCheckpointCall {})
        .await
        .map_err(|e| anyhow::anyhow!("lastCheckpoint: {e}"))?
        ._0;
    let confirmed = parent
        .call_sol(edge.actor, &ISubnetActor::configurationNumbersCall {})
        .await
        .map_err(|e| anyhow::anyhow!("configurationNumbers: {e}"))?
        ._1;
    let set = weights(parent, edge.actor, confirmed).await?;
    let verifier = (Kind::Checkpoint, parent, edge.actor);
    let mut next = applied;
    let mut out = Vec::new();
    let certified = certified(roles, store, edge, verifier, &set, last).await?;
    for c in certified.iter().take(MAX_CHECKPOINTS_PER_PASS) {
        if next >= pending {
            break;
        }
        let checkpoint = BottomUpCheckpoint::abi_decode(&c.statement.encoded)?;
        if let Some(first) = checkpoint.msgs.first().filter(|m| m.localNonce != next) {
            tracing::warn!(
                %route, height = checkpoint.blockHeight, first = first.localNonce,
                expected = next, "certified checkpoint does not continue the stream; waiting"
            );
            break;
        }
        let carried = carried(&checkpoint.msgs, &route);
        let (bytes, signatories, signatures) = parts(c);
        let call =
            ISubnetActor::submitCheckpointCall { checkpoint: bytes, signatories, signatures };
        let sent = submit_certified(
            parent,
            store,
            edge.actor,
            call.abi_encode(),
            &carried,
            (&route, max_attempts),
        )
        .await?;
        let Some(deliveries) = sent else { break };
        tracing::info!(
            %route, height = checkpoint.blockHeight, msgs = checkpoint.msgs.len(),
            signers = c.signatories.len(), "checkpoint submitted"
        );
        next += checkpoint.msgs.len() as u64;
        out.extend(deliveries);
    }
    Ok(out)
}
