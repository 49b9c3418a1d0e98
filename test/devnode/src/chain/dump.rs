//! State dump and load: a whole chain as serde data (JSON in practice), so a devnode can stop
//! and resume where it left off.
//!
//! # Format (`crossnet-devnode-chain/1`)
//! A JSON object with camelCase keys:
//! * `format`: `"crossnet-devnode-chain/1"`;
//! * `config`: the [`ChainConfig`] (`chainId`, `arbosVersion`, `debug`, `basefee`,
//!   `genesisTimestamp`, `devBalance`);
//! * `timeOffset` (seconds added to the wall clock) and `nextTimestamp` (a pending
//!   `evm_setNextBlockTimestamp`, or null);
//! * `blocks`: every block, genesis first: `{header, hash, transactions}` with the header in
//!   Ethereum JSON-RPC form and the transaction hashes;
//! * `transactions`: every mined transaction: `{receipt, raw, request}` where `raw` is the
//!   signed transaction (hex) or null, and `request` the unsigned (impersonated) request or
//!   null;
//! * `accounts`: the latest state, by address: `{nonce, balance, code, storage}` with
//!   storage as a `slot -> value` map of hex words.
//!
//! Only the latest state is kept: after a load, calls and proofs at older blocks answer
//! [`ChainError::StatePruned`] (blocks, receipts and logs of every block stay available).
//! Snapshots (`evm_snapshot`) are not part of a dump.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

use super::{Block, Chain, ChainConfig, ChainData, ChainError, Receipt, TxInfo, TxRequest};
use crate::state::{Account, WorldState};

/// The `format` tag of a [`ChainDump`].
pub const CHAIN_DUMP_FORMAT: &str = "crossnet-devnode-chain/1";

/// A whole chain as serde data (see the [module docs](self) for the JSON layout).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainDump {
    /// Always [`CHAIN_DUMP_FORMAT`].
    pub format: String,
    /// How the chain started.
    pub config: ChainConfig,
    /// Seconds added to the wall clock for new blocks.
    pub time_offset: i64,
    /// The timestamp fixed for the next block, if any.
    pub next_timestamp: Option<u64>,
    /// Every block, genesis first.
    pub blocks: Vec<Block>,
    /// Every mined transaction.
    pub transactions: Vec<TransactionDump>,
    /// The latest state.
    pub accounts: BTreeMap<Address, AccountDump>,
}

/// A mined transaction in a [`ChainDump`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionDump {
    /// Its receipt.
    pub receipt: Receipt,
    /// The signed transaction, when it came signed.
    pub raw: Option<Bytes>,
    /// The request, when it was sent unsigned.
    pub request: Option<TxRequest>,
}

/// An account in a [`ChainDump`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDump {
    /// Nonce.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Code.
    pub code: Bytes,
    /// Non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
}

impl Chain {
    /// The whole chain (latest state, every block, receipt and transaction) as serde data.
    #[must_use]
    pub fn dump(&self) -> ChainDump {
        let data = &self.data;
        let mut transactions: Vec<TransactionDump> = data
            .txs
            .values()
            .map(|t| TransactionDump {
                receipt: t.receipt.clone(),
                raw: t.raw.clone(),
                request: t.request.clone(),
            })
            .collect();
        transactions.sort_by_key(|t| (t.receipt.block_number, t.receipt.transaction_index));
        let accounts = data
            .state
            .accounts()
            .map(|(address, a)| {
                let dump = AccountDump {
                    nonce: a.nonce,
                    balance: a.balance,
                    code: a.code.clone(),
                    storage: (*a.storage).clone(),
                };
                (*address, dump)
            })
            .collect();
        ChainDump {
            format: CHAIN_DUMP_FORMAT.to_owned(),
            config: data.config.clone(),
            time_offset: data.time_offset,
            next_timestamp: data.next_timestamp,
            blocks: data.blocks.clone(),
            transactions,
            accounts,
        }
    }

    /// Restores a chain from [`Self::dump`] output. Block hashes and parent links are checked.
    ///
    /// # Errors
    /// [`ChainError::Decode`] for an unknown format, no blocks, or blocks whose hashes or
    /// parent links do not match their headers.
    pub fn from_dump(dump: ChainDump) -> Result<Self, ChainError> {
        if dump.format != CHAIN_DUMP_FORMAT {
            return Err(ChainError::Decode(format!(
                "unknown chain dump format {:?} (expected {CHAIN_DUMP_FORMAT:?})",
                dump.format
            )));
        }
        if dump.blocks.is_empty() {
            return Err(ChainError::Decode("chain dump without blocks".into()));
        }
        let mut block_hashes = BTreeMap::new();
        for (i, block) in dump.blocks.iter().enumerate() {
            if block.header.number != i as u64 || block.header.hash_slow() != block.hash {
                return Err(ChainError::Decode(format!("chain dump: block {i} does not match")));
            }
            if i > 0 && block.header.parent_hash != dump.blocks[i - 1].hash {
                return Err(ChainError::Decode(format!("chain dump: block {i} parent mismatch")));
            }
            block_hashes.insert(i as u64, block.hash);
        }
        let mut state = WorldState::default();
        for (address, a) in dump.accounts {
            let mut account = Account::new(a.nonce, a.balance, a.code);
            account.storage =
                Arc::new(a.storage.into_iter().filter(|(_, v)| !v.is_zero()).collect());
            state.insert(address, account);
        }
        let txs: HashMap<B256, TxInfo> = dump
            .transactions
            .into_iter()
            .map(|t| {
                let info = TxInfo { receipt: t.receipt, raw: t.raw, request: t.request };
                (info.receipt.transaction_hash, info)
            })
            .collect();
        let latest = dump.blocks.len() as u64 - 1;
        let mut history = VecDeque::new();
        history.push_back((latest, state.clone()));
        Ok(Self {
            data: ChainData {
                config: dump.config,
                state,
                blocks: dump.blocks,
                history,
                txs,
                block_hashes: Arc::new(block_hashes),
                time_offset: dump.time_offset,
                next_timestamp: dump.next_timestamp,
            },
            snapshots: Vec::new(),
            console: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy_primitives::{Address, U256};

    use crate::{Chain, ChainError, TxRequest, DEV_ADDRESS};

    #[test]
    fn dump_round_trips_through_json() {
        let mut chain = Chain::dev();
        let to = Address::repeat_byte(0xbe);
        let receipt =
            chain.send_ok(TxRequest::call(DEV_ADDRESS, to, vec![]).value(U256::from(5))).unwrap();
        chain.set_storage(to, U256::from(1), U256::from(9));
        chain.mine(2);
        let json = serde_json::to_string(&chain.dump()).unwrap();
        let mut loaded = Chain::from_dump(serde_json::from_str(&json).unwrap()).unwrap();
        assert_eq!(loaded.block_number(), chain.block_number());
        assert_eq!(loaded.latest_block().hash, chain.latest_block().hash);
        assert_eq!(loaded.state().state_root(), chain.state().state_root());
        assert_eq!(loaded.storage(to, U256::from(1)), U256::from(9));
        assert_eq!(
            loaded.receipt(receipt.transaction_hash).map(|r| r.gas_used),
            Some(receipt.gas_used)
        );
        assert_eq!(loaded.sent_request(receipt.transaction_hash).and_then(|r| r.nonce), Some(0));
        // It goes on: the next transaction uses the next nonce and links to the loaded head.
        let next = loaded.send_ok(TxRequest::call(DEV_ADDRESS, to, vec![])).unwrap();
        assert_eq!(loaded.sent_request(next.transaction_hash).and_then(|r| r.nonce), Some(1));
        assert_eq!(
            loaded.block(next.block_number).unwrap().header.parent_hash,
            chain.latest_block().hash
        );
    }

    #[test]
    fn from_dump_rejects_tampered_blocks() {
        let mut dump = Chain::dev().dump();
        dump.blocks[0].header.gas_used = 1;
        assert!(matches!(Chain::from_dump(dump), Err(ChainError::Decode(_))));
        let mut dump = Chain::dev().dump();
        dump.format = "something else".into();
        assert!(matches!(Chain::from_dump(dump), Err(ChainError::Decode(_))));
    }
}
