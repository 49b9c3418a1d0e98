//! Native unit tests (TestVM). Calls to other contracts are mocked; delivery through real
//! frames (reentrancy, `xDomainMessageSender` during the call) is covered on the devnode.

use alloy_primitives::address;
use alloy_sol_types::SolEvent;
use crossnet_sdk::{
    access::OwnershipTransferred,
    alias::apply_l1_to_l2_alias,
    xdm::{
        core::ESTIMATION_ADDRESS, encode_message, message_hash, FailedRelayedMessage,
        RelayedMessage, SentMessage, DEFAULT_X_DOMAIN_SENDER,
    },
};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const L1_MESSENGER: Address = address!("00000000000000000000000000000000000000b1");
const PASSER: Address = address!("4200000000000000000000000000000000000000");
const SEQUENCER: Address = address!("00000000000000000000000000000000000000c1");
const USER: Address = address!("00000000000000000000000000000000000000d1");
const TARGET: Address = address!("00000000000000000000000000000000000000e1");
const STRANGER: Address = address!("00000000000000000000000000000000000000f1");
const SELF: Address = address!("00000000000000000000000000000000000000aa");

fn deploy(vm: &TestVM) -> L2CrossDomainMessenger {
    vm.set_contract_address(SELF);
    vm.set_sender(OWNER);
    let mut messenger = L2CrossDomainMessenger::from(vm);
    messenger.constructor(OWNER).expect("constructor");
    messenger
}

fn deploy_initialized(vm: &TestVM, sequencer: Address, allow_all: bool) -> L2CrossDomainMessenger {
    let mut messenger = deploy(vm);
    messenger.initialize(L1_MESSENGER, PASSER, sequencer, allow_all).expect("initialize");
    vm.clear_mocks();
    messenger
}

fn events<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter_map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).ok())
        .collect()
}

fn message() -> Bytes {
    vec![0xde, 0xad, 0xbe, 0xef].into()
}

#[test]
fn constructor_sets_owner_and_default_sender_succeeds() {
    let vm = TestVM::new();
    let messenger = deploy(&vm);
    assert_eq!(messenger.owner(), OWNER);
    assert_eq!(messenger.x_domain_message_sender(), Err(XDomainMessageSenderNotSet {}.into()));
    let transferred = events::<OwnershipTransferred>(&vm);
    assert_eq!(transferred[0].newOwner, OWNER);
}

#[test]
fn constructor_zero_owner_reverts() {
    let vm = TestVM::new();
    let mut messenger = L2CrossDomainMessenger::from(&vm);
    assert_eq!(
        messenger.constructor(Address::ZERO),
        Err(OwnableInvalidOwner { owner: Address::ZERO }.into())
    );
}

#[test]
fn initialize_native_mode_uses_aliased_messenger_succeeds() {
    let vm = TestVM::new();
    let messenger = deploy_initialized(&vm, Address::ZERO, false);
    assert_eq!(messenger.l1_origin(), apply_l1_to_l2_alias(L1_MESSENGER));
    assert_eq!(messenger.l1_cross_domain_messenger(), L1_MESSENGER);
    assert_eq!(messenger.message_passer(), PASSER);
    assert!(!messenger.allow_all_senders());
}

#[test]
fn initialize_queue_mode_uses_sequencer_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    messenger.initialize(L1_MESSENGER, PASSER, SEQUENCER, true).expect("initialize");
    assert_eq!(messenger.l1_origin(), SEQUENCER);
    let init = events::<MessengerInitialized>(&vm);
    assert_eq!(init.len(), 1);
    assert_eq!(init[0].otherMessenger, L1_MESSENGER);
    assert_eq!(init[0].origin, SEQUENCER);
    assert!(events::<AllowAllSendersUpdated>(&vm)[0].allowAll);
}

#[test]
fn initialize_twice_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    assert_eq!(
        messenger.initialize(L1_MESSENGER, PASSER, SEQUENCER, true),
        Err(AlreadyInitialized {}.into())
    );
}

#[test]
fn initialize_by_stranger_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    vm.set_sender(STRANGER);
    assert_eq!(
        messenger.initialize(L1_MESSENGER, PASSER, SEQUENCER, true),
        Err(OwnableUnauthorizedAccount { account: STRANGER }.into())
    );
}

#[test]
fn initialize_zero_address_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    assert_eq!(
        messenger.initialize(Address::ZERO, PASSER, SEQUENCER, true),
        Err(InvalidConfiguration {}.into())
    );
    assert_eq!(
        messenger.initialize(L1_MESSENGER, Address::ZERO, SEQUENCER, true),
        Err(InvalidConfiguration {}.into())
    );
}

#[test]
fn send_message_before_initialize_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    assert_eq!(messenger.send_message(TARGET, message(), 100_000), Err(NotInitialized {}.into()));
}

#[test]
fn send_message_records_and_passes_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(USER);

    messenger.send_message(TARGET, message(), 250_000).expect("first");
    messenger.send_message(TARGET, message(), 250_000).expect("second");

    assert_eq!(messenger.message_nonce(), U256::from(2));
    let first = message_hash(TARGET, USER, &message(), U256::ZERO);
    let second = message_hash(TARGET, USER, &message(), U256::from(1));
    assert!(messenger.sent_messages(first) && messenger.sent_messages(second));
    let sent = events::<SentMessage>(&vm);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].target, TARGET);
    assert_eq!(sent[1].sender, USER);
    assert_eq!(sent[1].messageNonce, U256::from(1));
    assert_eq!(sent[1].gasLimit, U256::from(250_000));
}

#[test]
fn send_message_passer_failure_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(USER);
    // The mock matches the exact calldata, so this also proves what the passer receives.
    let bytes = encode_message(TARGET, USER, &message(), U256::ZERO);
    let data = passMessageToL1Call { message: bytes.into() }.abi_encode();
    vm.mock_call(PASSER, data, U256::ZERO, Err(vec![]));
    assert_eq!(
        messenger.send_message(TARGET, message(), 0),
        Err(SystemCallFailed { target: PASSER }.into())
    );
}

#[test]
fn send_message_not_whitelisted_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, false);
    vm.set_sender(USER);
    assert_eq!(
        messenger.send_message(TARGET, message(), 0),
        Err(SenderNotWhitelisted { sender: USER }.into())
    );
}

#[test]
fn send_message_whitelisted_sender_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, false);
    messenger.set_whitelisted_sender(USER, true).expect("whitelist");
    let updates = events::<WhitelistUpdated>(&vm);
    assert_eq!((updates[0].sender, updates[0].allowed), (USER, true));
    vm.set_sender(USER);
    messenger.send_message(TARGET, message(), 0).expect("allowed");
    vm.set_sender(OWNER);
    messenger.set_whitelisted_sender(USER, false).expect("remove");
    vm.set_sender(USER);
    assert!(messenger.send_message(TARGET, message(), 0).is_err());
}

#[test]
fn set_allow_all_senders_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, false);
    messenger.set_allow_all_senders(true).expect("allow all");
    assert!(messenger.is_sender_allowed(STRANGER));
    assert!(events::<AllowAllSendersUpdated>(&vm)[0].allowAll);
}

#[test]
fn whitelist_setters_by_stranger_revert() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, false);
    vm.set_sender(STRANGER);
    let unauthorized = Err(OwnableUnauthorizedAccount { account: STRANGER }.into());
    assert_eq!(messenger.set_whitelisted_sender(STRANGER, true), unauthorized);
    assert_eq!(messenger.set_allow_all_senders(true), unauthorized);
}

#[test]
fn relay_message_from_origin_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(SEQUENCER);
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Ok(vec![]));

    messenger.relay_message(TARGET, USER, message(), U256::from(7)).expect("relay");

    let hash = message_hash(TARGET, USER, &message(), U256::from(7));
    assert!(messenger.successful_messages(hash));
    assert!(!messenger.failed_messages(hash));
    assert_eq!(events::<RelayedMessage>(&vm)[0].msgHash, hash);
    let bytes = encode_message(TARGET, USER, &message(), U256::from(7));
    assert!(messenger.relayed_messages(crossnet_sdk::xdm::relay_id(&bytes, SEQUENCER, 0)));
    // The sender is only set during the call.
    assert_eq!(messenger.x_domain_message_sender(), Err(XDomainMessageSenderNotSet {}.into()));
}

#[test]
fn relay_message_twice_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(SEQUENCER);
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("relay");
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(MessageAlreadyRelayed { msgHash: hash }.into())
    );
}

#[test]
fn relay_message_failed_then_retried_by_stranger_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);

    vm.set_sender(SEQUENCER);
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Err(b"nope".to_vec()));
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("recorded as failed");
    assert!(messenger.failed_messages(hash));
    assert!(!messenger.successful_messages(hash));
    assert_eq!(events::<FailedRelayedMessage>(&vm)[0].msgHash, hash);

    vm.clear_mocks();
    vm.set_sender(STRANGER);
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Ok(vec![]));
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("retry");
    assert!(messenger.successful_messages(hash));
    assert!(!messenger.failed_messages(hash), "never both set");
}

#[test]
fn relay_message_failed_retry_fails_again_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Err(vec![]));
    vm.set_sender(SEQUENCER);
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("failed");
    vm.set_sender(STRANGER);
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("failed again");
    assert!(messenger.failed_messages(hash));
    assert_eq!(events::<FailedRelayedMessage>(&vm).len(), 2);
}

#[test]
fn relay_message_by_stranger_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(STRANGER);
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(MessageCannotBeReplayed { msgHash: hash }.into())
    );
    assert!(!messenger.successful_messages(hash));
}

#[test]
fn relay_message_native_mode_requires_alias_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, Address::ZERO, true);
    // The unaliased parent messenger address is not the origin.
    vm.set_sender(L1_MESSENGER);
    assert!(matches!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(Error::MessageCannotBeReplayed(_))
    ));
    vm.set_sender(apply_l1_to_l2_alias(L1_MESSENGER));
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("aliased origin");
}

#[test]
fn relay_message_to_system_contracts_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(SEQUENCER);
    for target in [PASSER, SELF] {
        assert_eq!(
            messenger.relay_message(target, USER, message(), U256::ZERO),
            Err(UnsafeTarget { target }.into())
        );
    }
}

#[test]
fn relay_message_while_relaying_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    // Find the xDomainMessageSender slot (it holds the default sender) and put a sender in it,
    // as during a relay.
    let state = vm.snapshot();
    let default = B256::left_padding_from(DEFAULT_X_DOMAIN_SENDER.as_slice());
    let slot = state.storage.iter().find(|(_, v)| **v == default).map(|(k, _)| *k).expect("slot");
    vm.set_storage(slot, B256::left_padding_from(USER.as_slice()));
    vm.set_sender(SEQUENCER);
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(ReentrantRelay {}.into())
    );
    assert_eq!(messenger.x_domain_message_sender(), Ok(USER));
}

#[test]
fn relay_message_low_gas_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(SEQUENCER);
    vm.set_gas_left(50_000);
    assert!(matches!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(Error::InsufficientRelayGas(_))
    ));
}

#[test]
fn relay_message_estimation_of_failing_call_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    vm.set_sender(SEQUENCER);
    vm.set_tx_origin(ESTIMATION_ADDRESS);
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Err(vec![]));
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(EstimationCallFailed { msgHash: hash }.into())
    );
}

#[test]
fn pause_blocks_send_and_relay_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm, SEQUENCER, true);
    messenger.pause().expect("pause");
    assert!(messenger.paused());
    assert_eq!(messenger.pause(), Err(EnforcedPause {}.into()));
    vm.set_sender(SEQUENCER);
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(EnforcedPause {}.into())
    );
    assert_eq!(messenger.send_message(TARGET, message(), 0), Err(EnforcedPause {}.into()));
    assert_eq!(messenger.unpause(), Err(OwnableUnauthorizedAccount { account: SEQUENCER }.into()));
    vm.set_sender(OWNER);
    messenger.unpause().expect("unpause");
    assert_eq!(messenger.unpause(), Err(ExpectedPause {}.into()));
    vm.set_sender(SEQUENCER);
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("relay after unpause");
}

#[test]
fn transfer_ownership_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    messenger.transfer_ownership(USER).expect("transfer");
    assert_eq!(messenger.owner(), USER);
    assert_eq!(
        messenger.transfer_ownership(OWNER),
        Err(OwnableUnauthorizedAccount { account: OWNER }.into())
    );
    vm.set_sender(USER);
    assert_eq!(
        messenger.transfer_ownership(Address::ZERO),
        Err(OwnableInvalidOwner { owner: Address::ZERO }.into())
    );
}
