//! Native unit tests (TestVM).

use alloy_primitives::address;
use alloy_sol_types::SolEvent;
use stylus_sdk::testing::TestVM;

use super::*;

const PROPOSER: Address = address!("00000000000000000000000000000000000000a1");
const CHALLENGER: Address = address!("00000000000000000000000000000000000000b1");
const STRANGER: Address = address!("00000000000000000000000000000000000000c1");
const WINDOW: u64 = 3600;
const T0: u64 = 1_700_000_000;

fn roots(n: u8, salt: u8) -> Vec<B256> {
    (0..n).map(|i| keccak256([i, salt])).collect()
}

fn deploy(vm: &TestVM) -> StateCommitmentChain {
    vm.set_block_timestamp(T0);
    let mut scc = StateCommitmentChain::from(vm);
    scc.constructor(PROPOSER, CHALLENGER, U256::from(WINDOW)).expect("constructor");
    scc
}

/// Appends `batch` as the proposer and returns its header (from the event).
fn append(vm: &TestVM, scc: &mut StateCommitmentChain, batch: Vec<B256>) -> ChainBatchHeader {
    vm.set_sender(PROPOSER);
    let start = scc.get_total_elements();
    scc.append_state_batch(batch, start).expect("append");
    let (topics, data) = vm.get_emitted_logs().last().cloned().expect("event");
    let event = StateBatchAppended::decode_raw_log(topics, &data).expect("decode");
    ChainBatchHeader {
        batchIndex: event.batchIndex,
        batchRoot: event.batchRoot,
        batchSize: event.batchSize,
        prevTotalElements: event.prevTotalElements,
        extraData: event.extraData,
    }
}

fn proof(batch: &[B256], index: u64) -> ChainInclusionProof {
    ChainInclusionProof {
        index: U256::from(index),
        siblings: batch::inclusion_proof(batch, index).expect("proof"),
    }
}

#[test]
fn constructor_zero_role_reverts() {
    let vm = TestVM::new();
    let mut scc = StateCommitmentChain::from(&vm);
    assert_eq!(
        scc.constructor(Address::ZERO, CHALLENGER, U256::from(1)),
        Err(InvalidConfiguration {}.into())
    );
    assert_eq!(
        scc.constructor(PROPOSER, Address::ZERO, U256::from(1)),
        Err(InvalidConfiguration {}.into())
    );
}

#[test]
fn append_state_batch_stores_header_succeeds() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let batch = roots(5, 0);
    let header = append(&vm, &mut scc, batch.clone());

    assert_eq!(header.batchIndex, U256::ZERO);
    assert_eq!(header.batchSize, U256::from(5));
    assert_eq!(header.prevTotalElements, U256::ZERO);
    assert_eq!(Some(header.batchRoot), batch::merkle_root(&batch));
    // extraData = abi.encode(appendTime, proposer)
    assert_eq!(header.extraData.len(), 64);
    assert_eq!(U256::from_be_slice(&header.extraData[..32]), U256::from(T0));
    assert_eq!(&header.extraData[44..64], PROPOSER.as_slice());
    assert_eq!(scc.get_total_elements(), U256::from(5));
    assert_eq!(scc.get_total_batches(), U256::from(1));
    assert_eq!(
        scc.get_batch_hash(U256::ZERO),
        header_hash(header.batchRoot, header.batchSize, U256::ZERO, &header.extraData)
    );
    assert_eq!(scc.get_batch_hash(U256::from(1)), B256::ZERO);

    let second = append(&vm, &mut scc, roots(3, 1));
    assert_eq!(second.batchIndex, U256::from(1));
    assert_eq!(second.prevTotalElements, U256::from(5));
    assert_eq!(scc.get_total_elements(), U256::from(8));
}

#[test]
fn append_state_batch_by_stranger_reverts() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    vm.set_sender(STRANGER);
    assert_eq!(
        scc.append_state_batch(roots(1, 0), U256::ZERO),
        Err(NotProposer { caller: STRANGER }.into())
    );
}

#[test]
fn append_state_batch_wrong_start_reverts() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    append(&vm, &mut scc, roots(2, 0));
    assert_eq!(
        scc.append_state_batch(roots(1, 1), U256::ZERO),
        Err(InvalidBatchStart { expected: U256::from(2), given: U256::ZERO }.into())
    );
}

#[test]
fn append_state_batch_empty_or_too_large_reverts() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    vm.set_sender(PROPOSER);
    assert_eq!(scc.append_state_batch(vec![], U256::ZERO), Err(EmptyBatch {}.into()));
    let big = vec![B256::ZERO; MAX_BATCH_SIZE as usize + 1];
    assert_eq!(
        scc.append_state_batch(big, U256::ZERO),
        Err(BatchTooLarge { size: U256::from(1025), max: U256::from(1024) }.into())
    );
}

#[test]
fn verify_state_commitment_every_index_succeeds() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let batch = roots(7, 3);
    let header = append(&vm, &mut scc, batch.clone());
    for (i, root) in batch.iter().enumerate() {
        let i = i as u64;
        assert_eq!(scc.verify_state_commitment(*root, header.clone(), proof(&batch, i)), Ok(true));
    }
    // wrong element, wrong index
    assert_eq!(
        scc.verify_state_commitment(B256::ZERO, header.clone(), proof(&batch, 0)),
        Ok(false)
    );
    assert_eq!(scc.verify_state_commitment(batch[1], header.clone(), proof(&batch, 0)), Ok(false));
    let mut far = proof(&batch, 0);
    far.index = U256::from(u128::MAX);
    assert_eq!(scc.verify_state_commitment(batch[0], header, far), Ok(false));
}

#[test]
fn verify_state_commitment_forged_header_reverts() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let batch = roots(4, 0);
    let header = append(&vm, &mut scc, batch.clone());
    let forged_root = batch::merkle_root(&roots(4, 9)).expect("root");
    let mut forged = header.clone();
    forged.batchRoot = forged_root;
    assert_eq!(
        scc.verify_state_commitment(batch[0], forged, proof(&batch, 0)),
        Err(InvalidBatchHeader {}.into())
    );
    let mut unknown = header;
    unknown.batchIndex = U256::from(1);
    assert_eq!(scc.inside_fraud_proof_window(unknown), Err(InvalidBatchHeader {}.into()));
}

#[test]
fn inside_fraud_proof_window_until_window_passes_succeeds() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let header = append(&vm, &mut scc, roots(1, 0));
    assert_eq!(scc.inside_fraud_proof_window(header.clone()), Ok(true));
    vm.set_block_timestamp(T0 + WINDOW - 1);
    assert_eq!(scc.inside_fraud_proof_window(header.clone()), Ok(true));
    vm.set_block_timestamp(T0 + WINDOW);
    assert_eq!(scc.inside_fraud_proof_window(header), Ok(false));
}

#[test]
fn delete_state_batch_drops_later_batches_succeeds() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    append(&vm, &mut scc, roots(2, 0));
    let second = append(&vm, &mut scc, roots(3, 1));
    let third = append(&vm, &mut scc, roots(1, 2));

    vm.set_sender(CHALLENGER);
    scc.delete_state_batch(second.clone()).expect("delete");
    assert_eq!(scc.get_total_batches(), U256::from(1));
    assert_eq!(scc.get_total_elements(), U256::from(2));
    let (topics, data) = vm.get_emitted_logs().last().cloned().expect("event");
    let event = StateBatchDeleted::decode_raw_log(topics, &data).expect("decode");
    assert_eq!((event.batchIndex, event.batchRoot), (U256::from(1), second.batchRoot));
    // Later batches are gone too.
    assert_eq!(scc.inside_fraud_proof_window(third), Err(InvalidBatchHeader {}.into()));
    // The chain continues from the deleted batch's start.
    let replacement = append(&vm, &mut scc, roots(4, 5));
    assert_eq!(replacement.batchIndex, U256::from(1));
    assert_eq!(replacement.prevTotalElements, U256::from(2));
}

#[test]
fn delete_state_batch_after_window_reverts() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let header = append(&vm, &mut scc, roots(2, 0));
    vm.set_block_timestamp(T0 + WINDOW);
    vm.set_sender(CHALLENGER);
    assert_eq!(
        scc.delete_state_batch(header),
        Err(OutsideFraudProofWindow { batchIndex: U256::ZERO }.into())
    );
}

#[test]
fn delete_state_batch_by_stranger_reverts() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let header = append(&vm, &mut scc, roots(2, 0));
    vm.set_sender(PROPOSER);
    assert_eq!(scc.delete_state_batch(header), Err(NotChallenger { caller: PROPOSER }.into()));
}

#[test]
fn views_report_configuration_succeeds() {
    let vm = TestVM::new();
    let scc = deploy(&vm);
    assert_eq!(scc.proposer(), PROPOSER);
    assert_eq!(scc.challenger(), CHALLENGER);
    assert_eq!(scc.fraud_proof_window(), U256::from(WINDOW));
}

#[test]
fn verify_finalized_state_commitment_after_window_succeeds() {
    let vm = TestVM::new();
    let mut scc = deploy(&vm);
    let batch = roots(3, 1);
    let header = append(&vm, &mut scc, batch.clone());
    assert_eq!(
        scc.verify_finalized_state_commitment(batch[2], header.clone(), proof(&batch, 2)),
        Err(InsideFraudProofWindow { batchIndex: U256::ZERO }.into())
    );
    vm.set_block_timestamp(T0 + WINDOW);
    assert_eq!(
        scc.verify_finalized_state_commitment(batch[2], header.clone(), proof(&batch, 2)),
        Ok(true)
    );
    assert_eq!(
        scc.verify_finalized_state_commitment(batch[1], header.clone(), proof(&batch, 2)),
        Ok(false)
    );
    let mut forged = header;
    forged.prevTotalElements = U256::from(1);
    assert_eq!(
        scc.verify_finalized_state_commitment(batch[2], forged, proof(&batch, 2)),
        Err(InvalidBatchHeader {}.into())
    );
}
