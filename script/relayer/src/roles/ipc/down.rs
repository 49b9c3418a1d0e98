//! Top-down: parent finalities, certified by the child's validators, committed on the child.
//! Each commits a final parent block with the configurations and top-down messages emitted up
//! to it (see [`crate::statement`]); the relayer submits them in order while messages or
//! configurations wait.

use alloy::sol_types::{SolCall, SolValue};
use crossnet_sdk::ipc::ParentFinality;

use super::{carried, certified, parts, reconcile, submit_certified, weights};
use crate::bindings::{IGateway, ISubnetActor, ITopDownFinality};
use crate::edge::Edge;
use crate::roles::{Delivery, Roles};
use crate::statement::Kind;
use crate::store::Store;

/// Submits the certified parent finalities of `edge` the child needs, in order.
///
/// # Errors
/// RPC or store errors (a refused submission is recorded and retried).
pub async fn relay_down(
    roles: &Roles,
    edge: &Edge,
    store: &Store,
    max_attempts: u32,
) -> anyhow::Result<Vec<Delivery>> {
    let (parent, child) = roles.pair(&edge.parent, &edge.child)?;
    let route = edge.down();
    let applied = child
        .call_sol(edge.child_gateway, &IGateway::getNoncesCall {})
        .await
        .map_err(|e| anyhow::anyhow!("child getNonces: {e}"))?
        ._1;
    let waiting = reconcile(store, &route, applied)?;
    if waiting.iter().any(|(_, _, backoff)| *backoff) {
        return Ok(Vec::new());
    }
    let adopted = child
        .call_sol(edge.finality, &ITopDownFinality::configurationNumberCall {})
        .await
        .map_err(|e| anyhow::anyhow!("configurationNumber: {e}"))?;
    let configured = parent
        .call_sol(edge.actor, &ISubnetActor::configurationNumbersCall {})
        .await
        .map_err(|e| anyhow::anyhow!("configurationNumbers: {e}"))?
        ._0;
    if waiting.is_empty() && configured <= adopted {
        return Ok(Vec::new());
    }
    let last = child
        .call_sol(edge.finality, &ITopDownFinality::lastFinalityCall {})
        .await
        .map_err(|e| anyhow::anyhow!("lastFinality: {e}"))?
        ._0;
    let set = weights(child, edge.finality, adopted).await?;
    let verifier = (Kind::Finality, child, edge.finality);
    let mut next = applied;
    let mut out = Vec::new();
    for c in certified(roles, store, edge, verifier, &set, last).await? {
        let finality = ParentFinality::abi_decode(&c.statement.encoded)?;
        if let Some(first) = finality.msgs.first().filter(|m| m.localNonce != next) {
            tracing::warn!(
                %route, height = finality.height, first = first.localNonce, expected = next,
                "certified finality does not continue the child's stream; waiting"
            );
            break;
        }
        let carried = carried(&finality.msgs, &route);
        let (bytes, signatories, signatures) = parts(&c);
        let call =
            ITopDownFinality::commitParentFinalityCall { finality: bytes, signatories, signatures };
        let sent = submit_certified(
            child,
            store,
            edge.finality,
            call.abi_encode(),
            &carried,
            (&route, max_attempts),
        )
        .await?;
        let Some(deliveries) = sent else { break };
        tracing::info!(
            %route, height = finality.height, msgs = finality.msgs.len(),
            configs = finality.configs.len(), signers = c.signatories.len(),
            "parent finality committed"
        );
        next += finality.msgs.len() as u64;
        out.extend(deliveries);
    }
    Ok(out)
}
