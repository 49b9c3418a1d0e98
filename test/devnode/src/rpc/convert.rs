//! Chain data as Ethereum JSON-RPC objects (alloy's RPC types), with Nitro's extra fields
//! (`l1BlockNumber`, `gasUsedForL1`, `sendCount`, `sendRoot`).

use alloy_consensus::transaction::Recovered;
use alloy_consensus::{
    Eip658Value, ReceiptEnvelope, ReceiptWithBloom, Signed, Transaction as _, TxEip1559,
    TxEnvelope, TxType,
};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Signature, TxKind, B256, U256};
use alloy_rlp::Encodable;
use alloy_rpc_types_eth::{
    Block as RpcBlock, BlockTransactions, Header as RpcHeader, Log as RpcLog,
    Transaction as RpcTransaction, TransactionReceipt,
};
use serde_json::{json, Value};

use super::error::RpcError;
use crate::chain::{Block, ChainLog, Receipt, TxRequest};
use crate::Chain;

/// Serialises an RPC object (alloy's types always serialise).
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(|e| RpcError::internal(format!("serialise: {e}")))
}

/// A chain log as an RPC log.
pub(crate) fn rpc_log(log: &ChainLog, timestamp: u64) -> RpcLog {
    RpcLog {
        inner: log.log.clone(),
        block_hash: Some(log.block_hash),
        block_number: Some(log.block_number),
        block_timestamp: Some(timestamp),
        transaction_hash: Some(log.transaction_hash),
        transaction_index: Some(log.transaction_index),
        log_index: Some(log.log_index),
        removed: false,
    }
}

/// The transaction envelope of a mined or pending transaction: the signed bytes when it came
/// signed, else an EIP-1559 transaction with a zero signature (impersonation, as anvil does).
pub(crate) fn envelope(
    chain_id: u64,
    hash: B256,
    raw: Option<&[u8]>,
    request: Option<&TxRequest>,
) -> Option<TxEnvelope> {
    if let Some(raw) = raw {
        return TxEnvelope::decode_2718(&mut &raw[..]).ok();
    }
    let request = request?;
    let tx = TxEip1559 {
        chain_id,
        nonce: request.nonce.unwrap_or_default(),
        gas_limit: request.gas.unwrap_or(crate::chain::DEFAULT_TX_GAS),
        max_fee_per_gas: request.max_fee_per_gas.unwrap_or_default(),
        max_priority_fee_per_gas: 0,
        to: request.to.map_or(TxKind::Create, TxKind::Call),
        value: request.value,
        access_list: Default::default(),
        input: request.input.clone(),
    };
    let signature = Signature::new(U256::ZERO, U256::ZERO, false);
    Some(TxEnvelope::Eip1559(Signed::new_unchecked(tx, signature, hash)))
}

/// A mined transaction as an RPC transaction.
pub(crate) fn mined_transaction(chain: &Chain, hash: B256) -> Option<RpcTransaction> {
    let receipt = chain.receipt(hash)?;
    let envelope = envelope(
        chain.chain_id(),
        hash,
        chain.raw_transaction(hash).map(|b| &b[..]),
        chain.sent_request(hash),
    )?;
    Some(RpcTransaction {
        inner: Recovered::new_unchecked(envelope, receipt.from),
        block_hash: Some(receipt.block_hash),
        block_number: Some(receipt.block_number),
        transaction_index: Some(receipt.transaction_index),
        effective_gas_price: Some(receipt.effective_gas_price),
    })
}

/// A receipt as an RPC receipt (with Nitro's `gasUsedForL1` and `l1BlockNumber`).
pub(crate) fn receipt(chain: &Chain, receipt: &Receipt) -> Result<Value, RpcError> {
    let timestamp = chain.block(receipt.block_number).map(|b| b.header.timestamp).unwrap_or(0);
    let logs: Vec<RpcLog> = receipt.logs.iter().map(|l| rpc_log(l, timestamp)).collect();
    let inner = ReceiptWithBloom {
        receipt: alloy_consensus::Receipt {
            status: Eip658Value::Eip658(receipt.status),
            cumulative_gas_used: receipt.cumulative_gas_used,
            logs,
        },
        logs_bloom: receipt.logs_bloom,
    };
    let tx_type = chain
        .raw_transaction(receipt.transaction_hash)
        .and_then(|raw| TxEnvelope::decode_2718(&mut &raw[..]).ok())
        .map_or(TxType::Eip1559, |e| e.tx_type());
    let envelope = match tx_type {
        TxType::Legacy => ReceiptEnvelope::Legacy(inner),
        TxType::Eip2930 => ReceiptEnvelope::Eip2930(inner),
        TxType::Eip4844 => ReceiptEnvelope::Eip4844(inner),
        TxType::Eip7702 => ReceiptEnvelope::Eip7702(inner),
        TxType::Eip1559 => ReceiptEnvelope::Eip1559(inner),
    };
    let rpc = TransactionReceipt {
        inner: envelope,
        transaction_hash: receipt.transaction_hash,
        transaction_index: Some(receipt.transaction_index),
        block_hash: Some(receipt.block_hash),
        block_number: Some(receipt.block_number),
        gas_used: receipt.gas_used,
        effective_gas_price: receipt.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: receipt.from,
        to: receipt.to,
        contract_address: receipt.contract_address,
    };
    let mut value = to_json(&rpc)?;
    if let Value::Object(map) = &mut value {
        map.insert("gasUsedForL1".into(), json!("0x0"));
        map.insert("l1BlockNumber".into(), json!(format!("{:#x}", receipt.block_number)));
    }
    Ok(value)
}

/// A block as an RPC block, with transaction hashes or full transactions.
pub(crate) fn block(chain: &Chain, block: &Block, full: bool) -> Result<Value, RpcError> {
    let transactions = if full {
        BlockTransactions::Full(
            block.transactions.iter().filter_map(|h| mined_transaction(chain, *h)).collect(),
        )
    } else {
        BlockTransactions::Hashes(block.transactions.clone())
    };
    let size = block.header.length() + block.transactions.len() * 120;
    let rpc: RpcBlock = RpcBlock {
        header: RpcHeader {
            hash: block.hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::from(block.header.number + 1)),
            size: Some(U256::from(size)),
        },
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    };
    let mut value = to_json(&rpc)?;
    if let Value::Object(map) = &mut value {
        map.insert("l1BlockNumber".into(), json!(format!("{:#x}", block.header.number)));
        map.insert("sendCount".into(), json!("0x0"));
        map.insert("sendRoot".into(), json!(B256::ZERO));
    }
    Ok(value)
}

/// A pending (pooled) transaction as an RPC transaction (no block fields).
pub(crate) fn pending_transaction(envelope: TxEnvelope, from: alloy_primitives::Address) -> Value {
    let max_fee = envelope.max_fee_per_gas();
    let tx = RpcTransaction {
        inner: Recovered::new_unchecked(envelope, from),
        block_hash: None,
        block_number: None,
        transaction_index: None,
        effective_gas_price: Some(max_fee),
    };
    serde_json::to_value(&tx).unwrap_or(Value::Null)
}
