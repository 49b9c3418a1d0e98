//! Foundry's `cast` (npm `@foundry-rs/cast`) against the devnode: deploy a Stylus program with
//! the prelude, activate it through ArbWasm, send, call, read receipts, logs, code, storage,
//! publish raw transactions, impersonate, snapshot.

use alloy::primitives::{hex, keccak256, Address};
use crossnet_devnode::DEV_ADDRESS;

use super::common::{
    cast, cast_json, cast_run, codehash, counter_code, init_code, json_address, start, DEV_KEY,
};

const ARB_WASM: &str = "0x0000000000000000000000000000000000000071";

fn selector(signature: &str) -> String {
    hex::encode(&keccak256(signature.as_bytes())[..4])
}

#[test]
fn cast_deploys_activates_sends_calls_and_reads_logs() {
    let (_chain, server) = start();
    let url = server.url();
    let dev = DEV_ADDRESS.to_string();
    assert_eq!(cast(&url, &["chain-id"]), "412346");
    assert_eq!(cast(&url, &["block-number"]), "0");
    assert_eq!(cast(&url, &["balance", &dev]), "1000000000000000000000000");

    // Deploy the program's code with the cargo-stylus prelude.
    let code = counter_code();
    let init = init_code(&code).to_string();
    let receipt = cast_json(&url, &["send", "--private-key", DEV_KEY, "--create", &init]);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let program = json_address(&receipt["contractAddress"]);
    let program_s = program.to_string();
    let onchain = cast(&url, &["code", &program_s]);
    assert_eq!(onchain, format!("0x{}", hex::encode(&code)));

    // Not activated yet: ArbWasm reverts with ProgramNotActivated() (code 3 + data).
    let hash = codehash(&code).to_string();
    let out = cast_run(&url, &["call", ARB_WASM, "codehashVersion(bytes32)(uint16)", &hash]);
    assert!(!out.ok);
    assert!(out.stderr.contains("execution reverted"), "{}", out.stderr);
    assert!(out.stderr.contains(&selector("ProgramNotActivated()")), "{}", out.stderr);

    // The data fee from a dry run, then the activation with that value.
    let dry = cast(
        &url,
        &[
            "call",
            "--from",
            &dev,
            "--value",
            "1ether",
            ARB_WASM,
            "activateProgram(address)(uint16,uint256)",
            &program_s,
        ],
    );
    let mut lines = dry.lines();
    assert_eq!(lines.next(), Some("2"), "{dry}");
    let fee = lines.next().and_then(|l| l.split_whitespace().next()).expect("data fee").to_owned();
    let receipt = cast_json(
        &url,
        &[
            "send",
            "--private-key",
            DEV_KEY,
            "--value",
            &fee,
            ARB_WASM,
            "activateProgram(address)",
            &program_s,
        ],
    );
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(cast(&url, &["call", ARB_WASM, "codehashVersion(bytes32)(uint16)", &hash]), "2");

    // Send and call.
    assert_eq!(cast(&url, &["call", &program_s, "number()(uint256)"]), "0");
    let receipt = cast_json(
        &url,
        &["send", "--private-key", DEV_KEY, &program_s, "setNumber(uint256)", "42"],
    );
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let tx = receipt["transactionHash"].as_str().expect("hash").to_owned();
    let topic = format!("0x{}", hex::encode(keccak256("NumberSet(address,uint256)")));
    assert_eq!(receipt["logs"][0]["topics"][0], topic.as_str(), "{receipt}");
    assert_eq!(cast(&url, &["call", &program_s, "number()(uint256)"]), "42");

    // Receipts, transactions, logs.
    let again = cast_json(&url, &["receipt", &tx]);
    assert_eq!(again["transactionHash"], tx.as_str());
    assert_eq!(again["contractAddress"], serde_json::Value::Null);
    assert_eq!(cast(&url, &["receipt", &tx, "status"]), "true");
    let fetched = cast_json(&url, &["tx", &tx]);
    assert_eq!(fetched["hash"], tx.as_str());
    assert_eq!(json_address(&fetched["from"]), DEV_ADDRESS);
    let logs = cast_json(
        &url,
        &[
            "logs",
            "--from-block",
            "0",
            "--address",
            &program_s,
            "NumberSet(address indexed,uint256)",
        ],
    );
    let logs = logs.as_array().expect("logs");
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert_eq!(logs[0]["transactionHash"], tx.as_str());
    let by = format!("0x{:0>64}", hex::encode(DEV_ADDRESS));
    assert_eq!(logs[0]["topics"][1].as_str().map(str::to_lowercase), Some(by.to_lowercase()));

    // Legacy transactions (eth_gasPrice), estimates, storage.
    let receipt =
        cast_json(&url, &["send", "--legacy", "--private-key", DEV_KEY, &program_s, "increment()"]);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    assert_eq!(receipt["type"], "0x0", "{receipt}");
    assert_eq!(cast(&url, &["call", &program_s, "number()(uint256)"]), "43");
    let gas: u64 = cast(&url, &["estimate", &program_s, "increment()"]).parse().expect("gas");
    assert!(gas > 21_000, "{gas}");
    assert_eq!(cast(&url, &["storage", &program_s, "0"]), format!("0x{:0>64}", "2b"));

    // A revert carries the custom error's data.
    let out = cast_run(&url, &["call", &program_s, "fail(uint256)", "7"]);
    assert!(!out.ok);
    assert!(out.stderr.contains("execution reverted"), "{}", out.stderr);
    assert!(out.stderr.contains(&selector("Failed(uint256)")), "{}", out.stderr);

    let block = cast_json(&url, &["block", "latest"]);
    assert_eq!(block["number"], "0x4", "{block}");
    assert_eq!(cast(&url, &["block-number"]), "4");
    server.stop();
}

#[test]
fn cast_publishes_impersonates_and_snapshots() {
    let (chain, server) = start();
    let url = server.url();
    let sink = "0x000000000000000000000000000000000000dEaD";

    // A raw transaction signed offline, then published.
    let raw = cast(&url, &["mktx", "--private-key", DEV_KEY, sink, "--value", "1000"]);
    assert!(raw.starts_with("0x02"), "{raw}");
    let published = cast_json(&url, &["publish", &raw]);
    let tx = published["transactionHash"].as_str().expect("hash").to_owned();
    assert_eq!(cast(&url, &["balance", sink]), "1000");
    let raw_back = cast(&url, &["tx", &tx, "--raw"]);
    assert_eq!(raw_back, raw);

    // Same bytes again: refused, nothing mined.
    let out = cast_run(&url, &["publish", &raw]);
    assert!(!out.ok, "{}", out.stdout);
    assert!(out.stderr.contains("already known"), "{}", out.stderr);

    // Impersonation: eth_sendTransaction from an account with no key.
    let whale: Address = "0x00000000000000000000000000000000000A11CE".parse().expect("addr");
    let whale_s = whale.to_string();
    cast(&url, &["rpc", "anvil_setBalance", &whale_s, "0xde0b6b3a7640000"]);
    let out = cast_run(&url, &["send", "--unlocked", "--from", &whale_s, sink, "--value", "1"]);
    assert!(!out.ok, "sending from a locked account must fail");
    cast(&url, &["rpc", "anvil_impersonateAccount", &whale_s]);
    let receipt =
        cast_json(&url, &["send", "--unlocked", "--from", &whale_s, sink, "--value", "1"]);
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let tx = receipt["transactionHash"].as_str().expect("hash");
    assert_eq!(json_address(&cast_json(&url, &["tx", tx])["from"]), whale);
    cast(&url, &["rpc", "anvil_stopImpersonatingAccount", &whale_s]);
    assert_eq!(cast(&url, &["balance", sink]), "1001");

    // The dev account is unlocked (signed by the node).
    let dev = DEV_ADDRESS.to_string();
    let receipt = cast_json(&url, &["send", "--unlocked", "--from", &dev, sink, "--value", "1"]);
    assert_eq!(receipt["status"], "0x1", "{receipt}");

    // Snapshots and helpers.
    let snapshot = cast(&url, &["rpc", "evm_snapshot"]);
    let snapshot = snapshot.trim_matches('"').to_owned();
    cast(&url, &["rpc", "evm_mine"]);
    cast(&url, &["rpc", "anvil_setCode", sink, "0x6001"]);
    assert_eq!(cast(&url, &["code", sink]), "0x6001");
    let before = chain.lock().unwrap().block_number();
    assert_eq!(cast(&url, &["rpc", "evm_revert", &snapshot]), "true");
    assert_eq!(chain.lock().unwrap().block_number(), before - 1);
    assert_eq!(cast(&url, &["code", sink]), "0x");
    let ts: u64 = chain.lock().unwrap().timestamp() + 1_000;
    cast(&url, &["rpc", "evm_setNextBlockTimestamp", &ts.to_string()]);
    cast(&url, &["rpc", "evm_mine"]);
    assert_eq!(chain.lock().unwrap().timestamp(), ts);
    cast(&url, &["rpc", "evm_increaseTime", "100"]);
    assert_eq!(cast(&url, &["rpc", "net_version"]), "\"412346\"");
    assert!(cast(&url, &["client"]).starts_with("crossnet-devnode"));
    server.stop();
}
