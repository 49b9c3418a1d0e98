//! Test helpers (feature `test-utils`): Merkle-Patricia tries and EIP-1186 proofs built with
//! alloy-trie, an implementation independent of the verifier in [`crate::proof`].

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{
    proof::{ProofNodes, ProofRetainer},
    HashBuilder, Nibbles, TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY,
};

/// A trie built with alloy-trie's `HashBuilder`, retaining proofs for chosen paths.
#[derive(Debug)]
pub struct Trie {
    /// The trie root.
    pub root: B256,
    nodes: ProofNodes,
}

impl Trie {
    /// Builds a trie over `path -> value` (raw paths of equal length, non-empty values),
    /// retaining proofs for every path.
    #[must_use]
    pub fn build(entries: &BTreeMap<B256, Vec<u8>>) -> Self {
        let targets = entries.keys().map(|k| Nibbles::unpack(k)).collect();
        let mut builder = HashBuilder::default().with_proof_retainer(ProofRetainer::new(targets));
        for (path, value) in entries {
            builder.add_leaf(Nibbles::unpack(path), value);
        }
        let root = if entries.is_empty() { EMPTY_ROOT_HASH } else { builder.root() };
        Self { root, nodes: builder.take_proof_nodes() }
    }

    /// The EIP-1186 node list for `path`, root first, inline nodes omitted (as geth returns).
    #[must_use]
    pub fn proof(&self, path: B256) -> Vec<Bytes> {
        self.nodes
            .matching_nodes_sorted(&Nibbles::unpack(path))
            .into_iter()
            .filter(|(at, node)| at.is_empty() || node.len() >= 32)
            .map(|(_, node)| node)
            .collect()
    }
}

/// A state with one contract's storage: builds the storage trie, then a state trie holding
/// that account among `other_accounts`, and returns
/// `(state_root, account_proof, storage_proof_of(proven_slot))`.
#[must_use]
pub fn account_and_storage_proof(
    account: Address,
    slots: &[(B256, U256)],
    proven_slot: B256,
    other_accounts: &[Address],
) -> (B256, Vec<Bytes>, Vec<Bytes>) {
    let storage: BTreeMap<B256, Vec<u8>> = slots
        .iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(k, v)| (keccak256(k), alloy_rlp::encode(v)))
        .collect();
    let storage_trie = Trie::build(&storage);
    let mut accounts = BTreeMap::new();
    let ours = TrieAccount {
        nonce: 1,
        balance: U256::ZERO,
        storage_root: storage_trie.root,
        code_hash: keccak256(b"code"),
    };
    accounts.insert(keccak256(account), alloy_rlp::encode(ours));
    for (i, other) in other_accounts.iter().enumerate() {
        let plain = TrieAccount {
            nonce: i as u64,
            balance: U256::from(i),
            storage_root: EMPTY_ROOT_HASH,
            code_hash: KECCAK_EMPTY,
        };
        accounts.insert(keccak256(other), alloy_rlp::encode(plain));
    }
    let state = Trie::build(&accounts);
    (state.root, state.proof(keccak256(account)), storage_trie.proof(keccak256(proven_slot)))
}
