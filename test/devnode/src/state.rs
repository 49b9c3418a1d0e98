//! World state: accounts with storage, kept as cheaply clonable snapshots so every block keeps
//! its own state (for historic calls and EIP-1186 proofs) and snapshots cost O(accounts).
//!
//! Each account is an `Arc`: a block that does not touch an account shares it with the block
//! before, including its cached storage root, so the state root of a block only re-hashes the
//! storage of the accounts that block changed.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, OnceLock};

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rlp::Encodable;
use alloy_rpc_types_eth::{EIP1186AccountProofResponse, EIP1186StorageProof};
use alloy_trie::proof::ProofRetainer;
use alloy_trie::{HashBuilder, Nibbles, TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use revm::bytecode::Bytecode;
use revm::database_interface::DatabaseRef;
use revm::state::{AccountInfo, EvmState};

/// One account of the world state.
#[derive(Debug)]
pub struct Account {
    /// Nonce.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Code (empty for EOAs).
    pub code: Bytes,
    /// `keccak256(code)` (`KECCAK_EMPTY` for no code).
    pub code_hash: B256,
    /// Storage, zero values removed.
    pub storage: Arc<BTreeMap<U256, U256>>,
    /// Cached storage trie root.
    storage_root: OnceLock<B256>,
    /// Cached `Bytecode` (jump-table analysis is done once per account version).
    bytecode: OnceLock<Bytecode>,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            nonce: 0,
            balance: U256::ZERO,
            code: Bytes::new(),
            code_hash: KECCAK_EMPTY,
            storage: Arc::default(),
            storage_root: OnceLock::new(),
            bytecode: OnceLock::new(),
        }
    }
}

impl Clone for Account {
    fn clone(&self) -> Self {
        Self {
            nonce: self.nonce,
            balance: self.balance,
            code: self.code.clone(),
            code_hash: self.code_hash,
            storage: self.storage.clone(),
            storage_root: self.storage_root.clone(),
            bytecode: self.bytecode.clone(),
        }
    }
}

impl Account {
    /// A new account with the given code (hash computed here).
    #[must_use]
    pub fn new(nonce: u64, balance: U256, code: Bytes) -> Self {
        let code_hash = if code.is_empty() { KECCAK_EMPTY } else { keccak256(&code) };
        Self { nonce, balance, code, code_hash, ..Self::default() }
    }

    /// Whether the account is empty in the EIP-161 sense.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code.is_empty()
    }

    /// The root of the account's storage trie (cached).
    pub fn storage_root(&self) -> B256 {
        *self.storage_root.get_or_init(|| storage_root(&self.storage))
    }

    /// The account as revm sees it.
    #[must_use]
    pub fn info(&self) -> AccountInfo {
        let code = if self.code.is_empty() {
            Bytecode::default()
        } else {
            self.bytecode.get_or_init(|| Bytecode::new_raw(self.code.clone())).clone()
        };
        AccountInfo::new(self.balance, self.nonce, self.code_hash, code)
    }

    fn trie_account(&self) -> TrieAccount {
        TrieAccount {
            nonce: self.nonce,
            balance: self.balance,
            storage_root: self.storage_root(),
            code_hash: self.code_hash,
        }
    }
}

/// RLP of a storage value as stored in the trie.
fn storage_leaf(value: &U256) -> Vec<u8> {
    let mut out = Vec::with_capacity(33);
    value.encode(&mut out);
    out
}

fn storage_root(storage: &BTreeMap<U256, U256>) -> B256 {
    if storage.is_empty() {
        return EMPTY_ROOT_HASH;
    }
    let mut leaves: Vec<(B256, Vec<u8>)> = storage
        .iter()
        .filter(|(_, v)| !v.is_zero())
        .map(|(k, v)| (keccak256(k.to_be_bytes::<32>()), storage_leaf(v)))
        .collect();
    leaves.sort_unstable_by_key(|leaf| leaf.0);
    let mut builder = HashBuilder::default();
    for (key, value) in &leaves {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    builder.root()
}

/// A state snapshot: every account by address. Cloning is O(accounts) and shares storage.
#[derive(Debug, Clone, Default)]
pub struct WorldState {
    accounts: BTreeMap<Address, Arc<Account>>,
}

impl WorldState {
    /// The account at `address`, if it exists.
    #[must_use]
    pub fn account(&self, address: &Address) -> Option<&Account> {
        self.accounts.get(address).map(AsRef::as_ref)
    }

    /// Every account, by address.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter().map(|(a, acc)| (a, acc.as_ref()))
    }

    /// Inserts or replaces an account.
    pub fn insert(&mut self, address: Address, account: Account) {
        self.accounts.insert(address, Arc::new(account));
    }

    /// Mutable access to an account (created empty when missing, copied on write).
    pub fn account_mut(&mut self, address: Address) -> &mut Account {
        Arc::make_mut(self.accounts.entry(address).or_default())
    }

    /// Sets a storage slot (zero deletes it).
    pub fn set_storage(&mut self, address: Address, key: U256, value: U256) {
        let account = self.account_mut(address);
        let storage = Arc::make_mut(&mut account.storage);
        if value.is_zero() {
            storage.remove(&key);
        } else {
            storage.insert(key, value);
        }
        account.storage_root = OnceLock::new();
    }

    /// A storage slot (zero when unset).
    #[must_use]
    pub fn storage(&self, address: &Address, key: &U256) -> U256 {
        self.account(address).and_then(|a| a.storage.get(key).copied()).unwrap_or_default()
    }

    /// Applies the state changes of a transaction (revm's finalized journal).
    pub fn commit(&mut self, changes: EvmState) {
        for (address, changed) in changes {
            if !changed.is_touched() {
                continue;
            }
            if changed.is_selfdestructed() || changed.is_empty() {
                // EIP-161 clears touched empty accounts; SELFDESTRUCT in the creating tx deletes.
                self.accounts.remove(&address);
                continue;
            }
            let mut account =
                self.accounts.get(&address).map(|a| (**a).clone()).unwrap_or_default();
            if changed.is_created() {
                account.storage = Arc::default();
            }
            account.nonce = changed.info.nonce;
            account.balance = changed.info.balance;
            if account.code_hash != changed.info.code_hash {
                let code =
                    changed.info.code.as_ref().map(|c| c.original_bytes()).unwrap_or_default();
                account.code_hash =
                    if code.is_empty() { KECCAK_EMPTY } else { changed.info.code_hash };
                account.code = code;
                account.bytecode = OnceLock::new();
            }
            let mut storage_changed = changed.is_created();
            if changed.storage.values().any(|s| s.is_changed()) {
                let storage = Arc::make_mut(&mut account.storage);
                for (key, slot) in &changed.storage {
                    if !slot.is_changed() {
                        continue;
                    }
                    if slot.present_value.is_zero() {
                        storage.remove(key);
                    } else {
                        storage.insert(*key, slot.present_value);
                    }
                }
                storage_changed = true;
            }
            if storage_changed {
                account.storage_root = OnceLock::new();
            }
            self.accounts.insert(address, Arc::new(account));
        }
    }

    /// The Merkle-Patricia root of the whole state (Ethereum account trie).
    #[must_use]
    pub fn state_root(&self) -> B256 {
        self.build_account_trie(None).0
    }

    fn account_leaves(&self) -> Vec<(B256, Vec<u8>)> {
        let mut leaves: Vec<(B256, Vec<u8>)> = self
            .accounts
            .iter()
            .filter(|(_, a)| !a.is_empty() || !a.storage.is_empty())
            .map(|(address, account)| {
                let mut rlp = Vec::with_capacity(110);
                account.trie_account().encode(&mut rlp);
                (keccak256(address), rlp)
            })
            .collect();
        leaves.sort_unstable_by_key(|leaf| leaf.0);
        leaves
    }

    fn build_account_trie(&self, target: Option<Nibbles>) -> (B256, Vec<Bytes>) {
        let leaves = self.account_leaves();
        prove(&leaves, target)
    }

    /// An EIP-1186 proof of `address` and its `slots` against [`Self::state_root`].
    #[must_use]
    pub fn proof(&self, address: Address, slots: &[B256]) -> EIP1186AccountProofResponse {
        let (_, account_proof) = self.build_account_trie(Some(Nibbles::unpack(keccak256(address))));
        let account = self.account(&address);
        let storage_proof = match account {
            Some(account) if !account.storage.is_empty() => {
                let mut leaves: Vec<(B256, Vec<u8>)> = account
                    .storage
                    .iter()
                    .map(|(k, v)| (keccak256(k.to_be_bytes::<32>()), storage_leaf(v)))
                    .collect();
                leaves.sort_unstable_by_key(|leaf| leaf.0);
                slots
                    .iter()
                    .map(|slot| {
                        let (_, proof) = prove(&leaves, Some(Nibbles::unpack(keccak256(slot))));
                        let value = account.storage.get(&U256::from_be_bytes(slot.0));
                        EIP1186StorageProof {
                            key: (*slot).into(),
                            value: value.copied().unwrap_or_default(),
                            proof,
                        }
                    })
                    .collect()
            }
            _ => slots
                .iter()
                .map(|slot| EIP1186StorageProof {
                    key: (*slot).into(),
                    value: U256::ZERO,
                    proof: Vec::new(),
                })
                .collect(),
        };
        EIP1186AccountProofResponse {
            address,
            balance: account.map(|a| a.balance).unwrap_or_default(),
            code_hash: account.map_or(KECCAK_EMPTY, |a| a.trie_account().code_hash),
            nonce: account.map(|a| a.nonce).unwrap_or_default(),
            storage_hash: account.map_or(EMPTY_ROOT_HASH, Account::storage_root),
            account_proof,
            storage_proof,
        }
    }
}

/// Builds a trie over sorted `leaves`, returning the root and the proof nodes for `target`.
fn prove(leaves: &[(B256, Vec<u8>)], target: Option<Nibbles>) -> (B256, Vec<Bytes>) {
    let targets: Vec<Nibbles> = target.into_iter().collect();
    let mut builder =
        HashBuilder::default().with_proof_retainer(ProofRetainer::new(targets.clone()));
    for (key, value) in leaves {
        builder.add_leaf(Nibbles::unpack(key), value);
    }
    let root = builder.root();
    let proof = match targets.first() {
        Some(target) => builder
            .take_proof_nodes()
            .matching_nodes_sorted(target)
            .into_iter()
            .map(|(_, node)| node)
            .collect(),
        None => Vec::new(),
    };
    (root, proof)
}

/// revm database over a [`WorldState`] snapshot (read-only; changes go through the journal).
#[derive(Debug, Clone)]
pub struct StateDb {
    /// The state the transaction starts from.
    pub state: WorldState,
    /// Hashes of recent blocks, by number (for `BLOCKHASH`).
    pub block_hashes: Arc<BTreeMap<u64, B256>>,
}

impl DatabaseRef for StateDb {
    type Error = Infallible;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, Self::Error> {
        Ok(self.state.account(&address).map(Account::info))
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, Self::Error> {
        // Accounts always carry their code in `basic_ref`; revm only asks for unknown hashes.
        Ok(self
            .state
            .accounts
            .values()
            .find(|a| a.code_hash == code_hash)
            .map(|a| a.info().code.unwrap_or_default())
            .unwrap_or_default())
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, Self::Error> {
        Ok(self.state.storage(&address, &index))
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, Self::Error> {
        Ok(self.block_hashes.get(&number).copied().unwrap_or_default())
    }
}
