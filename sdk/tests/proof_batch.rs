//! `proof::batch` against an independent reference of OVM `Lib_MerkleTree`.
//!
//! The reference pads the leaves to a power of two with `keccak256(bytes32(0))`
//! and hashes a full binary tree recursively; this equals the OVM rule of
//! pairing an odd tail at depth `i` with `default[i]`, since `default[i]` is the
//! root of a subtree of `2^i` default leaves.
#![allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.

use alloy_primitives::{keccak256, B256};
use crossnet_sdk::proof::batch::{
    ceil_log2, inclusion_proof, merkle_root, verify_inclusion, BatchError, DEFAULT_LEAF,
};

fn hash(left: B256, right: B256) -> B256 {
    keccak256([left.as_slice(), right.as_slice()].concat())
}

/// The leaves padded to the next power of two.
fn padded(leaves: &[B256]) -> Vec<B256> {
    let mut padded = leaves.to_vec();
    padded.resize(leaves.len().next_power_of_two(), keccak256([0u8; 32]));
    padded
}

/// Root of a full binary tree.
fn full_root(nodes: &[B256]) -> B256 {
    if nodes.len() == 1 {
        return nodes[0];
    }
    let (left, right) = nodes.split_at(nodes.len() / 2);
    hash(full_root(left), full_root(right))
}

/// Siblings of leaf `index` in a full binary tree, deepest first.
fn full_siblings(nodes: &[B256], index: usize) -> Vec<B256> {
    if nodes.len() == 1 {
        return vec![];
    }
    let half = nodes.len() / 2;
    let (left, right) = nodes.split_at(half);
    let (mut deeper, sibling) = if index < half {
        (full_siblings(left, index), full_root(right))
    } else {
        (full_siblings(right, index - half), full_root(left))
    };
    deeper.push(sibling);
    deeper
}

fn leaves(n: usize) -> Vec<B256> {
    (0..n as u64).map(|i| keccak256(i.to_be_bytes())).collect()
}

#[test]
fn merkle_root_matches_reference_for_1_to_17_leaves() {
    assert_eq!(DEFAULT_LEAF, keccak256([0u8; 32]));
    assert_eq!(merkle_root(&[]), None);
    for n in 1..=17 {
        let leaves = leaves(n);
        let root = merkle_root(&leaves).unwrap();
        assert_eq!(root, full_root(&padded(&leaves)), "{n} leaves");
        if n == 1 {
            assert_eq!(root, leaves[0]);
        }
    }
}

#[test]
fn inclusion_proof_of_every_index_verifies() {
    for n in 1..=17usize {
        let leaves = leaves(n);
        let root = merkle_root(&leaves).unwrap();
        let total = n as u64;
        for index in 0..n {
            let siblings = inclusion_proof(&leaves, index as u64).unwrap();
            assert_eq!(siblings, full_siblings(&padded(&leaves), index));
            assert_eq!(siblings.len(), ceil_log2(total) as usize);
            assert_eq!(
                verify_inclusion(root, leaves[index], index as u64, &siblings, total),
                Ok(())
            );
        }
        assert_eq!(inclusion_proof(&leaves, total), None);
    }
}

#[test]
fn verify_inclusion_tampered_proofs_revert() {
    for n in 1..=17usize {
        let leaves = leaves(n);
        let root = merkle_root(&leaves).unwrap();
        let total = n as u64;
        for index in 0..n {
            let siblings = inclusion_proof(&leaves, index as u64).unwrap();
            let leaf = leaves[index];
            let at = index as u64;
            // Wrong index (in bounds), wrong leaf, wrong root.
            for other in (0..total).filter(|&o| o != at) {
                assert_eq!(
                    verify_inclusion(root, leaf, other, &siblings, total),
                    Err(BatchError::RootMismatch)
                );
            }
            let wrong_leaf = leaf ^ B256::with_last_byte(1);
            assert_eq!(
                verify_inclusion(root, wrong_leaf, at, &siblings, total),
                Err(BatchError::RootMismatch)
            );
            assert_eq!(
                verify_inclusion(wrong_leaf, leaf, at, &siblings, total),
                Err(BatchError::RootMismatch)
            );
            // Each sibling changed.
            for i in 0..siblings.len() {
                let mut bad = siblings.clone();
                bad[i] ^= B256::with_last_byte(1);
                assert_eq!(
                    verify_inclusion(root, leaf, at, &bad, total),
                    Err(BatchError::RootMismatch)
                );
            }
            // One sibling too many or too few.
            let mut more = siblings.clone();
            more.push(DEFAULT_LEAF);
            assert_eq!(
                verify_inclusion(root, leaf, at, &more, total),
                Err(BatchError::SiblingCountMismatch)
            );
            if let Some((_, fewer)) = siblings.split_last() {
                assert_eq!(
                    verify_inclusion(root, leaf, at, fewer, total),
                    Err(BatchError::SiblingCountMismatch)
                );
            }
            // Index out of bounds, no leaves.
            assert_eq!(
                verify_inclusion(root, leaf, total, &siblings, total),
                Err(BatchError::IndexOutOfBounds)
            );
            assert_eq!(verify_inclusion(root, leaf, at, &siblings, 0), Err(BatchError::NoLeaves));
        }
    }
}

#[test]
fn verify_inclusion_total_only_bounds_the_proof_succeeds() {
    // As in OVM, `total_leaves` only bounds the index and fixes the number of
    // siblings (the batch header commits to the size): the same proof verifies
    // against any total with the same depth that contains the index.
    let leaves = leaves(5);
    let root = merkle_root(&leaves).unwrap();
    let siblings = inclusion_proof(&leaves, 2).unwrap();
    for total in 5..=8 {
        assert_eq!(verify_inclusion(root, leaves[2], 2, &siblings, total), Ok(()));
    }
    assert_eq!(
        verify_inclusion(root, leaves[2], 2, &siblings, 4),
        Err(BatchError::SiblingCountMismatch)
    );
}

#[test]
fn ceil_log2_and_large_totals() {
    for n in 1..=1025u64 {
        assert!(1u128 << ceil_log2(n) >= u128::from(n));
        assert!(n == 1 || 1u64 << (ceil_log2(n) - 1) < n);
    }
    // The largest totals: 64 siblings, highest index.
    let siblings = vec![DEFAULT_LEAF; 64];
    let leaf = B256::repeat_byte(7);
    let index = u64::MAX - 1;
    let mut root = leaf;
    for (depth, s) in siblings.iter().enumerate() {
        root = if index >> depth & 1 == 1 { hash(*s, root) } else { hash(root, *s) };
    }
    assert_eq!(verify_inclusion(root, leaf, index, &siblings, u64::MAX), Ok(()));
    assert_eq!(
        verify_inclusion(root, leaf, u64::MAX, &siblings, u64::MAX),
        Err(BatchError::IndexOutOfBounds)
    );
}
