//! Native unit tests (TestVM). The state-commitment chain and the queue are mocked; the
//! Merkle-Patricia proofs are real (built with alloy-trie). Real frames are covered on the
//! devnode.

use alloy_primitives::address;
use alloy_sol_types::{SolError, SolEvent, SolValue};
use crossnet_sdk::{
    testing::account_and_storage_proof,
    xdm::{
        encode_message, message_hash, ChainBatchHeader, ChainInclusionProof, FailedRelayedMessage,
        RelayedMessage, SentMessage,
    },
};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const L2_MESSENGER: Address = address!("4200000000000000000000000000000000000007");
const L2_PASSER: Address = address!("4200000000000000000000000000000000000000");
const SCC: Address = address!("00000000000000000000000000000000000005cc");
const QUEUE: Address = address!("0000000000000000000000000000000000000c7c");
const USER: Address = address!("00000000000000000000000000000000000000d1");
const TARGET: Address = address!("00000000000000000000000000000000000000e1");
const RELAYER: Address = address!("00000000000000000000000000000000000000f1");

fn deploy(vm: &TestVM) -> L1CrossDomainMessenger {
    vm.set_contract_address(address!("00000000000000000000000000000000000000aa"));
    vm.set_sender(OWNER);
    let mut messenger = L1CrossDomainMessenger::from(vm);
    messenger.constructor(OWNER).expect("constructor");
    messenger
}

fn deploy_initialized(vm: &TestVM) -> L1CrossDomainMessenger {
    let mut messenger = deploy(vm);
    messenger.initialize(L2_MESSENGER, L2_PASSER, SCC, QUEUE).expect("initialize");
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
    vec![0xca, 0xfe].into()
}

fn header() -> ChainBatchHeader {
    ChainBatchHeader {
        batchIndex: U256::from(3),
        batchRoot: B256::repeat_byte(0x33),
        batchSize: U256::from(1),
        prevTotalElements: U256::from(9),
        extraData: vec![0u8; 64].into(),
    }
}

/// A proof that the passer holds `sentMessages[key(message ‖ sender)] = value`, with the
/// state-commitment chain mocked to answer `inside` and `included`.
fn proof_for(
    vm: &TestVM,
    sender_on_l2: Address,
    nonce: U256,
    passer_sender: Address,
    value: U256,
    inside: bool,
    included: bool,
) -> L2MessageInclusionProof {
    let bytes = encode_message(TARGET, sender_on_l2, &message(), nonce);
    let slot = sent_messages_slot(passer_key(&bytes, passer_sender));
    let noise = [(B256::repeat_byte(1), U256::from(5)), (B256::repeat_byte(2), U256::from(1))];
    let mut slots = noise.to_vec();
    slots.push((slot, value));
    let others = [address!("1000000000000000000000000000000000000001"), OWNER, USER];
    let (state_root, account_proof, storage_proof) =
        account_and_storage_proof(L2_PASSER, &slots, slot, &others);
    let proof = L2MessageInclusionProof {
        stateRoot: state_root,
        stateRootBatchHeader: header(),
        stateRootProof: ChainInclusionProof { index: U256::ZERO, siblings: vec![] },
        stateTrieWitness: account_proof,
        storageTrieWitness: storage_proof,
    };
    mock_scc(vm, &proof, inside, included);
    proof
}

/// Mocks the state-commitment chain's answer for `proof`: reverts `InsideFraudProofWindow`
/// when `inside`, else whether the root is `included`.
fn mock_scc(vm: &TestVM, proof: &L2MessageInclusionProof, inside: bool, included: bool) {
    let answer = if inside {
        Err(InsideFraudProofWindow { batchIndex: header().batchIndex }.abi_encode())
    } else {
        Ok(included.abi_encode())
    };
    vm.mock_static_call(
        SCC,
        verifyFinalizedStateCommitmentCall {
            element: proof.stateRoot,
            batchHeader: header(),
            proof: proof.stateRootProof.clone(),
        }
        .abi_encode(),
        answer,
    );
}

fn valid_proof(vm: &TestVM, nonce: U256) -> L2MessageInclusionProof {
    proof_for(vm, USER, nonce, L2_MESSENGER, U256::from(1), false, true)
}

#[test]
fn initialize_wires_addresses_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    messenger.initialize(L2_MESSENGER, L2_PASSER, SCC, QUEUE).expect("initialize");
    assert_eq!(messenger.l2_cross_domain_messenger(), L2_MESSENGER);
    assert_eq!(messenger.l2_message_passer(), L2_PASSER);
    assert_eq!(messenger.state_commitment_chain(), SCC);
    assert_eq!(messenger.transaction_queue(), QUEUE);
    let init = events::<MessengerInitialized>(&vm);
    assert_eq!((init[0].otherMessenger, init[0].transactionQueue), (L2_MESSENGER, QUEUE));
}

#[test]
fn initialize_invalid_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    assert_eq!(
        messenger.initialize(L2_MESSENGER, L2_PASSER, Address::ZERO, QUEUE),
        Err(InvalidConfiguration {}.into())
    );
    vm.set_sender(USER);
    assert_eq!(
        messenger.initialize(L2_MESSENGER, L2_PASSER, SCC, QUEUE),
        Err(OwnableUnauthorizedAccount { account: USER }.into())
    );
    vm.set_sender(OWNER);
    messenger.initialize(L2_MESSENGER, L2_PASSER, SCC, QUEUE).expect("first");
    assert_eq!(
        messenger.initialize(L2_MESSENGER, L2_PASSER, SCC, QUEUE),
        Err(AlreadyInitialized {}.into())
    );
}

#[test]
fn send_message_enqueues_with_queue_nonce_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    vm.set_sender(USER);
    // The queue reverts on anything but the exact expected enqueue call.
    vm.mock_call(QUEUE, vec![], U256::ZERO, Err(vec![]));
    for nonce in 0..2u64 {
        let bytes = encode_message(TARGET, USER, &message(), U256::from(nonce));
        let enqueue =
            enqueueCall { target: L2_MESSENGER, gasLimit: U256::from(300_000), data: bytes.into() };
        vm.mock_call(QUEUE, enqueue.abi_encode(), U256::ZERO, Ok(vec![]));
        messenger.send_message(TARGET, message(), 300_000).expect("send");
    }

    let sent = events::<SentMessage>(&vm);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].messageNonce, U256::from(1));
    assert_eq!(sent[1].gasLimit, U256::from(300_000));
    assert_eq!(messenger.message_nonce(), U256::from(2));
    assert!(messenger.sent_messages(message_hash(TARGET, USER, &message(), U256::from(1))));
}

#[test]
fn send_message_forwards_queue_error_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    vm.set_sender(USER);
    let bytes = encode_message(TARGET, USER, &message(), U256::ZERO);
    let enqueue = enqueueCall { target: L2_MESSENGER, gasLimit: U256::from(1), data: bytes.into() };
    let queue_error =
        TransactionGasLimitTooLow { gasLimit: U256::from(1), min: U256::from(100_000) }
            .abi_encode();
    vm.mock_call(QUEUE, enqueue.abi_encode(), U256::ZERO, Err(queue_error.clone()));

    assert_eq!(messenger.send_message(TARGET, message(), 1), Err(queue_error));
}

#[test]
fn send_message_before_initialize_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy(&vm);
    assert_eq!(
        messenger.send_message(TARGET, message(), 100_000),
        Err(NotInitialized {}.abi_encode())
    );
}

#[test]
fn relay_message_with_valid_proof_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    // TestVM serves all mocked return data from one buffer (the last mock registered), so
    // the state-commitment chain's answer is registered last.
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Ok(vec![]));
    let proof = valid_proof(&vm, U256::from(4));
    vm.set_sender(RELAYER);

    messenger
        .relay_message_with_proof(TARGET, USER, message(), U256::from(4), proof.clone())
        .expect("relay");

    let hash = message_hash(TARGET, USER, &message(), U256::from(4));
    assert!(messenger.successful_messages(hash));
    assert_eq!(events::<RelayedMessage>(&vm)[0].msgHash, hash);
    // Replay with the same proof is refused.
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::from(4), proof),
        Err(MessageAlreadyRelayed { msgHash: hash }.into())
    );
}

#[test]
fn relay_message_inside_window_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    let proof = proof_for(&vm, USER, U256::ZERO, L2_MESSENGER, U256::from(1), true, true);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, proof),
        Err(InsideFraudProofWindow { batchIndex: U256::from(3) }.into())
    );
}

#[test]
fn relay_message_unknown_batch_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    let proof = valid_proof(&vm, U256::ZERO);
    vm.mock_static_call(
        SCC,
        verifyFinalizedStateCommitmentCall {
            element: proof.stateRoot,
            batchHeader: header(),
            proof: proof.stateRootProof.clone(),
        }
        .abi_encode(),
        Err(InvalidBatchHeader {}.abi_encode()),
    );
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, proof),
        Err(InvalidBatchHeader {}.into())
    );
}

#[test]
fn relay_message_state_root_not_in_batch_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    let proof = proof_for(&vm, USER, U256::ZERO, L2_MESSENGER, U256::from(1), false, false);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, proof),
        Err(InvalidStateRootProof {}.into())
    );
}

#[test]
fn relay_message_wrong_proofs_revert() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    // A different message (nonce) than the one proven: the storage proof is for another slot.
    let proof = valid_proof(&vm, U256::ZERO);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::from(1), proof.clone()),
        Err(InvalidStorageProof {}.into())
    );
    // A tampered account proof.
    let mut tampered = proof.clone();
    let mut node = tampered.stateTrieWitness[0].to_vec();
    let last = node.len() - 1;
    node[last] ^= 1;
    tampered.stateTrieWitness[0] = node.into();
    mock_scc(&vm, &tampered, false, true);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, tampered),
        Err(InvalidAccountProof {}.into())
    );
    // The message passed by another sender than the child messenger.
    let forged = proof_for(&vm, USER, U256::ZERO, USER, U256::from(1), false, true);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, forged),
        Err(InvalidStorageProof {}.into())
    );
    // The slot proven holds something other than `true`.
    let two = proof_for(&vm, USER, U256::ZERO, L2_MESSENGER, U256::from(2), false, true);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, two),
        Err(MessageNotSent {}.into())
    );
    assert!(!messenger.successful_messages(message_hash(TARGET, USER, &message(), U256::ZERO)));
}

#[test]
fn relay_message_failed_then_retried_without_proof_succeeds() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Err(vec![1]));
    let proof = valid_proof(&vm, U256::ZERO);
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);
    vm.set_sender(RELAYER);
    messenger
        .relay_message_with_proof(TARGET, USER, message(), U256::ZERO, proof)
        .expect("recorded");
    assert!(messenger.failed_messages(hash));
    assert_eq!(events::<FailedRelayedMessage>(&vm)[0].msgHash, hash);

    vm.mock_call(TARGET, message().to_vec(), U256::ZERO, Ok(vec![]));
    vm.set_sender(USER);
    messenger.relay_message(TARGET, USER, message(), U256::ZERO).expect("retry");
    assert!(messenger.successful_messages(hash));
    assert!(!messenger.failed_messages(hash));
}

#[test]
fn relay_message_without_proof_of_unfailed_message_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    let hash = message_hash(TARGET, USER, &message(), U256::ZERO);
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(MessageCannotBeReplayed { msgHash: hash }.into())
    );
}

#[test]
fn relay_message_to_queue_or_scc_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    for target in [SCC, QUEUE] {
        let bytes = encode_message(target, USER, &message(), U256::ZERO);
        let slot = sent_messages_slot(passer_key(&bytes, L2_MESSENGER));
        let (root, account_proof, storage_proof) =
            account_and_storage_proof(L2_PASSER, &[(slot, U256::from(1))], slot, &[]);
        let proof = L2MessageInclusionProof {
            stateRoot: root,
            stateRootBatchHeader: header(),
            stateRootProof: ChainInclusionProof { index: U256::ZERO, siblings: vec![] },
            stateTrieWitness: account_proof,
            storageTrieWitness: storage_proof,
        };
        mock_scc(&vm, &proof, false, true);
        assert_eq!(
            messenger.relay_message_with_proof(target, USER, message(), U256::ZERO, proof),
            Err(UnsafeTarget { target }.into())
        );
    }
}

#[test]
fn relay_message_when_paused_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    messenger.pause().expect("pause");
    let proof = valid_proof(&vm, U256::ZERO);
    assert_eq!(
        messenger.relay_message_with_proof(TARGET, USER, message(), U256::ZERO, proof.clone()),
        Err(EnforcedPause {}.into())
    );
    assert_eq!(
        messenger.relay_message(TARGET, USER, message(), U256::ZERO),
        Err(EnforcedPause {}.into())
    );
    messenger.unpause().expect("unpause");
    messenger
        .relay_message_with_proof(TARGET, USER, message(), U256::ZERO, proof)
        .expect("relay after unpause");
}

#[test]
fn pause_by_stranger_reverts() {
    let vm = TestVM::new();
    let mut messenger = deploy_initialized(&vm);
    vm.set_sender(USER);
    assert_eq!(messenger.pause(), Err(OwnableUnauthorizedAccount { account: USER }.into()));
    assert!(!messenger.paused());
    assert_eq!(messenger.x_domain_message_sender(), Err(XDomainMessageSenderNotSet {}.into()));
}
