//! System 2 deployment: a gateway (with its executor) on every chain of the tree, a subnet
//! actor per child on its parent (registered with collateral), a parent-finality program on
//! every child, and the optional linked-token example.

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolValue;
use anyhow::Context as _;
use crossnet_sdk::ipc::SubnetID;

use super::Target;
use crate::bindings::{convert, IGateway, ILinkedTokenController, ILinkedTokenReplica};
use crate::config::IpcConfig;

/// Deploys a gateway (and its executor) for `id` on `target`.
async fn gateway(target: &mut Target, ipc: &IpcConfig, id: &SubnetID) -> anyhow::Result<Address> {
    let owner = target.client.from;
    let executor = target.program("gateway-executor", "gateway-executor", None).await?;
    let args = (
        owner,
        id.clone(),
        ipc.checkpoint_period,
        ipc.max_msgs_per_batch,
        ipc.execution_gas,
        executor,
    );
    target.record.subnet = Some(id.into());
    target.program("gateway", "gateway", Some(args.abi_encode_params())).await
}

/// Deploys system 2 on the tree `nets[0]` (root) → `nets[1]` → `nets[2]`.
///
/// # Errors
/// Any deployment or wiring failure.
pub async fn deploy_ipc(nets: &mut [&mut Target], ipc: &IpcConfig) -> anyhow::Result<()> {
    let (set, weights) = ipc.validator_set();
    let root_id = SubnetID::new_root(nets[0].client.chain_id);
    let mut parent_id = root_id;
    let mut parent_gateway = gateway(nets[0], ipc, &parent_id).await?;
    for i in 1..nets.len() {
        let (above, below) = nets.split_at_mut(i);
        let parent = &mut *above[i - 1];
        let child = &mut *below[0];
        let owner = parent.client.from;
        let actor_key = format!("subnet-actor:{}", child.record.role);
        let args = (
            owner,
            parent_gateway,
            ipc.checkpoint_period,
            ipc.max_msgs_per_batch,
            set.clone(),
            weights.clone(),
        );
        let actor =
            parent.program(&actor_key, "subnet-actor", Some(args.abi_encode_params())).await?;
        let status = parent
            .client
            .call_sol(parent_gateway, &IGateway::getSubnetCall { actor })
            .await
            .map_err(|e| anyhow::anyhow!("reading the gateway: {e}"))?
            ._0;
        parent.client.require_balance(ipc.collateral, "registering a subnet").await?;
        let register =
            crate::bindings::ISubnetActor::registerCall { genesis_circ_supply: U256::ZERO };
        parent
            .step(&format!("{actor_key}.register"), actor, &register, ipc.collateral, status != 0)
            .await?;
        let id = parent_id.child(actor);
        let child_gateway = gateway(child, ipc, &id).await?;
        fund_reserve(child, child_gateway, ipc.child_reserve).await?;
        let finality = child
            .program(
                "top-down-finality",
                "top-down-finality",
                Some((child_gateway, actor, set.clone(), weights.clone()).abi_encode_params()),
            )
            .await?;
        let wired = child
            .client
            .call_sol(child_gateway, &IGateway::getConfigCall {})
            .await
            .map_err(|e| anyhow::anyhow!("reading the child gateway: {e}"))?;
        let init = IGateway::initializeCall { top_down_finality: finality };
        child
            .step("gateway.initialize", child_gateway, &init, U256::ZERO, wired._3 == finality)
            .await?;
        parent.save()?;
        parent_id = id;
        parent_gateway = child_gateway;
    }
    if ipc.linked_token && nets.len() >= 2 {
        linked_token(nets, ipc).await?;
    }
    Ok(())
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
    match set {
        Ok(_) => {
            child.note(format!("gateway reserve: set to {reserve} wei (devnode anvil_setBalance)"));
            Ok(())
        }
        Err(_) => {
            child.note(format!(
                "gateway reserve: {gateway} holds {have} wei; this chain has no anvil_setBalance, \
                 so its genesis must allocate the {reserve}-wei reserve"
            ));
            Ok(())
        }
    }
}

/// The linked-token example between the root (`nets[0]`) and the child (`nets[1]`).
async fn linked_token(nets: &mut [&mut Target], _ipc: &IpcConfig) -> anyhow::Result<()> {
    let (home, rest) = nets.split_at_mut(1);
    let home = &mut *home[0];
    let away = &mut *rest[0];
    let owner = home.client.from;
    let home_id: SubnetID =
        home.record.subnet.as_ref().map(Into::into).context("root subnet not recorded")?;
    let away_id: SubnetID =
        away.record.subnet.as_ref().map(Into::into).context("child subnet not recorded")?;
    let home_gateway = home.record.address("gateway")?;
    let away_gateway = away.record.address("gateway")?;
    let token = home
        .program(
            "erc20",
            "erc20",
            Some((owner, "Crossnet Token".to_owned(), "XNT".to_owned()).abi_encode_params()),
        )
        .await?;
    let controller = home
        .program(
            "linked-token-controller",
            "linked-token-controller",
            Some((owner, home_gateway, token).abi_encode_params()),
        )
        .await?;
    let replica = away
        .program(
            "linked-token-replica",
            "linked-token-replica",
            Some(
                (owner, away_gateway, "Linked Crossnet Token".to_owned(), "lXNT".to_owned())
                    .abi_encode_params(),
            ),
        )
        .await?;
    let linked = away
        .client
        .call_sol(replica, &ILinkedTokenReplica::linkedContractCall {})
        .await
        .is_ok_and(|r| r._1 == controller);
    let call = ILinkedTokenReplica::setLinkedContractCall { subnet: convert(&home_id), controller };
    away.step("linked-token-replica.link", replica, &call, U256::ZERO, linked).await?;
    let linked = home
        .client
        .call_sol(controller, &ILinkedTokenController::linkedContractCall {})
        .await
        .is_ok_and(|r| r._1 == replica);
    let call = ILinkedTokenController::setLinkedContractCall { subnet: convert(&away_id), replica };
    home.step("linked-token-controller.link", controller, &call, U256::ZERO, linked).await?;
    Ok(())
}
