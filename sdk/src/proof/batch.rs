//! The state-root batch Merkle tree of the OVM `Lib_MerkleTree`.
//!
//! Leaves are raw 32-byte values (state roots), not hashed. A parent is
//! `keccak256(left ‖ right)`. A row of odd length pairs its last node with the
//! default node of that depth: `default[0] = keccak256(bytes32(0))` and
//! `default[i + 1] = keccak256(default[i] ‖ default[i])`. One leaf is its own
//! root; zero leaves have no root. A tree of `n` leaves has `ceil_log2(n)`
//! levels, so an inclusion proof holds exactly that many siblings; bit `i` of
//! the leaf index set means the sibling at depth `i` is on the left.
//!
//! Leaf counts and indices are `u64`, so a tree has at most 64 levels and no
//! arithmetic can overflow.

use alloc::vec::Vec;
use alloy_primitives::{b256, keccak256, B256};

/// `default[0] = keccak256(bytes32(0))`, the partner of an odd leaf.
pub const DEFAULT_LEAF: B256 =
    b256!("290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563");

/// Why a batch inclusion proof was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchError {
    /// The batch has no leaves (`total_leaves == 0`).
    NoLeaves,
    /// The leaf index is not below the number of leaves.
    IndexOutOfBounds,
    /// The number of siblings is not `ceil_log2(total_leaves)`.
    SiblingCountMismatch,
    /// The leaf and siblings do not hash to the root.
    RootMismatch,
}

/// `ceil(log2(n))`: the number of levels of a tree of `n` leaves (0 for 0 and 1).
#[must_use]
pub const fn ceil_log2(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        // `n >= 2`, and `leading_zeros` is at most 64.
        u64::BITS - (n - 1).leading_zeros()
    }
}

/// `keccak256(left ‖ right)`.
fn hash_pair(left: &B256, right: &B256) -> B256 {
    let mut buf = [0u8; 64];
    let (l, r) = buf.split_at_mut(32);
    l.copy_from_slice(left.as_slice());
    r.copy_from_slice(right.as_slice());
    keccak256(buf)
}

/// The row above `row`, pairing an odd tail with `default`.
fn parent_row(row: &[B256], default: &B256) -> Vec<B256> {
    let mut pairs = row.chunks_exact(2);
    let mut next = Vec::with_capacity(row.len().div_ceil(2));
    for pair in &mut pairs {
        if let [left, right] = pair {
            next.push(hash_pair(left, right));
        }
    }
    if let [tail] = pairs.remainder() {
        next.push(hash_pair(tail, default));
    }
    next
}

/// The root of the batch tree over `leaves`.
///
/// # Arguments
/// * `leaves` - the raw leaf values (state roots), in batch order.
///
/// # Returns
/// `None` for no leaves, the leaf itself for one leaf, the tree root otherwise.
#[must_use]
pub fn merkle_root(leaves: &[B256]) -> Option<B256> {
    let mut row = leaves.to_vec();
    let mut default = DEFAULT_LEAF;
    while row.len() > 1 {
        row = parent_row(&row, &default);
        default = hash_pair(&default, &default);
    }
    row.first().copied()
}

/// The siblings proving `leaves[index]`, deepest first (for off-chain use).
///
/// # Arguments
/// * `leaves` - the raw leaf values, in batch order.
/// * `index` - the position of the proven leaf.
///
/// # Returns
/// `None` if `index` is out of bounds, else `ceil_log2(leaves.len())` siblings.
#[must_use]
pub fn inclusion_proof(leaves: &[B256], index: u64) -> Option<Vec<B256>> {
    let mut position = usize::try_from(index).ok()?;
    if position >= leaves.len() {
        return None;
    }
    let mut row = leaves.to_vec();
    let mut default = DEFAULT_LEAF;
    let mut siblings = Vec::new();
    while row.len() > 1 {
        siblings.push(row.get(position ^ 1).copied().unwrap_or(default));
        row = parent_row(&row, &default);
        default = hash_pair(&default, &default);
        position /= 2;
    }
    Some(siblings)
}

/// Verifies that `leaf` is leaf number `index` of a batch of `total_leaves`
/// with root `root`.
///
/// # Arguments
/// * `root` - the batch root.
/// * `leaf` - the raw leaf value (a state root).
/// * `index` - the leaf's position in the batch.
/// * `siblings` - the sibling at each depth, deepest first.
/// * `total_leaves` - the number of leaves of the batch.
///
/// # Errors
/// [`BatchError::NoLeaves`] if `total_leaves == 0`,
/// [`BatchError::IndexOutOfBounds`] if `index >= total_leaves`,
/// [`BatchError::SiblingCountMismatch`] if `siblings.len()` is not
/// `ceil_log2(total_leaves)`, [`BatchError::RootMismatch`] if the computed root
/// differs from `root`.
pub fn verify_inclusion(
    root: B256,
    leaf: B256,
    index: u64,
    siblings: &[B256],
    total_leaves: u64,
) -> Result<(), BatchError> {
    if total_leaves == 0 {
        return Err(BatchError::NoLeaves);
    }
    if index >= total_leaves {
        return Err(BatchError::IndexOutOfBounds);
    }
    if usize::try_from(ceil_log2(total_leaves)).ok() != Some(siblings.len()) {
        return Err(BatchError::SiblingCountMismatch);
    }
    let mut node = leaf;
    let mut position = index;
    for sibling in siblings {
        node =
            if position & 1 == 1 { hash_pair(sibling, &node) } else { hash_pair(&node, sibling) };
        position >>= 1;
    }
    if node == root {
        Ok(())
    } else {
        Err(BatchError::RootMismatch)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.
mod tests {
    use super::*;

    #[test]
    fn default_leaf_is_keccak_of_zero_word() {
        assert_eq!(keccak256([0u8; 32]), DEFAULT_LEAF);
    }

    #[test]
    fn ceil_log2_values() {
        let expected = [(0u64, 0u32), (1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (8, 3), (9, 4)];
        for (n, log) in expected {
            assert_eq!(ceil_log2(n), log, "{n}");
        }
        assert_eq!(ceil_log2(1 << 63), 63);
        assert_eq!(ceil_log2((1 << 63) + 1), 64);
        assert_eq!(ceil_log2(u64::MAX), 64);
    }

    #[test]
    fn merkle_root_small_trees() {
        let a = B256::repeat_byte(0xaa);
        let b = B256::repeat_byte(0xbb);
        let c = B256::repeat_byte(0xcc);
        assert_eq!(merkle_root(&[]), None);
        assert_eq!(merkle_root(&[a]), Some(a));
        assert_eq!(merkle_root(&[a, b]), Some(hash_pair(&a, &b)));
        let d1 = hash_pair(&DEFAULT_LEAF, &DEFAULT_LEAF);
        assert_eq!(
            merkle_root(&[a, b, c]),
            Some(hash_pair(&hash_pair(&a, &b), &hash_pair(&c, &DEFAULT_LEAF)))
        );
        // Five leaves: the lone node at depth 1 pairs with default[1].
        let e = B256::repeat_byte(0xee);
        let l1 = [hash_pair(&a, &b), hash_pair(&c, &a), hash_pair(&e, &DEFAULT_LEAF)];
        let l2 = [hash_pair(&l1[0], &l1[1]), hash_pair(&l1[2], &d1)];
        assert_eq!(merkle_root(&[a, b, c, a, e]), Some(hash_pair(&l2[0], &l2[1])));
    }

    #[test]
    fn verify_inclusion_checks_revert() {
        let leaves: Vec<B256> = (0u8..5).map(B256::repeat_byte).collect();
        let root = merkle_root(&leaves).unwrap();
        let proof = inclusion_proof(&leaves, 4).unwrap();
        assert_eq!(proof.len(), 3);
        assert_eq!(verify_inclusion(root, leaves[4], 4, &proof, 5), Ok(()));
        assert_eq!(verify_inclusion(root, leaves[4], 4, &proof, 0), Err(BatchError::NoLeaves));
        assert_eq!(
            verify_inclusion(root, leaves[4], 5, &proof, 5),
            Err(BatchError::IndexOutOfBounds)
        );
        assert_eq!(
            verify_inclusion(root, leaves[4], 4, &proof[..2], 5),
            Err(BatchError::SiblingCountMismatch)
        );
        assert_eq!(verify_inclusion(root, leaves[3], 4, &proof, 5), Err(BatchError::RootMismatch));
        assert_eq!(inclusion_proof(&leaves, 5), None);
        assert_eq!(inclusion_proof(&[], 0), None);
    }
}
