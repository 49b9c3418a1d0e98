//! The JSON-RPC methods: `eth_*`, `net_*`, `web3_*` and the anvil/hardhat/`evm_*` test
//! helpers. Every parameter is checked; bad input is a JSON-RPC error, never a panic.

use std::str::FromStr;

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{SignableTransaction, Transaction as _, TxEip1559, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::{
    BlockId as RpcBlockId, BlockNumberOrTag, FeeHistory, Filter, FilterBlockOption,
    TransactionRequest,
};
use alloy_signer::SignerSync;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::convert;
use super::error::RpcError;
use super::node::{mine_pool, Extra, FilterKind, Node, Pending, MAX_FILTERS};
use crate::chain::{BlockId, ChainDump, TxRequest, BATCH_POSTER};
use crate::state::WorldState;
use crate::Chain;

/// Most blocks `anvil_mine` mines in one call.
const MAX_MINE: u64 = 10_000;
/// Most logs one `eth_getLogs` returns.
const MAX_LOGS: usize = 100_000;
/// Most storage keys in one `eth_getProof`.
const MAX_PROOF_KEYS: usize = 1_024;
/// Most blocks in one `eth_feeHistory`.
const MAX_FEE_HISTORY: u64 = 1_024;

/// Positional parameters.
#[derive(Debug)]
pub(crate) struct Params(Vec<Value>);

impl Params {
    /// Parameters from the request's `params` (absent or null: none; an object is refused).
    pub(crate) fn new(params: Option<Value>) -> Result<Self, RpcError> {
        match params {
            None | Some(Value::Null) => Ok(Self(Vec::new())),
            Some(Value::Array(items)) => Ok(Self(items)),
            Some(_) => Err(RpcError::invalid_params("params must be an array")),
        }
    }

    fn raw(&self, i: usize) -> Option<&Value> {
        self.0.get(i).filter(|v| !v.is_null())
    }

    /// Required parameter `i`.
    fn at<T: DeserializeOwned>(&self, i: usize, what: &str) -> Result<T, RpcError> {
        let value = self.raw(i).ok_or_else(|| {
            RpcError::invalid_params(format!("missing value for required argument {i} ({what})"))
        })?;
        decode(value, i, what)
    }

    /// Optional parameter `i` (absent or null: `None`).
    fn opt<T: DeserializeOwned>(&self, i: usize, what: &str) -> Result<Option<T>, RpcError> {
        self.raw(i).map(|v| decode(v, i, what)).transpose()
    }

    /// Refuses more than `n` parameters.
    fn at_most(&self, n: usize) -> Result<&Self, RpcError> {
        if self.0.len() > n {
            return Err(RpcError::invalid_params(format!("too many arguments, want at most {n}")));
        }
        Ok(self)
    }

    fn quantity(&self, i: usize, what: &str) -> Result<u64, RpcError> {
        let value = self.raw(i).ok_or_else(|| {
            RpcError::invalid_params(format!("missing value for required argument {i} ({what})"))
        })?;
        quantity(value).ok_or_else(|| {
            RpcError::invalid_params(format!("invalid argument {i} ({what}): not a quantity"))
        })
    }

    fn opt_quantity(&self, i: usize, what: &str) -> Result<Option<u64>, RpcError> {
        self.raw(i).map(|_| self.quantity(i, what)).transpose()
    }

    fn word(&self, i: usize, what: &str) -> Result<U256, RpcError> {
        let value = self.raw(i).ok_or_else(|| {
            RpcError::invalid_params(format!("missing value for required argument {i} ({what})"))
        })?;
        word(value).ok_or_else(|| {
            RpcError::invalid_params(format!("invalid argument {i} ({what}): not a 256-bit word"))
        })
    }
}

fn decode<T: DeserializeOwned>(value: &Value, i: usize, what: &str) -> Result<T, RpcError> {
    T::deserialize(value)
        .map_err(|e| RpcError::invalid_params(format!("invalid argument {i} ({what}): {e}")))
}

/// A JSON number, a `0x` hex string or a decimal string, as `u64`.
fn quantity(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(hex) if !hex.is_empty() => u64::from_str_radix(hex, 16).ok(),
            Some(_) => None,
            None => s.parse().ok(),
        },
        _ => None,
    }
}

/// A JSON number, a hex string (up to 32 bytes) or a decimal string, as a word.
fn word(value: &Value) -> Option<U256> {
    match value {
        Value::Number(n) => n.as_u64().map(U256::from),
        Value::String(s) => U256::from_str(s).ok(),
        _ => None,
    }
}

fn hex_u64(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

fn hex_u256(n: U256) -> Value {
    Value::String(format!("{n:#x}"))
}

// ----- blocks and state -----

/// The block number a tag names (`None`: beyond the head).
fn tag_number(chain: &Chain, tag: BlockNumberOrTag) -> Option<u64> {
    let latest = chain.block_number();
    match tag {
        BlockNumberOrTag::Earliest => Some(0),
        BlockNumberOrTag::Number(n) => (n <= latest).then_some(n),
        BlockNumberOrTag::Latest
        | BlockNumberOrTag::Pending
        | BlockNumberOrTag::Safe
        | BlockNumberOrTag::Finalized => Some(latest),
    }
}

/// The block a state query runs against.
fn state_block(chain: &Chain, id: Option<RpcBlockId>) -> Result<BlockId, RpcError> {
    match id {
        None => Ok(BlockId::Latest),
        Some(RpcBlockId::Number(tag)) => match tag {
            BlockNumberOrTag::Latest
            | BlockNumberOrTag::Pending
            | BlockNumberOrTag::Safe
            | BlockNumberOrTag::Finalized => Ok(BlockId::Latest),
            other => tag_number(chain, other)
                .map(BlockId::Number)
                .ok_or_else(|| RpcError::server("header not found")),
        },
        Some(RpcBlockId::Hash(hash)) => chain
            .block_by_hash(hash.block_hash)
            .map(|b| BlockId::Number(b.header.number))
            .ok_or_else(|| {
                RpcError::server(format!("header for hash {} not found", hash.block_hash))
            }),
    }
}

fn state_at(chain: &Chain, id: Option<RpcBlockId>) -> Result<&WorldState, RpcError> {
    let block = state_block(chain, id)?;
    Ok(chain.state_at(block)?)
}

/// The nonce the next transaction of `from` must carry (the pool included).
fn pending_nonce(chain: &Chain, extra: &Extra, from: Address) -> u64 {
    let pooled = extra.pool.iter().filter(|p| p.from() == from).count() as u64;
    chain.nonce(from) + pooled
}

/// A `TransactionRequest` (either `input` or `data`, or both when equal) as a chain request.
fn to_request(tx: TransactionRequest) -> Result<TxRequest, RpcError> {
    let input = tx
        .input
        .try_into_unique_input()
        .map_err(|e| RpcError::invalid_params(format!("invalid transaction: {e}")))?
        .unwrap_or_default();
    Ok(TxRequest {
        from: tx.from.unwrap_or_default(),
        to: match tx.to {
            Some(TxKind::Call(to)) => Some(to),
            Some(TxKind::Create) | None => None,
        },
        value: tx.value.unwrap_or_default(),
        input,
        gas: tx.gas,
        nonce: tx.nonce,
        max_fee_per_gas: tx.max_fee_per_gas.or(tx.gas_price),
    })
}

// ----- filters and logs -----

fn filter_range(chain: &Chain, filter: &Filter) -> Result<(u64, u64), RpcError> {
    let latest = chain.block_number();
    match &filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => chain
            .block_by_hash(*hash)
            .map(|b| (b.header.number, b.header.number))
            .ok_or_else(|| RpcError::server("unknown block")),
        FilterBlockOption::Range { from_block, to_block } => {
            let resolve = |tag: Option<BlockNumberOrTag>| match tag {
                None => latest,
                Some(BlockNumberOrTag::Number(n)) => n.min(latest),
                Some(tag) => tag_number(chain, tag).unwrap_or(latest),
            };
            let (from, to) = (resolve(*from_block), resolve(*to_block));
            if from > to {
                return Err(RpcError::invalid_params("invalid block range params"));
            }
            Ok((from, to))
        }
    }
}

fn logs_in(chain: &Chain, filter: &Filter, from: u64, to: u64) -> Result<Vec<Value>, RpcError> {
    let mut out = Vec::new();
    for number in from..=to.min(chain.block_number()) {
        let Some(block) = chain.block(number) else { continue };
        if !filter.matches_bloom(block.header.logs_bloom) {
            continue;
        }
        let timestamp = block.header.timestamp;
        for log in block
            .transactions
            .iter()
            .filter_map(|h| chain.receipt(*h))
            .flat_map(|r| r.logs.iter())
            .filter(|l| filter.matches(&l.log))
        {
            if out.len() >= MAX_LOGS {
                return Err(RpcError::server(format!(
                    "query returned more than {MAX_LOGS} results"
                )));
            }
            out.push(convert::to_json(&convert::rpc_log(log, timestamp))?);
        }
    }
    Ok(out)
}

fn install_filter(extra: &mut Extra, kind: FilterKind) -> Value {
    extra.next_filter += 1;
    let id = extra.next_filter;
    extra.filters.insert(id, kind);
    while extra.filters.len() > MAX_FILTERS {
        extra.filters.pop_first();
    }
    hex_u64(id)
}

// ----- sending -----

/// Submits signed bytes: mined now (automine) or pooled.
fn submit_raw(chain: &mut Chain, extra: &mut Extra, raw: Bytes) -> Result<B256, RpcError> {
    if extra.automine {
        return Ok(chain.send_raw(&raw)?.transaction_hash);
    }
    let invalid = |m: String| RpcError::server(format!("invalid transaction: {m}"));
    let envelope = TxEnvelope::decode_2718(&mut &raw[..])
        .map_err(|e| invalid(format!("cannot decode transaction: {e}")))?;
    let from = envelope.recover_signer().map_err(|e| invalid(format!("bad signature: {e}")))?;
    if envelope.chain_id().is_some_and(|id| id != chain.chain_id()) {
        return Err(invalid("wrong chain id".into()));
    }
    let hash = *envelope.tx_hash();
    if chain.receipt(hash).is_some() || extra.pool.iter().any(|p| p.hash() == hash) {
        return Err(invalid("already known".into()));
    }
    let expected = pending_nonce(chain, extra, from);
    let nonce = envelope.nonce();
    if nonce != expected {
        let which = if nonce < expected { "low" } else { "high" };
        return Err(invalid(format!("nonce {nonce} too {which}, expected {expected}")));
    }
    extra.pool.push(Pending::Signed { hash, raw, envelope: Box::new(envelope), from });
    Ok(hash)
}

fn send_transaction(node: &Node, params: &Params) -> Result<Value, RpcError> {
    let tx: TransactionRequest = params.at_most(1)?.at(0, "transaction")?;
    let from = tx.from.ok_or_else(|| RpcError::invalid_params("missing 'from'"))?;
    let mut chain = node.chain();
    let mut extra = node.extra();
    let mut request = to_request(tx.clone())?;
    let signer = node.signer(from);
    if signer.is_none() && !extra.impersonated.contains(&from) {
        return Err(RpcError::server(format!(
            "unknown account {from}: neither unlocked nor impersonated"
        )));
    }
    let nonce = tx.nonce.unwrap_or_else(|| pending_nonce(&chain, &extra, from));
    let gas = match tx.gas {
        Some(gas) => gas,
        None => chain.estimate_gas(&TxRequest { nonce: None, ..request.clone() })?,
    };
    request.gas = Some(gas);
    request.nonce = Some(nonce);
    let Some(signer) = signer else {
        // Impersonated: unsigned.
        if extra.automine {
            return Ok(json!(chain.send(request)?.transaction_hash));
        }
        let hash = chain.unsigned_hash(&request, nonce);
        extra.pool.push(Pending::Unsigned { hash, request });
        return Ok(json!(hash));
    };
    let chain_id = chain.chain_id();
    let basefee = u128::from(chain.config().basefee);
    let to = request.to.map_or(TxKind::Create, TxKind::Call);
    let sign_err = |e: alloy_signer::Error| RpcError::internal(format!("signing failed: {e}"));
    let envelope: TxEnvelope = match (tx.gas_price, tx.max_fee_per_gas) {
        (Some(gas_price), None) => {
            let tx = TxLegacy {
                chain_id: Some(chain_id),
                nonce,
                gas_price,
                gas_limit: gas,
                to,
                value: request.value,
                input: request.input,
            };
            let signature = signer.sign_hash_sync(&tx.signature_hash()).map_err(sign_err)?;
            tx.into_signed(signature).into()
        }
        _ => {
            let tx = TxEip1559 {
                chain_id,
                nonce,
                gas_limit: gas,
                max_fee_per_gas: tx.max_fee_per_gas.unwrap_or(basefee * 2),
                max_priority_fee_per_gas: tx.max_priority_fee_per_gas.unwrap_or(0),
                to,
                value: request.value,
                access_list: tx.access_list.unwrap_or_default(),
                input: request.input,
            };
            let signature = signer.sign_hash_sync(&tx.signature_hash()).map_err(sign_err)?;
            tx.into_signed(signature).into()
        }
    };
    let raw = Bytes::from(envelope.encoded_2718());
    Ok(json!(submit_raw(&mut chain, &mut extra, raw)?))
}

fn call(node: &Node, params: &Params, estimate: bool) -> Result<Value, RpcError> {
    let params = params.at_most(4)?;
    let tx: TransactionRequest = params.at(0, "transaction")?;
    let block: Option<RpcBlockId> = params.opt(1, "block")?;
    let overrides: Option<StateOverride> = params.opt(2, "state overrides")?;
    // The fourth parameter (block overrides) is accepted and ignored.
    let _: Option<Value> = params.opt(3, "block overrides")?;
    let request = to_request(tx)?;
    let mut chain = node.chain();
    let block = state_block(&chain, block)?;
    if estimate {
        let gas = chain.estimate_gas_with_overrides(&request, block, overrides.as_ref())?;
        return Ok(hex_u64(gas));
    }
    let result = chain.call_with_overrides(&request, block, overrides.as_ref())?;
    let output = result.into_output()?;
    Ok(json!(output))
}

// ----- test helpers -----

fn evm_mine(node: &Node, params: &Params) -> Result<Value, RpcError> {
    let params = params.at_most(1)?;
    let (mut blocks, mut timestamp) = (1, None);
    match params.raw(0) {
        None => {}
        Some(Value::Object(options)) => {
            if let Some(v) = options.get("blocks").filter(|v| !v.is_null()) {
                blocks = quantity(v).ok_or_else(|| RpcError::invalid_params("invalid 'blocks'"))?;
            }
            if let Some(v) = options.get("timestamp").filter(|v| !v.is_null()) {
                timestamp = Some(
                    quantity(v).ok_or_else(|| RpcError::invalid_params("invalid 'timestamp'"))?,
                );
            }
        }
        Some(_) => timestamp = Some(params.quantity(0, "timestamp")?),
    }
    mine_blocks(node, blocks, timestamp, 0)?;
    Ok(json!("0x0"))
}

fn mine_blocks(
    node: &Node,
    blocks: u64,
    timestamp: Option<u64>,
    interval: u64,
) -> Result<(), RpcError> {
    if blocks > MAX_MINE {
        return Err(RpcError::invalid_params(format!("at most {MAX_MINE} blocks at once")));
    }
    let mut chain = node.chain();
    let mut extra = node.extra();
    if let Some(ts) = timestamp {
        check_timestamp(&chain, ts)?;
        chain.set_next_timestamp(ts);
    }
    for i in 0..blocks {
        if i > 0 && interval > 0 {
            chain.warp(interval);
        }
        mine_pool(&mut chain, &mut extra);
    }
    Ok(())
}

fn check_timestamp(chain: &Chain, ts: u64) -> Result<(), RpcError> {
    if ts < chain.timestamp() {
        return Err(RpcError::invalid_params(format!(
            "timestamp {ts} is before the latest block's ({})",
            chain.timestamp()
        )));
    }
    Ok(())
}

/// Runs one method.
pub(crate) fn dispatch(node: &Node, method: &str, params: &Params) -> Result<Value, RpcError> {
    match method {
        // ----- node -----
        "web3_clientVersion" => Ok(json!(node.options.client_version)),
        "web3_sha3" => {
            let data: Bytes = params.at_most(1)?.at(0, "data")?;
            Ok(json!(keccak256(&data)))
        }
        "net_version" => Ok(json!(node.chain().chain_id().to_string())),
        "net_listening" => Ok(json!(true)),
        "net_peerCount" => Ok(json!("0x0")),
        "eth_chainId" => Ok(hex_u64(node.chain().chain_id())),
        "eth_syncing" => Ok(json!(false)),
        "eth_mining" => Ok(json!(node.extra().automine || node.options.block_time.is_some())),
        "eth_hashrate" => Ok(json!("0x0")),
        "eth_coinbase" => Ok(json!(BATCH_POSTER)),
        "eth_accounts" => {
            Ok(json!(node.signers.iter().map(|s| s.address()).collect::<Vec<Address>>()))
        }
        // ----- fees -----
        "eth_gasPrice" => Ok(hex_u64(node.chain().config().basefee)),
        "eth_maxPriorityFeePerGas" => Ok(json!("0x0")),
        "eth_feeHistory" => fee_history(node, params),
        // ----- blocks -----
        "eth_blockNumber" => Ok(hex_u64(node.chain().block_number())),
        "eth_getBlockByNumber" => {
            let params = params.at_most(2)?;
            let tag: BlockNumberOrTag = params.at(0, "block")?;
            let full: bool = params.opt(1, "full transactions")?.unwrap_or(false);
            let chain = node.chain();
            match tag_number(&chain, tag).and_then(|n| chain.block(n)) {
                Some(block) => convert::block(&chain, block, full),
                None => Ok(Value::Null),
            }
        }
        "eth_getBlockByHash" => {
            let params = params.at_most(2)?;
            let hash: B256 = params.at(0, "block hash")?;
            let full: bool = params.opt(1, "full transactions")?.unwrap_or(false);
            let chain = node.chain();
            match chain.block_by_hash(hash) {
                Some(block) => convert::block(&chain, block, full),
                None => Ok(Value::Null),
            }
        }
        "eth_getBlockTransactionCountByNumber" | "eth_getBlockTransactionCountByHash" => {
            let chain = node.chain();
            let block = block_param(&chain, params.at_most(1)?, 0)?;
            Ok(block.map_or(Value::Null, |n| {
                hex_u64(chain.block(n).map_or(0, |b| b.transactions.len() as u64))
            }))
        }
        "eth_getUncleCountByBlockNumber" | "eth_getUncleCountByBlockHash" => Ok(json!("0x0")),
        "eth_getUncleByBlockNumberAndIndex" | "eth_getUncleByBlockHashAndIndex" => Ok(Value::Null),
        "eth_getBlockReceipts" => {
            let chain = node.chain();
            let Some(n) = block_param(&chain, params.at_most(1)?, 0)? else {
                return Ok(Value::Null);
            };
            let Some(block) = chain.block(n) else { return Ok(Value::Null) };
            let receipts: Result<Vec<Value>, RpcError> = block
                .transactions
                .iter()
                .filter_map(|h| chain.receipt(*h))
                .map(|r| convert::receipt(&chain, r))
                .collect();
            Ok(Value::Array(receipts?))
        }
        // ----- state -----
        "eth_getBalance" => {
            let params = params.at_most(2)?;
            let address: Address = params.at(0, "address")?;
            let block: Option<RpcBlockId> = params.opt(1, "block")?;
            let chain = node.chain();
            let state = state_at(&chain, block)?;
            Ok(hex_u256(state.account(&address).map(|a| a.balance).unwrap_or_default()))
        }
        "eth_getTransactionCount" => {
            let params = params.at_most(2)?;
            let address: Address = params.at(0, "address")?;
            let block: Option<RpcBlockId> = params.opt(1, "block")?;
            let chain = node.chain();
            if block == Some(RpcBlockId::Number(BlockNumberOrTag::Pending)) {
                let extra = node.extra();
                return Ok(hex_u64(pending_nonce(&chain, &extra, address)));
            }
            let state = state_at(&chain, block)?;
            Ok(hex_u64(state.account(&address).map(|a| a.nonce).unwrap_or_default()))
        }
        "eth_getCode" => {
            let params = params.at_most(2)?;
            let address: Address = params.at(0, "address")?;
            let block: Option<RpcBlockId> = params.opt(1, "block")?;
            let chain = node.chain();
            let state = state_at(&chain, block)?;
            Ok(json!(state.account(&address).map(|a| a.code.clone()).unwrap_or_default()))
        }
        "eth_getStorageAt" => {
            let params = params.at_most(3)?;
            let address: Address = params.at(0, "address")?;
            let slot = params.word(1, "slot")?;
            let block: Option<RpcBlockId> = params.opt(2, "block")?;
            let chain = node.chain();
            let state = state_at(&chain, block)?;
            Ok(json!(B256::from(state.storage(&address, &slot))))
        }
        "eth_getProof" => {
            let params = params.at_most(3)?;
            let address: Address = params.at(0, "address")?;
            let keys: Vec<Value> = params.at(1, "storage keys")?;
            if keys.len() > MAX_PROOF_KEYS {
                return Err(RpcError::invalid_params(format!(
                    "at most {MAX_PROOF_KEYS} storage keys"
                )));
            }
            let keys = keys
                .iter()
                .map(|k| word(k).map(B256::from))
                .collect::<Option<Vec<B256>>>()
                .ok_or_else(|| RpcError::invalid_params("invalid storage key"))?;
            let block: Option<RpcBlockId> = params.opt(2, "block")?;
            let chain = node.chain();
            let block = state_block(&chain, block)?;
            convert::to_json(&chain.proof(address, &keys, block)?)
        }
        // ----- execution -----
        "eth_call" => call(node, params, false),
        "eth_estimateGas" => call(node, params, true),
        "eth_sendRawTransaction" => {
            let raw: Bytes = params.at_most(1)?.at(0, "signed transaction")?;
            let mut chain = node.chain();
            let mut extra = node.extra();
            Ok(json!(submit_raw(&mut chain, &mut extra, raw)?))
        }
        "eth_sendTransaction" => send_transaction(node, params),
        // ----- transactions -----
        "eth_getTransactionReceipt" => {
            let hash: B256 = params.at_most(1)?.at(0, "transaction hash")?;
            let chain = node.chain();
            chain.receipt(hash).map_or(Ok(Value::Null), |r| convert::receipt(&chain, r))
        }
        "eth_getTransactionByHash" => {
            let hash: B256 = params.at_most(1)?.at(0, "transaction hash")?;
            let chain = node.chain();
            if let Some(tx) = convert::mined_transaction(&chain, hash) {
                return convert::to_json(&tx);
            }
            let extra = node.extra();
            Ok(extra
                .pool
                .iter()
                .find(|p| p.hash() == hash)
                .map_or(Value::Null, |p| pending_json(&chain, p)))
        }
        "eth_getTransactionByBlockNumberAndIndex" | "eth_getTransactionByBlockHashAndIndex" => {
            let params = params.at_most(2)?;
            let chain = node.chain();
            let index = params.quantity(1, "index")?;
            let hash = block_param(&chain, params, 0)?
                .and_then(|n| chain.block(n))
                .and_then(|b| usize::try_from(index).ok().and_then(|i| b.transactions.get(i)))
                .copied();
            match hash.and_then(|h| convert::mined_transaction(&chain, h)) {
                Some(tx) => convert::to_json(&tx),
                None => Ok(Value::Null),
            }
        }
        "eth_getRawTransactionByHash" => {
            let hash: B256 = params.at_most(1)?.at(0, "transaction hash")?;
            let chain = node.chain();
            Ok(chain.raw_transaction(hash).map_or(Value::Null, |raw| json!(raw)))
        }
        // ----- logs and filters -----
        "eth_getLogs" => {
            let filter: Filter = params.at_most(1)?.at(0, "filter")?;
            let chain = node.chain();
            let (from, to) = filter_range(&chain, &filter)?;
            Ok(Value::Array(logs_in(&chain, &filter, from, to)?))
        }
        "eth_newFilter" => {
            let filter: Filter = params.at_most(1)?.at(0, "filter")?;
            let chain = node.chain();
            let next = match filter.block_option.get_from_block() {
                Some(BlockNumberOrTag::Number(n)) => *n,
                Some(BlockNumberOrTag::Earliest) => 0,
                _ => chain.block_number() + 1,
            };
            let mut extra = node.extra();
            Ok(install_filter(&mut extra, FilterKind::Logs { filter: Box::new(filter), next }))
        }
        "eth_newBlockFilter" => {
            params.at_most(0)?;
            let next = node.chain().block_number() + 1;
            Ok(install_filter(&mut node.extra(), FilterKind::Blocks { next }))
        }
        "eth_newPendingTransactionFilter" => {
            params.at_most(1)?;
            let seen = node.extra().pool.iter().map(Pending::hash).collect();
            Ok(install_filter(&mut node.extra(), FilterKind::Pending { seen }))
        }
        "eth_getFilterChanges" => filter_changes(node, params),
        "eth_getFilterLogs" => {
            let id = params.at_most(1)?.quantity(0, "filter id")?;
            let chain = node.chain();
            let extra = node.extra();
            match extra.filters.get(&id) {
                Some(FilterKind::Logs { filter, .. }) => {
                    let (from, to) = filter_range(&chain, filter)?;
                    Ok(Value::Array(logs_in(&chain, filter, from, to)?))
                }
                Some(_) => Err(RpcError::invalid_params("not a log filter")),
                None => Err(RpcError::server("filter not found")),
            }
        }
        "eth_uninstallFilter" => {
            let id = params.at_most(1)?.quantity(0, "filter id")?;
            Ok(json!(node.extra().filters.remove(&id).is_some()))
        }
        // ----- test helpers (anvil / hardhat / ganache names) -----
        "evm_snapshot" | "anvil_snapshot" => {
            params.at_most(0)?;
            Ok(hex_u64(node.chain().snapshot()))
        }
        "evm_revert" | "anvil_revert" => {
            let id = params.at_most(1)?.quantity(0, "snapshot id")?;
            let mut chain = node.chain();
            let reverted = chain.revert(id);
            if reverted {
                node.extra().pool.clear();
            }
            Ok(json!(reverted))
        }
        "evm_mine" | "anvil_mine_detailed" => evm_mine(node, params),
        "anvil_mine" | "hardhat_mine" => {
            let params = params.at_most(2)?;
            let blocks = params.opt_quantity(0, "blocks")?.unwrap_or(1);
            let interval = params.opt_quantity(1, "interval")?.unwrap_or(0);
            mine_blocks(node, blocks, None, interval)?;
            Ok(Value::Null)
        }
        "evm_increaseTime" | "anvil_increaseTime" => {
            let seconds = params.at_most(1)?.quantity(0, "seconds")?;
            node.chain().warp(seconds);
            Ok(hex_u64(seconds))
        }
        "evm_setNextBlockTimestamp" | "anvil_setNextBlockTimestamp" => {
            let ts = params.at_most(1)?.quantity(0, "timestamp")?;
            let mut chain = node.chain();
            check_timestamp(&chain, ts)?;
            chain.set_next_timestamp(ts);
            Ok(Value::Null)
        }
        "evm_setAutomine" | "anvil_setAutomine" => {
            let on: bool = params.at_most(1)?.at(0, "enabled")?;
            let mut chain = node.chain();
            let mut extra = node.extra();
            extra.automine = on;
            if on && !extra.pool.is_empty() {
                mine_pool(&mut chain, &mut extra);
            }
            Ok(Value::Null)
        }
        "anvil_getAutomine" | "hardhat_getAutomine" => Ok(json!(node.extra().automine)),
        "anvil_setBalance" | "hardhat_setBalance" => {
            let params = params.at_most(2)?;
            let address: Address = params.at(0, "address")?;
            let balance = params.word(1, "balance")?;
            node.chain().set_balance(address, balance);
            Ok(Value::Null)
        }
        "anvil_setCode" | "hardhat_setCode" => {
            let params = params.at_most(2)?;
            let address: Address = params.at(0, "address")?;
            let code: Bytes = params.at(1, "code")?;
            node.chain().set_code(address, code);
            Ok(Value::Null)
        }
        "anvil_setNonce" | "hardhat_setNonce" => {
            let params = params.at_most(2)?;
            let address: Address = params.at(0, "address")?;
            let nonce = params.quantity(1, "nonce")?;
            node.chain().set_nonce(address, nonce);
            Ok(Value::Null)
        }
        "anvil_setStorageAt" | "hardhat_setStorageAt" => {
            let params = params.at_most(3)?;
            let address: Address = params.at(0, "address")?;
            let slot = params.word(1, "slot")?;
            let value = params.word(2, "value")?;
            node.chain().set_storage(address, slot, value);
            Ok(json!(true))
        }
        "anvil_impersonateAccount" | "hardhat_impersonateAccount" => {
            let address: Address = params.at_most(1)?.at(0, "address")?;
            node.extra().impersonated.insert(address);
            Ok(Value::Null)
        }
        "anvil_stopImpersonatingAccount" | "hardhat_stopImpersonatingAccount" => {
            let address: Address = params.at_most(1)?.at(0, "address")?;
            node.extra().impersonated.remove(&address);
            Ok(Value::Null)
        }
        // ----- crossnet -----
        "crossnet_dumpState" => {
            params.at_most(0)?;
            convert::to_json(&node.chain().dump())
        }
        "crossnet_loadState" => {
            let dump: ChainDump = params.at_most(1)?.at(0, "chain dump")?;
            let loaded = Chain::from_dump(dump)?;
            let mut chain = node.chain();
            if loaded.chain_id() != chain.chain_id() {
                return Err(RpcError::invalid_params(format!(
                    "the dump is of chain {}, this is chain {}",
                    loaded.chain_id(),
                    chain.chain_id()
                )));
            }
            *chain = loaded;
            let mut extra = node.extra();
            extra.pool.clear();
            extra.filters.clear();
            Ok(json!(true))
        }
        _ => Err(RpcError::method_not_found(method)),
    }
}

/// A block given by number/tag or by hash (both method variants share this).
fn block_param(chain: &Chain, params: &Params, i: usize) -> Result<Option<u64>, RpcError> {
    let value = params.raw(i).ok_or_else(|| {
        RpcError::invalid_params(format!("missing value for required argument {i} (block)"))
    })?;
    if let Value::String(s) = value {
        if s.len() == 66 {
            let hash: B256 = decode(value, i, "block hash")?;
            return Ok(chain.block_by_hash(hash).map(|b| b.header.number));
        }
    }
    let tag: BlockNumberOrTag = decode(value, i, "block")?;
    Ok(tag_number(chain, tag))
}

fn pending_json(chain: &Chain, pending: &Pending) -> Value {
    match pending {
        Pending::Signed { envelope, from, .. } => {
            convert::pending_transaction((**envelope).clone(), *from)
        }
        Pending::Unsigned { hash, request } => {
            convert::envelope(chain.chain_id(), *hash, None, Some(request))
                .map_or(Value::Null, |e| convert::pending_transaction(e, request.from))
        }
    }
}

fn fee_history(node: &Node, params: &Params) -> Result<Value, RpcError> {
    let params = params.at_most(3)?;
    let count = params.quantity(0, "block count")?.min(MAX_FEE_HISTORY);
    let newest: BlockNumberOrTag = params.at(1, "newest block")?;
    let percentiles: Option<Vec<f64>> = params.opt(2, "reward percentiles")?;
    if let Some(p) = &percentiles {
        let ordered = p.windows(2).all(|w| w[0] <= w[1]);
        if p.len() > 100 || !ordered || p.iter().any(|x| !(0.0..=100.0).contains(x)) {
            return Err(RpcError::invalid_params("invalid reward percentiles"));
        }
    }
    let chain = node.chain();
    let newest = tag_number(&chain, newest).ok_or_else(|| RpcError::server("header not found"))?;
    let count = count.min(newest + 1);
    let oldest = newest + 1 - count;
    let mut base_fee_per_gas = Vec::new();
    let mut gas_used_ratio = Vec::new();
    for n in oldest..=newest {
        if count == 0 {
            break;
        }
        if let Some(block) = chain.block(n) {
            base_fee_per_gas.push(u128::from(block.header.base_fee_per_gas.unwrap_or_default()));
            gas_used_ratio.push(block.header.gas_used as f64 / block.header.gas_limit as f64);
        }
    }
    if count > 0 {
        base_fee_per_gas.push(u128::from(chain.config().basefee));
    }
    // Arbitrum drops priority fees: every reward is zero.
    let reward = percentiles.map(|p| vec![vec![0u128; p.len()]; gas_used_ratio.len()]);
    let history = FeeHistory {
        base_fee_per_gas,
        gas_used_ratio,
        base_fee_per_blob_gas: Vec::new(),
        blob_gas_used_ratio: Vec::new(),
        oldest_block: oldest,
        reward,
    };
    convert::to_json(&history)
}

fn filter_changes(node: &Node, params: &Params) -> Result<Value, RpcError> {
    let id = params.at_most(1)?.quantity(0, "filter id")?;
    let chain = node.chain();
    let mut extra = node.extra();
    let pool: Vec<B256> = extra.pool.iter().map(Pending::hash).collect();
    let latest = chain.block_number();
    let Some(kind) = extra.filters.get_mut(&id) else {
        return Err(RpcError::server("filter not found"));
    };
    match kind {
        FilterKind::Blocks { next } => {
            let hashes: Vec<Value> =
                (*next..=latest).filter_map(|n| chain.block(n)).map(|b| json!(b.hash)).collect();
            *next = latest + 1;
            Ok(Value::Array(hashes))
        }
        FilterKind::Logs { filter, next } => {
            let (from, to) = filter_range(&chain, filter).unwrap_or((*next, latest));
            let from = from.max(*next);
            let logs = if from <= to { logs_in(&chain, filter, from, to)? } else { Vec::new() };
            *next = (*next).max(latest + 1);
            Ok(Value::Array(logs))
        }
        FilterKind::Pending { seen } => {
            let new: Vec<Value> =
                pool.iter().filter(|h| seen.insert(**h)).map(|h| json!(h)).collect();
            Ok(Value::Array(new))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_accept_numbers_hex_and_decimal_strings() {
        assert_eq!(quantity(&json!(7)), Some(7));
        assert_eq!(quantity(&json!("0x1f")), Some(31));
        assert_eq!(quantity(&json!("12")), Some(12));
        for bad in [json!("0x"), json!("0xzz"), json!(-1), json!(1.5), json!(null), json!([1])] {
            assert_eq!(quantity(&bad), None, "{bad}");
        }
        assert_eq!(quantity(&json!(format!("0x{}", "f".repeat(17)))), None);
        assert_eq!(word(&json!("0xde0b6b3a7640000")), Some(U256::from(10u64.pow(18))));
        assert_eq!(word(&json!(format!("0x{}", "1".repeat(65)))), None);
    }

    #[test]
    fn params_reject_objects_missing_and_extra_arguments() {
        assert!(Params::new(Some(json!({"a": 1}))).is_err());
        let params = Params::new(Some(json!([1, null]))).unwrap_or(Params(Vec::new()));
        assert_eq!(params.opt::<u64>(1, "x").ok(), Some(None));
        assert_eq!(params.at::<u64>(2, "x").err().map(|e| e.code), Some(-32602));
        assert_eq!(params.at_most(1).err().map(|e| e.code), Some(-32602));
        assert_eq!(params.at::<String>(0, "x").err().map(|e| e.code), Some(-32602));
    }
}
