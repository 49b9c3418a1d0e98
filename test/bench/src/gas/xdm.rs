//! System 1 paths: the passer, both sends, both relays.

use alloy::primitives::{keccak256, Address, U256};
use alloy::sol_types::SolCall;
use crossnet_e2e::{
    bindings::{
        IL1CrossDomainMessenger as L1, IL2CrossDomainMessenger as L2,
        IL2ToL1MessagePasser as Passer,
    },
    node::{Embedded, Node},
    xdm::{relay_calldata, sent_message, CrossDomain, Options, Roles},
};

use super::{fail, Figure};

/// Accounts added to the child state so the passer's account proof has 5 nodes.
const EXTRA_ACCOUNTS: u64 = 4_000;
/// `sentMessages` entries added to the passer so its storage proof has 3 nodes.
const EXTRA_SENT_MESSAGES: u64 = 64;
/// Target of the messages (an account without code).
const EOA: Address = Address::repeat_byte(0x77);

/// Measures the system 1 paths on two fresh embedded chains.
///
/// # Errors
/// Any deployment or transaction failure, or a proof of another shape than 5 + 3 nodes.
pub fn figures() -> anyhow::Result<Vec<Figure>> {
    let parent = Embedded::new(412_346);
    let child = Embedded::new(412_347);
    let a = parent.accounts();
    let roles = Roles { owner: a[0], proposer: a[1], challenger: a[2], sequencer: a[3] };
    let (user, relayer) = (a[4], a[5]);
    let window = 60;
    let mut xdm =
        CrossDomain::deploy(parent, child, roles, Options { window, ..Options::default() })
            .map_err(fail)?;
    let mut out = Vec::new();

    let call = Passer::passMessageToL1Call { message: vec![0xab; 100].into() }.abi_encode();
    let r = xdm.child.send(user, xdm.passer, call.clone(), U256::ZERO).map_err(fail)?;
    out.push(
        Figure::new("system 1: passMessageToL1 (100 B)", r.gas_used, &call)
            .target(60_000)
            .solidity(46_445),
    );

    let call =
        L2::sendMessageCall { target: EOA, message: vec![0xab; 100].into(), gas_limit: 1_000_000 }
            .abi_encode();
    let r = xdm.child.send(user, xdm.l2_messenger, call.clone(), U256::ZERO).map_err(fail)?;
    out.push(
        Figure::new("system 1: L2 sendMessage (100 B)", r.gas_used, &call)
            .target(110_000)
            .solidity(84_571)
            .note("child messenger + passer"),
    );

    let call =
        L1::sendMessageCall { target: EOA, message: vec![0xcd; 224].into(), gas_limit: 200_000 }
            .abi_encode();
    let r = xdm.parent.send(user, xdm.l1_messenger, call.clone(), U256::ZERO).map_err(fail)?;
    let message = sent_message(&r);
    out.push(
        Figure::new("system 1: L1 sendMessage (224 B)", r.gas_used, &call)
            .target(140_000)
            .solidity(110_330)
            .note("parent messenger + queue"),
    );

    let r = xdm.deliver_to_child(roles.sequencer, &message).map_err(fail)?;
    out.push(
        Figure::new("system 1: L2 relayMessage to an EOA (224 B)", r.gas_used, &message.bytes())
            .target(100_000)
            .solidity(80_390),
    );

    out.push(proof_relay(&mut xdm, user, relayer, window)?);
    Ok(out)
}

/// The parent relay of a 100-byte message with a 5-node account proof and a 3-node storage
/// proof.
fn proof_relay(
    xdm: &mut CrossDomain<Embedded, Embedded>,
    user: Address,
    relayer: Address,
    window: u64,
) -> anyhow::Result<Figure> {
    for i in 0..EXTRA_ACCOUNTS {
        let account = Address::from_word(keccak256(i.to_be_bytes()));
        xdm.child.chain.set_balance(account, U256::from(i + 1));
    }
    for i in 0..EXTRA_SENT_MESSAGES {
        let slot = U256::from_be_bytes(keccak256((i + 1_000_000).to_be_bytes()).0);
        xdm.child.chain.set_storage(xdm.passer, slot, U256::from(1));
    }
    xdm.child.chain.mine(1);
    let (message, r) = xdm.send_to_parent(user, EOA, vec![0xab; 100]).map_err(fail)?;
    let batch = xdm.propose(&[r.block_number]).map_err(fail)?;
    let proof = xdm.proof_for(&message, &batch, 0).map_err(fail)?;
    let shape = (proof.stateTrieWitness.len(), proof.storageTrieWitness.len());
    anyhow::ensure!(shape == (5, 3), "the proof has {shape:?} nodes, not (5, 3)");
    xdm.parent.advance_time(window + 1);
    let calldata = relay_calldata(&message, &proof);
    let r =
        xdm.parent.send(relayer, xdm.l1_messenger, calldata.clone(), U256::ZERO).map_err(fail)?;
    Ok(Figure::new(
        "system 1: L1 relayMessage with a 5+3-node proof (100 B)",
        r.gas_used,
        &calldata,
    )
    .target(165_000)
    .solidity(548_119)
    .note(format!("{} B of calldata", calldata.len())))
}
