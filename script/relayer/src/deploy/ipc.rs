//! System 2 deployment on the subnet tree: a gateway (with its executor) on every chain, then
//! for every child subnet, parents first, its actor on the parent (registered with
//! collateral), its gateway and its parent-finality program; then the linked-token examples.

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolValue;
use anyhow::Context as _;
use crossnet_sdk::ipc::SubnetID;

use super::{linked_token, take, Target, Targets};
use crate::bindings::{IGateway, ISubnetActor};
use crate::config::{IpcConfig, SubnetConfig};
use crate::deployment::keys;

/// Checkpoint period and batch size of a root's gateway (it cuts no bottom-up batches, but
/// the constructor wants positive values).
const ROOT_PERIOD: u64 = 5;
const ROOT_MAX_MSGS: u64 = 10;

/// Deploys a gateway (and its executor) for subnet `id` on `target`, cutting bottom-up
/// batches every `period` blocks or at `max_msgs` messages.
async fn gateway(
    target: &mut Target,
    ipc: &IpcConfig,
    id: &SubnetID,
    period: u64,
    max_msgs: u64,
) -> anyhow::Result<Address> {
    let owner = target.client.from;
    let executor = target.program(keys::GATEWAY_EXECUTOR, keys::GATEWAY_EXECUTOR, None).await?;
    let args = (owner, id.clone(), period, max_msgs, ipc.execution_gas, executor);
    target.record.subnet = Some(id.into());
    target.program(keys::GATEWAY, keys::GATEWAY, Some(args.abi_encode_params())).await
}

/// Deploys system 2 on the tree of `ipc` over `targets`.
///
/// # Errors
/// Any deployment or wiring failure, with the chain named.
pub async fn deploy_ipc(targets: &mut Targets, ipc: &IpcConfig) -> anyhow::Result<()> {
    for chain in ipc.chains() {
        match ipc.subnets.get(&chain) {
            None => {
                let root = targets.get_mut(&chain).with_context(|| format!("no chain {chain}"))?;
                let id = SubnetID::new_root(root.client.chain_id);
                gateway(root, ipc, &id, ROOT_PERIOD, ROOT_MAX_MSGS)
                    .await
                    .with_context(|| format!("root gateway on {chain}"))?;
            }
            Some(subnet) => {
                let mut parent = take(targets, &subnet.parent)?;
                let mut child = take(targets, &chain)?;
                let result = deploy_subnet(&mut parent, &mut child, ipc, subnet).await;
                targets.insert(subnet.parent.clone(), parent);
                targets.insert(chain.clone(), child);
                result.with_context(|| format!("subnet {chain} under {}", subnet.parent))?;
            }
        }
    }
    for token in &ipc.linked_token {
        let mut controller = take(targets, &token.controller)?;
        let mut replica = take(targets, &token.replica)?;
        let result = linked_token::deploy(&mut controller, &mut replica).await;
        targets.insert(token.controller.clone(), controller);
        targets.insert(token.replica.clone(), replica);
        result
            .with_context(|| format!("linked token {} -> {}", token.controller, token.replica))?;
    }
    Ok(())
}

/// The subnet on `child` under `parent` (whose gateway is deployed).
async fn deploy_subnet(
    parent: &mut Target,
    child: &mut Target,
    ipc: &IpcConfig,
    subnet: &SubnetConfig,
) -> anyhow::Result<()> {
    let (set, weights) = subnet.validator_set();
    let owner = parent.client.from;
    let parent_id = parent.record.subnet_id()?;
    let parent_gateway = parent.record.address(keys::GATEWAY)?;
    let actor_key = keys::actor(&child.record.chain);
    let args = (
        owner,
        parent_gateway,
        subnet.checkpoint_period,
        subnet.max_msgs_per_batch,
        set.clone(),
        weights.clone(),
    );
    let actor = parent.program(&actor_key, "subnet-actor", Some(args.abi_encode_params())).await?;
    let status = parent
        .client
        .call_sol(parent_gateway, &IGateway::getSubnetCall { actor })
        .await
        .map_err(|e| anyhow::anyhow!("reading the gateway: {e}"))?
        ._0;
    parent.client.require_balance(ipc.collateral, "registering a subnet").await?;
    let register = ISubnetActor::registerCall { genesis_circ_supply: U256::ZERO };
    parent
        .step(&format!("{actor_key}.register"), actor, &register, ipc.collateral, status != 0)
        .await?;
    parent.save()?;
    let id = parent_id.child(actor);
    let child_gateway =
        gateway(child, ipc, &id, subnet.checkpoint_period, subnet.max_msgs_per_batch).await?;
    fund_reserve(child, child_gateway, ipc.child_reserve).await?;
    let finality = child
        .program(
            keys::FINALITY,
            keys::FINALITY,
            Some((child_gateway, actor, set, weights).abi_encode_params()),
        )
        .await?;
    let wired = child
        .client
        .call_sol(child_gateway, &IGateway::getConfigCall {})
        .await
        .map_err(|e| anyhow::anyhow!("reading the child gateway: {e}"))?;
    let init = IGateway::initializeCall { top_down_finality: finality };
    child.step("gateway.initialize", child_gateway, &init, U256::ZERO, wired._3 == finality).await
}

/// The child gateway pays funds out of a reserve (its genesis supply). On a devnode the
/// deployer sets it with `anvil_setBalance`; elsewhere the chain's genesis must provide it.
async fn fund_reserve(child: &mut Target, gateway: Address, reserve: U256) -> anyhow::Result<()> {
    use alloy::providers::Provider as _;
    let have = child.client.balance(gateway).await?;
    if have >= reserve {
        return Ok(());
    }
    let set: Result<serde_json::Value, _> =
        child.client.provider.raw_request("anvil_setBalance".into(), (gateway, reserve)).await;
    if set.is_ok() {
        child.note(format!("gateway reserve: set to {reserve} wei (devnode anvil_setBalance)"));
    } else {
        child.note(format!(
            "gateway reserve: {gateway} holds {have} wei; this chain has no anvil_setBalance, \
             so its genesis must allocate the {reserve}-wei reserve"
        ));
    }
    Ok(())
}
