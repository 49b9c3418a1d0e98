//! Strict Merkle-Patricia-trie inclusion proofs over EIP-1186 node lists.
//!
//! A proof is the list of trie nodes on the path from the root to the value,
//! root first, exactly as `eth_getProof` returns them in `accountProof` and
//! `storageProof[i].proof`: every node whose encoding is 32 bytes or longer is
//! referenced by its keccak hash and is the next element of the list, while
//! shorter nodes are embedded (inline) in their parent and are not elements of
//! their own.
//!
//! The verifier is inclusion-only and strict, closing the holes of the legacy
//! OVM `Lib_MerkleTrie` (proof forgery through an inline node read as a hash,
//! rejection of a valid 31-byte inline leaf, ignored trailing nodes):
//! - node 0 must hash to the root, every hashed child must be the next element,
//!   hash to the reference and be at least 32 bytes long;
//! - an inline child must be an RLP list shorter than 32 bytes; any other
//!   reference (a string that is neither empty nor 32 bytes) is rejected;
//! - nodes are canonical RLP lists of 17 (branch) or 2 (leaf, extension) items
//!   with a valid hex-prefix path; an extension consumes at least one nibble
//!   and points to a branch;
//! - the proof must end exactly at the value: missing or trailing nodes, an
//!   absent key, an empty key, an empty proof and an empty value are errors.
//!
//! Every step consumes a key nibble or returns, so the walk takes at most
//! `2 * path.len() + 1` steps, each bounded by the size of one node.

use super::rlp::{self, Item, RlpError};
use alloy_primitives::{keccak256, Address, B256, U256};

/// Number of items of a branch node: 16 children and a value.
const BRANCH_ITEMS: usize = 17;
/// Index of the value in a branch node.
const BRANCH_VALUE: usize = 16;
/// Number of items of a leaf or extension node: path and value or child.
const SHORT_ITEMS: usize = 2;
/// Nodes at least this long are referenced by hash, shorter ones inline.
const HASH_LEN: usize = 32;

/// Why a Merkle-Patricia proof was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MptError {
    /// The key (trie path) is empty.
    EmptyPath,
    /// The proof holds no node.
    EmptyProof,
    /// The first proof node does not hash to the expected root.
    RootMismatch,
    /// A proof node does not hash to the reference held by its parent.
    HashMismatch,
    /// A node referenced by hash is shorter than 32 bytes (it must be inline).
    HashedNodeTooShort,
    /// An inline child node is 32 bytes or longer (it must be referenced by hash).
    InlineNodeTooLarge,
    /// A child reference is a string that is neither empty nor a 32-byte hash.
    InvalidReference,
    /// A node is not a list of 17 or 2 items, a leaf or extension follows an
    /// extension, or a leaf value is a list.
    InvalidNode,
    /// A leaf or extension path is not a valid hex-prefix encoding (empty, flag
    /// nibble above 3, or non-zero padding nibble).
    InvalidCompactPath,
    /// An extension node consumes no nibble.
    EmptyExtension,
    /// The proof ends before the value is reached.
    MissingNode,
    /// The proof holds nodes after the one that yields the value.
    TrailingNodes,
    /// The key is not in the trie (the proof is an exclusion proof, or diverges
    /// from the key).
    KeyNotFound,
    /// The value found is empty, or a storage value is zero; neither is ever
    /// stored in a trie.
    EmptyValue,
    /// An account value is not a list of exactly four items.
    InvalidAccount,
    /// A node or a value is not canonical RLP, or has the wrong type.
    Rlp(RlpError),
}

impl From<RlpError> for MptError {
    fn from(e: RlpError) -> Self {
        Self::Rlp(e)
    }
}

/// An Ethereum account as stored in the state trie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    /// Transaction count (EOA) or contract creation count.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Root of the account's storage trie.
    pub storage_root: B256,
    /// Keccak hash of the account's code.
    pub code_hash: B256,
}

/// Verifies that `path` is in the trie with root `root` and returns its value.
///
/// # Arguments
/// * `root` - the trie root hash.
/// * `path` - the key bytes as stored in the trie; for the secure state and
///   storage tries this is `keccak256(key)`. Walked as nibbles, high nibble first.
/// * `proof` - the RLP-encoded nodes from the root to the value (EIP-1186).
///
/// # Returns
/// The value bytes (the payload of the RLP string held by the leaf or branch),
/// borrowed from `proof`.
///
/// # Errors
/// [`MptError::EmptyPath`] and [`MptError::EmptyProof`] for empty inputs,
/// [`MptError::RootMismatch`] if node 0 does not hash to `root`, and every other
/// [`MptError`] variant as documented there for a proof that is malformed,
/// incomplete, too long or proves that the key is absent.
pub fn verify_inclusion<'a, T: AsRef<[u8]>>(
    root: B256,
    path: &[u8],
    proof: &'a [T],
) -> Result<&'a [u8], MptError> {
    walk(root, path, &mut proof.iter().map(AsRef::as_ref))
}

/// Verifies an account proof against a state root and decodes the account.
///
/// # Arguments
/// * `state_root` - the state trie root.
/// * `address` - the account; its trie path is `keccak256(address)`.
/// * `account_proof` - the `accountProof` of `eth_getProof`.
///
/// # Errors
/// Every error of [`verify_inclusion`]; [`MptError::InvalidAccount`] if the
/// value is not a list of four items and [`MptError::Rlp`] if an item is not a
/// canonical `u64`, `U256` or 32-byte word.
pub fn verify_account<T: AsRef<[u8]>>(
    state_root: B256,
    address: Address,
    account_proof: &[T],
) -> Result<Account, MptError> {
    let path = keccak256(address);
    decode_account(verify_inclusion(state_root, path.as_slice(), account_proof)?)
}

/// Verifies a storage proof against a storage root and decodes the slot value.
///
/// # Arguments
/// * `storage_root` - the account's storage trie root.
/// * `slot` - the storage slot; its trie path is `keccak256(slot)`.
/// * `storage_proof` - the `storageProof[i].proof` of `eth_getProof`.
///
/// # Errors
/// Every error of [`verify_inclusion`]; [`MptError::Rlp`] if the value is not a
/// canonical RLP integer of at most 32 bytes, [`MptError::EmptyValue`] if it is
/// zero.
pub fn verify_storage<T: AsRef<[u8]>>(
    storage_root: B256,
    slot: B256,
    storage_proof: &[T],
) -> Result<U256, MptError> {
    let path = keccak256(slot);
    decode_storage_value(verify_inclusion(storage_root, path.as_slice(), storage_proof)?)
}

/// Verifies the value of `slot` of the account `address` under a state root:
/// first the account proof, then the storage proof under its storage root.
///
/// # Arguments
/// * `state_root` - the state trie root.
/// * `address` - the account that owns the storage.
/// * `slot` - the storage slot.
/// * `account_proof` - the `accountProof` of `eth_getProof`.
/// * `storage_proof` - the `storageProof[i].proof` of `eth_getProof` for `slot`.
///
/// # Errors
/// Every error of [`verify_account`] and [`verify_storage`].
pub fn verify_storage_slot_of<A: AsRef<[u8]>, S: AsRef<[u8]>>(
    state_root: B256,
    address: Address,
    slot: B256,
    account_proof: &[A],
    storage_proof: &[S],
) -> Result<U256, MptError> {
    let account = verify_account(state_root, address, account_proof)?;
    verify_storage(account.storage_root, slot, storage_proof)
}

/// Decodes an account value `[nonce, balance, storageRoot, codeHash]`.
fn decode_account(value: &[u8]) -> Result<Account, MptError> {
    let mut items = [Item::EMPTY; 4];
    match rlp::decode_exact(value)?.list_into(&mut items) {
        Ok(4) => {}
        Ok(_) | Err(RlpError::TooManyItems) => return Err(MptError::InvalidAccount),
        Err(e) => return Err(e.into()),
    }
    let [nonce, balance, storage_root, code_hash] = items;
    Ok(Account {
        nonce: nonce.as_u64()?,
        balance: balance.as_u256()?,
        storage_root: storage_root.as_b256()?,
        code_hash: code_hash.as_b256()?,
    })
}

/// Decodes a storage value: an RLP integer without leading zeros, never zero.
fn decode_storage_value(value: &[u8]) -> Result<U256, MptError> {
    let value = rlp::decode_exact(value)?.as_u256()?;
    if value.is_zero() {
        return Err(MptError::EmptyValue);
    }
    Ok(value)
}

/// Nibble `index` of `bytes` (high nibble first), `None` past the end.
fn nibble(bytes: &[u8], index: usize) -> Option<u8> {
    let byte = bytes.get(index / 2)?;
    Some(if index % 2 == 0 { byte >> 4 } else { byte & 0x0f })
}

/// The non-generic walk behind [`verify_inclusion`].
fn walk<'a>(
    root: B256,
    path: &[u8],
    proof: &mut dyn Iterator<Item = &'a [u8]>,
) -> Result<&'a [u8], MptError> {
    let total = path.len().saturating_mul(2);
    if total == 0 {
        return Err(MptError::EmptyPath);
    }
    let mut node = proof.next().ok_or(MptError::EmptyProof)?;
    if keccak256(node) != root {
        return Err(MptError::RootMismatch);
    }
    // Nibbles of `path` consumed so far; never above `total`.
    let mut pos = 0usize;
    let mut after_extension = false;
    // Every round consumes at least one nibble or returns.
    for _ in 0..=total {
        let mut items = [Item::EMPTY; BRANCH_ITEMS];
        let count = match rlp::decode_exact(node)?.list_into(&mut items) {
            Ok(count) => count,
            Err(RlpError::TooManyItems | RlpError::UnexpectedString) => {
                return Err(MptError::InvalidNode)
            }
            Err(e) => return Err(e.into()),
        };
        let child = match count {
            BRANCH_ITEMS => {
                after_extension = false;
                let Some(index) = nibble(path, pos) else {
                    // The key ends at this branch: its value slot holds the value.
                    let value = items.get(BRANCH_VALUE).ok_or(MptError::InvalidNode)?.bytes()?;
                    if value.is_empty() {
                        return Err(MptError::KeyNotFound);
                    }
                    return finish(value, proof);
                };
                pos = pos.saturating_add(1);
                items.get(usize::from(index)).ok_or(MptError::InvalidNode)?
            }
            SHORT_ITEMS => {
                if after_extension {
                    return Err(MptError::InvalidNode);
                }
                let [encoded_path, next, ..] = &items;
                let (is_leaf, consumed) = match_compact_path(encoded_path.bytes()?, path, pos)?;
                pos = pos.saturating_add(consumed);
                if is_leaf {
                    if pos != total {
                        return Err(MptError::KeyNotFound);
                    }
                    let value = next.bytes().map_err(|_| MptError::InvalidNode)?;
                    if value.is_empty() {
                        return Err(MptError::EmptyValue);
                    }
                    return finish(value, proof);
                }
                if consumed == 0 {
                    return Err(MptError::EmptyExtension);
                }
                after_extension = true;
                next
            }
            _ => return Err(MptError::InvalidNode),
        };
        node = resolve(child, proof)?;
    }
    // Unreachable for a well-formed walk; kept so that the loop is bounded.
    Err(MptError::InvalidNode)
}

/// Checks a hex-prefix (compact) encoded leaf or extension path against the key
/// from nibble `pos` on.
///
/// Returns whether the node is a leaf and how many nibbles it consumes.
fn match_compact_path(compact: &[u8], path: &[u8], pos: usize) -> Result<(bool, usize), MptError> {
    let first = *compact.first().ok_or(MptError::InvalidCompactPath)?;
    let flag = first >> 4;
    if flag > 3 {
        return Err(MptError::InvalidCompactPath);
    }
    let odd = flag & 1 == 1;
    if !odd && first & 0x0f != 0 {
        return Err(MptError::InvalidCompactPath);
    }
    // The path nibbles start after the flag nibble, and after the padding
    // nibble for an even length.
    let start = if odd { 1 } else { 2 };
    let len = compact.len().saturating_mul(2).saturating_sub(start);
    for k in 0..len {
        if nibble(compact, start.saturating_add(k)) != nibble(path, pos.saturating_add(k)) {
            return Err(MptError::KeyNotFound);
        }
    }
    Ok((flag & 2 == 2, len))
}

/// Follows a child reference: an inline node, or the next proof node by hash.
fn resolve<'a>(
    child: &Item<'a>,
    proof: &mut dyn Iterator<Item = &'a [u8]>,
) -> Result<&'a [u8], MptError> {
    if child.is_list() {
        let encoded = child.encoded();
        if encoded.len() >= HASH_LEN {
            return Err(MptError::InlineNodeTooLarge);
        }
        return Ok(encoded);
    }
    let reference = child.payload();
    match reference.len() {
        0 => Err(MptError::KeyNotFound),
        HASH_LEN => {
            let node = proof.next().ok_or(MptError::MissingNode)?;
            if node.len() < HASH_LEN {
                return Err(MptError::HashedNodeTooShort);
            }
            if keccak256(node).as_slice() != reference {
                return Err(MptError::HashMismatch);
            }
            Ok(node)
        }
        _ => Err(MptError::InvalidReference),
    }
}

/// Returns `value` if the proof holds no further node.
fn finish<'a>(
    value: &'a [u8],
    proof: &mut dyn Iterator<Item = &'a [u8]>,
) -> Result<&'a [u8], MptError> {
    match proof.next() {
        Some(_) => Err(MptError::TrailingNodes),
        None => Ok(value),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use alloy_primitives::hex;

    /// RLP string header + payload (test helper, payloads < 56 bytes or longer).
    fn rlp_string(bytes: &[u8]) -> Vec<u8> {
        alloy_rlp::encode(bytes)
    }

    /// RLP list of already-encoded items.
    fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
        let payload: Vec<u8> = items.concat();
        let mut out = Vec::new();
        alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(&mut out);
        out.extend(payload);
        out
    }

    fn leaf(compact: &[u8], value: &[u8]) -> Vec<u8> {
        rlp_list(&[rlp_string(compact), rlp_string(value)])
    }

    /// A branch with the given (index, encoded child) entries.
    fn branch(children: &[(usize, Vec<u8>)]) -> Vec<u8> {
        let mut items = vec![vec![0x80u8]; 17];
        for (i, c) in children {
            items[*i] = c.clone();
        }
        rlp_list(&items)
    }

    fn hash_ref(node: &[u8]) -> Vec<u8> {
        rlp_string(keccak256(node).as_slice())
    }

    #[test]
    fn single_leaf_root_succeeds() {
        // A one-key trie: the root is a leaf with the whole path (even, flag 2).
        let path = [0xab, 0xcd];
        let root_node = leaf(&[0x20, 0xab, 0xcd], b"v");
        let root = keccak256(&root_node);
        assert_eq!(verify_inclusion(root, &path, core::slice::from_ref(&root_node)), Ok(&b"v"[..]));
        assert_eq!(verify_inclusion(root, &[0xab, 0xce], &[root_node]), Err(MptError::KeyNotFound));
    }

    #[test]
    fn inline_leaf_in_branch_succeeds() {
        // Branch at the root with two short leaves inline (odd paths, flag 3).
        let l1 = leaf(&[0x3b], &[0x01]);
        let l2 = leaf(&[0x3c], &[0x02]);
        assert!(l1.len() < 32);
        let root_node = branch(&[(0xa, l1), (0xb, l2)]);
        let root = keccak256(&root_node);
        let proof = [root_node];
        assert_eq!(verify_inclusion(root, &[0xab], &proof), Ok(&[0x01][..]));
        assert_eq!(verify_inclusion(root, &[0xbc], &proof), Ok(&[0x02][..]));
        assert_eq!(verify_inclusion(root, &[0xac], &proof), Err(MptError::KeyNotFound));
        assert_eq!(verify_inclusion(root, &[0xcc], &proof), Err(MptError::KeyNotFound));
    }

    #[test]
    fn hashed_leaf_succeeds() {
        let long_value = [0x42u8; 40];
        let l1 = leaf(&[0x3b], &long_value);
        let root_node = branch(&[(0xa, hash_ref(&l1)), (0xb, leaf(&[0x3c], &[0x02]))]);
        let root = keccak256(&root_node);
        let proof = [root_node.clone(), l1.clone()];
        assert_eq!(verify_inclusion(root, &[0xab], &proof), Ok(&long_value[..]));
        // Missing, trailing and wrong nodes.
        assert_eq!(
            verify_inclusion(root, &[0xab], core::slice::from_ref(&root_node)),
            Err(MptError::MissingNode)
        );
        assert_eq!(
            verify_inclusion(root, &[0xab], &[root_node.clone(), l1.clone(), l1.clone()]),
            Err(MptError::TrailingNodes)
        );
        assert_eq!(
            verify_inclusion(root, &[0xbc], &[root_node.clone(), l1.clone()]),
            Err(MptError::TrailingNodes)
        );
        let mut other = l1;
        other[5] ^= 1;
        assert_eq!(
            verify_inclusion(root, &[0xab], &[root_node, other]),
            Err(MptError::HashMismatch)
        );
    }

    #[test]
    fn short_node_referenced_by_hash_reverts() {
        // The child is < 32 bytes but referenced by its hash: geth would inline it.
        let l1 = leaf(&[0x3b], &[0x01]);
        let root_node = branch(&[(0xa, hash_ref(&l1)), (0xb, leaf(&[0x3c], &[0x02]))]);
        let root = keccak256(&root_node);
        assert_eq!(
            verify_inclusion(root, &[0xab], &[root_node, l1]),
            Err(MptError::HashedNodeTooShort)
        );
    }

    #[test]
    fn inline_node_too_large_reverts() {
        // An inline child of exactly 32 bytes must have been hashed.
        let l1 = leaf(&[0x3b], &[0x42u8; 29]);
        assert_eq!(l1.len(), 32);
        let root_node = branch(&[(0xa, l1), (0xb, leaf(&[0x3c], &[0x02]))]);
        let root = keccak256(&root_node);
        assert_eq!(
            verify_inclusion(root, &[0xab], &[root_node]),
            Err(MptError::InlineNodeTooLarge)
        );
    }

    #[test]
    fn invalid_reference_reverts() {
        // A 31-byte and a 33-byte string are neither hashes nor inline nodes.
        for len in [1usize, 31, 33] {
            let root_node = branch(&[(0xa, rlp_string(&vec![0x11; len])), (0xb, hash_ref(b"x"))]);
            let root = keccak256(&root_node);
            assert_eq!(
                verify_inclusion(root, &[0xab], &[root_node]),
                Err(MptError::InvalidReference)
            );
        }
    }

    #[test]
    fn extension_rules_revert() {
        let l1 = leaf(&[0x20], &[0x01]);
        let l2 = leaf(&[0x20], &[0x02]);
        let inner = branch(&[(0x1, l1), (0x2, l2)]);
        assert!(inner.len() < 32);
        // Extension over nibbles [a, b, c] (odd: flag 1) then a branch on the last nibble.
        let ext = rlp_list(&[rlp_string(&[0x1a, 0xbc]), inner.clone()]);
        let root = keccak256(&ext);
        assert_eq!(
            verify_inclusion(root, &[0xab, 0xc1], core::slice::from_ref(&ext)),
            Ok(&[0x01][..])
        );
        assert_eq!(
            verify_inclusion(root, &[0xab, 0xc2], core::slice::from_ref(&ext)),
            Ok(&[0x02][..])
        );
        assert_eq!(verify_inclusion(root, &[0xab, 0xd1], &[ext]), Err(MptError::KeyNotFound));
        // Empty extension.
        let ext = rlp_list(&[rlp_string(&[0x00]), inner]);
        let root = keccak256(&ext);
        assert_eq!(verify_inclusion(root, &[0x11], &[ext]), Err(MptError::EmptyExtension));
        // Extension pointing to a leaf.
        let ext = rlp_list(&[rlp_string(&[0x1a]), leaf(&[0x3b], &[0x01])]);
        let root = keccak256(&ext);
        assert_eq!(verify_inclusion(root, &[0xab], &[ext]), Err(MptError::InvalidNode));
    }

    #[test]
    fn compact_path_rules_revert() {
        for bad in [&[][..], &[0x40], &[0x21, 0xab], &[0x01], &[0xf0]] {
            let node = leaf(bad, &[0x01]);
            let root = keccak256(&node);
            assert_eq!(
                verify_inclusion(root, &[0xab], &[node]),
                Err(MptError::InvalidCompactPath),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn branch_value_slot_succeeds() {
        // Key [0xab] ends at the branch below the extension [a, b].
        let inner = rlp_list(&{
            let mut items = vec![vec![0x80u8]; 17];
            items[3] = leaf(&[0x30], &[0x07]);
            items[16] = rlp_string(&[0x09]);
            items
        });
        let ext = rlp_list(&[rlp_string(&[0x00, 0xab]), inner]);
        let root = keccak256(&ext);
        assert_eq!(verify_inclusion(root, &[0xab], core::slice::from_ref(&ext)), Ok(&[0x09][..]));
        assert_eq!(verify_inclusion(root, &[0xab, 0x30], &[ext]), Ok(&[0x07][..]));
    }

    #[test]
    fn empty_inputs_revert() {
        let node = leaf(&[0x20, 0xab], &[0x01]);
        let root = keccak256(&node);
        let none: [Vec<u8>; 0] = [];
        assert_eq!(
            verify_inclusion(root, &[], core::slice::from_ref(&node)),
            Err(MptError::EmptyPath)
        );
        assert_eq!(verify_inclusion(root, &[0xab], &none), Err(MptError::EmptyProof));
        assert_eq!(verify_inclusion(B256::ZERO, &[0xab], &[node]), Err(MptError::RootMismatch));
        let empty_value = leaf(&[0x20, 0xab], &[]);
        let root = keccak256(&empty_value);
        assert_eq!(verify_inclusion(root, &[0xab], &[empty_value]), Err(MptError::EmptyValue));
        // The empty trie root node (0x80) is not a list.
        let empty = [0x80u8];
        assert_eq!(
            verify_inclusion(keccak256(empty), &[0xab], &[empty]),
            Err(MptError::InvalidNode)
        );
    }

    #[test]
    fn malformed_nodes_revert() {
        for bad in [
            rlp_list(&[rlp_string(&[0x20])]),
            rlp_list(&vec![vec![0x80u8]; 3]),
            rlp_list(&vec![vec![0x80u8]; 18]),
            hex!("c3").to_vec(),
            hex!("c28180").to_vec(),
        ] {
            let root = keccak256(&bad);
            assert!(verify_inclusion(root, &[0xab], &[bad]).is_err());
        }
    }

    #[test]
    fn account_and_storage_decoding() {
        let items = [
            alloy_rlp::encode(1u64),
            alloy_rlp::encode(U256::from(5)),
            alloy_rlp::encode(B256::repeat_byte(1)),
            alloy_rlp::encode(B256::repeat_byte(2)),
        ];
        let encoded = rlp_list(&items);
        assert_eq!(
            decode_account(&encoded),
            Ok(Account {
                nonce: 1,
                balance: U256::from(5),
                storage_root: B256::repeat_byte(1),
                code_hash: B256::repeat_byte(2),
            })
        );
        assert_eq!(decode_account(&rlp_list(&items[..3])), Err(MptError::InvalidAccount));
        let five = [items.to_vec(), vec![vec![0x80]]].concat();
        assert_eq!(decode_account(&rlp_list(&five)), Err(MptError::InvalidAccount));
        assert_eq!(decode_account(&[0x80]), Err(MptError::Rlp(RlpError::UnexpectedString)));
        assert_eq!(decode_storage_value(&[0x01]), Ok(U256::from(1)));
        assert_eq!(decode_storage_value(&[0x80]), Err(MptError::EmptyValue));
        assert_eq!(decode_storage_value(&[0x00]), Err(MptError::Rlp(RlpError::LeadingZero)));
    }
}
