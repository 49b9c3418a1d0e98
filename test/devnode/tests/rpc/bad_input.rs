//! Hostile input gets JSON-RPC errors, never a crash, and leaves the chain as it was.

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::Encodable2718;
use alloy::network::TxSignerSync;
use alloy::primitives::{Address, Bytes, TxKind, U256};
use alloy::signers::local::PrivateKeySigner;
use crossnet_devnode::DEV_ADDRESS;
use serde_json::{json, Value};

use super::common::{post, rpc_call, start, DEV_KEY};

fn signed(nonce: u64, chain_id: u64) -> Bytes {
    let signer: PrivateKeySigner = DEV_KEY.parse().expect("key");
    let mut tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 200_000_000,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(Address::repeat_byte(0xdd)),
        value: U256::from(1),
        ..TxEip1559::default()
    };
    let signature = signer.sign_transaction_sync(&mut tx).expect("sign");
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718().into()
}

fn code(response: &Value) -> i64 {
    response["error"]["code"].as_i64().unwrap_or_else(|| panic!("not an error: {response}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_json_rpc_errors_and_leaves_the_chain_intact() {
    let (chain, server) = start();
    let url = server.url();
    let balance_before = chain.lock().unwrap().balance(DEV_ADDRESS);

    // Malformed JSON, not a request, empty batch, deep nesting.
    for body in ["{", "nonsense", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", ""] {
        let (status, text) = post(&url, body).await;
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((status, code(&v)), (200, -32700), "{body:?}: {text}");
    }
    let (_, text) = post(&url, "[".repeat(100_000)).await;
    assert_eq!(code(&serde_json::from_str(&text).unwrap()), -32700);
    for body in [
        "42",
        "\"x\"",
        "[]",
        "{\"id\":1}",
        "{\"id\":1,\"method\":5}",
        "{\"id\":[1],\"method\":\"eth_chainId\"}",
    ] {
        let (_, text) = post(&url, body).await;
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(code(&v), -32600, "{body}: {text}");
    }
    let (_, text) = post(&url, r#"{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}"#).await;
    assert_eq!(code(&serde_json::from_str(&text).unwrap()), -32600);

    // Unknown methods, wrong params.
    assert_eq!(code(&rpc_call(&url, "eth_mineGold", json!([])).await), -32601);
    for (method, params) in [
        ("eth_getBalance", json!(["0x1234", "latest"])),
        ("eth_getBalance", json!([])),
        ("eth_getBalance", json!([DEV_ADDRESS, "latest", 3])),
        ("eth_getBalance", json!({"address": DEV_ADDRESS})),
        ("eth_getBlockByNumber", json!(["0xffffffffffffffffffffffff", false])),
        ("eth_getBlockByNumber", json!(["banana", false])),
        ("eth_call", json!([{"to": "0x12"}])),
        ("eth_call", json!([{"to": DEV_ADDRESS, "input": "0x01", "data": "0x02"}])),
        ("eth_sendRawTransaction", json!(["0xzz"])),
        ("eth_getProof", json!([DEV_ADDRESS, ["not a key"], "latest"])),
        ("eth_feeHistory", json!(["0x4", "latest", [90, 10]])),
        ("evm_revert", json!(["-1"])),
        ("anvil_mine", json!([1_000_000_000u64])),
        ("anvil_setBalance", json!([DEV_ADDRESS, "0x1".repeat(40)])),
        ("eth_getStorageAt", json!([DEV_ADDRESS, {}, "latest"])),
    ] {
        let v = rpc_call(&url, method, params.clone()).await;
        assert_eq!(code(&v), -32602, "{method} {params}: {v}");
    }

    // Unknown blocks and pruned state are server errors, not crashes.
    let v = rpc_call(&url, "eth_getBalance", json!([DEV_ADDRESS, "0x99"])).await;
    assert_eq!(code(&v), -32000, "{v}");
    let v = rpc_call(&url, "eth_getBlockByNumber", json!(["0x99", false])).await;
    assert_eq!(v["result"], Value::Null);

    // Bad signatures, wrong chain ids, nonce gaps, replays.
    let good = signed(0, 412_346);
    let mut bad_sig = good.to_vec();
    let n = bad_sig.len();
    bad_sig[n - 5] ^= 0xff;
    bad_sig[n - 40] ^= 0xff;
    let v = rpc_call(&url, "eth_sendRawTransaction", json!([Bytes::from(bad_sig)])).await;
    assert_eq!(code(&v), -32000, "{v}");
    let v = rpc_call(&url, "eth_sendRawTransaction", json!(["0x02c0"])).await;
    assert_eq!(code(&v), -32000, "{v}");
    let v = rpc_call(&url, "eth_sendRawTransaction", json!([signed(0, 1)])).await;
    assert_eq!(code(&v), -32000, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("chain id"), "{v}");
    let v = rpc_call(&url, "eth_sendRawTransaction", json!([signed(5, 412_346)])).await;
    assert_eq!(code(&v), -32000, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("nonce"), "{v}");
    assert_eq!(chain.lock().unwrap().block_number(), 0, "nothing mined");
    assert_eq!(chain.lock().unwrap().balance(DEV_ADDRESS), balance_before);

    let v = rpc_call(&url, "eth_sendRawTransaction", json!([good])).await;
    assert!(v["result"].is_string(), "{v}");
    let v = rpc_call(&url, "eth_sendRawTransaction", json!([good])).await;
    assert_eq!(code(&v), -32000, "{v}");
    assert_eq!(chain.lock().unwrap().block_number(), 1);

    // Oversized bodies: HTTP 413 with a JSON-RPC error.
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"eth_call","params":[{{"data":"0x{}"}}]}}"#,
        "00".repeat(5 << 20)
    );
    let (status, text) = post(&url, huge).await;
    assert_eq!(status, 413);
    assert_eq!(code(&serde_json::from_str(&text).unwrap()), -32600);

    // Batches: answers in order, errors in place; notifications get no answer.
    let batch = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": 2, "method": "eth_nope"},
        {"jsonrpc": "2.0", "method": "eth_blockNumber"},
        7,
        {"jsonrpc": "2.0", "id": "x", "method": "eth_blockNumber", "params": []}
    ]);
    let (_, text) = post(&url, batch.to_string()).await;
    let answers: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(answers.len(), 4, "{text}");
    assert_eq!(answers[0]["result"], "0x64aba");
    assert_eq!(code(&answers[1]), -32601);
    assert_eq!(code(&answers[2]), -32600);
    assert_eq!(
        (answers[3]["id"].clone(), answers[3]["result"].clone()),
        (json!("x"), json!("0x1"))
    );
    let (status, text) = post(&url, r#"{"jsonrpc":"2.0","method":"eth_chainId"}"#).await;
    assert_eq!((status, text.as_str()), (200, ""));
    let batch: Vec<Value> =
        (0..1_001).map(|i| json!({"jsonrpc": "2.0", "id": i, "method": "eth_chainId"})).collect();
    let (_, text) = post(&url, Value::Array(batch).to_string()).await;
    assert_eq!(code(&serde_json::from_str(&text).unwrap()), -32600);

    // GET is not JSON-RPC.
    let client = alloy::transports::http::reqwest::Client::new();
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);

    // Still serving, state consistent.
    let v = rpc_call(&url, "eth_blockNumber", json!([])).await;
    assert_eq!(v["result"], "0x1");
    let v = rpc_call(&url, "eth_getBalance", json!([Address::repeat_byte(0xdd), "latest"])).await;
    assert_eq!(v["result"], "0x1");
    server.shutdown().await;
}
