//! System 1 on WASM: the five programs and two greeters on two devnode chains (parent 412346,
//! child 412347), with the test playing proposer, challenger and sequencer.
#![allow(clippy::unwrap_used, clippy::panic)]

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use crossnet_e2e::{
    bindings::{
        ICrossDomainGreeter as Greeter, IL1CrossDomainMessenger as L1,
        IL2CrossDomainMessenger as L2,
    },
    node::{node, Node, NodeExt},
    xdm::{relay_calldata, CrossDomain, Options, Roles},
};
use crossnet_sdk::{
    alias::apply_l1_to_l2_alias,
    client::XdmMessage,
    xdm::{
        FailedRelayedMessage, InsideFraudProofWindow, InvalidBatchHeader, InvalidStateRootProof,
        InvalidStorageProof, MessageAlreadyRelayed, MessageCannotBeReplayed, RelayedMessage,
        SenderNotWhitelisted,
    },
};

/// The fraud-proof window (`CROSSNET_E2E_WINDOW`, default 600 s; a chain without
/// `evm_increaseTime` waits it out for real, so use a short one there).
fn window() -> u64 {
    std::env::var("CROSSNET_E2E_WINDOW").ok().and_then(|w| w.parse().ok()).unwrap_or(600)
}

struct Setup {
    xdm: CrossDomain<Box<dyn Node>, Box<dyn Node>>,
    user: Address,
    stranger: Address,
    parent_greeter: Address,
    child_greeter: Address,
}

fn setup(options: Options) -> Setup {
    let parent = node(412_346);
    let child = node(412_347);
    let accounts = parent.accounts();
    let roles = Roles {
        owner: accounts[0],
        proposer: accounts[1],
        challenger: accounts[2],
        sequencer: accounts[3],
    };
    let mut xdm = CrossDomain::deploy(parent, child, roles, options).expect("deploy system 1");
    let owner = roles.owner;
    let parent_greeter = xdm
        .parent
        .deploy(owner, "xdomain-receiver", Some((owner, xdm.l1_messenger).abi_encode_params()))
        .expect("parent greeter");
    let child_greeter = xdm
        .child
        .deploy(owner, "xdomain-receiver", Some((owner, xdm.l2_messenger).abi_encode_params()))
        .expect("child greeter");
    xdm.parent
        .send_sol(owner, parent_greeter, &Greeter::setRemoteCall { remote: child_greeter })
        .expect("remote");
    xdm.child
        .send_sol(owner, child_greeter, &Greeter::setRemoteCall { remote: parent_greeter })
        .expect("remote");
    Setup { xdm, user: accounts[4], stranger: accounts[5], parent_greeter, child_greeter }
}

fn greeting<N: Node>(node: &mut N, greeter: Address) -> String {
    node.call_sol(greeter, &Greeter::greetingCall {}).expect("greeting")
}

fn set_greeting(text: &str) -> Vec<u8> {
    Greeter::setGreetingCall { greeting: text.into() }.abi_encode()
}

/// The child greeter sends `text` to the parent greeter; returns the message and its block.
fn greet_parent(s: &mut Setup, text: &str) -> (XdmMessage, u64) {
    let receipt = s
        .xdm
        .child
        .send_sol(
            s.user,
            s.child_greeter,
            &Greeter::sendGreetingCall { greeting: text.into(), gas_limit: 500_000 },
        )
        .expect("send greeting");
    (crossnet_e2e::xdm::sent_message(&receipt), receipt.block_number)
}

#[test]
fn child_to_parent_message_relayed_with_proof_after_window_succeeds() {
    let mut s = setup(Options { window: window(), ..Options::default() });
    let (message, block) = greet_parent(&mut s, "hello parent");
    assert_eq!(message.sender, s.child_greeter);
    assert_eq!(message.target, s.parent_greeter);
    let other_block = s.xdm.child.block_number();
    let batch = s.xdm.propose(&[block - 1, block, other_block]).expect("propose");
    let proof = s.xdm.proof_for(&message, &batch, 1).expect("proof");
    let relayer = s.xdm.roles.sequencer;

    // Inside the fraud-proof window.
    let err = s.xdm.relay_to_parent(relayer, &message, &proof).unwrap_err();
    assert_eq!(
        err.decode::<InsideFraudProofWindow>(),
        Some(InsideFraudProofWindow { batchIndex: U256::ZERO })
    );

    s.xdm.parent.advance_time(window() + 1);

    // A proof for a root the message is not in (the block before the send).
    let early = s.xdm.proof_for(&message, &batch, 0).expect("proof");
    let err = s.xdm.relay_to_parent(relayer, &message, &early).unwrap_err();
    assert!(err.decode::<InvalidStorageProof>().is_some(), "{err}");
    // The right proofs, but for another state root than the batch holds at that index.
    let mut wrong_index = proof.clone();
    wrong_index.stateRootProof.index = U256::from(2);
    let err = s.xdm.relay_to_parent(relayer, &message, &wrong_index).unwrap_err();
    assert!(err.decode::<InvalidStateRootProof>().is_some(), "{err}");
    // A message that was never sent (same proof, other nonce).
    let forged = XdmMessage { nonce: message.nonce + U256::from(1), ..message.clone() };
    let err = s.xdm.relay_to_parent(relayer, &forged, &proof).unwrap_err();
    assert!(err.decode::<InvalidStorageProof>().is_some(), "{err}");

    let receipt = s.xdm.relay_to_parent(relayer, &message, &proof).expect("relay");
    let hash = crossnet_sdk::xdm::message_hash(
        message.target,
        message.sender,
        &message.message,
        message.nonce,
    );
    assert_eq!(receipt.event::<RelayedMessage>().msgHash, hash);
    assert_eq!(greeting(&mut s.xdm.parent, s.parent_greeter), "hello parent");
    let ok =
        s.xdm.parent.call_sol(s.xdm.l1_messenger, &L1::successfulMessagesCall { msg_hash: hash });
    assert!(ok.unwrap());

    // Twice.
    let err = s.xdm.relay_to_parent(relayer, &message, &proof).unwrap_err();
    assert_eq!(
        err.decode::<MessageAlreadyRelayed>(),
        Some(MessageAlreadyRelayed { msgHash: hash })
    );
}

#[test]
fn child_to_parent_relay_when_paused_reverts() {
    let mut s = setup(Options { window: window(), ..Options::default() });
    let (message, block) = greet_parent(&mut s, "paused?");
    let batch = s.xdm.propose(&[block]).expect("propose");
    let proof = s.xdm.proof_for(&message, &batch, 0).expect("proof");
    s.xdm.parent.advance_time(window() + 1);
    let owner = s.xdm.roles.owner;
    s.xdm.parent.send_sol(owner, s.xdm.l1_messenger, &L1::pauseCall {}).expect("pause");
    let err = s.xdm.relay_to_parent(s.stranger, &message, &proof).unwrap_err();
    assert!(err.decode::<crossnet_sdk::access::EnforcedPause>().is_some(), "{err}");
    s.xdm.parent.send_sol(owner, s.xdm.l1_messenger, &L1::unpauseCall {}).expect("unpause");
    s.xdm.relay_to_parent(s.stranger, &message, &proof).expect("relay after unpause");
    assert_eq!(greeting(&mut s.xdm.parent, s.parent_greeter), "paused?");
}

#[test]
fn challenger_deleted_batch_cannot_be_used_reverts() {
    let mut s = setup(Options { window: window(), ..Options::default() });
    let (message, block) = greet_parent(&mut s, "deleted");
    let batch = s.xdm.propose(&[block]).expect("propose");
    let proof = s.xdm.proof_for(&message, &batch, 0).expect("proof");
    let challenger = s.xdm.roles.challenger;
    let delete = crossnet_e2e::bindings::IStateCommitmentChain::deleteStateBatchCall {
        batch_header: <crossnet_e2e::bindings::IStateCommitmentChain::ChainBatchHeader as alloy_sol_types::SolType>::abi_decode(&batch.header.abi_encode())
            .unwrap(),
    };
    s.xdm.parent.send_sol(challenger, s.xdm.scc, &delete).expect("delete inside window");
    s.xdm.parent.advance_time(window() + 1);
    let err = s.xdm.relay_to_parent(s.stranger, &message, &proof).unwrap_err();
    assert!(err.decode::<InvalidBatchHeader>().is_some(), "{err}");
}

#[test]
fn child_to_parent_failed_delivery_retried_without_proof_succeeds() {
    let mut s = setup(Options { window: window(), ..Options::default() });
    let owner = s.xdm.roles.owner;
    let (message, block) = greet_parent(&mut s, "second try");
    let batch = s.xdm.propose(&[block]).expect("propose");
    let proof = s.xdm.proof_for(&message, &batch, 0).expect("proof");
    s.xdm.parent.advance_time(window() + 1);
    s.xdm
        .parent
        .send_sol(owner, s.parent_greeter, &Greeter::setLockedCall { locked: true })
        .expect("lock");

    let receipt = s.xdm.relay_to_parent(s.xdm.roles.sequencer, &message, &proof).expect("relay");
    assert_eq!(receipt.events::<FailedRelayedMessage>().len(), 1);
    assert!(receipt.events::<RelayedMessage>().is_empty());

    s.xdm
        .parent
        .send_sol(owner, s.parent_greeter, &Greeter::setLockedCall { locked: false })
        .expect("unlock");
    // A stranger retries without a proof (the 4-argument relayMessage).
    let retry = L1::relayMessage_1Call {
        target: message.target,
        sender: message.sender,
        message: message.message.clone(),
        message_nonce: message.nonce,
    };
    let receipt = s.xdm.parent.send_sol(s.stranger, s.xdm.l1_messenger, &retry).expect("retry");
    assert_eq!(receipt.events::<RelayedMessage>().len(), 1);
    assert_eq!(greeting(&mut s.xdm.parent, s.parent_greeter), "second try");
}

#[test]
fn parent_to_child_message_through_queue_succeeds() {
    let mut s = setup(Options::default());
    let receipt = s
        .xdm
        .parent
        .send_sol(
            s.user,
            s.parent_greeter,
            &Greeter::sendGreetingCall { greeting: "hello child".into(), gas_limit: 500_000 },
        )
        .expect("send greeting");
    let message = crossnet_e2e::xdm::sent_message(&receipt);
    let entries = CrossDomain::<Box<dyn Node>, Box<dyn Node>>::enqueued(&receipt);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].target, s.xdm.l2_messenger);
    assert_eq!(entries[0].l1TxOrigin, apply_l1_to_l2_alias(s.xdm.l1_messenger));
    assert_eq!(entries[0].data, Bytes::from(message.bytes()));

    // Only the configured origin (the sequencer) delivers a fresh message.
    let err = s.xdm.deliver_to_child(s.stranger, &message).unwrap_err();
    assert!(err.decode::<MessageCannotBeReplayed>().is_some(), "{err}");

    let sequencer = s.xdm.roles.sequencer;
    let receipt = s.xdm.deliver_to_child(sequencer, &message).expect("deliver");
    assert_eq!(receipt.events::<RelayedMessage>().len(), 1);
    assert_eq!(greeting(&mut s.xdm.child, s.child_greeter), "hello child");

    let err = s.xdm.deliver_to_child(sequencer, &message).unwrap_err();
    assert!(err.decode::<MessageAlreadyRelayed>().is_some(), "{err}");
}

#[test]
fn parent_to_child_failing_target_recorded_and_retried_by_stranger_succeeds() {
    let mut s = setup(Options::default());
    let owner = s.xdm.roles.owner;
    s.xdm
        .child
        .send_sol(owner, s.child_greeter, &Greeter::setLockedCall { locked: true })
        .expect("lock");
    let receipt = s
        .xdm
        .parent
        .send_sol(
            s.user,
            s.parent_greeter,
            &Greeter::sendGreetingCall { greeting: "retry me".into(), gas_limit: 500_000 },
        )
        .expect("send");
    let message = crossnet_e2e::xdm::sent_message(&receipt);
    let hash = crossnet_sdk::xdm::message_hash(
        message.target,
        message.sender,
        &message.message,
        message.nonce,
    );

    let receipt = s.xdm.deliver_to_child(s.xdm.roles.sequencer, &message).expect("deliver");
    assert_eq!(receipt.event::<FailedRelayedMessage>().msgHash, hash);
    assert!(s
        .xdm
        .child
        .call_sol(s.xdm.l2_messenger, &L2::failedMessagesCall { msg_hash: hash })
        .unwrap());

    s.xdm
        .child
        .send_sol(owner, s.child_greeter, &Greeter::setLockedCall { locked: false })
        .expect("unlock");
    let receipt = s.xdm.deliver_to_child(s.stranger, &message).expect("retry by a stranger");
    assert_eq!(receipt.event::<RelayedMessage>().msgHash, hash);
    assert_eq!(greeting(&mut s.xdm.child, s.child_greeter), "retry me");
    assert!(!s
        .xdm
        .child
        .call_sol(s.xdm.l2_messenger, &L2::failedMessagesCall { msg_hash: hash })
        .unwrap());
    assert!(s
        .xdm
        .child
        .call_sol(s.xdm.l2_messenger, &L2::successfulMessagesCall { msg_hash: hash })
        .unwrap());
}

#[test]
fn receiver_rejects_message_from_other_sender_succeeds() {
    // A user (not the child greeter) sends setGreeting to the parent greeter directly: the
    // message is authentic, but the greeter's xDomainMessageSender check refuses it, so the
    // delivery is recorded as failed. This reads xDomainMessageSender through a reentrant
    // call into the messenger during the relay.
    let mut s = setup(Options { window: window(), ..Options::default() });
    let (message, receipt) =
        s.xdm.send_to_parent(s.user, s.parent_greeter, set_greeting("spoofed")).expect("send");
    let batch = s.xdm.propose(&[receipt.block_number]).expect("propose");
    let proof = s.xdm.proof_for(&message, &batch, 0).expect("proof");
    s.xdm.parent.advance_time(window() + 1);
    let receipt = s.xdm.relay_to_parent(s.stranger, &message, &proof).expect("relay");
    assert_eq!(receipt.events::<FailedRelayedMessage>().len(), 1);
    assert_eq!(greeting(&mut s.xdm.parent, s.parent_greeter), "");
}

#[test]
fn whitelist_refuses_unlisted_sender_reverts() {
    let mut s = setup(Options { allow_all_senders: false, ..Options::default() });
    let err = s.xdm.send_to_parent(s.user, s.parent_greeter, set_greeting("nope")).unwrap_err();
    assert_eq!(err.decode::<SenderNotWhitelisted>(), Some(SenderNotWhitelisted { sender: s.user }));
    let owner = s.xdm.roles.owner;
    s.xdm
        .child
        .send_sol(
            owner,
            s.xdm.l2_messenger,
            &L2::setWhitelistedSenderCall { sender: s.user, allowed: true },
        )
        .expect("whitelist");
    s.xdm.send_to_parent(s.user, s.parent_greeter, set_greeting("yes")).expect("whitelisted");
}

/// EVM runtime that forwards its calldata to its caller and reverts if that fails:
/// `CALLDATACOPY(0, 0, size); CALL(gas, caller, 0, 0, size, 0, 0); if !ok revert`.
const ECHO_RUNTIME: &[u8] = &[
    0x36, 0x5f, 0x5f, 0x37, 0x5f, 0x5f, 0x36, 0x5f, 0x5f, 0x33, 0x5a, 0xf1, 0x15, 0x60, 0x11, 0x57,
    0x00, 0x5b, 0x5f, 0x5f, 0xfd,
];

fn echo_init_code() -> Vec<u8> {
    let mut init = vec![0x60, 0x15, 0x60, 0x0a, 0x5f, 0x39, 0x60, 0x15, 0x5f, 0xf3];
    init.extend_from_slice(ECHO_RUNTIME);
    init
}

#[test]
fn reentrant_relay_is_refused_and_recorded_as_failed_succeeds() {
    let mut s = setup(Options::default());
    let owner = s.xdm.roles.owner;
    let echo = s.xdm.child.deploy_evm(owner, echo_init_code()).expect("echo");
    let sequencer = s.xdm.roles.sequencer;
    // An inner message the echo contract tries to relay while the outer one runs.
    let inner = XdmMessage {
        target: s.child_greeter,
        sender: s.parent_greeter,
        message: set_greeting("inner").into(),
        nonce: U256::from(99),
    };
    let (outer, _) = s.xdm.send_to_child(s.user, echo, inner.bytes(), 500_000).expect("send outer");
    let receipt = s.xdm.deliver_to_child(sequencer, &outer).expect("deliver outer");
    assert_eq!(receipt.events::<FailedRelayedMessage>().len(), 1);
    assert!(receipt.events::<RelayedMessage>().is_empty());
    assert_eq!(greeting(&mut s.xdm.child, s.child_greeter), "");
}

#[test]
fn child_to_parent_estimation_of_failing_delivery_reverts() {
    // Bedrock's estimation mode: with tx.origin == 0x…01 a delivery whose call fails reverts,
    // so a relayer's eth_estimateGas never returns a gas limit that merely records a failure.
    let mut s = setup(Options { window: window(), ..Options::default() });
    let owner = s.xdm.roles.owner;
    let (message, block) = greet_parent(&mut s, "estimate");
    let batch = s.xdm.propose(&[block]).expect("propose");
    let proof = s.xdm.proof_for(&message, &batch, 0).expect("proof");
    s.xdm.parent.advance_time(window() + 1);
    s.xdm
        .parent
        .send_sol(owner, s.parent_greeter, &Greeter::setLockedCall { locked: true })
        .expect("lock");
    let relay = relay_calldata(&message, &proof);
    let estimation = crossnet_sdk::xdm::core::ESTIMATION_ADDRESS;
    let err = s.xdm.parent.call(estimation, s.xdm.l1_messenger, relay.clone()).unwrap_err();
    assert!(err.decode::<crossnet_sdk::xdm::EstimationCallFailed>().is_some(), "{err}");
    // Anyone else's call records the failure instead.
    assert!(s.xdm.parent.call(s.stranger, s.xdm.l1_messenger, relay.clone()).is_ok());
    s.xdm
        .parent
        .send_sol(owner, s.parent_greeter, &Greeter::setLockedCall { locked: false })
        .expect("unlock");
    let gas =
        s.xdm.parent.estimate_gas(estimation, s.xdm.l1_messenger, relay.clone()).expect("estimate");
    let receipt =
        s.xdm.parent.send_with_gas(s.stranger, s.xdm.l1_messenger, relay, gas).expect("relay");
    assert_eq!(receipt.events::<RelayedMessage>().len(), 1, "the estimate is enough to succeed");
}
