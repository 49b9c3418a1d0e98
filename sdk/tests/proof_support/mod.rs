//! Shared helpers of the proof tests: tries and EIP-1186 proofs built with
//! alloy-trie (an implementation independent of the verifier under test), and
//! proptest configurations with fixed seeds.
#![allow(dead_code)]

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{
    proof::{ProofNodes, ProofRetainer},
    HashBuilder, Nibbles, TrieAccount, KECCAK_EMPTY,
};
use proptest::test_runner::{Config, FileFailurePersistence, RngAlgorithm, RngSeed};
use std::collections::BTreeMap;

/// A proptest configuration with a fixed seed, persisting failures in
/// `sdk/proptest-regressions/<file>.txt` (tests run from the crate root).
pub fn config(cases: u32, seed: u64, regressions: &'static str) -> Config {
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        max_shrink_iters: 256,
        ..Config::default()
    }
}

/// A trie built with alloy-trie's `HashBuilder`, with retained proof nodes.
#[derive(Debug)]
pub struct Trie {
    /// The trie root.
    pub root: B256,
    nodes: ProofNodes,
}

impl Trie {
    /// Builds a trie over raw `path -> value` entries (paths of one length,
    /// values non-empty), retaining proofs for every path and for `extra`.
    pub fn build(entries: &BTreeMap<Vec<u8>, Vec<u8>>, extra: &[&[u8]]) -> Self {
        let targets =
            entries.keys().map(Vec::as_slice).chain(extra.iter().copied()).map(Nibbles::unpack);
        let retainer = ProofRetainer::new(targets.collect());
        let mut builder = HashBuilder::default().with_proof_retainer(retainer);
        for (path, value) in entries {
            builder.add_leaf(Nibbles::unpack(path), value);
        }
        let root = builder.root();
        Self { root, nodes: builder.take_proof_nodes() }
    }

    /// The EIP-1186 proof of `path`: the retained nodes on the path sorted
    /// root first, without the inline ones (encoding < 32 bytes, except the
    /// root), exactly like geth's `eth_getProof`.
    pub fn proof(&self, path: &[u8]) -> Vec<Bytes> {
        self.nodes
            .matching_nodes_sorted(&Nibbles::unpack(path))
            .into_iter()
            .filter(|(at, node)| at.is_empty() || node.len() >= 32)
            .map(|(_, node)| node)
            .collect()
    }

    /// Every retained node with its path (all nodes, inline ones included).
    pub fn all_nodes(&self) -> Vec<(Nibbles, Bytes)> {
        self.nodes.nodes_sorted()
    }
}

/// A secure trie (paths are `keccak256(key)`) over `key -> value`.
pub fn secure_entries<K: AsRef<[u8]>>(
    entries: impl IntoIterator<Item = (K, Vec<u8>)>,
) -> BTreeMap<Vec<u8>, Vec<u8>> {
    entries.into_iter().map(|(k, v)| (keccak256(k).to_vec(), v)).collect()
}

/// A storage trie over `slot -> value` (zero values are not stored).
pub fn storage_trie(slots: &[(B256, U256)], extra: &[B256]) -> Trie {
    let entries = secure_entries(
        slots.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, alloy_rlp::encode(v))),
    );
    let extra: Vec<B256> = extra.iter().map(keccak256).collect();
    let extra: Vec<&[u8]> = extra.iter().map(|p| p.as_slice()).collect();
    Trie::build(&entries, &extra)
}

/// A state trie over `address -> account`.
pub fn state_trie(accounts: &[(Address, TrieAccount)], extra: &[Address]) -> Trie {
    let entries = secure_entries(accounts.iter().map(|(a, acc)| (*a, alloy_rlp::encode(acc))));
    let extra: Vec<B256> = extra.iter().map(keccak256).collect();
    let extra: Vec<&[u8]> = extra.iter().map(|p| p.as_slice()).collect();
    Trie::build(&entries, &extra)
}

/// A contract account with the given storage root.
pub fn contract_account(nonce: u64, balance: U256, storage_root: B256) -> TrieAccount {
    TrieAccount::new(nonce, balance, storage_root, keccak256(b"code"))
}

/// An externally owned account.
pub fn eoa(nonce: u64, balance: U256) -> TrieAccount {
    TrieAccount::new(nonce, balance, alloy_trie::EMPTY_ROOT_HASH, KECCAK_EMPTY)
}

/// A deterministic pseudo-random word.
pub fn word(label: &str, i: u64) -> B256 {
    keccak256([label.as_bytes(), &i.to_be_bytes()].concat())
}
