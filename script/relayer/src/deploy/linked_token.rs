//! The linked-token example between two chains of the tree: an ERC-20 and its controller on
//! one, the replica on the other, linked to each other.

use alloy::primitives::U256;
use alloy::sol_types::SolValue;

use super::Target;
use crate::bindings::{convert, ILinkedTokenController, ILinkedTokenReplica};
use crate::deployment::keys;

/// Deploys (or keeps) the token, the controller on `home` and the replica on `away`, and links
/// them.
///
/// # Errors
/// Any deployment or wiring failure; either chain without system 2.
pub async fn deploy(home: &mut Target, away: &mut Target) -> anyhow::Result<()> {
    let owner = home.client.from;
    let home_id = home.record.subnet_id()?;
    let away_id = away.record.subnet_id()?;
    let home_gateway = home.record.address(keys::GATEWAY)?;
    let away_gateway = away.record.address(keys::GATEWAY)?;
    let token_args = (owner, "Crossnet Token".to_owned(), "XNT".to_owned()).abi_encode_params();
    let token = home.program(keys::ERC20, keys::ERC20, Some(token_args)).await?;
    let controller_key = keys::controller(&away.record.chain);
    let controller = home
        .program(
            &controller_key,
            "linked-token-controller",
            Some((owner, home_gateway, token).abi_encode_params()),
        )
        .await?;
    let replica_key = keys::replica(&home.record.chain);
    let replica_args = (owner, away_gateway, "Linked Crossnet Token".to_owned(), "lXNT".to_owned());
    let replica = away
        .program(&replica_key, "linked-token-replica", Some(replica_args.abi_encode_params()))
        .await?;
    let linked = away
        .client
        .call_sol(replica, &ILinkedTokenReplica::linkedContractCall {})
        .await
        .is_ok_and(|r| r._1 == controller);
    let call = ILinkedTokenReplica::setLinkedContractCall { subnet: convert(&home_id), controller };
    away.step(&format!("{replica_key}.link"), replica, &call, U256::ZERO, linked).await?;
    let linked = home
        .client
        .call_sol(controller, &ILinkedTokenController::linkedContractCall {})
        .await
        .is_ok_and(|r| r._1 == replica);
    let call = ILinkedTokenController::setLinkedContractCall { subnet: convert(&away_id), replica };
    home.step(&format!("{controller_key}.link"), controller, &call, U256::ZERO, linked).await
}
