//! Bounded, deterministic fuzzing of the proof decoders (fixed seeds; part of
//! the normal `cargo test`).
//!
//! - random bytes into the RLP decoder, random node lists into the verifiers:
//!   no panic;
//! - valid proofs mutated (byte flips, truncations, insertions, node
//!   duplication, removal, reordering, appended junk): no panic, and every
//!   change is rejected under the original root;
//! - valid proofs mutated and re-hashed up to a new root, so the mutated node
//!   is actually decoded by the walk: no panic.
#![allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.

mod proof_support;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use crossnet_sdk::proof::{
    mpt::{verify_account, verify_inclusion, verify_storage},
    rlp::{self, Item},
    verify_message_sent,
};
use proof_support::{config, contract_account, eoa, state_trie, storage_trie, Trie};
use proptest::{collection::vec, prelude::*, sample::Index};

/// Visits every nested item and decodes it as every scalar type.
fn visit(item: Item<'_>) {
    let _ = (item.as_u64(), item.as_u256(), item.as_b256(), item.bytes());
    if let Ok(items) = item.list() {
        let mut buf = [Item::EMPTY; 17];
        let _ = item.list_into(&mut buf);
        for child in items.flatten() {
            visit(child);
        }
    }
}

/// One edit of a proof node list.
#[derive(Clone, Debug)]
enum Edit {
    Flip { node: Index, at: Index, xor: u8 },
    Truncate { node: Index, len: Index },
    Insert { node: Index, at: Index, byte: u8 },
    Duplicate { node: Index },
    Remove { node: Index },
    Swap { a: Index, b: Index },
    Append { junk: Vec<u8> },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), any::<Index>(), 1u8..=255).prop_map(|(node, at, xor)| Edit::Flip {
            node,
            at,
            xor
        }),
        (any::<Index>(), any::<Index>()).prop_map(|(node, len)| Edit::Truncate { node, len }),
        (any::<Index>(), any::<Index>(), any::<u8>()).prop_map(|(node, at, byte)| Edit::Insert {
            node,
            at,
            byte
        }),
        any::<Index>().prop_map(|node| Edit::Duplicate { node }),
        any::<Index>().prop_map(|node| Edit::Remove { node }),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::Swap { a, b }),
        vec(any::<u8>(), 0..40).prop_map(|junk| Edit::Append { junk }),
    ]
}

/// Applies an edit (edits of an empty list are no-ops).
fn apply(nodes: &mut Vec<Vec<u8>>, edit: &Edit) {
    if nodes.is_empty() {
        if let Edit::Append { junk } = edit {
            nodes.push(junk.clone());
        }
        return;
    }
    let n = nodes.len();
    match edit {
        Edit::Flip { node, at, xor } => {
            let node = &mut nodes[node.index(n)];
            if !node.is_empty() {
                let at = at.index(node.len());
                node[at] ^= xor;
            }
        }
        Edit::Truncate { node, len } => {
            let node = &mut nodes[node.index(n)];
            node.truncate(len.index(node.len() + 1));
        }
        Edit::Insert { node, at, byte } => {
            let node = &mut nodes[node.index(n)];
            node.insert(at.index(node.len() + 1), *byte);
        }
        Edit::Duplicate { node } => {
            let i = node.index(n);
            nodes.insert(i, nodes[i].clone());
        }
        Edit::Remove { node } => {
            nodes.remove(node.index(n));
        }
        Edit::Swap { a, b } => nodes.swap(a.index(n), b.index(n)),
        Edit::Append { junk } => nodes.push(junk.clone()),
    }
}

/// Replaces `nodes[index]` by `node` and re-hashes its ancestors where they
/// hold the old hash; returns the new root.
fn rehash(nodes: &mut [Vec<u8>], index: usize, node: Vec<u8>) -> B256 {
    let mut old_hash = keccak256(&nodes[index]);
    nodes[index] = node;
    for i in (0..index).rev() {
        let new_hash = keccak256(&nodes[i + 1]);
        let parent = &mut nodes[i];
        let Some(at) = parent.windows(32).position(|w| w == old_hash.as_slice()) else { break };
        old_hash = keccak256(&*parent);
        parent[at..at + 32].copy_from_slice(new_hash.as_slice());
    }
    keccak256(&nodes[0])
}

/// A storage trie of random non-zero slots under the passer, and its state.
#[derive(Debug)]
struct World {
    state: Trie,
    storage: Trie,
    slots: Vec<B256>,
    passer: Address,
}

fn world() -> impl Strategy<Value = World> {
    (vec((any::<[u8; 32]>(), 1u64..=3), 1..=40), vec(any::<[u8; 20]>(), 0..=20), any::<[u8; 20]>())
        .prop_map(|(slots, others, passer)| {
            let slots: Vec<(B256, U256)> =
                slots.into_iter().map(|(k, v)| (B256::from(k), U256::from(v))).collect();
            let storage = storage_trie(&slots, &[]);
            let passer = Address::from(passer);
            let mut accounts: Vec<_> =
                others.into_iter().map(|a| (Address::from(a), eoa(1, U256::from(a[0])))).collect();
            accounts.push((passer, contract_account(1, U256::ZERO, storage.root)));
            let state = state_trie(&accounts, &[]);
            World { state, storage, slots: slots.into_iter().map(|(k, _)| k).collect(), passer }
        })
}

fn to_vecs(proof: &[Bytes]) -> Vec<Vec<u8>> {
    proof.iter().map(|n| n.to_vec()).collect()
}

proptest! {
    #![proptest_config(config(2048, 0xf022_0001, "proptest-regressions/proof_fuzz.txt"))]

    /// Random bytes never make the RLP decoder panic.
    #[test]
    fn rlp_random_bytes_never_panic(input in vec(any::<u8>(), 0..300)) {
        if let Ok((item, _)) = rlp::decode(&input) {
            visit(item);
        }
        let _ = rlp::decode_exact(&input);
    }

    /// Random node lists never make the verifiers panic.
    #[test]
    fn verify_random_nodes_never_panic(
        nodes in vec(vec(any::<u8>(), 0..120), 0..6),
        path in vec(any::<u8>(), 0..40),
        random_root in any::<[u8; 32]>(),
        hash_first in any::<bool>(),
    ) {
        let root = match nodes.first() {
            Some(first) if hash_first => keccak256(first),
            _ => B256::from(random_root),
        };
        let _ = verify_inclusion(root, &path, &nodes);
        let _ = verify_account(root, Address::from(<[u8; 20]>::try_from(&random_root[..20]).unwrap()), &nodes);
        let _ = verify_storage(root, B256::from(random_root), &nodes);
    }
}

proptest! {
    #![proptest_config(config(384, 0xf022_0002, "proptest-regressions/proof_fuzz.txt"))]

    /// Every change to a valid pair of proofs is rejected under the original roots.
    #[test]
    fn mutated_proofs_rejected(
        world in world(),
        pick in any::<Index>(),
        edits in vec(edit(), 1..4),
        on_storage in any::<bool>(),
    ) {
        let slot = *pick.get(&world.slots);
        let account_proof = to_vecs(&world.state.proof(keccak256(world.passer).as_slice()));
        let storage_proof = to_vecs(&world.storage.proof(keccak256(slot).as_slice()));
        let root = world.state.root;
        prop_assert_eq!(
            verify_message_sent(root, world.passer, slot, &account_proof, &storage_proof).is_ok(),
            // Slot values are 1..=3 and only 1 means "sent".
            verify_storage(world.storage.root, slot, &storage_proof) == Ok(U256::from(1))
        );
        let (mut account, mut storage) = (account_proof.clone(), storage_proof.clone());
        let target = if on_storage { &mut storage } else { &mut account };
        for e in &edits {
            apply(target, e);
        }
        if account != account_proof {
            prop_assert!(verify_account(root, world.passer, &account).is_err());
        }
        if storage != storage_proof {
            prop_assert!(verify_storage(world.storage.root, slot, &storage).is_err());
            prop_assert!(
                verify_message_sent(root, world.passer, slot, &account, &storage).is_err()
            );
        }
    }

    /// Mutated nodes re-hashed up to a new root reach the node decoder; no
    /// input makes the verifiers panic.
    #[test]
    fn rehashed_mutations_never_panic(
        world in world(),
        pick in any::<Index>(),
        node in any::<Index>(),
        edits in vec(edit(), 1..4),
        on_storage in any::<bool>(),
    ) {
        let slot = *pick.get(&world.slots);
        let (path, mut proof) = if on_storage {
            (keccak256(slot), to_vecs(&world.storage.proof(keccak256(slot).as_slice())))
        } else {
            let path = keccak256(world.passer);
            (path, to_vecs(&world.state.proof(path.as_slice())))
        };
        let index = node.index(proof.len());
        let mut mutated = vec![proof[index].clone()];
        for e in &edits {
            apply(&mut mutated, e);
        }
        let new_node = mutated.into_iter().next().unwrap_or_default();
        let root = rehash(&mut proof, index, new_node);
        let _ = verify_inclusion(root, path.as_slice(), &proof);
        if on_storage {
            let _ = verify_storage(root, slot, &proof);
        } else {
            let _ = verify_account(root, world.passer, &proof);
        }
    }
}
