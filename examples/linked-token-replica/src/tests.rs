//! Native unit tests (TestVM): the gateway is mocked.
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use crossnet_sdk::ipc::{sendContractXnetMessageCall, IPCAddress, OutcomeType};
use linked_token::{
    erc20::{ERC20InsufficientAllowance, ERC20InsufficientBalance, Transfer},
    linked::{
        receiveLinkedCall, InvalidOriginContract, LinkedTokenReceived, LinkedTokensSent,
        LinkedTransferSettled,
    },
};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const GATEWAY: Address = address!("00000000000000000000000000000000000000aa");
const THIS: Address = address!("00000000000000000000000000000000000000c2");
const CONTROLLER: Address = address!("00000000000000000000000000000000000000c0");
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

fn call_msg(recipient: Address, amount: u64) -> CallMsg {
    let data = receiveLinkedCall { recipient, amount: U256::from(amount) }.abi_encode();
    CallMsg { method: data[..4].to_vec().into(), params: data[4..].to_vec().into() }
}

fn replica(vm: &TestVM) -> LinkedTokenReplica {
    vm.set_contract_address(THIS);
    vm.set_sender(OWNER);
    let mut replica = LinkedTokenReplica::from(vm);
    replica.constructor(OWNER, GATEWAY, "Linked Token".into(), "LINK".into()).expect("constructor");
    replica.set_linked_contract(root(), CONTROLLER).expect("link");
    replica
}

/// A deposit Call from the controller: `amount` for `recipient`.
fn deposit(recipient: Address, amount: u64) -> IpcEnvelope {
    IpcEnvelope::new_call(
        IPCAddress::new(root(), CONTROLLER),
        IPCAddress::new(child(), THIS),
        &call_msg(recipient, amount),
        U256::ZERO,
    )
}

/// Mints `amount` to `recipient` through a deposit Call.
fn receive(vm: &TestVM, replica: &mut LinkedTokenReplica, recipient: Address, amount: u64) {
    vm.set_sender(GATEWAY);
    IIpcExchange::handle_ipc_message(replica, deposit(recipient, amount)).expect("deposit");
}

/// The withdrawal Call the gateway commits.
fn committed(amount: u64) -> IpcEnvelope {
    IpcEnvelope::new_call(
        IPCAddress::new(child(), THIS),
        IPCAddress::new(root(), CONTROLLER),
        &call_msg(ALICE, amount),
        U256::ZERO,
    )
}

fn withdraw(vm: &TestVM, replica: &mut LinkedTokenReplica, amount: u64) -> B256 {
    vm.set_sender(BOB);
    let request = IpcEnvelope::new_call(
        IPCAddress::default(),
        IPCAddress::new(root(), CONTROLLER),
        &call_msg(ALICE, amount),
        U256::ZERO,
    );
    let send = sendContractXnetMessageCall { envelope: request }.abi_encode();
    let answer = sendContractXnetMessageCall::abi_encode_returns(&committed(amount));
    vm.mock_call(GATEWAY, send, U256::ZERO, Ok(answer));
    replica.linked_transfer(ALICE, U256::from(amount)).expect("withdraw")
}

#[test]
fn deposit_mints_to_recipient_succeeds() {
    let vm = TestVM::new();
    let mut replica = replica(&vm);
    receive(&vm, &mut replica, BOB, 50);
    assert_eq!(IErc20::balance_of(&replica, BOB), U256::from(50));
    assert_eq!(IErc20::total_supply(&replica), U256::from(50));
    assert_eq!(events::<LinkedTokenReceived>(&vm)[0].value, U256::from(50));
    assert_eq!(IErc20::name(&replica), "Linked Token");
    assert_eq!(IErc20::symbol(&replica), "LINK");
    assert_eq!(IErc20::decimals(&replica), 18);
    assert_eq!(replica.linked_contract(), (root(), CONTROLLER));
}

#[test]
fn deposit_from_other_contract_reverts() {
    let vm = TestVM::new();
    let mut replica = replica(&vm);
    vm.set_sender(GATEWAY);
    let mut forged = deposit(BOB, 50);
    forged.from = IPCAddress::new(root(), BOB);
    assert_eq!(
        IIpcExchange::handle_ipc_message(&mut replica, forged),
        Err(InvalidOriginContract { origin: BOB }.abi_encode())
    );
    assert_eq!(IErc20::total_supply(&replica), U256::ZERO);
}

#[test]
fn withdraw_burns_and_ok_confirms_succeeds() {
    let vm = TestVM::new();
    let mut replica = replica(&vm);
    receive(&vm, &mut replica, BOB, 50);
    let id = withdraw(&vm, &mut replica, 20);
    assert_eq!(IErc20::balance_of(&replica, BOB), U256::from(30));
    assert_eq!(IErc20::total_supply(&replica), U256::from(30));
    assert_eq!(replica.unconfirmed_transfer(id), (BOB, U256::from(20)));
    assert_eq!(events::<LinkedTokensSent>(&vm)[0].id, id);
    vm.set_sender(GATEWAY);
    let original = committed(20);
    let result = original.result(id, OutcomeType::Ok, b"", U256::ZERO);
    IIpcExchange::handle_ipc_message(&mut replica, result).expect("result");
    assert_eq!(IErc20::total_supply(&replica), U256::from(30));
    assert!(!events::<LinkedTransferSettled>(&vm)[0].refunded);
}

#[test]
fn withdraw_error_result_remints_succeeds() {
    let vm = TestVM::new();
    let mut replica = replica(&vm);
    receive(&vm, &mut replica, BOB, 50);
    let id = withdraw(&vm, &mut replica, 20);
    vm.set_sender(GATEWAY);
    let result = committed(20).result(id, OutcomeType::ActorErr, b"", U256::ZERO);
    IIpcExchange::handle_ipc_message(&mut replica, result).expect("result");
    assert_eq!(IErc20::balance_of(&replica, BOB), U256::from(50));
    assert!(events::<LinkedTransferSettled>(&vm)[0].refunded);
}

#[test]
fn withdraw_more_than_balance_reverts() {
    let vm = TestVM::new();
    let mut replica = replica(&vm);
    vm.set_sender(BOB);
    assert_eq!(
        replica.linked_transfer(ALICE, U256::from(1)),
        Err(ERC20InsufficientBalance { sender: BOB, balance: U256::ZERO, needed: U256::from(1) }
            .abi_encode())
    );
}

#[test]
fn erc20_transfer_approve_transfer_from_succeeds() {
    let vm = TestVM::new();
    let mut replica = replica(&vm);
    receive(&vm, &mut replica, BOB, 50);
    vm.set_sender(BOB);
    assert_eq!(IErc20::transfer(&mut replica, ALICE, U256::from(5)), Ok(true));
    assert_eq!(IErc20::approve(&mut replica, ALICE, U256::from(10)), Ok(true));
    vm.set_sender(ALICE);
    assert_eq!(IErc20::transfer_from(&mut replica, BOB, ALICE, U256::from(10)), Ok(true));
    assert_eq!(IErc20::balance_of(&replica, ALICE), U256::from(15));
    assert_eq!(IErc20::allowance(&replica, BOB, ALICE), U256::ZERO);
    assert_eq!(
        IErc20::transfer_from(&mut replica, BOB, ALICE, U256::from(1)),
        Err(ERC20InsufficientAllowance {
            spender: ALICE,
            allowance: U256::ZERO,
            needed: U256::from(1)
        }
        .into())
    );
    let transfers = events::<Transfer>(&vm);
    assert_eq!(
        (transfers[1].from, transfers[1].to, transfers[1].value),
        (BOB, ALICE, U256::from(5))
    );
}

#[test]
fn constructor_zero_gateway_reverts() {
    let vm = TestVM::new();
    let mut replica = LinkedTokenReplica::from(&vm);
    assert_eq!(
        replica.constructor(OWNER, Address::ZERO, String::new(), String::new()),
        Err(InvalidIpcConfiguration {}.abi_encode())
    );
}
