//! Native unit tests (TestVM). Subnet actors and the parent-finality program are mocked
//! (`checkPolicy` answers); the executor half is covered in its own crate; real frames and the
//! delegatecall are covered on the devnode.
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::{SolCall, SolEvent};
use crossnet_sdk::{
    access::OwnershipTransferred,
    ipc::{
        checkPolicyCall, CallMsg, IpcMsgKind, NewBottomUpMessage, NewBottomUpMsgBatch,
        NewTopDownMessage, PolicyRefused, PolicyRule, RefundCredited,
    },
};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const EXECUTOR: Address = address!("00000000000000000000000000000000000000e0");
const ACTOR: Address = address!("00000000000000000000000000000000000000c1");
const FINALITY: Address = address!("00000000000000000000000000000000000000f1");
const USER: Address = address!("00000000000000000000000000000000000000d1");
const DAPP: Address = address!("00000000000000000000000000000000000000d2");
const THIS: Address = address!("00000000000000000000000000000000000000aa");
const ROOT: u64 = 412_346;

fn root() -> SubnetID {
    SubnetID::new_root(ROOT)
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

fn revert<E: SolError>(e: E) -> Vec<u8> {
    e.abi_encode()
}

fn invalid(reason: Reason) -> Vec<u8> {
    InvalidXnetMessage::from(reason).abi_encode()
}

/// A gateway of `network` with batches of `max` messages every 10 blocks.
fn deploy_at(vm: &TestVM, network: SubnetID, max: u64) -> Gateway {
    vm.set_contract_address(THIS);
    vm.set_sender(OWNER);
    vm.set_block_number(1);
    let mut gateway = Gateway::from(vm);
    gateway.constructor(OWNER, network, 10, max, 1_000_000, EXECUTOR).expect("constructor");
    gateway
}

/// The root gateway with the child of ACTOR registered (genesis supply 0, collateral 5).
fn parent(vm: &TestVM) -> Gateway {
    let mut gateway = deploy_at(vm, root(), 10);
    register_actor(vm, &mut gateway);
    vm.clear_mocks();
    gateway
}

fn register_actor(vm: &TestVM, gateway: &mut Gateway) {
    vm.set_code(ACTOR, vec![1]);
    vm.set_sender(ACTOR);
    vm.set_value(U256::from(5));
    gateway.register(U256::ZERO).expect("register");
    vm.set_value(U256::ZERO);
}

/// The child gateway (of ACTOR) wired to FINALITY.
fn child_gateway(vm: &TestVM, max: u64) -> Gateway {
    let mut gateway = deploy_at(vm, child(), max);
    gateway.initialize(FINALITY).expect("initialize");
    vm.clear_mocks();
    gateway
}

fn policy_call(envelope: &IpcEnvelope, leaving: bool) -> Vec<u8> {
    let account = if leaving { &envelope.from } else { &envelope.to };
    checkPolicyCall {
        accountSubnet: account.subnetId.actor(),
        account: account.evm_address().unwrap_or_default(),
        value: envelope.value,
        leaving,
    }
    .abi_encode()
}

#[test]
fn constructor_stores_configuration_succeeds() {
    let vm = TestVM::new();
    let gateway = deploy_at(&vm, child(), 7);
    assert_eq!(gateway.get_network_name(), child());
    assert_eq!(gateway.get_config(), (10, 7, 1_000_000, Address::ZERO, EXECUTOR, OWNER));
    let owner = events::<OwnershipTransferred>(&vm);
    assert_eq!(owner[0].newOwner, OWNER);
}

#[test]
fn constructor_invalid_configuration_reverts() {
    let vm = TestVM::new();
    let bad = [
        (SubnetID::default(), 10, 1, 1, EXECUTOR),
        (root(), 0, 1, 1, EXECUTOR),
        (root(), 10, 0, 1, EXECUTOR),
        (root(), 10, 1, 0, EXECUTOR),
        (root(), 10, 1, 1, Address::ZERO),
        (SubnetID { root: ROOT, route: vec![ACTOR; MAX_TREE_DEPTH + 1] }, 10, 1, 1, EXECUTOR),
    ];
    for (network, period, max, gas, executor) in bad {
        let mut gateway = Gateway::from(&vm);
        assert_eq!(
            gateway.constructor(OWNER, network, period, max, gas, executor),
            Err(InvalidIpcConfiguration {}.into())
        );
    }
    let mut gateway = Gateway::from(&vm);
    assert_eq!(
        gateway.constructor(Address::ZERO, root(), 10, 1, 1, EXECUTOR),
        Err(OwnableInvalidOwner { owner: Address::ZERO }.into())
    );
}

#[test]
fn initialize_sets_finality_succeeds() {
    let vm = TestVM::new();
    let mut gateway = deploy_at(&vm, child(), 10);
    gateway.initialize(FINALITY).expect("initialize");
    assert_eq!(gateway.get_config().3, FINALITY);
    let initialized = events::<GatewayInitialized>(&vm);
    assert_eq!(initialized[0].topDownFinality, FINALITY);
}

#[test]
fn initialize_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = deploy_at(&vm, child(), 10);
    vm.set_sender(USER);
    assert_eq!(
        gateway.initialize(FINALITY),
        Err(OwnableUnauthorizedAccount { account: USER }.into())
    );
    vm.set_sender(OWNER);
    assert_eq!(gateway.initialize(Address::ZERO), Err(InvalidIpcConfiguration {}.into()));
    gateway.initialize(FINALITY).expect("first");
    assert_eq!(gateway.initialize(FINALITY), Err(AlreadyInitialized {}.into()));
    let vm = TestVM::new();
    let mut root_gateway = deploy_at(&vm, root(), 10);
    assert_eq!(root_gateway.initialize(FINALITY), Err(InvalidIpcConfiguration {}.into()));
}

#[test]
fn register_locks_collateral_and_genesis_supply_succeeds() {
    let vm = TestVM::new();
    let mut gateway = deploy_at(&vm, root(), 10);
    vm.set_code(ACTOR, vec![1]);
    vm.set_sender(ACTOR);
    vm.set_value(U256::from(12));
    gateway.register(U256::from(10)).expect("register");
    assert_eq!(gateway.get_subnet(ACTOR), (ACTIVE, U256::from(2), U256::from(10), 0, 0));
    let registered = events::<SubnetRegistered>(&vm);
    assert_eq!(
        (registered[0].subnet, registered[0].collateral, registered[0].genesisCircSupply),
        (ACTOR, U256::from(2), U256::from(10))
    );
}

#[test]
fn register_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = deploy_at(&vm, root(), 10);
    vm.set_sender(USER); // no code
    vm.set_value(U256::from(5));
    assert_eq!(gateway.register(U256::ZERO), Err(Reason::Sender.into()));
    vm.set_code(ACTOR, vec![1]);
    vm.set_sender(ACTOR);
    assert_eq!(gateway.register(U256::from(5)), Err(Reason::Value.into()));
    gateway.register(U256::ZERO).expect("register");
    assert_eq!(gateway.register(U256::ZERO), Err(AlreadyRegisteredSubnet { subnet: ACTOR }.into()));
    let deep = SubnetID { root: ROOT, route: vec![USER; MAX_TREE_DEPTH] };
    let vm = TestVM::new();
    vm.set_code(ACTOR, vec![1]);
    let mut deepest = deploy_at(&vm, deep, 10);
    vm.set_sender(ACTOR);
    assert_eq!(deepest.register(U256::ZERO), Err(InvalidIpcConfiguration {}.into()));
}

#[test]
fn kill_credits_collateral_succeeds() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(ACTOR);
    gateway.kill().expect("kill");
    assert_eq!(gateway.get_subnet(ACTOR).0, KILLED);
    assert_eq!(gateway.claimable(ACTOR), U256::from(5));
    assert_eq!(events::<SubnetKilled>(&vm)[0].collateral, U256::from(5));
    assert_eq!(events::<RefundCredited>(&vm)[0].amount, U256::from(5));
    // A killed subnet stays killed.
    vm.set_value(U256::from(5));
    assert_eq!(gateway.register(U256::ZERO), Err(AlreadyRegisteredSubnet { subnet: ACTOR }.into()));
}

#[test]
fn kill_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(USER);
    assert_eq!(gateway.kill(), Err(NotRegisteredSubnet { subnet: USER }.into()));
    vm.set_sender(USER);
    vm.set_value(U256::from(3));
    gateway.fund(child(), FvmAddress::from_evm(USER)).expect("fund");
    vm.set_value(U256::ZERO);
    vm.set_sender(ACTOR);
    assert_eq!(gateway.kill(), Err(NotEmptySubnetCircSupply { circSupply: U256::from(3) }.into()));
}

#[test]
fn fund_queues_top_down_transfer_succeeds() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(USER);
    vm.set_value(U256::from(7));
    gateway.fund(child(), FvmAddress::from_evm(DAPP)).expect("fund");
    gateway.fund(child(), FvmAddress::from_evm(DAPP)).expect("fund twice");
    let queued = events::<NewTopDownMessage>(&vm);
    assert_eq!(queued.len(), 2);
    let message = &queued[1].message;
    assert_eq!(queued[1].subnet, ACTOR);
    assert_eq!(message.msg_kind(), Some(IpcMsgKind::Transfer));
    assert_eq!((message.localNonce, message.originalNonce), (1, 1));
    assert_eq!(message.from, IPCAddress::new(root(), USER));
    assert_eq!(message.to, IPCAddress::new(child(), DAPP));
    assert_eq!(queued[1].id, message.tracing_id());
    // Equal transfers get distinct ids.
    assert_ne!(queued[0].id, queued[1].id);
    assert_eq!(gateway.get_subnet(ACTOR), (ACTIVE, U256::from(5), U256::from(14), 2, 0));
    assert_eq!(gateway.get_nonces().5, 2);
}

#[test]
fn fund_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(USER);
    assert_eq!(gateway.fund(child(), FvmAddress::from_evm(USER)), Err(invalid(Reason::Value)));
    vm.set_value(U256::from(1));
    assert_eq!(gateway.fund(root(), FvmAddress::from_evm(USER)), Err(invalid(Reason::DstSubnet)));
    let unknown = root().child(DAPP);
    assert_eq!(gateway.fund(unknown, FvmAddress::from_evm(USER)), Err(invalid(Reason::DstSubnet)));
}

#[test]
fn fund_policy_refused_reverts() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(USER);
    vm.set_value(U256::from(1));
    let envelope = IpcEnvelope::new_transfer(
        IPCAddress::new(root(), USER),
        IPCAddress::new(child(), DAPP),
        U256::from(1),
    );
    let refusal = revert(PolicyRefused { subnet: ACTOR, rule: PolicyRule::Target as u8 });
    vm.mock_static_call(ACTOR, policy_call(&envelope, false), Err(refusal.clone()));
    assert_eq!(gateway.fund(child(), FvmAddress::from_evm(DAPP)), Err(refusal));
}

#[test]
fn release_queues_bottom_up_transfer_succeeds() {
    let vm = TestVM::new();
    let mut gateway = child_gateway(&vm, 10);
    vm.set_sender(USER);
    vm.set_value(U256::from(4));
    gateway.release(FvmAddress::from_evm(USER)).expect("release");
    let queued = events::<NewBottomUpMessage>(&vm);
    assert_eq!(queued[0].message.to, IPCAddress::new(root(), USER));
    assert_eq!(queued[0].message.from, IPCAddress::new(child(), USER));
    assert_eq!(queued[0].id, queued[0].message.tracing_id());
    // bottom-up nonce 1, applied top-down 0, open batch epoch 10 with 1 message.
    assert_eq!(gateway.get_nonces(), (1, 0, 10, 1, 0, 1));
}

#[test]
fn release_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = child_gateway(&vm, 10);
    vm.set_sender(USER);
    assert_eq!(gateway.release(FvmAddress::from_evm(USER)), Err(invalid(Reason::Value)));
    vm.set_value(U256::from(1));
    let envelope = IpcEnvelope::new_transfer(
        IPCAddress::new(child(), USER),
        IPCAddress::new(root(), USER),
        U256::from(1),
    );
    let refusal = revert(PolicyRefused { subnet: ACTOR, rule: PolicyRule::Paused as u8 });
    vm.mock_static_call(FINALITY, policy_call(&envelope, true), Err(refusal.clone()));
    assert_eq!(gateway.release(FvmAddress::from_evm(USER)), Err(refusal));
    let vm = TestVM::new();
    let mut root_gateway = deploy_at(&vm, root(), 10);
    vm.set_value(U256::from(1));
    vm.set_sender(USER);
    assert_eq!(
        root_gateway.release(FvmAddress::from_evm(USER)),
        Err(invalid(Reason::CommonParentNotExist))
    );
}

#[test]
fn release_cuts_full_batch_once_per_block_reverts() {
    let vm = TestVM::new();
    let mut gateway = child_gateway(&vm, 2);
    vm.set_sender(USER);
    vm.set_value(U256::from(1));
    vm.set_block_number(3);
    let to = FvmAddress::from_evm(USER);
    gateway.release(to.clone()).expect("1");
    gateway.release(to.clone()).expect("2 fills the batch: cut at block 3");
    assert_eq!(events::<NewBottomUpMsgBatch>(&vm)[0].epoch, 3);
    gateway.release(to.clone()).expect("3 opens the next batch");
    // The next one would fill it in the block of the last cut.
    assert_eq!(gateway.release(to.clone()), Err(revert(BottomUpBatchFull { epoch: 10 })));
    vm.set_block_number(4);
    gateway.release(to).expect("next block");
    assert_eq!(events::<NewBottomUpMsgBatch>(&vm)[1].epoch, 4);
    assert_eq!(gateway.get_nonces().0, 4);
}

#[test]
fn send_contract_xnet_message_commits_call_succeeds() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_code(DAPP, vec![1]);
    vm.set_sender(DAPP);
    vm.set_value(U256::from(2));
    let call = CallMsg::new([1, 2, 3, 4], vec![5]);
    let request = IpcEnvelope::new_call(
        IPCAddress::default(),
        IPCAddress::new(child(), USER),
        &call,
        U256::from(2),
    );
    let committed = gateway.send_contract_xnet_message(request.clone()).expect("send");
    assert_eq!(committed.from, IPCAddress::new(root(), DAPP));
    assert_eq!((committed.localNonce, committed.originalNonce), (0, 0));
    let queued = events::<NewTopDownMessage>(&vm);
    assert_eq!(queued[0].message, committed);
    assert_eq!(queued[0].id, committed.tracing_id());
    assert_eq!(gateway.get_subnet(ACTOR).2, U256::from(2));
}

#[test]
fn send_contract_xnet_message_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    let call = CallMsg::new([1, 2, 3, 4], vec![]);
    let to = IPCAddress::new(child(), USER);
    let request = IpcEnvelope::new_call(IPCAddress::default(), to.clone(), &call, U256::ZERO);
    vm.set_sender(USER); // an EOA
    assert_eq!(gateway.send_contract_xnet_message(request.clone()), Err(invalid(Reason::Sender)));
    vm.set_code(DAPP, vec![1]);
    vm.set_sender(DAPP);
    let mut transfer = request.clone();
    transfer.kind = IpcMsgKind::Transfer as u8;
    assert_eq!(gateway.send_contract_xnet_message(transfer), Err(invalid(Reason::Kind)));
    vm.set_value(U256::from(1));
    assert_eq!(gateway.send_contract_xnet_message(request.clone()), Err(invalid(Reason::Value)));
    vm.set_value(U256::ZERO);
    let mut to_self = request.clone();
    to_self.to = IPCAddress::new(root(), USER);
    assert_eq!(
        gateway.send_contract_xnet_message(to_self),
        Err(invalid(Reason::CannotSendToItself))
    );
    let mut nowhere = request.clone();
    nowhere.to = IPCAddress::default();
    assert_eq!(gateway.send_contract_xnet_message(nowhere), Err(invalid(Reason::DstSubnet)));
    let mut other_tree = request;
    other_tree.to = IPCAddress::new(SubnetID::new_root(1), USER);
    // From a root, anything not below goes up: there is no parent.
    assert_eq!(
        gateway.send_contract_xnet_message(other_tree),
        Err(invalid(Reason::CommonParentNotExist))
    );
}

#[test]
fn claim_pays_claimable_succeeds() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(ACTOR);
    gateway.kill().expect("kill");
    gateway.claim(OWNER).expect("claim");
    assert_eq!(gateway.claimable(ACTOR), U256::ZERO);
    let claimed = events::<Claimed>(&vm);
    assert_eq!(
        (claimed[0].account, claimed[0].recipient, claimed[0].amount),
        (ACTOR, OWNER, U256::from(5))
    );
}

#[test]
fn claim_invalid_reverts() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.set_sender(ACTOR);
    assert_eq!(gateway.claim(OWNER), Err(NothingToClaim { account: ACTOR }.into()));
    gateway.kill().expect("kill");
    vm.mock_call(USER, vec![], U256::from(5), Err(vec![]));
    assert_eq!(gateway.claim(USER), Err(TransferFailed { recipient: USER }.into()));
}

#[test]
fn fallback_delegates_to_executor_succeeds() {
    let vm = TestVM::new();
    let mut gateway = parent(&vm);
    vm.mock_delegate_call(EXECUTOR, vec![9, 9, 9, 9], Ok(vec![7]));
    assert_eq!(gateway.fallback(&[9, 9, 9, 9]), Ok(vec![7]));
    vm.mock_delegate_call(EXECUTOR, vec![8], Err(vec![6]));
    assert_eq!(gateway.fallback(&[8]), Err(vec![6]));
}

#[test]
fn views_succeeds() {
    let vm = TestVM::new();
    let gateway = parent(&vm);
    assert_eq!(gateway.postbox(B256::repeat_byte(1)), B256::ZERO);
    assert_eq!(gateway.claimable(USER), U256::ZERO);
    assert_eq!(gateway.get_subnet(USER), (0, U256::ZERO, U256::ZERO, 0, 0));
    assert_eq!(gateway.get_nonces(), (0, 0, 0, 0, 0, 0));
}
