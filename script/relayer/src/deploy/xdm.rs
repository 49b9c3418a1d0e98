//! System 1 deployment: the passer and child messenger on the child, the state-commitment
//! chain, queue and parent messenger on the parent, wired to each other.

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolValue;
use anyhow::bail;

use super::Target;
use crate::bindings::{IL1CrossDomainMessenger, IL2CrossDomainMessenger};
use crate::config::XdmPair;
use crate::deployment::keys;

/// Deploys system 1 on `parent` and `child`.
///
/// # Errors
/// Any deployment or wiring failure.
pub async fn deploy_xdm(
    parent: &mut Target,
    child: &mut Target,
    xdm: &XdmPair,
    relayer: Address,
) -> anyhow::Result<()> {
    let owner = parent.client.from;
    let proposer = xdm.proposer.unwrap_or(relayer);
    let challenger = xdm.challenger.unwrap_or(owner);
    let sequencer = xdm.sequencer.unwrap_or(relayer);
    let passer = child.program(keys::PASSER, keys::PASSER, None).await?;
    let l2m = child.program(keys::L2M, keys::L2M, Some(owner.abi_encode())).await?;
    let scc = parent
        .program(
            &keys::scc(&xdm.child),
            "state-commitment-chain",
            Some((proposer, challenger, U256::from(xdm.fraud_proof_window)).abi_encode_params()),
        )
        .await?;
    let ctc = parent
        .program(
            &keys::ctc(&xdm.child),
            "canonical-transaction-chain",
            Some(U256::from(xdm.max_gas).abi_encode()),
        )
        .await?;
    let l1m = parent
        .program(&keys::l1m(&xdm.child), "l1-cross-domain-messenger", Some(owner.abi_encode()))
        .await?;
    let wired = parent
        .client
        .call_sol(l1m, &IL1CrossDomainMessenger::l2CrossDomainMessengerCall {})
        .await
        .map_err(|e| anyhow::anyhow!("reading the parent messenger: {e}"))?;
    if wired != Address::ZERO && wired != l2m {
        bail!("the parent messenger {l1m} is wired to another child messenger {wired}");
    }
    let init = IL1CrossDomainMessenger::initializeCall {
        l2_messenger: l2m,
        l2_message_passer: passer,
        state_commitment_chain: scc,
        transaction_queue: ctc,
    };
    parent
        .step(
            &format!("{}.initialize", keys::l1m(&xdm.child)),
            l1m,
            &init,
            U256::ZERO,
            wired == l2m,
        )
        .await?;
    let wired = child
        .client
        .call_sol(l2m, &IL2CrossDomainMessenger::l1CrossDomainMessengerCall {})
        .await
        .map_err(|e| anyhow::anyhow!("reading the child messenger: {e}"))?;
    if wired != Address::ZERO && wired != l1m {
        bail!("the child messenger {l2m} is wired to another parent messenger {wired}");
    }
    let init = IL2CrossDomainMessenger::initializeCall {
        l1_messenger: l1m,
        message_passer: passer,
        sequencer,
        allow_all_senders: xdm.allow_all_senders,
    };
    child.step(&format!("{}.initialize", keys::L2M), l2m, &init, U256::ZERO, wired == l1m).await
}
