//! Native unit tests (TestVM): the underlying token and the gateway are mocked. TestVM returns
//! the data of the last mock registered to every call, so the gateway's answer is registered
//! last (the token only needs a non-`false` answer).
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::{SolError, SolEvent, SolValue};
use crossnet_sdk::ipc::{
    sendContractXnetMessageCall, CallerIsNotGateway, IPCAddress, OutcomeType, UnrecognizedResult,
};
use linked_token::{
    erc20::{transferCall, transferFromCall},
    linked::{
        receiveLinkedCall, InvalidEnvelope, InvalidLink, InvalidOriginContract,
        InvalidOriginSubnet, LinkedContractSet, LinkedTokenNotInitialized, LinkedTokenReceived,
        LinkedTokensSent, LinkedTransferSettled, NoSuchUnconfirmedTransfer, TransferRejected,
        UnconfirmedTransferRemoved,
    },
};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const GATEWAY: Address = address!("00000000000000000000000000000000000000aa");
const TOKEN: Address = address!("00000000000000000000000000000000000000b0");
const THIS: Address = address!("00000000000000000000000000000000000000c0");
const REPLICA: Address = address!("00000000000000000000000000000000000000c2");
const ACTOR: Address = address!("00000000000000000000000000000000000000c1");
const ALICE: Address = address!("00000000000000000000000000000000000000d1");
const BOB: Address = address!("00000000000000000000000000000000000000d2");

fn root() -> SubnetID {
    SubnetID::new_root(412_346)
}

fn child() -> SubnetID {
    root().child(ACTOR)
}

fn events<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter_map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).ok())
        .collect()
}

fn deploy(vm: &TestVM) -> LinkedTokenController {
    vm.set_contract_address(THIS);
    vm.set_sender(OWNER);
    let mut controller = LinkedTokenController::from(vm);
    controller.constructor(OWNER, GATEWAY, TOKEN).expect("constructor");
    controller
}

fn linked(vm: &TestVM) -> LinkedTokenController {
    let mut controller = deploy(vm);
    controller.set_linked_contract(child(), REPLICA).expect("link");
    controller
}

fn call_msg(recipient: Address, amount: u64) -> CallMsg {
    let data = receiveLinkedCall { recipient, amount: U256::from(amount) }.abi_encode();
    CallMsg { method: data[..4].to_vec().into(), params: data[4..].to_vec().into() }
}

/// The Call the gateway commits for a deposit of `amount` to BOB.
fn committed(amount: u64, nonce: u64) -> IpcEnvelope {
    let mut envelope = IpcEnvelope::new_call(
        IPCAddress::new(root(), THIS),
        IPCAddress::new(child(), REPLICA),
        &call_msg(BOB, amount),
        U256::ZERO,
    );
    envelope.localNonce = nonce;
    envelope.originalNonce = nonce;
    envelope
}

/// ALICE deposits `amount` for BOB; returns the transfer id.
fn deposit(vm: &TestVM, controller: &mut LinkedTokenController, amount: u64) -> B256 {
    vm.set_sender(ALICE);
    let pull = transferFromCall { from: ALICE, to: THIS, value: U256::from(amount) };
    vm.mock_call(TOKEN, pull.abi_encode(), U256::ZERO, Ok(true.abi_encode()));
    let request = IpcEnvelope::new_call(
        IPCAddress::default(),
        IPCAddress::new(child(), REPLICA),
        &call_msg(BOB, amount),
        U256::ZERO,
    );
    let answer = sendContractXnetMessageCall::abi_encode_returns(&committed(amount, 0));
    let send = sendContractXnetMessageCall { envelope: request }.abi_encode();
    vm.mock_call(GATEWAY, send, U256::ZERO, Ok(answer));
    controller.linked_transfer(BOB, U256::from(amount)).expect("deposit")
}

/// The Result of `original` from the replica.
fn result_of(original: &IpcEnvelope, outcome: OutcomeType) -> IpcEnvelope {
    original.result(original.tracing_id(), outcome, b"", U256::ZERO)
}

/// A withdrawal Call from the replica: `amount` for `recipient`.
fn withdrawal(recipient: Address, amount: u64) -> IpcEnvelope {
    IpcEnvelope::new_call(
        IPCAddress::new(child(), REPLICA),
        IPCAddress::new(root(), THIS),
        &call_msg(recipient, amount),
        U256::ZERO,
    )
}

#[test]
fn constructor_invalid_reverts() {
    let vm = TestVM::new();
    let mut controller = LinkedTokenController::from(&vm);
    assert_eq!(
        controller.constructor(OWNER, GATEWAY, Address::ZERO),
        Err(InvalidIpcConfiguration {}.abi_encode())
    );
    assert_eq!(
        controller.constructor(OWNER, Address::ZERO, TOKEN),
        Err(InvalidIpcConfiguration {}.abi_encode())
    );
}

#[test]
fn set_linked_contract_once_succeeds() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    assert_eq!(controller.linked_contract(), (child(), REPLICA));
    assert_eq!(controller.underlying(), TOKEN);
    assert_eq!(controller.owner(), OWNER);
    let set = events::<LinkedContractSet>(&vm);
    assert_eq!((set[0].linkedContract, set[0].route.clone()), (REPLICA, vec![ACTOR]));
    assert_eq!(controller.set_linked_contract(child(), REPLICA), Err(InvalidLink {}.abi_encode()));
    vm.set_sender(ALICE);
    assert_eq!(
        controller.set_linked_contract(child(), REPLICA),
        Err(OwnableUnauthorizedAccount { account: ALICE }.abi_encode())
    );
}

#[test]
fn linked_transfer_locks_and_records_succeeds() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    let id = deposit(&vm, &mut controller, 40);
    assert_eq!(id, committed(40, 0).tracing_id());
    assert_eq!(controller.unconfirmed_transfer(id), (ALICE, U256::from(40)));
    assert!(IIpcExchange::inflight_msgs(&controller, id));
    let sent = events::<LinkedTokensSent>(&vm);
    assert_eq!((sent[0].sender, sent[0].recipient, sent[0].id), (ALICE, BOB, id));
}

#[test]
fn linked_transfer_invalid_reverts() {
    let vm = TestVM::new();
    let mut controller = deploy(&vm);
    assert_eq!(
        controller.linked_transfer(BOB, U256::from(1)),
        Err(LinkedTokenNotInitialized {}.abi_encode())
    );
    controller.set_linked_contract(child(), REPLICA).unwrap();
    assert_eq!(
        controller.linked_transfer(BOB, U256::ZERO),
        Err(TransferRejected { recipient: BOB, amount: U256::ZERO }.abi_encode())
    );
    // The token refuses to pull: its error is forwarded.
    vm.set_sender(ALICE);
    let pull = transferFromCall { from: ALICE, to: THIS, value: U256::from(5) };
    vm.mock_call(TOKEN, pull.abi_encode(), U256::ZERO, Err(vec![0xee]));
    assert_eq!(controller.linked_transfer(BOB, U256::from(5)), Err(vec![0xee]));
}

#[test]
fn withdrawal_call_releases_underlying_succeeds() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    vm.set_sender(GATEWAY);
    let call = withdrawal(ALICE, 9);
    let release = transferCall { to: ALICE, value: U256::from(9) };
    vm.mock_call(TOKEN, release.abi_encode(), U256::ZERO, Ok(true.abi_encode()));
    let ret = IIpcExchange::handle_ipc_message(&mut controller, call.clone()).expect("call");
    assert!(ret.is_empty());
    let received = events::<LinkedTokenReceived>(&vm);
    assert_eq!((received[0].recipient, received[0].id), (ALICE, call.tracing_id()));
    // A token answering `false` fails the Call (the gateway answers ActorErr).
    vm.mock_call(TOKEN, release.abi_encode(), U256::ZERO, Ok(false.abi_encode()));
    assert!(IIpcExchange::handle_ipc_message(&mut controller, call).is_err());
}

#[test]
fn withdrawal_call_origin_and_selector_checks_reverts() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    vm.set_sender(GATEWAY);
    let mut other_subnet = withdrawal(ALICE, 1);
    other_subnet.from = IPCAddress::new(root().child(BOB), REPLICA);
    assert_eq!(
        IIpcExchange::handle_ipc_message(&mut controller, other_subnet),
        Err(InvalidOriginSubnet {}.abi_encode())
    );
    let mut other_contract = withdrawal(ALICE, 1);
    other_contract.from = IPCAddress::new(child(), BOB);
    assert_eq!(
        IIpcExchange::handle_ipc_message(&mut controller, other_contract),
        Err(InvalidOriginContract { origin: BOB }.abi_encode())
    );
    let wrong_selector = IpcEnvelope::new_call(
        IPCAddress::new(child(), REPLICA),
        IPCAddress::new(root(), THIS),
        &CallMsg::new([1, 2, 3, 4], vec![]),
        U256::ZERO,
    );
    assert_eq!(
        IIpcExchange::handle_ipc_message(&mut controller, wrong_selector),
        Err(InvalidEnvelope {}.abi_encode())
    );
    vm.set_sender(ALICE);
    assert_eq!(
        IIpcExchange::handle_ipc_message(&mut controller, withdrawal(ALICE, 1)),
        Err(CallerIsNotGateway {}.abi_encode())
    );
}

#[test]
fn ok_result_confirms_deposit_succeeds() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    let id = deposit(&vm, &mut controller, 40);
    vm.set_sender(GATEWAY);
    IIpcExchange::handle_ipc_message(
        &mut controller,
        result_of(&committed(40, 0), OutcomeType::Ok),
    )
    .expect("result");
    assert_eq!(controller.unconfirmed_transfer(id), (Address::ZERO, U256::ZERO));
    assert!(!IIpcExchange::inflight_msgs(&controller, id));
    let settled = events::<LinkedTransferSettled>(&vm);
    assert_eq!((settled[0].id, settled[0].refunded), (id, false));
}

#[test]
fn error_result_refunds_sender_succeeds() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    for (i, outcome) in [OutcomeType::ActorErr, OutcomeType::SystemErr].into_iter().enumerate() {
        let id = deposit(&vm, &mut controller, 40);
        vm.set_sender(GATEWAY);
        let refund = transferCall { to: ALICE, value: U256::from(40) };
        vm.mock_call(TOKEN, refund.abi_encode(), U256::ZERO, Ok(true.abi_encode()));
        IIpcExchange::handle_ipc_message(&mut controller, result_of(&committed(40, 0), outcome))
            .expect("result");
        let settled = events::<LinkedTransferSettled>(&vm);
        assert_eq!((settled[i].id, settled[i].refunded), (id, true));
        assert_eq!(settled[i].outcome, outcome as u8);
    }
}

#[test]
fn result_for_unknown_transfer_reverts() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    vm.set_sender(GATEWAY);
    assert_eq!(
        IIpcExchange::handle_ipc_message(
            &mut controller,
            result_of(&committed(1, 7), OutcomeType::Ok)
        ),
        Err(UnrecognizedResult {}.abi_encode())
    );
}

#[test]
fn remove_unconfirmed_transfer_and_drop_by_owner_succeeds() {
    let vm = TestVM::new();
    let mut controller = linked(&vm);
    let id = deposit(&vm, &mut controller, 3);
    vm.set_sender(ALICE);
    assert_eq!(
        controller.remove_unconfirmed_transfer(id),
        Err(OwnableUnauthorizedAccount { account: ALICE }.abi_encode())
    );
    assert_eq!(
        IIpcExchange::drop_messages(&mut controller, vec![id]),
        Err(OwnableUnauthorizedAccount { account: ALICE }.abi_encode())
    );
    vm.set_sender(OWNER);
    controller.remove_unconfirmed_transfer(id).expect("remove");
    assert_eq!(events::<UnconfirmedTransferRemoved>(&vm)[0].id, id);
    assert_eq!(
        controller.remove_unconfirmed_transfer(id),
        Err(NoSuchUnconfirmedTransfer { id }.abi_encode())
    );
    IIpcExchange::drop_messages(&mut controller, vec![id]).expect("drop");
    assert!(!IIpcExchange::inflight_msgs(&controller, id));
    assert_eq!(IIpcExchange::ipc_gateway(&controller), GATEWAY);
}
