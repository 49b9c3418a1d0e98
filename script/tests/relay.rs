//! `crossnet deploy`, `crossnet relay` and `crossnet status` as processes against
//! `crossnet devnode` over JSON-RPC: both systems deployed (twice: the second run keeps
//! everything), messages in both directions of both systems, the relayer killed with SIGKILL
//! mid-way and restarted (nothing lost, nothing delivered twice), and bad configs refused with
//! clear messages before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use common::{rpc, Devnode};
use serde_json::{json, Value};

alloy::sol! {
    function sendMessage(address target, bytes message, uint32 gas_limit) external;
    function successfulMessages(bytes32 msg_hash) external view returns (bool);
    function relayMessage(address target, address sender, bytes message, uint256 message_nonce) external;
    struct SubnetID { uint64 root; address[] route; }
    struct FvmAddress { uint8 addrType; bytes payload; }
    function fund(SubnetID subnet_id, FvmAddress to) external payable;
}

const DEV: &str = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
const DEV_KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

fn key(label: &str) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&keccak256(label)).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crossnet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn wasm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wasm")
}

fn crossnet(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossnet"));
    cmd.args(args).env_remove("CROSSNET_DEPLOYER_KEY").env_remove("CROSSNET_RELAYER_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run crossnet")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn send(url: &str, to: Address, data: Vec<u8>, value: U256) -> Value {
    let hash = rpc(
        url,
        "eth_sendTransaction",
        json!([{"from": DEV, "to": to, "data": Bytes::from(data), "value": value, "gas": "0x989680"}]),
    );
    rpc(url, "eth_getTransactionReceipt", json!([hash]))
}

fn call(url: &str, to: Address, data: Vec<u8>) -> Bytes {
    let out = rpc(url, "eth_call", json!([{"to": to, "data": Bytes::from(data)}, "latest"]));
    serde_json::from_value(out).unwrap()
}

fn record(dir: &Path, chain_id: u64) -> Value {
    let path = dir.join(format!("deployments/{chain_id}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn address(record: &Value, key: &str) -> Address {
    record["contracts"][key]["address"].as_str().unwrap().parse().unwrap()
}

fn config(dir: &Path, parent: &str, child: &str, validators: &[PrivateKeySigner]) -> PathBuf {
    let set: Vec<String> = validators.iter().map(|v| format!("\"{}\"", v.address())).collect();
    let text = format!(
        r#"
wasm_dir = "{wasm}"
[chains.parent]
rpc_url = "{parent}"
chain_id = 412346
[chains.child]
rpc_url = "{child}"
chain_id = 412347
[xdm]
fraud_proof_window = 1
[ipc]
checkpoint_period = 5
validators = [{set}]
[relay]
poll_interval_ms = 100
"#,
        wasm = wasm_dir().display(),
        set = set.join(", ")
    );
    let path = dir.join("crossnet.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn deploy_relay_restart_and_status_as_processes_succeeds() {
    let devnode = Devnode::start(&["--chain-id", "412346", "--chain-id", "412347"]);
    let (parent, child) = (devnode.urls[0].1.clone(), devnode.urls[1].1.clone());
    let dir = temp_dir("relay-process");
    let relayer = key("relay process test relayer");
    let validators: Vec<PrivateKeySigner> =
        (1..=3).map(|i| key(&format!("relay process validator {i}"))).collect();
    for url in [&parent, &child] {
        rpc(url, "anvil_setBalance", json!([relayer.address(), "0x3635C9ADC5DEA00000"]));
    }
    let cfg = config(&dir, &parent, &child, &validators);
    let cfg_arg = cfg.to_str().unwrap();
    let env = vec![
        ("CROSSNET_DEPLOYER_KEY", DEV_KEY.to_owned()),
        ("CROSSNET_RELAYER_KEY", format!("{}", B256::from(relayer.to_bytes()))),
        (
            "CROSSNET_VALIDATOR_KEYS",
            validators
                .iter()
                .map(|v| format!("{}", B256::from(v.to_bytes())))
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];

    // Deploy, then deploy again: everything is kept.
    let first = crossnet(&["deploy", "--config", cfg_arg], &env);
    assert!(first.status.success(), "deploy failed:\n{}", text(&first));
    let before = (record(&dir, 412_346), record(&dir, 412_347));
    let again = crossnet(&["deploy", "--config", cfg_arg], &env);
    assert!(again.status.success(), "second deploy failed:\n{}", text(&again));
    assert!(text(&again).contains("(verified)"), "{}", text(&again));
    assert!(!text(&again).contains("deployed 0x"), "redeployed:\n{}", text(&again));
    assert_eq!((record(&dir, 412_346), record(&dir, 412_347)), before);

    let (p, c) = &before;
    let l1m = address(p, "l1-cross-domain-messenger");
    let l2m = address(c, "l2-cross-domain-messenger");
    let gateway = address(p, "gateway");
    let recipient = Address::repeat_byte(0x5e);

    // System 1 both ways, system 2 one fund down.
    let up = sendMessageCall {
        target: recipient,
        message: Bytes::from_static(b"up"),
        gas_limit: 100_000,
    };
    send(&child, l2m, up.abi_encode(), U256::ZERO);
    let down = sendMessageCall {
        target: recipient,
        message: Bytes::from_static(b"down"),
        gas_limit: 100_000,
    };
    send(&parent, l1m, down.abi_encode(), U256::ZERO);
    let subnet: Value = c["subnet"].clone();
    let subnet = SubnetID {
        root: subnet["root"].as_u64().unwrap(),
        route: serde_json::from_value(subnet["route"].clone()).unwrap(),
    };
    let fvm = crossnet_sdk::ipc::FvmAddress::from_evm(recipient);
    let to = FvmAddress { addrType: fvm.addrType, payload: fvm.payload };
    let receipt =
        send(&parent, gateway, fundCall { subnet_id: subnet, to }.abi_encode(), U256::from(1_000));
    assert_eq!(receipt["status"], "0x1", "fund: {receipt}");

    // The relayer, killed with SIGKILL after its first deliveries, then restarted.
    let mut relay = Command::new(env!("CARGO_BIN_EXE_crossnet"))
        .args(["relay", "--config", cfg_arg])
        .envs(env.iter().map(|(k, v)| (*k, v.clone())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    relay.kill().unwrap();
    relay.wait().unwrap();
    let mut relay = Command::new(env!("CARGO_BIN_EXE_crossnet"))
        .args(["relay", "--config", cfg_arg])
        .envs(env.iter().map(|(k, v)| (*k, v.clone())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        // Time passes on the devnode only with blocks: mine one per poll.
        for url in [&parent, &child] {
            rpc(url, "evm_mine", json!([]));
        }
        let out = crossnet(&["status", "--config", cfg_arg], &env);
        let t = text(&out);
        let relayed = t.lines().filter(|l| l.contains(" relayed ")).count();
        if relayed >= 3 {
            break t;
        }
        assert!(Instant::now() < deadline, "messages not relayed in time:\n{t}");
        std::thread::sleep(Duration::from_millis(300));
    };
    let _ = relay.kill();
    let _ = relay.wait();
    assert!(status.contains("child->parent") && status.contains("parent->child"), "{status}");
    assert!(!status.contains(" failed "), "{status}");

    // On chain: delivered once each.
    let nonce = U256::ZERO;
    let up_hash = keccak256(
        relayMessageCall {
            target: recipient,
            sender: Address::from_slice(&hex(DEV)),
            message: up_msg(),
            message_nonce: nonce,
        }
        .abi_encode(),
    );
    let ok = call(&parent, l1m, successfulMessagesCall { msg_hash: up_hash }.abi_encode());
    assert_eq!(U256::from_be_slice(&ok), U256::from(1), "child->parent relayed");
    let balance: U256 =
        serde_json::from_value(rpc(&child, "eth_getBalance", json!([recipient, "latest"])))
            .unwrap();
    assert_eq!(balance, U256::from(1_000), "the fund reached the child exactly once");
    devnode.interrupt();
    let _ = std::fs::remove_dir_all(&dir);
}

fn up_msg() -> Bytes {
    Bytes::from_static(b"up")
}

fn hex(s: &str) -> Vec<u8> {
    alloy::primitives::hex::decode(s).unwrap()
}

#[test]
fn bad_configs_and_unreachable_chains_are_refused_clearly() {
    let dir = temp_dir("bad-config");
    let cases = [
        (
            "[chains.parent]\nrpc_url = 'http://127.0.0.1:1'\nchain_id = 1\nprivate_key = '0x01'\n",
            "unknown field",
        ),
        (
            "[chains.parent]\nrpc_url = 'http://127.0.0.1:1'\nchain_id = 1\n",
            "missing [chains.child]",
        ),
        ("not toml at all [[[", "config"),
    ];
    for (i, (body, expected)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.toml"));
        std::fs::write(&path, body).unwrap();
        let out = crossnet(
            &["deploy", "--config", path.to_str().unwrap()],
            &[("CROSSNET_DEPLOYER_KEY", DEV_KEY.to_owned())],
        );
        assert!(!out.status.success());
        assert!(text(&out).contains(expected), "{body:?}: {}", text(&out));
    }
    // A well-formed config whose chain is down, and one without its key.
    let unreachable = "[chains.parent]\nrpc_url = 'http://127.0.0.1:1'\nchain_id = 1\n[chains.child]\nrpc_url = 'http://127.0.0.1:2'\nchain_id = 2\n[xdm]\nfraud_proof_window = 5\n";
    let path = dir.join("down.toml");
    std::fs::write(&path, unreachable).unwrap();
    let out = crossnet(
        &["deploy", "--config", path.to_str().unwrap()],
        &[("CROSSNET_DEPLOYER_KEY", DEV_KEY.to_owned())],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("unreachable"), "{}", text(&out));
    let out = crossnet(&["deploy", "--config", path.to_str().unwrap()], &[]);
    assert!(text(&out).contains("CROSSNET_DEPLOYER_KEY is not set"), "{}", text(&out));
    let out = crossnet(&["status", "--config", path.to_str().unwrap()], &[]);
    assert!(text(&out).contains("no relay database"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
