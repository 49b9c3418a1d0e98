//! One chain: state, automined blocks (one transaction per block), receipts, time control,
//! snapshots, historic state for calls and EIP-1186 proofs.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Header, Transaction, TxEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{
    address, keccak256, logs_bloom, Address, Bloom, Bytes, Log, TxKind, B256, U256,
};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_sol_types::{SolCall, SolEvent};
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::context_interface::result::{EVMError, ExecutionResult, Output};
use revm::database_interface::WrapDatabaseRef;
use revm::primitives::hardfork::SpecId;
use revm::state::EvmState;

pub use dump::{AccountDump, ChainDump, TransactionDump, CHAIN_DUMP_FORMAT};

mod dump;

use crate::evm::{ArbEvm, Ctx, FrameHook, StylusSettings};
use crate::precompiles::{self, ArbPrecompiles, ChainFacts, IArbWasm, ARB_WASM};
use crate::program::{self, ARBOS_STATE};
use crate::state::{Account, StateDb, WorldState};

/// The Nitro devnode chain id.
pub const DEFAULT_CHAIN_ID: u64 = 412_346;
/// The prefunded dev account of `nitro --dev`.
pub const DEV_ADDRESS: Address = address!("0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// Its private key (public knowledge: the Nitro devnode key).
pub const DEV_PRIVATE_KEY: B256 =
    alloy_primitives::b256!("0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659");
/// Arbitrum's block coinbase: the batch poster / sequencer address.
pub const BATCH_POSTER: Address = address!("0xA4B000000000000000000073657175656e636572");
/// Default basefee: 0.1 gwei, as on Arbitrum chains.
pub const DEFAULT_BASEFEE: u64 = 100_000_000;
/// Arbitrum's reported block gas limit (2^50).
pub const BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// Default gas limit of a transaction sent without one (Nitro's per-tx limit is 32 M).
pub const DEFAULT_TX_GAS: u64 = 30_000_000;
/// Blocks whose full state is kept for historic calls and proofs.
pub const STATE_HISTORY: usize = 256;

/// How a chain starts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainConfig {
    /// Chain id.
    pub chain_id: u64,
    /// ArbOS version (activation rules, `ArbSys.arbOSVersion`).
    pub arbos_version: u64,
    /// Debug chain: ArbDebug, `console` imports (true for `nitro --dev`).
    pub debug: bool,
    /// Basefee in wei.
    pub basefee: u64,
    /// Genesis timestamp (unix seconds); `None` = now.
    pub genesis_timestamp: Option<u64>,
    /// Balance of the dev account at genesis.
    pub dev_balance: U256,
}

impl Default for ChainConfig {
    fn default() -> Self {
        Self {
            chain_id: DEFAULT_CHAIN_ID,
            arbos_version: 40,
            debug: true,
            basefee: DEFAULT_BASEFEE,
            genesis_timestamp: None,
            dev_balance: U256::from(10u64).pow(U256::from(24)),
        }
    }
}

impl ChainConfig {
    /// The default devnode with another chain id.
    #[must_use]
    pub fn with_chain_id(chain_id: u64) -> Self {
        Self { chain_id, ..Self::default() }
    }
}

/// A mined block.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Block {
    /// Header (state root = real MPT root of the state after the block).
    pub header: Header,
    /// `keccak256(rlp(header))`.
    pub hash: B256,
    /// Transaction hashes, in order.
    pub transactions: Vec<B256>,
}

/// A log with its position in the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainLog {
    /// The log.
    pub log: Log,
    /// Block number.
    pub block_number: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Transaction hash.
    pub transaction_hash: B256,
    /// Index of the transaction in the block.
    pub transaction_index: u64,
    /// Index of the log in the block.
    pub log_index: u64,
}

/// A transaction receipt.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// Transaction hash.
    pub transaction_hash: B256,
    /// Block number.
    pub block_number: u64,
    /// Block hash.
    pub block_hash: B256,
    /// Index in the block (always 0: one transaction per block).
    pub transaction_index: u64,
    /// Sender.
    pub from: Address,
    /// Recipient (`None` for creations).
    pub to: Option<Address>,
    /// Created contract.
    pub contract_address: Option<Address>,
    /// Success (EIP-658 status).
    pub status: bool,
    /// Gas used (after refunds).
    pub gas_used: u64,
    /// Gas refunded by SSTORE clears (already subtracted from `gas_used`).
    pub gas_refunded: u64,
    /// Cumulative gas used in the block.
    pub cumulative_gas_used: u64,
    /// Price paid per gas (the basefee: Arbitrum drops priority fees).
    pub effective_gas_price: u128,
    /// Logs.
    pub logs: Vec<ChainLog>,
    /// Bloom of the logs.
    pub logs_bloom: Bloom,
    /// Return data, or revert data when reverted.
    pub output: Bytes,
    /// Halt reason when the transaction failed without REVERT (out of gas, ...).
    pub halt: Option<String>,
}

impl Receipt {
    /// The raw logs.
    pub fn raw_logs(&self) -> impl Iterator<Item = &Log> {
        self.logs.iter().map(|l| &l.log)
    }

    /// Decodes every log of type `E`.
    #[must_use]
    pub fn events<E: SolEvent>(&self) -> Vec<E> {
        self.raw_logs().filter_map(|l| E::decode_log_data(&l.data).ok()).collect()
    }
}

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// The transaction is invalid (nonce, balance, gas, signature, chain id) and was not mined.
    Invalid(String),
    /// Execution reverted with this data.
    Reverted {
        /// Revert data.
        data: Bytes,
        /// The receipt when the transaction was mined.
        transaction: Option<B256>,
    },
    /// Execution halted (out of gas, invalid opcode, ...), burning all gas.
    Halted {
        /// The halt reason.
        reason: String,
        /// The receipt when the transaction was mined.
        transaction: Option<B256>,
    },
    /// Unknown block.
    UnknownBlock(u64),
    /// The block's state is older than the kept history.
    StatePruned(u64),
    /// Output could not be decoded as the expected type.
    Decode(String),
    /// Reading a file failed.
    Io(String),
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(e) => write!(f, "invalid transaction: {e}"),
            Self::Reverted { data, .. } => write!(f, "execution reverted: {data}"),
            Self::Halted { reason, .. } => write!(f, "execution halted: {reason}"),
            Self::UnknownBlock(n) => write!(f, "unknown block {n}"),
            Self::StatePruned(n) => write!(f, "state of block {n} is no longer kept"),
            Self::Decode(e) => write!(f, "cannot decode output: {e}"),
            Self::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ChainError {}

impl ChainError {
    /// The revert data, if this is a revert.
    #[must_use]
    pub fn revert_data(&self) -> Option<&Bytes> {
        match self {
            Self::Reverted { data, .. } => Some(data),
            _ => None,
        }
    }

    /// Decodes the revert data as the Solidity error `E`.
    #[must_use]
    pub fn decode_revert<E: alloy_sol_types::SolError>(&self) -> Option<E> {
        self.revert_data().and_then(|d| E::abi_decode(d).ok())
    }
}

/// A transaction to send from an unlocked or impersonated account (no signature needed).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxRequest {
    /// Sender.
    pub from: Address,
    /// Recipient; `None` creates a contract with `input` as init code.
    pub to: Option<Address>,
    /// Value in wei.
    pub value: U256,
    /// Calldata or init code.
    pub input: Bytes,
    /// Gas limit (default [`DEFAULT_TX_GAS`]).
    pub gas: Option<u64>,
    /// Nonce (default: the account's).
    pub nonce: Option<u64>,
    /// Max fee per gas (default: the basefee).
    pub max_fee_per_gas: Option<u128>,
}

impl TxRequest {
    /// A call of `to` with `input` from `from`.
    #[must_use]
    pub fn call(from: Address, to: Address, input: impl Into<Bytes>) -> Self {
        Self { from, to: Some(to), input: input.into(), ..Self::default() }
    }

    /// A contract creation with `init_code`.
    #[must_use]
    pub fn create(from: Address, init_code: impl Into<Bytes>) -> Self {
        Self { from, input: init_code.into(), ..Self::default() }
    }

    /// Sets the value.
    #[must_use]
    pub fn value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    /// Sets the gas limit.
    #[must_use]
    pub fn gas(mut self, gas: u64) -> Self {
        self.gas = Some(gas);
        self
    }
}

/// The result of a call that was not mined.
#[derive(Debug, Clone)]
pub struct CallResult {
    /// Success.
    pub success: bool,
    /// Return or revert data.
    pub output: Bytes,
    /// Gas used.
    pub gas_used: u64,
    /// Logs the call would emit.
    pub logs: Vec<Log>,
    /// Halt reason, if it halted.
    pub halt: Option<String>,
}

impl CallResult {
    /// The output, or the revert/halt as an error.
    ///
    /// # Errors
    /// [`ChainError::Reverted`] or [`ChainError::Halted`].
    pub fn into_output(self) -> Result<Bytes, ChainError> {
        match (self.success, self.halt) {
            (true, _) => Ok(self.output),
            (false, Some(reason)) => Err(ChainError::Halted { reason, transaction: None }),
            (false, None) => Err(ChainError::Reverted { data: self.output, transaction: None }),
        }
    }
}

/// Which block's state to run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlockId {
    /// The latest block.
    #[default]
    Latest,
    /// A block by number.
    Number(u64),
}

#[derive(Debug, Clone)]
struct TxInfo {
    receipt: Receipt,
    /// The raw signed transaction, when it came signed.
    raw: Option<Bytes>,
    /// The request of an unsigned (impersonated) transaction, nonce and gas resolved.
    request: Option<TxRequest>,
}

/// Executed-but-not-yet-mined transaction.
struct Executed {
    result: ExecutionResult,
    changes: EvmState,
    console: Vec<String>,
}

#[derive(Debug, Clone)]
struct ChainData {
    config: ChainConfig,
    state: WorldState,
    blocks: Vec<Block>,
    history: VecDeque<(u64, WorldState)>,
    txs: HashMap<B256, TxInfo>,
    block_hashes: Arc<BTreeMap<u64, B256>>,
    time_offset: i64,
    next_timestamp: Option<u64>,
}

/// One in-process Stylus chain. `Send`, so it can live behind `Arc<Mutex<_>>` across tasks.
#[derive(Debug, Clone)]
pub struct Chain {
    data: ChainData,
    snapshots: Vec<ChainData>,
    console: Vec<String>,
}

fn wall_clock() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

fn nitro_data() -> &'static str {
    include_str!("../data/nitro-devnode.txt")
}

/// A bytecode constant of `data/nitro-devnode.txt`.
#[must_use]
pub fn nitro_bytecode(name: &str) -> Bytes {
    nitro_data()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
        .and_then(|hex| alloy_primitives::hex::decode(hex.trim()).ok())
        .map(Bytes::from)
        .unwrap_or_default()
}

impl Chain {
    /// A new chain with the Nitro devnode genesis.
    ///
    /// # Panics
    /// If the genesis setup transactions fail (a bug in the devnode).
    #[must_use]
    pub fn new(config: ChainConfig) -> Self {
        let timestamp = config.genesis_timestamp.unwrap_or_else(wall_clock);
        let mut state = WorldState::default();
        state.insert(DEV_ADDRESS, Account::new(0, config.dev_balance, Bytes::new()));
        state.insert(ARBOS_STATE, Account::new(1, U256::ZERO, Bytes::new()));
        for address in precompiles::ARBITRUM_PRECOMPILES {
            state.insert(address, Account::new(0, U256::ZERO, Bytes::from_static(&[0xFE])));
        }
        state.set_storage(
            ARBOS_STATE,
            precompiles::arbos_version_slot(),
            U256::from(config.arbos_version),
        );
        let genesis = Header {
            number: 0,
            timestamp,
            gas_limit: BLOCK_GAS_LIMIT,
            base_fee_per_gas: Some(config.basefee),
            difficulty: U256::from(1),
            beneficiary: BATCH_POSTER,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            ..Header::default()
        };
        let mut chain = Self {
            data: ChainData {
                config,
                state,
                blocks: vec![Block {
                    hash: genesis.hash_slow(),
                    header: genesis,
                    transactions: vec![],
                }],
                history: VecDeque::new(),
                txs: HashMap::new(),
                block_hashes: Arc::default(),
                time_offset: 0,
                next_timestamp: None,
            },
            snapshots: Vec::new(),
            console: Vec::new(),
        };
        #[allow(clippy::expect_used)]
        chain.genesis_setup().expect("devnode genesis setup");
        chain
    }

    /// The default Nitro devnode (chain id 412346).
    #[must_use]
    pub fn dev() -> Self {
        Self::new(ChainConfig::default())
    }

    /// Runs the nitro-devnode setup (CREATE2 factory, CacheManager, StylusDeployer, chain
    /// owner) and folds the result into the genesis block. The setup transactions come from the
    /// factory deployer, so the dev account starts with nonce 0.
    fn genesis_setup(&mut self) -> Result<(), ChainError> {
        let deployer = crate::CREATE2_FACTORY_DEPLOYER;
        self.data.state.account_mut(deployer).balance = U256::from(10u64).pow(U256::from(17));
        let raw = nitro_bytecode("CREATE2_FACTORY_RAW_TX");
        let (tx, _) = decode_raw(&raw)?;
        let tx = self.arbitrum_fees(tx)?;
        self.genesis_tx(tx)?;
        for (name, expected) in
            [("CACHE_MANAGER", crate::CACHE_MANAGER), ("STYLUS_DEPLOYER", crate::STYLUS_DEPLOYER)]
        {
            let mut input = vec![0u8; 32];
            input.extend_from_slice(&nitro_bytecode(name));
            let nonce = self.nonce(deployer);
            let request = TxRequest {
                nonce: Some(nonce),
                ..TxRequest::call(deployer, crate::CREATE2_FACTORY, input)
            };
            let env = self.tx_env(&request)?;
            self.genesis_tx(env)?;
            if self.code(expected).is_empty() {
                return Err(ChainError::Invalid(format!("genesis: {name} not at {expected}")));
            }
        }
        let state = &mut self.data.state;
        for (kind, who) in
            [(&b"chain.owner"[..], DEV_ADDRESS), (b"cache.manager", crate::CACHE_MANAGER)]
        {
            let mut preimage = kind.to_vec();
            preimage.extend_from_slice(who.as_slice());
            let list = U256::from_be_bytes(keccak256(kind).0);
            state.set_storage(
                ARBOS_STATE,
                U256::from_be_bytes(keccak256(preimage).0),
                U256::from(1),
            );
            state.set_storage(ARBOS_STATE, list, U256::from(1));
            state.set_storage(
                ARBOS_STATE,
                list + U256::from(1),
                U256::from_be_slice(who.as_slice()),
            );
        }
        let root = self.data.state.state_root();
        let genesis = &mut self.data.blocks[0];
        genesis.header.state_root = root;
        genesis.hash = genesis.header.hash_slow();
        let hash = genesis.hash;
        Arc::make_mut(&mut self.data.block_hashes).insert(0, hash);
        self.data.history.push_back((0, self.data.state.clone()));
        Ok(())
    }

    fn genesis_tx(&mut self, tx: TxEnv) -> Result<(), ChainError> {
        let executed = self.execute(tx, BlockId::Latest, false)?;
        if !executed.result.is_success() {
            return Err(ChainError::Invalid(format!("genesis tx failed: {:?}", executed.result)));
        }
        self.data.state.commit(executed.changes);
        Ok(())
    }

    /// The chain id.
    #[must_use]
    pub fn chain_id(&self) -> u64 {
        self.data.config.chain_id
    }

    /// The configuration the chain started with.
    #[must_use]
    pub fn config(&self) -> &ChainConfig {
        &self.data.config
    }

    /// The ArbOS version in force (changes with `ArbOwner.scheduleArbOSUpgrade`).
    #[must_use]
    pub fn arbos_version(&self) -> u64 {
        self.data.state.storage(&ARBOS_STATE, &precompiles::arbos_version_slot()).saturating_to()
    }

    // ----- state -----

    /// The state after block `block` (kept for the last [`STATE_HISTORY`] blocks).
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`] / [`ChainError::StatePruned`].
    pub fn state_at(&self, block: BlockId) -> Result<&WorldState, ChainError> {
        match block {
            BlockId::Latest => Ok(&self.data.state),
            BlockId::Number(n) if n == self.block_number() => Ok(&self.data.state),
            BlockId::Number(n) if n > self.block_number() => Err(ChainError::UnknownBlock(n)),
            BlockId::Number(n) => self
                .data
                .history
                .iter()
                .find(|(number, _)| *number == n)
                .map(|(_, s)| s)
                .ok_or(ChainError::StatePruned(n)),
        }
    }

    /// The latest state.
    #[must_use]
    pub fn state(&self) -> &WorldState {
        &self.data.state
    }

    /// Balance of `address`.
    #[must_use]
    pub fn balance(&self, address: Address) -> U256 {
        self.data.state.account(&address).map(|a| a.balance).unwrap_or_default()
    }

    /// Nonce of `address`.
    #[must_use]
    pub fn nonce(&self, address: Address) -> u64 {
        self.data.state.account(&address).map(|a| a.nonce).unwrap_or_default()
    }

    /// Code of `address`.
    #[must_use]
    pub fn code(&self, address: Address) -> Bytes {
        self.data.state.account(&address).map(|a| a.code.clone()).unwrap_or_default()
    }

    /// Storage slot of `address`.
    #[must_use]
    pub fn storage(&self, address: Address, slot: U256) -> U256 {
        self.data.state.storage(&address, &slot)
    }

    /// Sets a balance (test cheat; takes effect in the next block).
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.data.state.account_mut(address).balance = balance;
    }

    /// Sets code (test cheat).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let nonce = self.nonce(address);
        let balance = self.balance(address);
        let storage =
            self.data.state.account(&address).map(|a| a.storage.clone()).unwrap_or_default();
        let mut account = Account::new(nonce, balance, code);
        account.storage = storage;
        self.data.state.insert(address, account);
    }

    /// Sets a storage slot (test cheat).
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        self.data.state.set_storage(address, slot, value);
    }

    /// Sets a nonce (test cheat).
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        self.data.state.account_mut(address).nonce = nonce;
    }

    // ----- blocks -----

    /// Latest block number.
    #[must_use]
    pub fn block_number(&self) -> u64 {
        self.latest_block().header.number
    }

    /// The latest block.
    #[must_use]
    pub fn latest_block(&self) -> &Block {
        // The genesis block always exists.
        &self.data.blocks[self.data.blocks.len() - 1]
    }

    /// Block `number`.
    #[must_use]
    pub fn block(&self, number: u64) -> Option<&Block> {
        usize::try_from(number).ok().and_then(|n| self.data.blocks.get(n))
    }

    /// Block by hash.
    #[must_use]
    pub fn block_by_hash(&self, hash: B256) -> Option<&Block> {
        self.data.blocks.iter().rev().find(|b| b.hash == hash)
    }

    /// The receipt of a mined transaction.
    #[must_use]
    pub fn receipt(&self, hash: B256) -> Option<&Receipt> {
        self.data.txs.get(&hash).map(|t| &t.receipt)
    }

    /// The raw signed bytes of a transaction sent with [`Self::send_raw`].
    #[must_use]
    pub fn raw_transaction(&self, hash: B256) -> Option<&Bytes> {
        self.data.txs.get(&hash).and_then(|t| t.raw.as_ref())
    }

    /// The request of a transaction sent unsigned with [`Self::send`] (impersonation), with
    /// its nonce, gas limit and fee cap resolved.
    #[must_use]
    pub fn sent_request(&self, hash: B256) -> Option<&TxRequest> {
        self.data.txs.get(&hash).and_then(|t| t.request.as_ref())
    }

    /// Logs of blocks `from..=to`, optionally only of `address`.
    #[must_use]
    pub fn logs(&self, from: u64, to: u64, address: Option<Address>) -> Vec<ChainLog> {
        (from..=to.min(self.block_number()))
            .filter_map(|n| self.block(n))
            .flat_map(|b| b.transactions.iter())
            .filter_map(|h| self.receipt(*h))
            .flat_map(|r| r.logs.iter())
            .filter(|l| address.is_none_or(|a| l.log.address == a))
            .cloned()
            .collect()
    }

    /// The timestamp of the latest block.
    #[must_use]
    pub fn timestamp(&self) -> u64 {
        self.latest_block().header.timestamp
    }

    fn next_block_timestamp(&self) -> u64 {
        if let Some(ts) = self.data.next_timestamp {
            return ts;
        }
        let now = wall_clock().saturating_add_signed(self.data.time_offset);
        now.max(self.timestamp())
    }

    /// Moves the clock forward by `seconds` (affects the next blocks).
    pub fn warp(&mut self, seconds: u64) {
        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
        self.data.time_offset = self.data.time_offset.saturating_add(seconds);
        if let Some(ts) = self.data.next_timestamp.as_mut() {
            *ts = ts.saturating_add(seconds.unsigned_abs());
        }
    }

    /// Fixes the timestamp of the next block (later blocks continue from the wall clock,
    /// shifted so time never goes backwards).
    pub fn set_next_timestamp(&mut self, timestamp: u64) {
        self.data.next_timestamp = Some(timestamp);
    }

    /// Mines `n` empty blocks.
    pub fn mine(&mut self, n: u64) {
        for _ in 0..n {
            self.seal_block(Vec::new(), 0);
        }
    }

    fn block_env(&self, number: u64, timestamp: u64) -> BlockEnv {
        BlockEnv {
            number: U256::from(number),
            beneficiary: BATCH_POSTER,
            timestamp: U256::from(timestamp),
            gas_limit: BLOCK_GAS_LIMIT,
            basefee: self.data.config.basefee,
            difficulty: U256::from(1),
            prevrandao: Some(B256::with_last_byte(1)),
            ..BlockEnv::default()
        }
    }

    fn seal_block(&mut self, transactions: Vec<B256>, gas_used: u64) -> (u64, B256) {
        let (parent_hash, number) = (self.latest_block().hash, self.block_number() + 1);
        let timestamp = self.next_block_timestamp();
        self.data.next_timestamp = None;
        if timestamp > wall_clock().saturating_add_signed(self.data.time_offset) {
            // Keep later blocks at or after an explicitly set timestamp.
            let ahead = timestamp.saturating_sub(wall_clock());
            self.data.time_offset = i64::try_from(ahead).unwrap_or(i64::MAX);
        }
        let bloom = transactions
            .iter()
            .filter_map(|h| self.data.txs.get(h))
            .fold(Bloom::default(), |acc, t| acc | t.receipt.logs_bloom);
        let tx_root = alloy_trie::root::ordered_trie_root_with_encoder(&transactions, |h, out| {
            out.extend_from_slice(h.as_slice());
        });
        let header = Header {
            parent_hash,
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            beneficiary: BATCH_POSTER,
            state_root: self.data.state.state_root(),
            transactions_root: tx_root,
            receipts_root: tx_root,
            logs_bloom: bloom,
            difficulty: U256::from(1),
            number,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used,
            timestamp,
            base_fee_per_gas: Some(self.data.config.basefee),
            ..Header::default()
        };
        let hash = header.hash_slow();
        self.data.blocks.push(Block { header, hash, transactions });
        Arc::make_mut(&mut self.data.block_hashes).insert(number, hash);
        self.data.history.push_back((number, self.data.state.clone()));
        while self.data.history.len() > STATE_HISTORY + 1 {
            self.data.history.pop_front();
        }
        (number, hash)
    }

    // ----- snapshots -----

    /// Saves the whole chain; returns an id for [`Self::revert`].
    pub fn snapshot(&mut self) -> u64 {
        self.snapshots.push(self.data.clone());
        self.snapshots.len() as u64 - 1
    }

    /// Restores snapshot `id` (and drops it and every later one). Returns false if unknown.
    pub fn revert(&mut self, id: u64) -> bool {
        let Ok(index) = usize::try_from(id) else { return false };
        if index >= self.snapshots.len() {
            return false;
        }
        self.snapshots.truncate(index + 1);
        match self.snapshots.pop() {
            Some(data) => {
                self.data = data;
                true
            }
            None => false,
        }
    }

    /// Lines printed by programs through the debug `console` imports since the last call.
    pub fn take_console(&mut self) -> Vec<String> {
        std::mem::take(&mut self.console)
    }

    // ----- execution -----

    fn facts(&self, block_number: u64) -> ChainFacts {
        ChainFacts {
            chain_id: self.data.config.chain_id,
            block_number,
            arbos_version: self.arbos_version(),
            debug_chain: self.data.config.debug,
        }
    }

    fn execute(&mut self, tx: TxEnv, at: BlockId, is_call: bool) -> Result<Executed, ChainError> {
        self.execute_with(tx, at, is_call, None, None)
    }

    fn execute_with(
        &mut self,
        tx: TxEnv,
        at: BlockId,
        is_call: bool,
        overrides: Option<&StateOverride>,
        hook: Option<&mut dyn FrameHook>,
    ) -> Result<Executed, ChainError> {
        let (number, timestamp) = match at {
            BlockId::Latest => (self.block_number() + 1, self.next_block_timestamp()),
            BlockId::Number(n) => {
                let block = self.block(n).ok_or(ChainError::UnknownBlock(n))?;
                (n, block.header.timestamp)
            }
        };
        let mut state = self.state_at(at)?.clone();
        if let Some(overrides) = overrides {
            apply_overrides(&mut state, overrides)?;
        }
        let spec = SpecId::PRAGUE;
        let mut cfg = CfgEnv::new_with_spec(spec);
        cfg.chain_id = self.data.config.chain_id;
        cfg.disable_eip3541 = true;
        if is_call {
            cfg.disable_nonce_check = true;
        }
        let db = WrapDatabaseRef(StateDb { state, block_hashes: self.data.block_hashes.clone() });
        let mut ctx: Ctx = Context::new(db, spec);
        ctx.cfg = cfg;
        ctx.block = self.block_env(number, timestamp);
        if is_call {
            // As geth's eth_call: a zero gas price is allowed (and BASEFEE reads 0).
            ctx.block.basefee = 0;
        }
        let facts = self.facts(number);
        let precompiles = ArbPrecompiles::new(spec, facts);
        let settings =
            StylusSettings { arbos_version: facts.arbos_version, debug_chain: facts.debug_chain };
        let evm = ArbEvm::new(ctx, precompiles, settings);
        let mut evm = match hook {
            Some(hook) => evm.with_hook(hook),
            None => evm,
        };
        let (result, changes) = evm.transact(tx).map_err(|e| match e {
            EVMError::Transaction(e) => ChainError::Invalid(e.to_string()),
            EVMError::Header(e) => ChainError::Invalid(e.to_string()),
            other => ChainError::Invalid(other.to_string()),
        })?;
        Ok(Executed { result, changes, console: std::mem::take(&mut evm.console) })
    }

    fn tx_env(&self, request: &TxRequest) -> Result<TxEnv, ChainError> {
        let basefee = u128::from(self.data.config.basefee);
        TxEnv::builder()
            .tx_type(Some(2))
            .caller(request.from)
            .kind(request.to.map_or(TxKind::Create, TxKind::Call))
            .value(request.value)
            .data(request.input.clone())
            .gas_limit(request.gas.unwrap_or(DEFAULT_TX_GAS))
            .gas_price(request.max_fee_per_gas.unwrap_or(basefee))
            .gas_priority_fee(Some(0))
            .nonce(request.nonce.unwrap_or_else(|| self.nonce(request.from)))
            .chain_id(Some(self.data.config.chain_id))
            .build()
            .map_err(|e| ChainError::Invalid(format!("{e:?}")))
    }

    /// Arbitrum drops priority fees: a legacy transaction pays the basefee, not its price.
    fn arbitrum_fees(&self, mut env: TxEnv) -> Result<TxEnv, ChainError> {
        let basefee = u128::from(self.data.config.basefee);
        if env.tx_type == 0 {
            if env.gas_price < basefee {
                return Err(ChainError::Invalid("gas price below basefee".into()));
            }
            env.gas_price = basefee;
        }
        Ok(env)
    }

    fn mine_executed(
        &mut self,
        hash: B256,
        from: Address,
        to: Option<Address>,
        executed: Executed,
        raw: Option<Bytes>,
    ) -> Receipt {
        let Executed { result, changes, console } = executed;
        self.console.extend(console);
        self.data.state.commit(changes);
        let gas_used = result.tx_gas_used();
        let number = self.block_number() + 1;
        // Receipt fields that need the block hash are filled after sealing.
        let (status, output, halt) = match &result {
            ExecutionResult::Success { output, .. } => (true, output.data().clone(), None),
            ExecutionResult::Revert { output, .. } => (false, output.clone(), None),
            ExecutionResult::Halt { reason, .. } => {
                (false, Bytes::new(), Some(format!("{reason:?}")))
            }
        };
        let contract_address = match &result {
            ExecutionResult::Success { output: Output::Create(_, address), .. } => *address,
            _ => None,
        };
        let gas_refunded = match &result {
            ExecutionResult::Success { gas, .. } => gas.final_refunded(),
            _ => 0,
        };
        let raw_logs: Vec<Log> = result.logs().to_vec();
        let bloom = logs_bloom(raw_logs.iter());
        let mut receipt = Receipt {
            transaction_hash: hash,
            block_number: number,
            block_hash: B256::ZERO,
            transaction_index: 0,
            from,
            to,
            contract_address,
            status,
            gas_used,
            gas_refunded,
            cumulative_gas_used: gas_used,
            effective_gas_price: u128::from(self.data.config.basefee),
            logs: Vec::new(),
            logs_bloom: bloom,
            output,
            halt,
        };
        self.data
            .txs
            .insert(hash, TxInfo { receipt: receipt.clone(), raw: raw.clone(), request: None });
        let (_, block_hash) = self.seal_block(vec![hash], gas_used);
        receipt.block_hash = block_hash;
        receipt.logs = raw_logs
            .into_iter()
            .enumerate()
            .map(|(i, log)| ChainLog {
                log,
                block_number: number,
                block_hash,
                transaction_hash: hash,
                transaction_index: 0,
                log_index: i as u64,
            })
            .collect();
        self.data.txs.insert(hash, TxInfo { receipt: receipt.clone(), raw, request: None });
        receipt
    }

    /// Sends a transaction from `request.from` without a signature (impersonation / unlocked
    /// account) and mines it in its own block. A reverted transaction is mined too: check
    /// `receipt.status`, or use [`Self::send_ok`].
    ///
    /// # Errors
    /// [`ChainError::Invalid`] when the transaction cannot be included (nonce, balance, gas).
    pub fn send(&mut self, request: TxRequest) -> Result<Receipt, ChainError> {
        self.send_hooked(request, None)
    }

    /// [`Self::send`] with `hook` watching (and possibly rewriting) every frame of the
    /// transaction: the entry point of test frameworks (Foundry-style cheatcodes, see
    /// [`FrameHook`]). The transaction is mined like any other.
    ///
    /// # Errors
    /// As [`Self::send`].
    pub fn send_with_hook(
        &mut self,
        request: TxRequest,
        hook: &mut dyn FrameHook,
    ) -> Result<Receipt, ChainError> {
        self.send_hooked(request, Some(hook))
    }

    fn send_hooked(
        &mut self,
        request: TxRequest,
        hook: Option<&mut dyn FrameHook>,
    ) -> Result<Receipt, ChainError> {
        let env = self.tx_env(&request)?;
        let hash = self.unsigned_hash(&request, env.nonce);
        let resolved = TxRequest {
            gas: Some(env.gas_limit),
            nonce: Some(env.nonce),
            max_fee_per_gas: Some(env.gas_price),
            ..request.clone()
        };
        let executed = self.execute_with(env, BlockId::Latest, false, None, hook)?;
        let receipt = self.mine_executed(hash, request.from, request.to, executed, None);
        if let Some(info) = self.data.txs.get_mut(&hash) {
            info.request = Some(resolved);
        }
        Ok(receipt)
    }

    /// The hash [`Self::send`] gives the unsigned transaction `request` sent with `nonce`
    /// (a hash of the chain id, sender, nonce, recipient, value and input).
    #[must_use]
    pub fn unsigned_hash(&self, request: &TxRequest, nonce: u64) -> B256 {
        let mut preimage = Vec::with_capacity(128 + request.input.len());
        preimage.extend_from_slice(b"crossnet-devnode impersonated");
        preimage.extend_from_slice(&self.data.config.chain_id.to_be_bytes());
        preimage.extend_from_slice(request.from.as_slice());
        preimage.extend_from_slice(&nonce.to_be_bytes());
        preimage.extend_from_slice(request.to.unwrap_or_default().as_slice());
        preimage.extend_from_slice(&request.value.to_be_bytes::<32>());
        preimage.extend_from_slice(&request.input);
        keccak256(preimage)
    }

    /// [`Self::send`], turning a reverted or halted transaction into an error.
    ///
    /// # Errors
    /// [`ChainError::Invalid`], or [`ChainError::Reverted`] / [`ChainError::Halted`] (the
    /// transaction was mined).
    pub fn send_ok(&mut self, request: TxRequest) -> Result<Receipt, ChainError> {
        let receipt = self.send(request)?;
        receipt_ok(receipt)
    }

    /// Sends a signed transaction (legacy with or without EIP-155, EIP-2930, EIP-1559),
    /// recovering the sender from the signature, and mines it.
    ///
    /// # Errors
    /// [`ChainError::Invalid`] for undecodable, badly signed or unincludable transactions.
    pub fn send_raw(&mut self, raw: &[u8]) -> Result<Receipt, ChainError> {
        let (env, envelope) = decode_raw(raw)?;
        let env = self.arbitrum_fees(env)?;
        if envelope.chain_id().is_some_and(|id| id != self.data.config.chain_id) {
            return Err(ChainError::Invalid("wrong chain id".into()));
        }
        let hash = *envelope.tx_hash();
        if self.data.txs.contains_key(&hash) {
            return Err(ChainError::Invalid("already known".into()));
        }
        let from = env.caller;
        let to = envelope.to();
        let executed = self.execute(env, BlockId::Latest, false)?;
        Ok(self.mine_executed(hash, from, to, executed, Some(Bytes::copy_from_slice(raw))))
    }

    /// Runs a call against the state of `block` without mining it (nonce, fee and balance
    /// checks off, like `eth_call`). Set `request.gas` to probe a gas limit.
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`] / [`ChainError::StatePruned`], or an invalid request.
    pub fn call_at(
        &mut self,
        request: &TxRequest,
        block: BlockId,
    ) -> Result<CallResult, ChainError> {
        self.call_with_overrides(request, block, None)
    }

    /// [`Self::call_at`] with `eth_call` state overrides (balance, nonce, code, `state`,
    /// `stateDiff` per account) applied to a copy of the block's state.
    ///
    /// # Errors
    /// As [`Self::call_at`]; [`ChainError::Invalid`] for unsupported overrides
    /// (`movePrecompileToAddress`).
    pub fn call_with_overrides(
        &mut self,
        request: &TxRequest,
        block: BlockId,
        overrides: Option<&StateOverride>,
    ) -> Result<CallResult, ChainError> {
        let mut request = request.clone();
        request.max_fee_per_gas = Some(request.max_fee_per_gas.unwrap_or(0));
        let env = self.tx_env(&request)?;
        let executed = self.execute_with(env, block, true, overrides, None)?;
        self.console.extend(executed.console);
        let result = executed.result;
        let gas_used = result.tx_gas_used();
        let logs = result.logs().to_vec();
        Ok(match result {
            ExecutionResult::Success { output, .. } => {
                CallResult { success: true, output: output.into_data(), gas_used, logs, halt: None }
            }
            ExecutionResult::Revert { output, .. } => {
                CallResult { success: false, output, gas_used, logs, halt: None }
            }
            ExecutionResult::Halt { reason, .. } => CallResult {
                success: false,
                output: Bytes::new(),
                gas_used,
                logs,
                halt: Some(format!("{reason:?}")),
            },
        })
    }

    /// [`Self::call_at`] on the latest state.
    ///
    /// # Errors
    /// As [`Self::call_at`].
    pub fn call(&mut self, request: &TxRequest) -> Result<CallResult, ChainError> {
        self.call_at(request, BlockId::Latest)
    }

    /// The smallest gas limit with which `request` succeeds (binary search, as
    /// `eth_estimateGas`).
    ///
    /// # Errors
    /// The revert or halt of the call at the maximum gas limit.
    pub fn estimate_gas(&mut self, request: &TxRequest) -> Result<u64, ChainError> {
        self.estimate_gas_with_overrides(request, BlockId::Latest, None)
    }

    /// [`Self::estimate_gas`] against the state of `block` with `eth_call` state overrides.
    ///
    /// # Errors
    /// As [`Self::estimate_gas`] and [`Self::call_with_overrides`].
    pub fn estimate_gas_with_overrides(
        &mut self,
        request: &TxRequest,
        block: BlockId,
        overrides: Option<&StateOverride>,
    ) -> Result<u64, ChainError> {
        let mut probe = request.clone();
        let mut high = request.gas.unwrap_or(DEFAULT_TX_GAS);
        probe.gas = Some(high);
        let first = self.call_with_overrides(&probe, block, overrides)?;
        if !first.success {
            return Err(first.into_output().err().unwrap_or(ChainError::Invalid("failed".into())));
        }
        let mut low = first.gas_used.saturating_sub(1);
        // Gas used is a good first guess; most calls succeed with it.
        probe.gas = Some(first.gas_used);
        if self.call_with_overrides(&probe, block, overrides)?.success {
            high = first.gas_used;
        }
        while low + 1 < high {
            let mid = low + (high - low) / 2;
            probe.gas = Some(mid);
            if self.call_with_overrides(&probe, block, overrides).is_ok_and(|r| r.success) {
                high = mid;
            } else {
                low = mid;
            }
        }
        Ok(high)
    }

    // ----- typed helpers -----

    /// Sends the Solidity call `call` to `to` and decodes its return value.
    ///
    /// # Errors
    /// [`ChainError::Reverted`] (decode with [`ChainError::decode_revert`]), halts, invalid txs.
    pub fn send_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<(Receipt, C::Return), ChainError> {
        self.send_sol_value(from, to, call, U256::ZERO)
    }

    /// [`Self::send_sol`] with a value.
    ///
    /// # Errors
    /// As [`Self::send_sol`].
    pub fn send_sol_value<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
        value: U256,
    ) -> Result<(Receipt, C::Return), ChainError> {
        let receipt = self.send_ok(TxRequest::call(from, to, call.abi_encode()).value(value))?;
        let decoded = C::abi_decode_returns(&receipt.output)
            .map_err(|e| ChainError::Decode(e.to_string()))?;
        Ok((receipt, decoded))
    }

    /// Calls `to` with the Solidity call `call` (from the dev account) without mining.
    ///
    /// # Errors
    /// [`ChainError::Reverted`] / [`ChainError::Halted`], or undecodable output.
    pub fn call_sol<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, ChainError> {
        let output =
            self.call(&TxRequest::call(DEV_ADDRESS, to, call.abi_encode()))?.into_output()?;
        C::abi_decode_returns(&output).map_err(|e| ChainError::Decode(e.to_string()))
    }

    /// Deploys EVM init code from `from`; returns the new address.
    ///
    /// # Errors
    /// Reverts, halts and invalid transactions.
    pub fn deploy_evm(
        &mut self,
        from: Address,
        init_code: impl Into<Bytes>,
    ) -> Result<Address, ChainError> {
        let receipt = self.send_ok(TxRequest::create(from, init_code))?;
        receipt.contract_address.ok_or_else(|| ChainError::Invalid("no contract created".into()))
    }

    /// Deploys Stylus `code` (`EF F0 00 ...`) with the 43-byte cargo-stylus prelude, without
    /// activating it.
    ///
    /// # Errors
    /// Reverts, halts and invalid transactions.
    pub fn deploy_stylus_code(
        &mut self,
        from: Address,
        code: &[u8],
    ) -> Result<Address, ChainError> {
        self.deploy_evm(from, crossnet_wasm::deploy_prelude(code))
    }

    /// `ArbWasm.activateProgram(program)` from `from`, paying the data fee (the excess is
    /// refunded by ArbWasm). Returns the receipt and the decoded `(version, dataFee)`.
    ///
    /// # Errors
    /// The ArbWasm revert (`ProgramNotWasm`, `ProgramUpToDate`, ...) or halt.
    pub fn activate(
        &mut self,
        from: Address,
        program: Address,
    ) -> Result<(Receipt, IArbWasm::activateProgramReturn), ChainError> {
        let value = self.data_fee(program)?;
        self.send_sol_value(from, ARB_WASM, &IArbWasm::activateProgramCall { program }, value)
    }

    /// The data fee `ArbWasm.activateProgram(program)` would charge now (via a call).
    ///
    /// # Errors
    /// The ArbWasm revert of the dry run.
    pub fn data_fee(&mut self, program: Address) -> Result<U256, ChainError> {
        let probe = TxRequest::call(
            DEV_ADDRESS,
            ARB_WASM,
            IArbWasm::activateProgramCall { program }.abi_encode(),
        )
        .value(U256::from(10u64).pow(U256::from(18)));
        let output = self.call(&probe)?.into_output()?;
        let ret = IArbWasm::activateProgramCall::abi_decode_returns(&output)
            .map_err(|e| ChainError::Decode(e.to_string()))?;
        Ok(ret.dataFee)
    }

    /// Deploys and activates Stylus `code` (no constructor), as `cargo stylus deploy` does.
    ///
    /// # Errors
    /// Deployment or activation failures.
    pub fn deploy_stylus(&mut self, from: Address, code: &[u8]) -> Result<Address, ChainError> {
        let address = self.deploy_stylus_code(from, code)?;
        let codehash = keccak256(self.code(address));
        let active = {
            let state = self.data.state.storage(&ARBOS_STATE, &program::activation_slot(codehash));
            program::Activation::unpack(state).is_some_and(|a| a.version == program::STYLUS_VERSION)
        };
        if !active {
            self.activate(from, address)?;
        }
        Ok(address)
    }

    /// Deploys, activates and initialises Stylus `code` through StylusDeployer
    /// (`deploy(bytecode, initData, initValue, salt)`), as `cargo stylus deploy` does for a
    /// contract with a constructor. `init_data` is `0x5585258d ‖ abi(args)` (or empty).
    ///
    /// # Errors
    /// The deployer's revert (e.g. `ContractInitializationError`) or halt.
    pub fn deploy_stylus_with_constructor(
        &mut self,
        from: Address,
        code: &[u8],
        init_data: Bytes,
        init_value: U256,
        salt: B256,
    ) -> Result<(Receipt, Address), ChainError> {
        let bytecode = Bytes::from(crossnet_wasm::deploy_prelude(code));
        // The data fee of a not-yet-deployed program: activate a copy in a dry run.
        let probe = Address::repeat_byte(0xd5);
        let mut scratch = self.clone();
        scratch.set_code(probe, Bytes::copy_from_slice(code));
        let fee = match scratch.data_fee(probe) {
            Ok(fee) => fee,
            Err(e) if e.decode_revert::<IArbWasm::ProgramUpToDate>().is_some() => U256::ZERO,
            Err(e) => return Err(e),
        };
        let value = fee * U256::from(12) / U256::from(10) + init_value;
        let call = crate::IStylusDeployer::deployCall {
            bytecode,
            initData: init_data,
            initValue: init_value,
            salt,
        };
        let (receipt, address) = self.send_sol_value(from, crate::STYLUS_DEPLOYER, &call, value)?;
        Ok((receipt, address))
    }

    /// Reads a `.wasm` or `.code` file and deploys + activates it (no constructor).
    ///
    /// # Errors
    /// [`ChainError::Io`] when the file is missing (with a hint to run the WASM build),
    /// deployment and activation failures.
    pub fn deploy_file(
        &mut self,
        from: Address,
        path: &std::path::Path,
    ) -> Result<Address, ChainError> {
        let code = crate::load_code(path)?;
        self.deploy_stylus(from, &code)
    }

    // ----- proofs -----

    /// The state root of block `number`.
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`].
    pub fn state_root(&self, number: u64) -> Result<B256, ChainError> {
        self.block(number).map(|b| b.header.state_root).ok_or(ChainError::UnknownBlock(number))
    }

    /// An EIP-1186 proof (`eth_getProof`) of `address` and `slots` at `block` (kept for the
    /// last [`STATE_HISTORY`] blocks).
    ///
    /// # Errors
    /// [`ChainError::UnknownBlock`] / [`ChainError::StatePruned`].
    pub fn proof(
        &self,
        address: Address,
        slots: &[B256],
        block: BlockId,
    ) -> Result<EIP1186AccountProofResponse, ChainError> {
        Ok(self.state_at(block)?.proof(address, slots))
    }
}

/// Applies `eth_call` state overrides to a copy of the state.
fn apply_overrides(state: &mut WorldState, overrides: &StateOverride) -> Result<(), ChainError> {
    for (address, o) in overrides {
        if o.move_precompile_to.is_some() {
            return Err(ChainError::Invalid("movePrecompileToAddress is not supported".into()));
        }
        if o.state.is_some() && o.state_diff.is_some() {
            return Err(ChainError::Invalid(format!(
                "account {address} has both 'state' and 'stateDiff'"
            )));
        }
        if let Some(code) = &o.code {
            let mut account = Account::new(
                state.account(address).map(|a| a.nonce).unwrap_or_default(),
                state.account(address).map(|a| a.balance).unwrap_or_default(),
                code.clone(),
            );
            account.storage = state.account(address).map(|a| a.storage.clone()).unwrap_or_default();
            state.insert(*address, account);
        }
        if let Some(balance) = o.balance {
            state.account_mut(*address).balance = balance;
        }
        if let Some(nonce) = o.nonce {
            state.account_mut(*address).nonce = nonce;
        }
        if let Some(slots) = &o.state {
            let old: Vec<U256> = state
                .account(address)
                .map(|a| a.storage.keys().copied().collect())
                .unwrap_or_default();
            for key in old {
                state.set_storage(*address, key, U256::ZERO);
            }
            for (key, value) in slots {
                state.set_storage(
                    *address,
                    U256::from_be_bytes(key.0),
                    U256::from_be_bytes(value.0),
                );
            }
        }
        if let Some(slots) = &o.state_diff {
            for (key, value) in slots {
                state.set_storage(
                    *address,
                    U256::from_be_bytes(key.0),
                    U256::from_be_bytes(value.0),
                );
            }
        }
    }
    Ok(())
}

/// Turns a mined-but-failed receipt into an error.
fn receipt_ok(receipt: Receipt) -> Result<Receipt, ChainError> {
    if receipt.status {
        return Ok(receipt);
    }
    let transaction = Some(receipt.transaction_hash);
    Err(match receipt.halt {
        Some(reason) => ChainError::Halted { reason, transaction },
        None => ChainError::Reverted { data: receipt.output, transaction },
    })
}

/// Decodes and recovers a signed transaction.
fn decode_raw(raw: &[u8]) -> Result<(TxEnv, TxEnvelope), ChainError> {
    let envelope = TxEnvelope::decode_2718(&mut &raw[..])
        .map_err(|e| ChainError::Invalid(format!("cannot decode transaction: {e}")))?;
    let from = envelope
        .recover_signer()
        .map_err(|e| ChainError::Invalid(format!("bad signature: {e}")))?;
    let max_fee = envelope.max_fee_per_gas();
    // Legacy transactions keep type 0 (pre-EIP-155 ones have no chain id); their gas price
    // is lowered to the basefee by the chain (Arbitrum charges the basefee only).
    let tx_type = if envelope.is_legacy() { 0 } else { 2 };
    let env = TxEnv::builder()
        .tx_type(Some(tx_type))
        .caller(from)
        .kind(envelope.kind())
        .value(envelope.value())
        .data(envelope.input().clone())
        .gas_limit(envelope.gas_limit())
        .gas_price(max_fee)
        .gas_priority_fee(Some(0))
        .nonce(envelope.nonce())
        .chain_id(envelope.chain_id())
        .access_list(envelope.access_list().cloned().unwrap_or_default())
        .build()
        .map_err(|e| ChainError::Invalid(format!("{e:?}")))?;
    Ok((env, envelope))
}
