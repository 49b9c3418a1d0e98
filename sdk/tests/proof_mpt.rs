//! `proof::mpt` against tries and proofs built with alloy-trie.
//!
//! Property tests (fixed seeds, failures persisted under
//! `proptest-regressions/`) check that the verifier accepts the EIP-1186 proof
//! of every key of random tries and returns its value, and rejects every
//! single-byte mutation, an appended node, a removed node, a wrong root, the
//! proof of another key, an empty key and an absent key. Hand-built cases cover
//! inline nodes (OVM bug #1871: a valid 31-byte inline leaf) and short nodes
//! referenced by hash.
#![allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.

mod proof_support;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{proof::verify_proof, Nibbles, TrieAccount};
use crossnet_sdk::proof::{
    mpt::{self, verify_inclusion, Account, MptError},
    rlp,
};
use proof_support::{config, contract_account, eoa, state_trie, storage_trie, word, Trie};
use proptest::{collection::vec, prelude::*, sample::Index, strategy::ValueTree};
use std::collections::BTreeMap;

/// Prefix shared by groups of keys so that extension nodes appear.
const COMMON: [u8; 32] = [
    0x5a, 0xc3, 0x17, 0x88, 0x42, 0x9e, 0x01, 0xf0, 0x5a, 0xc3, 0x17, 0x88, 0x42, 0x9e, 0x01, 0xf0,
    0x5a, 0xc3, 0x17, 0x88, 0x42, 0x9e, 0x01, 0xf0, 0x5a, 0xc3, 0x17, 0x88, 0x42, 0x9e, 0x01, 0xf0,
];

/// Random tries of 1..=200 raw 32-byte paths. Groups of keys share prefixes of
/// 3, 9, 16 or 31 bytes (extensions, deep branches); values are 1..=2 bytes
/// (leaves inline in their parent when deep enough) or up to 100 bytes.
fn entries() -> impl Strategy<Value = BTreeMap<Vec<u8>, Vec<u8>>> {
    let value = prop_oneof![vec(any::<u8>(), 1..=2), vec(any::<u8>(), 1..=100)];
    let shared = prop::sample::select(vec![0usize, 0, 0, 0, 3, 9, 16, 31]);
    vec((any::<[u8; 32]>(), shared, value), 1..=200).prop_map(|items| {
        items
            .into_iter()
            .map(|(mut key, shared, value)| {
                key[..shared].copy_from_slice(&COMMON[..shared]);
                (key.to_vec(), value)
            })
            .collect()
    })
}

/// Mutates each byte of each node in turn (XOR with a non-zero value) and
/// checks that the verifier rejects every mutated proof.
fn assert_every_byte_mutation_rejected(root: B256, path: &[u8], proof: &[Bytes], xor: u8) {
    let mut nodes: Vec<Vec<u8>> = proof.iter().map(|n| n.to_vec()).collect();
    for i in 0..nodes.len() {
        for pos in 0..nodes[i].len() {
            let x = xor.rotate_left((pos % 8) as u32);
            nodes[i][pos] ^= x;
            let result = verify_inclusion(root, path, &nodes);
            assert!(result.is_err(), "mutation of node {i} byte {pos} accepted: {result:?}");
            nodes[i][pos] ^= x;
        }
    }
}

/// All the rejection checks on the proof of `path` in `trie`.
fn assert_rejections(trie: &Trie, entries: &BTreeMap<Vec<u8>, Vec<u8>>, path: &[u8], xor: u8) {
    let root = trie.root;
    let proof = trie.proof(path);
    assert_every_byte_mutation_rejected(root, path, &proof, xor);

    // An extra node (a copy of any node, or junk) appended.
    for extra in proof.iter().cloned().chain([Bytes::from_static(&[0xc0])]) {
        let mut longer = proof.clone();
        longer.push(extra);
        assert_eq!(verify_inclusion(root, path, &longer), Err(MptError::TrailingNodes));
    }
    // Each node removed.
    for i in 0..proof.len() {
        let mut shorter = proof.clone();
        shorter.remove(i);
        assert!(verify_inclusion(root, path, &shorter).is_err(), "node {i} removed accepted");
    }
    // Wrong root.
    let wrong_root = root ^ B256::with_last_byte(1);
    assert_eq!(verify_inclusion(wrong_root, path, &proof), Err(MptError::RootMismatch));
    // Empty key, and a truncated key.
    assert_eq!(verify_inclusion(root, &[], &proof), Err(MptError::EmptyPath));
    assert!(verify_inclusion(root, &path[..path.len() - 1], &proof).is_err());
    // The proof of another key proves this key only if it is the same proof.
    for other in entries.keys().take(8) {
        let other_proof = trie.proof(other);
        let result = verify_inclusion(root, path, &other_proof);
        if other_proof == proof {
            assert_eq!(result, Ok(entries[path].as_slice()));
        } else {
            assert!(result.is_err(), "proof of another key accepted");
        }
    }
}

proptest! {
    #![proptest_config(config(64, 0x1871_4845, "proptest-regressions/proof_mpt.txt"))]

    /// The verifier accepts alloy-trie's proof of every key and rejects
    /// every tampered proof of four sampled keys and of an absent key.
    #[test]
    fn verify_inclusion_random_tries(
        entries in entries(),
        absent in any::<[u8; 32]>(),
        picks in vec(any::<Index>(), 4),
        xor in 1u8..=255,
    ) {
        let trie = Trie::build(&entries, &[&absent]);
        for (path, value) in &entries {
            let proof = trie.proof(path);
            // The test harness itself: alloy-trie's verifier accepts the proof.
            prop_assert!(
                verify_proof(trie.root, Nibbles::unpack(path), Some(value.clone()), &proof).is_ok()
            );
            prop_assert_eq!(verify_inclusion(trie.root, path, &proof), Ok(value.as_slice()));
        }
        let keys: Vec<&Vec<u8>> = entries.keys().collect();
        for pick in picks {
            let key = *pick.get(&keys);
            assert_rejections(&trie, &entries, key, xor);
        }
        if !entries.contains_key(absent.as_slice()) {
            let proof = trie.proof(&absent);
            let result = verify_inclusion(trie.root, &absent, &proof);
            prop_assert!(result.is_err(), "absent key accepted: {:?}", result);
        }
    }

    /// `verify_account` and `verify_storage` decode what alloy-trie encoded.
    #[test]
    fn verify_account_and_storage_random_states(
        accounts in vec((any::<[u8; 20]>(), any::<u64>(), any::<[u8; 32]>()), 1..=40),
        slots in vec((any::<[u8; 32]>(), any::<[u8; 32]>(), 0usize..=32), 1..=60),
    ) {
        // Storage values of every byte length, including 1-byte values.
        let slots: Vec<(B256, U256)> = slots
            .into_iter()
            .map(|(k, v, len)| {
                let value = U256::from_be_slice(&v[..len]);
                (B256::from(k), if value.is_zero() { U256::from(1) } else { value })
            })
            .collect();
        let storage = storage_trie(&slots, &[]);
        let mut states: Vec<(Address, TrieAccount)> = accounts
            .iter()
            .map(|(a, nonce, balance)| {
                (Address::from(*a), eoa(*nonce, U256::from_be_bytes(*balance)))
            })
            .collect();
        let owner = Address::from(accounts[0].0);
        states[0].1 = contract_account(accounts[0].1, U256::from(7), storage.root);
        let state = state_trie(&states, &[]);
        let mut seen = BTreeMap::new();
        for (address, account) in &states {
            seen.insert(*address, *account);
        }
        for (address, account) in &seen {
            let proof = state.proof(keccak256(address).as_slice());
            let expected = Account {
                nonce: account.nonce,
                balance: account.balance,
                storage_root: account.storage_root,
                code_hash: account.code_hash,
            };
            prop_assert_eq!(mpt::verify_account(state.root, *address, &proof), Ok(expected));
        }
        let account_proof = state.proof(keccak256(owner).as_slice());
        let mut last = BTreeMap::new();
        for (slot, value) in &slots {
            last.insert(*slot, *value);
        }
        for (slot, value) in &last {
            let proof = storage.proof(keccak256(slot).as_slice());
            prop_assert_eq!(mpt::verify_storage(storage.root, *slot, &proof), Ok(*value));
            prop_assert_eq!(
                mpt::verify_storage_slot_of(state.root, owner, *slot, &account_proof, &proof),
                Ok(*value)
            );
        }
    }
}

/// Node kinds of a trie: (inline non-root nodes, extension nodes).
fn node_kinds(trie: &Trie) -> (usize, usize) {
    let all = trie.all_nodes();
    let inline = all.iter().filter(|(path, node)| !path.is_empty() && node.len() < 32).count();
    let extensions = all
        .iter()
        .filter(|(_, node)| {
            let items: Vec<_> =
                rlp::decode_exact(node).unwrap().list().unwrap().map(Result::unwrap).collect();
            items.len() == 2 && items[0].payload()[0] >> 4 < 2
        })
        .count();
    (inline, extensions)
}

#[test]
fn random_tries_contain_inline_nodes_and_extensions() {
    // The strategy of the property tests exercises the interesting shapes.
    let mut runner = proptest::test_runner::TestRunner::new(config(1, 7, "unused"));
    let (mut inline, mut extensions) = (0, 0);
    for _ in 0..8 {
        let entries = entries().new_tree(&mut runner).unwrap().current();
        let (i, e) = node_kinds(&Trie::build(&entries, &[]));
        inline += i;
        extensions += e;
    }
    assert!(inline > 0 && extensions > 0, "inline {inline}, extensions {extensions}");
}

/// Paths sharing 9 nibbles: their leaves sit at depth 10 with 54 path nibbles.
fn deep_pair_trie(value: &[u8]) -> (Trie, [Vec<u8>; 3]) {
    let mut a = [0x11u8; 32];
    a[..5].copy_from_slice(&[0x12, 0x34, 0x56, 0x78, 0x90]);
    let mut b = a;
    b[4] = 0x91;
    let c = [0xffu8; 32];
    let keys = [a.to_vec(), b.to_vec(), c.to_vec()];
    let entries: BTreeMap<_, _> = keys.iter().map(|k| (k.clone(), value.to_vec())).collect();
    (Trie::build(&entries, &[]), keys)
}

#[test]
fn verify_inclusion_31_byte_inline_leaf_succeeds() {
    // OVM bug #1871: a storage value 0x01 under a leaf of 54 nibbles gives a
    // 31-byte leaf, inline in its branch. Lib_MerkleTrie rejected it.
    let (trie, keys) = deep_pair_trie(&alloy_rlp::encode(U256::from(1)));
    let leaf = trie
        .all_nodes()
        .into_iter()
        .find(|(path, _)| path.len() == 10)
        .map(|(_, node)| node)
        .expect("leaf at depth 10");
    assert_eq!(leaf.len(), 31);
    for key in &keys[..2] {
        let proof = trie.proof(key);
        // root branch, extension, branch holding the inline leaf.
        assert_eq!(proof.len(), 3);
        assert!(!proof.contains(&leaf));
        let value = verify_inclusion(trie.root, key, &proof).unwrap();
        assert_eq!(value, &[0x01]);
        assert_eq!(rlp::decode_exact(value).unwrap().as_u256(), Ok(U256::from(1)));
        // Bedrock's SDK appends the inline leaf as a proof element of its
        // own (`maybeAddProofNode`); in EIP-1186 form that is a trailing node.
        let mut bedrock_style = proof.clone();
        bedrock_style.push(leaf.clone());
        assert_eq!(verify_inclusion(trie.root, key, &bedrock_style), Err(MptError::TrailingNodes));
    }
}

/// Re-encodes an RLP list with item `index` replaced by `new_item`.
fn replace_item(node: &[u8], index: usize, new_item: &[u8]) -> Vec<u8> {
    let list = rlp::decode_exact(node).unwrap();
    let mut payload = Vec::new();
    for (i, item) in list.list().unwrap().enumerate() {
        let item = item.unwrap();
        payload.extend_from_slice(if i == index { new_item } else { item.encoded() });
    }
    let mut out = Vec::new();
    alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(&mut out);
    out.extend(payload);
    out
}

/// Replaces `proof[index]` by `node` and re-hashes the ancestors (whose hash
/// references keep their length), returning the new root and proof.
fn replace_and_rehash(proof: &[Bytes], index: usize, node: Vec<u8>) -> (B256, Vec<Vec<u8>>) {
    let mut nodes: Vec<Vec<u8>> = proof.iter().map(|n| n.to_vec()).collect();
    let mut old_hash = keccak256(&nodes[index]);
    nodes[index] = node;
    for i in (0..index).rev() {
        let new_hash = keccak256(&nodes[i + 1]);
        let parent = &mut nodes[i];
        let at = parent.windows(32).position(|w| w == old_hash.as_slice()).expect("reference");
        old_hash = keccak256(&*parent);
        parent[at..at + 32].copy_from_slice(new_hash.as_slice());
    }
    (keccak256(&nodes[0]), nodes)
}

#[test]
fn verify_inclusion_short_node_referenced_by_hash_reverts() {
    // A 32-byte reference to a node shorter than 32 bytes: a hash-consistent
    // proof that geth never produces (the node would be inline).
    let (trie, keys) = deep_pair_trie(&[0x01]);
    let proof = trie.proof(&keys[0]);
    let branch = rlp::decode_exact(&proof[2]).unwrap();
    let children: Vec<_> = branch.list().unwrap().map(Result::unwrap).collect();
    let inline_leaf = children[0].encoded().to_vec();
    assert!(children[0].is_list() && inline_leaf.len() < 32);
    let by_hash = alloy_rlp::encode(keccak256(&inline_leaf));
    let (root, mut forged) = replace_and_rehash(&proof, 2, replace_item(&proof[2], 0, &by_hash));
    // Sanity: the forged branch with its own child still verifies for the sibling key.
    assert_eq!(verify_inclusion(root, &keys[1], &forged), Ok(&[0x01][..]));
    forged.push(inline_leaf);
    assert_eq!(verify_inclusion(root, &keys[0], &forged), Err(MptError::HashedNodeTooShort));
}

#[test]
fn verify_inclusion_inline_node_of_32_bytes_reverts() {
    // An inline child list of 32 bytes (it must be referenced by hash), made
    // by padding the inline leaf's value.
    let (trie, keys) = deep_pair_trie(&[0x01]);
    let proof = trie.proof(&keys[0]);
    let branch = rlp::decode_exact(&proof[2]).unwrap();
    let leaf = branch.list().unwrap().next().unwrap().unwrap();
    let items: Vec<_> = leaf.list().unwrap().map(Result::unwrap).collect();
    let big_leaf = {
        let payload = [items[0].encoded(), &alloy_rlp::encode([0x80u8])[..]].concat();
        let mut out = Vec::new();
        alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(&mut out);
        out.extend(payload);
        out
    };
    assert_eq!(big_leaf.len(), 32);
    let (root, forged) = replace_and_rehash(&proof, 2, replace_item(&proof[2], 0, &big_leaf));
    assert_eq!(verify_inclusion(root, &keys[0], &forged), Err(MptError::InlineNodeTooLarge));
    assert_eq!(verify_inclusion(root, &keys[1], &forged), Ok(&[0x01][..]));
}

#[test]
fn verify_inclusion_single_leaf_trie_succeeds() {
    // A one-key trie: the root node is the leaf (shorter than 32 bytes here).
    let key = [0xabu8; 4];
    let entries = BTreeMap::from([(key.to_vec(), vec![0x2a])]);
    let trie = Trie::build(&entries, &[]);
    let proof = trie.proof(&key);
    assert_eq!(proof.len(), 1);
    assert!(proof[0].len() < 32);
    assert_eq!(verify_inclusion(trie.root, &key, &proof), Ok(&[0x2a][..]));
    assert_eq!(verify_inclusion(trie.root, &[0xab; 3], &proof), Err(MptError::KeyNotFound));
}

#[test]
fn verify_account_missing_account_reverts() {
    let present = Address::repeat_byte(0x11);
    let absent = Address::repeat_byte(0x22);
    let accounts: Vec<_> = (0..20u64)
        .map(|i| (Address::from_word(word("account", i)), eoa(i, U256::from(i))))
        .chain([(present, eoa(1, U256::from(1)))])
        .collect();
    let state = state_trie(&accounts, &[absent]);
    let proof = state.proof(keccak256(absent).as_slice());
    assert!(mpt::verify_account(state.root, absent, &proof).is_err());
    let proof = state.proof(keccak256(present).as_slice());
    assert_eq!(mpt::verify_account(state.root, present, &proof).map(|a| a.nonce), Ok(1),);
    // The right proof for the wrong address.
    assert!(mpt::verify_account(state.root, absent, &proof).is_err());
}

#[test]
fn verify_storage_zero_and_absent_slots_revert() {
    let slots: Vec<(B256, U256)> =
        (0..30u64).map(|i| (word("slot", i), U256::from(i + 1))).collect();
    let absent = word("absent", 0);
    let storage = storage_trie(&slots, &[absent]);
    let proof = storage.proof(keccak256(absent).as_slice());
    assert!(mpt::verify_storage(storage.root, absent, &proof).is_err());
    let proof = storage.proof(keccak256(slots[3].0).as_slice());
    assert_eq!(mpt::verify_storage(storage.root, slots[3].0, &proof), Ok(U256::from(4)));
    assert!(mpt::verify_storage(storage.root, slots[4].0, &proof).is_err());
}
