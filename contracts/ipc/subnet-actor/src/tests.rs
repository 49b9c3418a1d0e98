//! Native unit tests (TestVM). The gateway is mocked; signatures are real (validator keys of
//! `crossnet_sdk::ipc::testing`, recovered natively: TestVM cannot answer several `ecrecover`
//! precompile calls differently; the precompile path runs on the devnode).
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::{SolError, SolValue};
use crossnet_sdk::{
    access::{OwnershipTransferred, Paused, Unpaused},
    ipc::{
        commitCheckpointCall,
        testing::{addresses, equal_weights, sign_quorum, validators, TestValidator},
        BottomUpCheckpoint, DuplicateValidatorSignaturesFound, IPCAddress, InvalidNonce,
        IpcEnvelope, PolicyRule, SubnetID, WeightsSumLessThanThreshold,
    },
};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const GATEWAY: Address = address!("00000000000000000000000000000000000000aa");
const THIS: Address = address!("00000000000000000000000000000000000000c1");
const USER: Address = address!("00000000000000000000000000000000000000d1");
const CHAIN: u64 = 412_346;

fn events<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter_map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).ok())
        .collect()
}

/// An actor with 4 equal validators, checkpoints every 10 blocks of at most 3 messages.
fn deploy(vm: &TestVM) -> (SubnetActor, Vec<TestValidator>) {
    vm.set_contract_address(THIS);
    vm.set_chain_id(CHAIN);
    vm.set_sender(OWNER);
    let set = validators(4);
    let mut actor = SubnetActor::from(vm);
    actor
        .constructor(OWNER, GATEWAY, 10, 3, addresses(&set), equal_weights(&set))
        .expect("constructor");
    (actor, set)
}

fn child() -> SubnetID {
    SubnetID::new_root(CHAIN).child(THIS)
}

fn message(nonce: u64) -> IpcEnvelope {
    let mut envelope = IpcEnvelope::new_transfer(
        IPCAddress::new(child(), USER),
        IPCAddress::new(SubnetID::new_root(CHAIN), USER),
        U256::from(1),
    );
    envelope.localNonce = nonce;
    envelope
}

fn checkpoint(height: u64, msgs: Vec<IpcEnvelope>, configuration: u64) -> BottomUpCheckpoint {
    BottomUpCheckpoint {
        subnetID: child(),
        blockHeight: height,
        blockHash: B256::repeat_byte(height as u8),
        nextConfigurationNumber: configuration,
        msgs,
    }
}

/// The checkpoint's bytes and the signatures of `signers`; the gateway is mocked to accept
/// its batch.
fn signed(
    vm: &TestVM,
    checkpoint: &BottomUpCheckpoint,
    signers: &[&TestValidator],
) -> (Bytes, Vec<Address>, Vec<Bytes>) {
    let encoded = checkpoint.abi_encode();
    let digest = crossnet_sdk::ipc::digest::checkpoint_digest(CHAIN, THIS, checkpoint);
    let (signatories, signatures) = sign_quorum(signers, digest);
    let commit =
        commitCheckpointCall { height: checkpoint.blockHeight, msgs: checkpoint.msgs.clone() };
    vm.mock_call(GATEWAY, commit.abi_encode(), U256::ZERO, Ok(vec![]));
    (encoded.into(), signatories, signatures)
}

fn err<E: SolError>(e: E) -> Vec<u8> {
    e.abi_encode()
}

#[test]
fn constructor_publishes_genesis_configuration_succeeds() {
    let vm = TestVM::new();
    let (actor, set) = deploy(&vm);
    assert_eq!(actor.configuration_numbers(), (0, 0));
    assert_eq!(actor.validators(0), (addresses(&set), equal_weights(&set)));
    assert_eq!(actor.get_config(), (GATEWAY, 10, 3, OWNER, false));
    let configured = events::<SubnetConfigured>(&vm);
    assert_eq!(configured[0].config.validators, addresses(&set));
    assert_eq!(configured[0].config.policy, SubnetPolicy::default());
    assert_eq!(events::<OwnershipTransferred>(&vm)[0].newOwner, OWNER);
}

#[test]
fn constructor_invalid_reverts() {
    let vm = TestVM::new();
    let set = validators(2);
    let mut actor = SubnetActor::from(&vm);
    assert_eq!(
        actor.constructor(OWNER, Address::ZERO, 10, 3, addresses(&set), equal_weights(&set)),
        Err(InvalidIpcConfiguration {}.into())
    );
    assert_eq!(
        actor.constructor(OWNER, GATEWAY, 0, 3, addresses(&set), equal_weights(&set)),
        Err(InvalidIpcConfiguration {}.into())
    );
    assert_eq!(
        actor.constructor(OWNER, GATEWAY, 10, 3, addresses(&set), vec![]),
        Err(InvalidValidatorSet {}.into())
    );
}

#[test]
fn submit_checkpoint_three_of_four_succeeds() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let checkpoint = checkpoint(10, vec![message(0), message(1)], 0);
    let (bytes, signatories, signatures) = signed(&vm, &checkpoint, &[&set[0], &set[1], &set[3]]);
    actor.submit_checkpoint(bytes, signatories, signatures).expect("submit");
    assert_eq!(actor.last_checkpoint(), (10, B256::repeat_byte(10)));
    let submitted = events::<CheckpointSubmitted>(&vm);
    assert_eq!(
        (submitted[0].height, submitted[0].configurationNumber, submitted[0].numMsgs),
        (10, 0, 2)
    );
}

#[test]
fn submit_checkpoint_early_cut_of_full_batch_succeeds() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let checkpoint = checkpoint(4, vec![message(0), message(1), message(2)], 0);
    let (bytes, signatories, signatures) = signed(&vm, &checkpoint, &[&set[0], &set[1], &set[2]]);
    actor.submit_checkpoint(bytes, signatories, signatures).expect("full batch at 4");
    // The next checkpoint is at the boundary 10.
    let next = checkpoint_at(10);
    let (bytes, signatories, signatures) = signed(&vm, &next, &[&set[0], &set[1], &set[2]]);
    actor.submit_checkpoint(bytes, signatories, signatures).expect("boundary");
}

fn checkpoint_at(height: u64) -> BottomUpCheckpoint {
    checkpoint(height, vec![], 0)
}

#[test]
fn submit_checkpoint_too_little_weight_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let (bytes, signatories, signatures) = signed(&vm, &checkpoint_at(10), &[&set[0], &set[2]]);
    assert_eq!(
        actor.submit_checkpoint(bytes, signatories, signatures),
        Err(err(WeightsSumLessThanThreshold { weight: U256::from(2), total: U256::from(4) }))
    );
    assert_eq!(actor.last_checkpoint().0, 0);
}

#[test]
fn submit_checkpoint_duplicate_signer_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let (bytes, mut signatories, mut signatures) =
        signed(&vm, &checkpoint_at(10), &[&set[0], &set[1]]);
    signatories.push(signatories[1]);
    signatures.push(signatures[1].clone());
    assert_eq!(
        actor.submit_checkpoint(bytes, signatories, signatures),
        Err(err(DuplicateValidatorSignaturesFound {}))
    );
}

#[test]
fn submit_checkpoint_height_rules_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let quorum = [&set[0], &set[1], &set[2]];
    let (bytes, s, g) = signed(&vm, &checkpoint_at(20), &quorum);
    assert_eq!(
        actor.submit_checkpoint(bytes, s, g),
        Err(err(CannotSubmitFutureCheckpoint { height: 20, nextBoundary: 10 }))
    );
    let (bytes, s, g) = signed(&vm, &checkpoint_at(5), &quorum);
    assert_eq!(
        actor.submit_checkpoint(bytes, s, g),
        Err(err(InvalidCheckpointEpoch { height: 5 }))
    );
    let (bytes, s, g) = signed(&vm, &checkpoint_at(10), &quorum);
    actor.submit_checkpoint(bytes.clone(), s.clone(), g.clone()).expect("10");
    assert_eq!(
        actor.submit_checkpoint(bytes, s, g),
        Err(err(BottomUpCheckpointAlreadySubmitted { height: 10, last: 10 }))
    );
    let full = checkpoint(20, (0..4).map(message).collect(), 0);
    let (bytes, s, g) = signed(&vm, &full, &quorum);
    assert_eq!(
        actor.submit_checkpoint(bytes, s, g),
        Err(err(MaxMsgsPerBatchExceeded { numMsgs: U256::from(4), max: U256::from(3) }))
    );
    let (bytes, s, g) = signed(&vm, &checkpoint(20, vec![], 1), &quorum);
    assert_eq!(
        actor.submit_checkpoint(bytes, s, g),
        Err(err(InvalidConfigurationNumber { configurationNumber: 1 }))
    );
    assert_eq!(
        actor.submit_checkpoint(vec![1, 2, 3].into(), vec![], vec![]),
        Err(err(InvalidEncoding {}))
    );
}

#[test]
fn submit_checkpoint_signed_for_other_actor_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let checkpoint = checkpoint_at(10);
    let digest = crossnet_sdk::ipc::digest::checkpoint_digest(CHAIN, USER, &checkpoint);
    let (signatories, signatures) = sign_quorum(&[&set[0], &set[1], &set[2]], digest);
    let result = actor.submit_checkpoint(checkpoint.abi_encode().into(), signatories, signatures);
    assert!(result.is_err());
    assert_eq!(actor.last_checkpoint().0, 0);
}

#[test]
fn submit_checkpoint_gateway_error_forwarded_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let checkpoint = checkpoint(10, vec![message(5)], 0);
    let (bytes, s, g) = signed(&vm, &checkpoint, &[&set[0], &set[1], &set[2]]);
    let gap = err(InvalidNonce { expected: 0, got: 5 });
    let commit = commitCheckpointCall { height: 10, msgs: checkpoint.msgs.clone() };
    vm.mock_call(GATEWAY, commit.abi_encode(), U256::ZERO, Err(gap.clone()));
    assert_eq!(actor.submit_checkpoint(bytes, s, g), Err(gap));
}

#[test]
fn submit_checkpoint_paused_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    actor.pause().expect("pause");
    let (bytes, s, g) = signed(&vm, &checkpoint_at(10), &[&set[0], &set[1], &set[2]]);
    assert_eq!(actor.submit_checkpoint(bytes, s, g), Err(err(EnforcedPause {})));
}

#[test]
fn set_validators_new_configuration_confirmed_by_checkpoint_succeeds() {
    let vm = TestVM::new();
    let (mut actor, old) = deploy(&vm);
    let new = validators(7)[4..].to_vec();
    actor.set_validators(addresses(&new), equal_weights(&new)).expect("set");
    assert_eq!(actor.configuration_numbers(), (1, 0));
    assert_eq!(events::<SubnetConfigured>(&vm)[1].configurationNumber, 1);
    // Until the child reports configuration 1, the old set still signs.
    let (bytes, s, g) = signed(&vm, &checkpoint_at(10), &[&old[0], &old[1], &old[2]]);
    actor.submit_checkpoint(bytes, s, g).expect("old set");
    let (bytes, s, g) = signed(&vm, &checkpoint(20, vec![], 1), &[&new[0], &new[1], &new[2]]);
    actor.submit_checkpoint(bytes, s, g).expect("new set");
    assert_eq!(actor.configuration_numbers(), (1, 1));
    assert_eq!(events::<ConfigurationApplied>(&vm)[0].configurationNumber, 1);
    // The old configuration is no longer accepted.
    let (bytes, s, g) = signed(&vm, &checkpoint(30, vec![], 0), &[&old[0], &old[1], &old[2]]);
    assert_eq!(
        actor.submit_checkpoint(bytes, s, g),
        Err(err(InvalidConfigurationNumber { configurationNumber: 0 }))
    );
}

#[test]
fn set_validators_invalid_reverts() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    assert_eq!(actor.set_validators(vec![], vec![]), Err(InvalidValidatorSet {}.into()));
    vm.set_sender(USER);
    assert_eq!(
        actor.set_validators(addresses(&set), equal_weights(&set)),
        Err(OwnableUnauthorizedAccount { account: USER }.into())
    );
}

#[test]
fn set_policy_applies_and_publishes_succeeds() {
    let vm = TestVM::new();
    let (mut actor, set) = deploy(&vm);
    let policy =
        SubnetPolicy { maxValue: U256::from(10), targets: vec![USER], ..Default::default() };
    actor.set_policy(policy.clone()).expect("policy");
    assert_eq!(actor.policy(), policy);
    assert_eq!(actor.configuration_numbers(), (1, 0));
    assert_eq!(actor.validators(1).0, addresses(&set));
    let configured = events::<SubnetConfigured>(&vm);
    assert_eq!(configured[1].config.policy, policy);
    assert_eq!(actor.check_policy(THIS, USER, U256::from(10), false), Ok(()));
    assert_eq!(
        actor.check_policy(THIS, OWNER, U256::from(1), false),
        Err(PolicyRefused { subnet: THIS, rule: PolicyRule::Target as u8 }.into())
    );
    assert_eq!(
        actor.check_policy(THIS, USER, U256::from(11), true),
        Err(PolicyRefused { subnet: THIS, rule: PolicyRule::MaxValue as u8 }.into())
    );
    // The lists only govern accounts of this subnet.
    assert_eq!(actor.check_policy(USER, OWNER, U256::from(1), false), Ok(()));
}

#[test]
fn set_policy_invalid_reverts() {
    let vm = TestVM::new();
    let (mut actor, _) = deploy(&vm);
    let policy = SubnetPolicy { senders: vec![USER; 17], ..Default::default() };
    assert_eq!(
        actor.set_policy(policy),
        Err(PolicyTooLarge { length: U256::from(17), max: U256::from(16) }.into())
    );
    vm.set_sender(USER);
    assert_eq!(
        actor.set_policy(SubnetPolicy::default()),
        Err(OwnableUnauthorizedAccount { account: USER }.into())
    );
}

#[test]
fn register_forwards_value_to_gateway_succeeds() {
    let vm = TestVM::new();
    let (mut actor, _) = deploy(&vm);
    vm.set_value(U256::from(15));
    let register = registerCall { genesisCircSupply: U256::from(10) }.abi_encode();
    vm.mock_call(GATEWAY, register.clone(), U256::from(15), Ok(vec![]));
    actor.register(U256::from(10)).expect("register");
    vm.mock_call(GATEWAY, register, U256::from(15), Err(vec![1]));
    assert_eq!(actor.register(U256::from(10)), Err(vec![1]));
    vm.set_sender(USER);
    assert_eq!(
        actor.register(U256::from(10)),
        Err(err(OwnableUnauthorizedAccount { account: USER }))
    );
}

#[test]
fn kill_claims_collateral_to_owner_succeeds() {
    let vm = TestVM::new();
    let (mut actor, _) = deploy(&vm);
    vm.mock_call(GATEWAY, killCall {}.abi_encode(), U256::ZERO, Ok(vec![]));
    vm.mock_call(GATEWAY, claimCall { recipient: OWNER }.abi_encode(), U256::ZERO, Ok(vec![]));
    actor.kill().expect("kill");
    vm.mock_call(GATEWAY, killCall {}.abi_encode(), U256::ZERO, Err(vec![2]));
    assert_eq!(actor.kill(), Err(vec![2]));
    vm.set_sender(USER);
    assert_eq!(actor.kill(), Err(err(OwnableUnauthorizedAccount { account: USER })));
}

#[test]
fn pause_unpause_and_ownership_succeeds() {
    let vm = TestVM::new();
    let (mut actor, _) = deploy(&vm);
    actor.pause().expect("pause");
    assert_eq!(actor.pause(), Err(EnforcedPause {}.into()));
    assert!(actor.get_config().4);
    actor.unpause().expect("unpause");
    assert_eq!(actor.unpause(), Err(ExpectedPause {}.into()));
    assert_eq!(events::<Paused>(&vm).len(), 1);
    assert_eq!(events::<Unpaused>(&vm).len(), 1);
    actor.transfer_ownership(USER).expect("transfer");
    assert_eq!(actor.get_config().3, USER);
    assert_eq!(actor.pause(), Err(OwnableUnauthorizedAccount { account: OWNER }.into()));
    vm.set_sender(USER);
    assert_eq!(
        actor.transfer_ownership(Address::ZERO),
        Err(OwnableInvalidOwner { owner: Address::ZERO }.into())
    );
}
