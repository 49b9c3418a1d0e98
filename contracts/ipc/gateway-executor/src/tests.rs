//! Native unit tests (TestVM) of the executor on a gateway state set up in place (as the
//! gateway's delegatecall would find it). Targets, subnet actors and the parent-finality
//! program are mocked. TestVM returns the data of the last mock registered to every call, so
//! each test registers the answer that matters last; several differing answers in one
//! submission are covered on the devnode.
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::{SolError, SolEvent};
use crossnet_sdk::ipc::{
    checkPolicyCall, handleIpcMessageCall, CallMsg, IPCAddress, MessageStoredInPostbox,
    NewBottomUpMessage, NewTopDownMessage, PolicyRefused, PolicyRule, RefundCredited, ResultMsg,
};
use stylus_sdk::testing::TestVM;

use super::*;

const GATEWAY: Address = address!("00000000000000000000000000000000000000aa");
const EXECUTOR: Address = address!("00000000000000000000000000000000000000e0");
const ACTOR: Address = address!("00000000000000000000000000000000000000c1");
const SIBLING: Address = address!("00000000000000000000000000000000000000c2");
const FINALITY: Address = address!("00000000000000000000000000000000000000f1");
const USER: Address = address!("00000000000000000000000000000000000000d1");
const DAPP: Address = address!("00000000000000000000000000000000000000d2");
const ROOT: u64 = 412_346;

fn root() -> SubnetID {
    SubnetID::new_root(ROOT)
}

fn child() -> SubnetID {
    root().child(ACTOR)
}

fn sibling() -> SubnetID {
    root().child(SIBLING)
}

fn events<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter_map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).ok())
        .collect()
}

/// The executor on the state of the gateway of `network` (batches of 10 every 10 blocks).
fn executor_at(vm: &TestVM, network: &SubnetID) -> GatewayExecutor {
    vm.set_contract_address(GATEWAY);
    vm.set_block_number(1);
    let mut executor = GatewayExecutor::from(vm);
    let state = &mut executor.state;
    state.network_root.set(U64::from(network.root));
    for &actor in &network.route {
        state.network_route.push(actor);
    }
    state.checkpoint_period.set(U64::from(10));
    state.max_msgs_per_batch.set(U64::from(10));
    state.execution_gas.set(U64::from(1_000_000));
    state.executor.set(EXECUTOR);
    state.guard.init();
    executor
}

/// The root gateway's executor with the children of ACTOR (supply 100) and SIBLING.
fn parent(vm: &TestVM) -> GatewayExecutor {
    let mut executor = executor_at(vm, &root());
    for actor in [ACTOR, SIBLING] {
        let mut subnet = executor.state.subnets.setter(actor);
        subnet.status.set(U8::from(ACTIVE));
        subnet.circ_supply.set(U256::from(100));
    }
    vm.set_sender(ACTOR);
    executor
}

/// The child gateway's executor, fed by FINALITY.
fn child_executor(vm: &TestVM) -> GatewayExecutor {
    let mut executor = executor_at(vm, &child());
    executor.state.top_down_finality.set(FINALITY);
    vm.set_sender(FINALITY);
    executor
}

/// A bottom-up Call from USER in the child to DAPP in the root.
fn call_up(nonce: u64, value: u64) -> IpcEnvelope {
    let mut envelope = IpcEnvelope::new_call(
        IPCAddress::new(child(), USER),
        IPCAddress::new(root(), DAPP),
        &CallMsg::new([1, 2, 3, 4], vec![nonce as u8]),
        U256::from(value),
    );
    envelope.localNonce = nonce;
    envelope.originalNonce = nonce;
    envelope
}

/// A bottom-up Transfer from USER in the child to USER in the root.
fn transfer_up(nonce: u64, value: u64) -> IpcEnvelope {
    let mut envelope = IpcEnvelope::new_transfer(
        IPCAddress::new(child(), USER),
        IPCAddress::new(root(), USER),
        U256::from(value),
    );
    envelope.localNonce = nonce;
    envelope.originalNonce = nonce;
    envelope
}

fn handle_call(envelope: &IpcEnvelope) -> Vec<u8> {
    handleIpcMessageCall { envelope: envelope.clone() }.abi_encode()
}

/// The Results queued top-down into `actor`'s child, decoded.
fn results_down(vm: &TestVM) -> Vec<(IpcEnvelope, ResultMsg)> {
    events::<NewTopDownMessage>(vm)
        .into_iter()
        .filter(|e| e.message.kind == IpcMsgKind::Result as u8)
        .map(|e| {
            let result = e.message.result_msg().unwrap();
            (e.message, result)
        })
        .collect()
}

#[test]
fn commit_checkpoint_transfer_answers_ok_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let transfer = transfer_up(0, 30);
    executor.commit_checkpoint(10, vec![transfer.clone()]).expect("commit");
    let subnet = executor.state.subnets.get(ACTOR);
    assert_eq!(subnet.applied_bottom_up_nonce.get(), U64::from(1));
    // 100 - 30 out of the child; the Ok Result carries no value.
    assert_eq!(subnet.circ_supply.get(), U256::from(70));
    let committed = events::<CheckpointCommitted>(&vm);
    assert_eq!((committed[0].height, committed[0].firstNonce, committed[0].numMsgs), (10, 0, 1));
    let executed = events::<MessageExecuted>(&vm);
    assert_eq!(executed[0].id, transfer.tracing_id());
    assert_eq!(executed[0].outcome, OutcomeType::Ok as u8);
    let results = results_down(&vm);
    assert_eq!(results.len(), 1);
    let (result, payload) = &results[0];
    assert_eq!(payload.id, transfer.tracing_id());
    assert_eq!(payload.outcome, OutcomeType::Ok as u8);
    assert_eq!((result.to.clone(), result.from.clone()), (transfer.from, transfer.to));
    assert_eq!(result.value, U256::ZERO);
}

#[test]
fn commit_checkpoint_call_answers_ok_with_return_data_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    vm.set_code(DAPP, vec![1]);
    let call = call_up(0, 5);
    vm.mock_call(DAPP, handle_call(&call), U256::from(5), Ok(vec![0xab; 300]));
    executor.commit_checkpoint(10, vec![call.clone()]).expect("commit");
    let (_, payload) = &results_down(&vm)[0];
    assert_eq!(payload.outcome, OutcomeType::Ok as u8);
    // Return data is bounded.
    assert_eq!(payload.ret.to_vec(), vec![0xab; 256]);
}

#[test]
fn commit_checkpoint_call_reverting_answers_actor_err_with_refund_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    vm.set_code(DAPP, vec![1]);
    let call = call_up(0, 5);
    vm.mock_call(DAPP, handle_call(&call), U256::from(5), Err(b"no".to_vec()));
    executor.commit_checkpoint(10, vec![call.clone()]).expect("commit");
    let (result, payload) = &results_down(&vm)[0];
    assert_eq!(payload.outcome, OutcomeType::ActorErr as u8);
    assert_eq!(payload.ret.to_vec(), b"no".to_vec());
    assert_eq!(result.value, U256::from(5));
    // The refund went back into the child: 100 - 5 + 5.
    assert_eq!(executor.state.subnets.get(ACTOR).circ_supply.get(), U256::from(100));
}

#[test]
fn commit_checkpoint_call_to_account_without_code_answers_actor_err_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    executor.commit_checkpoint(10, vec![call_up(0, 1)]).expect("commit");
    let (result, payload) = &results_down(&vm)[0];
    assert_eq!(payload.outcome, OutcomeType::ActorErr as u8);
    assert_eq!(result.value, U256::from(1));
}

#[test]
fn commit_checkpoint_result_refused_is_credited_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    vm.set_code(DAPP, vec![1]);
    // The Result of a Call DAPP (root) sent into the child, refunding 9.
    let mut original = call_up(0, 9);
    core::mem::swap(&mut original.from, &mut original.to);
    let mut result =
        original.result(original.tracing_id(), OutcomeType::ActorErr, b"x", U256::from(9));
    result.localNonce = 0;
    vm.mock_call(DAPP, handle_call(&result), U256::from(9), Err(vec![]));
    executor.commit_checkpoint(10, vec![result.clone()]).expect("commit");
    let executed = events::<ResultExecuted>(&vm);
    assert_eq!((executed[0].id, executed[0].delivered), (result.tracing_id(), false));
    assert_eq!(executor.state.claimable.get(DAPP), U256::from(9));
    assert_eq!(events::<RefundCredited>(&vm)[0].account, DAPP);
    // No Result for a Result.
    assert!(results_down(&vm).is_empty());
    assert!(events::<MessageExecuted>(&vm).is_empty());
}

#[test]
fn commit_checkpoint_result_delivered_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    vm.set_code(DAPP, vec![1]);
    let mut original = call_up(0, 0);
    core::mem::swap(&mut original.from, &mut original.to);
    let result = original.result(original.tracing_id(), OutcomeType::Ok, b"", U256::ZERO);
    vm.mock_call(DAPP, handle_call(&result), U256::ZERO, Ok(vec![]));
    executor.commit_checkpoint(10, vec![result.clone()]).expect("commit");
    assert!(events::<ResultExecuted>(&vm)[0].delivered);
    assert_eq!(executor.state.claimable.get(DAPP), U256::ZERO);
}

#[test]
fn commit_checkpoint_result_to_account_without_code_is_credited_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let mut original = transfer_up(0, 4);
    core::mem::swap(&mut original.from, &mut original.to);
    let result = original.result(original.tracing_id(), OutcomeType::SystemErr, b"", U256::from(4));
    executor.commit_checkpoint(10, vec![result]).expect("commit");
    assert_eq!(executor.state.claimable.get(USER), U256::from(4));
}

#[test]
fn commit_checkpoint_policy_refusal_answers_system_err_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let transfer = transfer_up(0, 30);
    let refusal = PolicyRefused { subnet: ACTOR, rule: PolicyRule::MaxValue as u8 }.abi_encode();
    let check = checkPolicyCall {
        accountSubnet: ACTOR,
        account: USER,
        value: U256::from(30),
        leaving: true,
    };
    vm.mock_static_call(ACTOR, check.abi_encode(), Err(refusal.clone()));
    executor.commit_checkpoint(10, vec![transfer]).expect("commit");
    let (result, payload) = &results_down(&vm)[0];
    assert_eq!(payload.outcome, OutcomeType::SystemErr as u8);
    assert_eq!(payload.ret.to_vec(), refusal);
    assert_eq!(result.value, U256::from(30));
}

#[test]
fn commit_checkpoint_invalid_target_answers_system_err_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let mut transfer = transfer_up(0, 1);
    transfer.to.rawAddress.addrType = 1;
    executor.commit_checkpoint(10, vec![transfer]).expect("commit");
    let (_, payload) = &results_down(&vm)[0];
    assert_eq!(payload.outcome, OutcomeType::SystemErr as u8);
    assert_eq!(payload.ret.to_vec(), InvalidXnetMessage::from(Reason::InvalidTarget).abi_encode());
}

#[test]
fn commit_checkpoint_to_sibling_goes_through_postbox_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let mut message = transfer_up(0, 20);
    message.to = IPCAddress::new(sibling(), USER);
    executor.commit_checkpoint(10, vec![message.clone()]).expect("commit");
    let stored = events::<MessageStoredInPostbox>(&vm);
    assert_eq!((stored[0].id, stored[0].message.clone()), (message.tracing_id(), message.clone()));
    assert_eq!(executor.state.postbox.get(message.tracing_id()), keccak256(message.abi_encode()));
    vm.set_sender(USER);
    executor.propagate_all(vec![message.clone()]).expect("propagate");
    assert_eq!(executor.state.postbox.get(message.tracing_id()), B256::ZERO);
    let forwarded = events::<NewTopDownMessage>(&vm);
    assert_eq!(forwarded[0].subnet, SIBLING);
    assert_eq!(forwarded[0].id, message.tracing_id());
    assert_eq!(executor.state.subnets.get(SIBLING).circ_supply.get(), U256::from(120));
    // A second propagation finds nothing.
    executor.propagate_all(vec![message]).expect("again");
    assert_eq!(events::<NewTopDownMessage>(&vm).len(), 1);
}

#[test]
fn commit_checkpoint_unroutable_answers_system_err_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let mut message = transfer_up(0, 20);
    message.to = IPCAddress::new(root().child(DAPP), USER); // not a registered child
    executor.commit_checkpoint(10, vec![message]).expect("commit");
    let (result, payload) = &results_down(&vm)[0];
    assert_eq!(payload.outcome, OutcomeType::SystemErr as u8);
    assert_eq!(result.value, U256::from(20));
}

#[test]
fn commit_checkpoint_nonce_gap_rejected_then_recovered_reverts() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    assert_eq!(
        executor.commit_checkpoint(20, vec![transfer_up(1, 1), transfer_up(2, 1)]),
        Err(InvalidNonce { expected: 0, got: 1 }.into())
    );
    assert_eq!(
        executor.commit_checkpoint(20, vec![transfer_up(0, 1), transfer_up(2, 1)]),
        Err(InvalidNonce { expected: 1, got: 2 }.into())
    );
    assert_eq!(executor.state.subnets.get(ACTOR).applied_bottom_up_nonce.get(), U64::ZERO);
    executor.commit_checkpoint(10, vec![transfer_up(0, 1)]).expect("in order");
    executor.commit_checkpoint(20, vec![transfer_up(1, 1), transfer_up(2, 1)]).expect("resumed");
    assert_eq!(executor.state.subnets.get(ACTOR).applied_bottom_up_nonce.get(), U64::from(3));
}

#[test]
fn commit_checkpoint_invalid_reverts() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    assert_eq!(
        executor.commit_checkpoint(10, vec![transfer_up(0, 101)]),
        Err(NotEnoughSubnetCircSupply { value: U256::from(101), circSupply: U256::from(100) }
            .into())
    );
    let mut forged = transfer_up(0, 1);
    forged.from = IPCAddress::new(sibling(), USER);
    assert_eq!(
        executor.commit_checkpoint(10, vec![forged]),
        Err(InvalidXnetMessage::from(Reason::Sender).into())
    );
    let mut boomerang = transfer_up(0, 1);
    boomerang.to = IPCAddress::new(child(), DAPP);
    assert_eq!(
        executor.commit_checkpoint(10, vec![boomerang]),
        Err(InvalidXnetMessage::from(Reason::Sender).into())
    );
    vm.set_sender(USER);
    assert_eq!(
        executor.commit_checkpoint(10, vec![]),
        Err(NotRegisteredSubnet { subnet: USER }.into())
    );
    vm.set_sender(ACTOR);
    vm.set_gas_left(500_000);
    assert_eq!(
        executor.commit_checkpoint(10, vec![transfer_up(0, 1)]),
        Err(InsufficientExecutionGas {
            gasLeft: U256::from(500_000),
            required: U256::from(1_000_000 + 1_000_000 / 63 + EXECUTION_RESERVE_GAS),
        }
        .into())
    );
}

#[test]
fn direct_call_not_authorized_reverts() {
    let vm = TestVM::new();
    let mut executor = GatewayExecutor::from(&vm);
    vm.set_sender(USER);
    assert_eq!(executor.commit_checkpoint(1, vec![]), Err(NotAuthorized { caller: USER }.into()));
    assert_eq!(executor.propagate_all(vec![]), Err(NotAuthorized { caller: USER }.into()));
    assert_eq!(executor.apply_cross_messages(vec![]), Err(NotAuthorized { caller: USER }.into()));
}

#[test]
fn reentrant_entry_reverts() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    executor.state.guard.enter().unwrap();
    assert_eq!(executor.commit_checkpoint(10, vec![]), Err(ReentrancyGuardReentrantCall {}.into()));
}

/// A top-down Transfer from USER in the root to DAPP in the child.
fn transfer_down(nonce: u64, value: u64) -> IpcEnvelope {
    let mut envelope = IpcEnvelope::new_transfer(
        IPCAddress::new(root(), USER),
        IPCAddress::new(child(), DAPP),
        U256::from(value),
    );
    envelope.localNonce = nonce;
    envelope.originalNonce = nonce;
    envelope
}

#[test]
fn apply_cross_messages_executes_and_answers_bottom_up_succeeds() {
    let vm = TestVM::new();
    let mut executor = child_executor(&vm);
    let transfer = transfer_down(0, 8);
    executor.apply_cross_messages(vec![transfer.clone()]).expect("apply");
    assert_eq!(executor.state.applied_top_down_nonce.get(), U64::from(1));
    let applied = events::<TopDownMessagesApplied>(&vm);
    assert_eq!((applied[0].firstNonce, applied[0].numMsgs), (0, 1));
    let answered = events::<NewBottomUpMessage>(&vm);
    let payload = answered[0].message.result_msg().unwrap();
    assert_eq!((payload.id, payload.outcome), (transfer.tracing_id(), OutcomeType::Ok as u8));
    assert_eq!(answered[0].message.to, transfer.from);
    assert_eq!(executor.state.bottom_up_nonce.get(), U64::from(1));
}

#[test]
fn apply_cross_messages_transfer_refused_by_receiver_refunds_succeeds() {
    let vm = TestVM::new();
    let mut executor = child_executor(&vm);
    let transfer = transfer_down(0, 8);
    vm.mock_call(DAPP, vec![], U256::from(8), Err(b"no receive".to_vec()));
    executor.apply_cross_messages(vec![transfer]).expect("apply");
    let answered = events::<NewBottomUpMessage>(&vm);
    assert_eq!(answered[0].message.value, U256::from(8));
    assert_eq!(answered[0].message.result_msg().unwrap().outcome, OutcomeType::ActorErr as u8);
}

#[test]
fn apply_cross_messages_invalid_reverts() {
    let vm = TestVM::new();
    let mut executor = child_executor(&vm);
    vm.set_sender(USER);
    assert_eq!(
        executor.apply_cross_messages(vec![transfer_down(0, 1)]),
        Err(NotAuthorized { caller: USER }.into())
    );
    vm.set_sender(FINALITY);
    assert_eq!(
        executor.apply_cross_messages(vec![transfer_down(3, 1)]),
        Err(InvalidNonce { expected: 0, got: 3 }.into())
    );
    let mut inside = transfer_down(0, 1);
    inside.from = IPCAddress::new(child(), USER);
    assert_eq!(
        executor.apply_cross_messages(vec![inside]),
        Err(InvalidXnetMessage::from(Reason::Sender).into())
    );
    let mut elsewhere = transfer_down(0, 1);
    elsewhere.to = IPCAddress::new(sibling(), USER);
    assert_eq!(
        executor.apply_cross_messages(vec![elsewhere]),
        Err(InvalidXnetMessage::from(Reason::Sender).into())
    );
    assert_eq!(executor.state.applied_top_down_nonce.get(), U64::ZERO);
}

#[test]
fn propagate_all_unknown_envelope_is_skipped_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    executor.propagate_all(vec![transfer_up(0, 1)]).expect("propagate");
    assert!(events::<MessagePropagatedFromPostbox>(&vm).is_empty());
}

#[test]
fn propagate_all_route_gone_answers_system_err_succeeds() {
    let vm = TestVM::new();
    let mut executor = parent(&vm);
    let mut message = transfer_up(0, 20);
    message.to = IPCAddress::new(sibling(), USER);
    executor.commit_checkpoint(10, vec![message.clone()]).expect("commit");
    executor.state.subnets.setter(SIBLING).status.set(U8::from(2));
    executor.propagate_all(vec![message.clone()]).expect("propagate");
    let (result, payload) = &results_down(&vm)[0];
    assert_eq!(payload.id, message.tracing_id());
    assert_eq!(payload.outcome, OutcomeType::SystemErr as u8);
    assert_eq!(result.to, message.from);
    assert_eq!(result.value, U256::from(20));
}
