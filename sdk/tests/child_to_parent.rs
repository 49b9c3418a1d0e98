//! End to end at the sdk level: proving a child-to-parent message as the OVM
//! 1.0 parent messenger does (state-root batch inclusion, then the passer's
//! account and its `sentMessages[hash]` storage slot).
//!
//! The tries are built with alloy-trie and the proofs are the EIP-1186 node
//! lists `eth_getProof` would return.
#![allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.

mod proof_support;

use alloy_primitives::{address, b256, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall};
use crossnet_sdk::proof::{batch, mpt::MptError, verify_message_sent, BatchError, ProofError};
use proof_support::{contract_account, eoa, state_trie, storage_trie, word, Trie};

sol! {
    /// The v0 cross-domain message encoding.
    function relayMessage(address target, address sender, bytes message, uint256 messageNonce);
}

/// The message passer predeploy (`sentMessages` mapping at slot 0).
const PASSER: Address = address!("4200000000000000000000000000000000000000");
/// The child-chain messenger, the only sender the parent accepts.
const CHILD_MESSENGER: Address = address!("4200000000000000000000000000000000000007");

/// The v0 message bytes.
fn message_bytes(target: Address, sender: Address, message: &[u8], nonce: u64) -> Vec<u8> {
    relayMessageCall {
        target,
        sender,
        message: Bytes::copy_from_slice(message),
        messageNonce: U256::from(nonce),
    }
    .abi_encode()
}

/// `sentMessages[keccak256(bytes ‖ msg.sender)]`: the slot the passer sets.
fn sent_message_slot(bytes: &[u8], passer_caller: Address) -> B256 {
    let message_hash = keccak256([bytes, passer_caller.as_slice()].concat());
    keccak256([message_hash.as_slice(), &[0u8; 32]].concat())
}

/// The reference message: target 0x11…11, sender 0x22…22, 0x1234, nonce 0.
fn reference_message() -> Vec<u8> {
    message_bytes(Address::repeat_byte(0x11), Address::repeat_byte(0x22), &[0x12, 0x34], 0)
}

/// A child chain whose passer holds `value` at `slot`, among other slots and
/// accounts, with proofs retained for `slot` and `absent_slots`.
struct ChildChain {
    state: Trie,
    storage: Trie,
}

impl ChildChain {
    fn new(slot: B256, value: U256, absent_slots: &[B256]) -> Self {
        let mut slots: Vec<(B256, U256)> = (0..50u64)
            .map(|i| (word("other slot", i), U256::from_be_bytes(word("value", i).0) >> (i * 5)))
            .collect();
        slots.push((slot, value));
        let storage = storage_trie(&slots, absent_slots);
        let mut accounts: Vec<(Address, _)> = (0..30u64)
            .map(|i| (Address::from_word(word("account", i)), eoa(i, U256::from(i) << 64)))
            .collect();
        accounts.push((PASSER, contract_account(1, U256::ZERO, storage.root)));
        accounts.push((CHILD_MESSENGER, contract_account(1, U256::from(5), word("xdm", 0))));
        let state = state_trie(&accounts, &[]);
        Self { state, storage }
    }

    fn account_proof(&self) -> Vec<Bytes> {
        self.state.proof(keccak256(PASSER).as_slice())
    }

    fn storage_proof(&self, slot: B256) -> Vec<Bytes> {
        self.storage.proof(keccak256(slot).as_slice())
    }

    fn verify(&self, slot: B256) -> Result<(), ProofError> {
        let (account, storage) = (self.account_proof(), self.storage_proof(slot));
        verify_message_sent(self.state.root, PASSER, slot, &account, &storage)
    }
}

#[test]
fn reference_vector_slot() {
    let bytes = reference_message();
    assert_eq!(bytes[..4], [0xcb, 0xd4, 0xec, 0xe9]);
    assert_eq!(
        keccak256(&bytes),
        b256!("cb9b708a056a7192cab4e361ac5de6245aa25956b334a53a4e13ea795f710aa9")
    );
    assert_eq!(
        sent_message_slot(&bytes, CHILD_MESSENGER),
        b256!("97b0fb725fba86099474386c20453b31aa2e30f47839e0fcc2f7be8dc5f15083")
    );
}

#[test]
fn relay_proof_batch_and_storage_succeeds() {
    let slot = sent_message_slot(&reference_message(), CHILD_MESSENGER);
    let chain = ChildChain::new(slot, U256::from(1), &[]);

    // The state root is leaf 3 of a batch of 7.
    let mut leaves: Vec<B256> = (0..7u64).map(|i| word("state root", i)).collect();
    leaves[3] = chain.state.root;
    let batch_root = batch::merkle_root(&leaves).unwrap();
    let siblings = batch::inclusion_proof(&leaves, 3).unwrap();
    assert_eq!(batch::verify_inclusion(batch_root, chain.state.root, 3, &siblings, 7), Ok(()));
    assert_eq!(
        batch::verify_inclusion(batch_root, chain.state.root, 4, &siblings, 7),
        Err(BatchError::RootMismatch)
    );

    assert_eq!(chain.verify(slot), Ok(()));
    // The proofs are the passer's, not any account's.
    let (account, storage) = (chain.account_proof(), chain.storage_proof(slot));
    let other = Address::repeat_byte(0x42);
    assert!(verify_message_sent(chain.state.root, other, slot, &account, &storage).is_err());
    // Under another state root (the neighbouring batch leaf).
    assert_eq!(
        verify_message_sent(leaves[2], PASSER, slot, &account, &storage),
        Err(ProofError::Mpt(MptError::RootMismatch))
    );
}

#[test]
fn relay_proof_wrong_message_or_sender_reverts() {
    let sent = reference_message();
    let slot = sent_message_slot(&sent, CHILD_MESSENGER);
    // Another payload, another L2 sender inside the message, and the same
    // bytes passed by an account other than the child messenger.
    let wrong_message =
        message_bytes(Address::repeat_byte(0x11), Address::repeat_byte(0x22), &[0x12, 0x35], 0);
    let wrong_sender =
        message_bytes(Address::repeat_byte(0x11), Address::repeat_byte(0x23), &[0x12, 0x34], 0);
    let wrong_slots = [
        sent_message_slot(&wrong_message, CHILD_MESSENGER),
        sent_message_slot(&wrong_sender, CHILD_MESSENGER),
        sent_message_slot(&sent, Address::repeat_byte(0x99)),
    ];
    let chain = ChildChain::new(slot, U256::from(1), &wrong_slots);
    assert_eq!(chain.verify(slot), Ok(()));
    for wrong in wrong_slots {
        // With the (exclusion) proof of the wrong slot.
        assert!(matches!(chain.verify(wrong), Err(ProofError::Mpt(_))));
        // With the proof of the sent slot.
        let (account, storage) = (chain.account_proof(), chain.storage_proof(slot));
        assert!(matches!(
            verify_message_sent(chain.state.root, PASSER, wrong, &account, &storage),
            Err(ProofError::Mpt(_))
        ));
    }
}

#[test]
fn relay_proof_slot_value_not_one_reverts() {
    let slot = sent_message_slot(&reference_message(), CHILD_MESSENGER);
    for value in [U256::from(2), U256::MAX, U256::from(0x0100)] {
        let chain = ChildChain::new(slot, value, &[]);
        assert_eq!(chain.verify(slot), Err(ProofError::MessageNotSent));
    }
}
