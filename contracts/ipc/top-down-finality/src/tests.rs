//! Native unit tests (TestVM). The gateway is mocked; signatures are real and recovered
//! natively (see the subnet actor's tests).
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use crossnet_sdk::ipc::{
    applyCrossMessagesCall,
    digest::finality_digest,
    testing::{addresses, equal_weights, sign_quorum, validators, TestValidator},
    IPCAddress, InvalidNonce, IpcEnvelope, ParentFinality, PolicyRule, SubnetConfig, SubnetID,
    WeightsSumLessThanThreshold,
};
use stylus_sdk::testing::TestVM;

use super::*;

const GATEWAY: Address = address!("00000000000000000000000000000000000000aa");
const THIS: Address = address!("00000000000000000000000000000000000000f1");
const ACTOR: Address = address!("00000000000000000000000000000000000000c1");
const USER: Address = address!("00000000000000000000000000000000000000d1");
const CHAIN: u64 = 412_347;

fn events<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter_map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).ok())
        .collect()
}

fn deploy(vm: &TestVM) -> (TopDownFinality, Vec<TestValidator>) {
    vm.set_contract_address(THIS);
    vm.set_chain_id(CHAIN);
    let set = validators(4);
    let mut finality = TopDownFinality::from(vm);
    finality.constructor(GATEWAY, ACTOR, addresses(&set), equal_weights(&set)).expect("deploy");
    (finality, set)
}

fn message(nonce: u64) -> IpcEnvelope {
    let root = SubnetID::new_root(1);
    let mut envelope = IpcEnvelope::new_transfer(
        IPCAddress::new(root.clone(), USER),
        IPCAddress::new(root.child(ACTOR), USER),
        U256::from(1),
    );
    envelope.localNonce = nonce;
    envelope
}

fn statement_at(height: u64, configs: Vec<SubnetConfig>, msgs: Vec<IpcEnvelope>) -> ParentFinality {
    ParentFinality { height, blockHash: B256::repeat_byte(height as u8), configs, msgs }
}

fn signed(
    vm: &TestVM,
    finality: &ParentFinality,
    signers: &[&TestValidator],
) -> (Bytes, Vec<Address>, Vec<Bytes>) {
    let (signatories, signatures) = sign_quorum(signers, finality_digest(CHAIN, THIS, finality));
    let apply = applyCrossMessagesCall { messages: finality.msgs.clone() };
    vm.mock_call(GATEWAY, apply.abi_encode(), U256::ZERO, Ok(vec![]));
    (finality.abi_encode().into(), signatories, signatures)
}

fn err<E: SolError>(e: E) -> Vec<u8> {
    e.abi_encode()
}

#[test]
fn constructor_stores_genesis_set_succeeds() {
    let vm = TestVM::new();
    let (finality, set) = deploy(&vm);
    assert_eq!(finality.validators(0), (addresses(&set), equal_weights(&set)));
    assert_eq!(finality.configuration_number(), 0);
    assert_eq!(finality.get_config(), (GATEWAY, ACTOR));
    assert_eq!(finality.policy(), SubnetPolicy::default());
}

#[test]
fn constructor_invalid_reverts() {
    let vm = TestVM::new();
    let set = validators(1);
    let mut finality = TopDownFinality::from(&vm);
    assert_eq!(
        finality.constructor(Address::ZERO, ACTOR, addresses(&set), equal_weights(&set)),
        Err(InvalidIpcConfiguration {}.into())
    );
    assert_eq!(
        finality.constructor(GATEWAY, ACTOR, addresses(&set), vec![]),
        Err(InvalidValidatorSet {}.into())
    );
}

#[test]
fn commit_parent_finality_applies_messages_succeeds() {
    let vm = TestVM::new();
    let (mut finality, set) = deploy(&vm);
    let statement = statement_at(5, vec![], vec![message(0), message(1)]);
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1], &set[2]]);
    finality.commit_parent_finality(bytes, s, g).expect("commit");
    assert_eq!(finality.last_finality(), (5, B256::repeat_byte(5)));
    let committed = events::<ParentFinalityCommitted>(&vm);
    assert_eq!((committed[0].height, committed[0].numMsgs), (5, 2));
}

#[test]
fn commit_parent_finality_adopts_configurations_succeeds() {
    let vm = TestVM::new();
    let (mut finality, set) = deploy(&vm);
    let new = validators(7)[4..].to_vec();
    let policy = SubnetPolicy { paused: true, ..Default::default() };
    let config = |n: u64, set: &[TestValidator], policy: SubnetPolicy| SubnetConfig {
        configurationNumber: n,
        validators: addresses(set),
        weights: equal_weights(set),
        policy,
    };
    // Configuration 0 (already in force) is skipped; 1 and 2 are adopted in order.
    let configs = vec![
        config(0, &set, SubnetPolicy::default()),
        config(1, &set, SubnetPolicy::default()),
        config(2, &new, policy.clone()),
    ];
    let statement = statement_at(5, configs, vec![]);
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1], &set[2]]);
    finality.commit_parent_finality(bytes, s, g).expect("commit");
    assert_eq!(finality.configuration_number(), 2);
    assert_eq!(finality.validators(2).0, addresses(&new));
    assert_eq!(finality.policy(), policy);
    let applied: Vec<u64> =
        events::<ConfigurationApplied>(&vm).iter().map(|e| e.configurationNumber).collect();
    assert_eq!(applied, vec![1, 2]);
    assert_eq!(
        finality.check_policy(ACTOR, USER, U256::from(1), true),
        Err(PolicyRefused { subnet: ACTOR, rule: PolicyRule::Paused as u8 }.into())
    );
    // From now on the new set signs; the old one no longer does.
    let statement = statement_at(6, vec![], vec![]);
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1], &set[2]]);
    assert!(finality.commit_parent_finality(bytes, s, g).is_err());
    let (bytes, s, g) = signed(&vm, &statement, &[&new[0], &new[1], &new[2]]);
    finality.commit_parent_finality(bytes, s, g).expect("new set");
}

#[test]
fn commit_parent_finality_configuration_gap_reverts() {
    let vm = TestVM::new();
    let (mut finality, set) = deploy(&vm);
    let config = SubnetConfig {
        configurationNumber: 2,
        validators: addresses(&set),
        weights: equal_weights(&set),
        policy: SubnetPolicy::default(),
    };
    let statement = statement_at(5, vec![config], vec![]);
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1], &set[2]]);
    assert_eq!(
        finality.commit_parent_finality(bytes, s, g),
        Err(err(InvalidConfigurationNumber { configurationNumber: 2 }))
    );
}

#[test]
fn commit_parent_finality_invalid_reverts() {
    let vm = TestVM::new();
    let (mut finality, set) = deploy(&vm);
    let statement = statement_at(5, vec![], vec![]);
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1]]);
    assert_eq!(
        finality.commit_parent_finality(bytes, s, g),
        Err(err(WeightsSumLessThanThreshold { weight: U256::from(2), total: U256::from(4) }))
    );
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1], &set[2]]);
    finality.commit_parent_finality(bytes.clone(), s.clone(), g.clone()).expect("commit");
    assert_eq!(
        finality.commit_parent_finality(bytes, s, g),
        Err(err(ParentFinalityAlreadyCommitted { height: 5, last: 5 }))
    );
    assert_eq!(
        finality.commit_parent_finality(vec![0; 40].into(), vec![], vec![]),
        Err(err(InvalidEncoding {}))
    );
}

#[test]
fn commit_parent_finality_gateway_nonce_gap_reverts() {
    let vm = TestVM::new();
    let (mut finality, set) = deploy(&vm);
    let statement = statement_at(5, vec![], vec![message(3)]);
    let (bytes, s, g) = signed(&vm, &statement, &[&set[0], &set[1], &set[2]]);
    let gap = err(InvalidNonce { expected: 0, got: 3 });
    let apply = applyCrossMessagesCall { messages: statement.msgs.clone() };
    vm.mock_call(GATEWAY, apply.abi_encode(), U256::ZERO, Err(gap.clone()));
    assert_eq!(finality.commit_parent_finality(bytes, s, g), Err(gap));
}

#[test]
fn check_policy_default_allows_succeeds() {
    let vm = TestVM::new();
    let (finality, _) = deploy(&vm);
    assert_eq!(finality.check_policy(ACTOR, USER, U256::MAX, false), Ok(()));
}
