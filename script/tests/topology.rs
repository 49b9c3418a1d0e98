//! Any topology from the config: four chains of one `crossnet devnode`, a root with two child
//! subnets and a grandchild (each subnet with its own validator set, weights and checkpoint
//! period), system 1 between the root and each child, deployed by `crossnet deploy` and
//! relayed by `crossnet relay`:
//! * system 1 both ways on both pairs;
//! * sibling routing: a linked-token deposit alpha → root → beta, and its Result back;
//! * grandchild → its parent's sibling: gamma → alpha → root → beta, and its Result back;
//! * a fund from the root two levels down (root → alpha → gamma).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::PathBuf;
use std::time::Duration;

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolEvent};
use common::{
    address, balance, call, crossnet, key, mine, operator_keys, record, send, spawn_crossnet,
    subnet_of, temp_dir, text, validators_toml, wait_for, wasm_dir, Devnode, ValidatorProcess, DEV,
};
use serde_json::Value;

alloy::sol! {
    function sendMessage(address target, bytes message, uint32 gas_limit) external;
    function successfulMessages(bytes32 msg_hash) external view returns (bool);
    function relayMessage(address target, address sender, bytes message, uint256 message_nonce) external;
    struct SubnetID { uint64 root; address[] route; }
    struct FvmAddress { uint8 addrType; bytes payload; }
    function fund(SubnetID subnet_id, FvmAddress to) external payable;
    function mint(address to, uint256 value) external;
    function approve(address spender, uint256 value) external returns (bool);
    function linkedTransfer(address recipient, uint256 amount) external returns (bytes32);
    function balanceOf(address account) external view returns (uint256);
    function inflightMsgs(bytes32 id) external view returns (bool);
}

/// The chains: name and chain id.
const CHAINS: [(&str, u64); 4] =
    [("root", 412_346), ("alpha", 412_347), ("beta", 412_348), ("gamma", 412_349)];
const RECIPIENT: Address = Address::repeat_byte(0x5e);

struct Net {
    devnode: Devnode,
    dir: PathBuf,
    cfg: PathBuf,
    env: Vec<(&'static str, String)>,
    records: Vec<Value>,
    _validators: Vec<ValidatorProcess>,
}

impl Net {
    fn url(&self, chain: &str) -> &str {
        let i = CHAINS.iter().position(|(n, _)| *n == chain).unwrap();
        &self.devnode.urls[i].1
    }

    fn record(&self, chain: &str) -> &Value {
        &self.records[CHAINS.iter().position(|(n, _)| *n == chain).unwrap()]
    }

    fn urls(&self) -> Vec<&str> {
        CHAINS.iter().map(|(n, _)| self.url(n)).collect()
    }
}

/// The topology; validators publish at `urls` (none before they run).
fn config_text(
    urls: &[(u64, String)],
    keys: &[PrivateKeySigner],
    published: &[(Address, String)],
) -> String {
    let mut text = format!(
        "wasm_dir = \"{}\"\ndeployer_key = {{ keystore = \"keys/deployer\", password_file = \"keys/password\" }}\n",
        wasm_dir().display()
    );
    for ((name, id), (_, url)) in CHAINS.iter().zip(urls) {
        text.push_str(&format!("[chains.{name}]\nrpc_url = \"{url}\"\nchain_id = {id}\n"));
    }
    for child in ["alpha", "beta"] {
        text.push_str(&format!(
            "[[xdm]]\nparent = \"root\"\nchild = \"{child}\"\nfraud_proof_window = 1\n"
        ));
    }
    // Each subnet its own validators, weights and period.
    let set = |range: std::ops::Range<usize>, weights: &[u64]| {
        let set: Vec<(Address, u64)> =
            keys[range].iter().zip(weights).map(|(k, w)| (k.address(), *w)).collect();
        validators_toml(&set, published)
    };
    text.push_str(&format!(
        "[ipc.subnets.alpha]\nparent = \"root\"\ncheckpoint_period = 4\nvalidators = {}\n",
        set(0..3, &[1, 1, 1])
    ));
    text.push_str(&format!(
        "[ipc.subnets.beta]\nparent = \"root\"\ncheckpoint_period = 6\nmax_msgs_per_batch = 4\nvalidators = {}\n",
        set(1..5, &[3, 1, 1, 1])
    ));
    text.push_str(&format!(
        "[ipc.subnets.gamma]\nparent = \"alpha\"\ncheckpoint_period = 5\nvalidators = {}\n",
        set(3..5, &[1, 2])
    ));
    for controller in ["alpha", "gamma"] {
        text.push_str(&format!(
            "[[ipc.linked_token]]\ncontroller = \"{controller}\"\nreplica = \"beta\"\n"
        ));
    }
    text.push_str(
        "[relay]\nkey = { keystore = \"keys/relayer\", password_env = \"CROSSNET_RELAYER_PASSWORD\" }\npoll_interval_ms = 100\n",
    );
    text
}

fn setup() -> Net {
    let ids: Vec<String> = CHAINS.iter().map(|(_, id)| id.to_string()).collect();
    let mut args = Vec::new();
    for id in &ids {
        args.extend(["--chain-id", id.as_str()]);
    }
    let devnode = Devnode::start(&args);
    let dir = temp_dir("topology");
    let relayer = key("topology relayer");
    for (_, url) in &devnode.urls {
        common::rpc(
            url,
            "anvil_setBalance",
            serde_json::json!([relayer.address(), "0x3635C9ADC5DEA00000"]),
        );
    }
    let keys: Vec<PrivateKeySigner> = (1..=5).map(|i| key(&format!("topology v{i}"))).collect();
    let base = config_text(&devnode.urls, &keys, &[]);
    let cfg = dir.join("crossnet.toml");
    std::fs::write(&cfg, &base).unwrap();
    let env = operator_keys(&dir, &relayer);
    let out = crossnet(&["deploy", "--config", cfg.to_str().unwrap()], &env);
    assert!(out.status.success(), "deploy failed:\n{}", text(&out));
    let records = CHAINS.iter().map(|(_, id)| record(&dir, *id)).collect();
    // Five validators, each its own process; each signs for the subnets whose set holds it.
    let validators: Vec<ValidatorProcess> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| ValidatorProcess::start(&dir, &base, &format!("v{i}"), k))
        .collect();
    let published: Vec<(Address, String)> =
        validators.iter().map(|v| (v.address, v.url.clone())).collect();
    std::fs::write(&cfg, config_text(&devnode.urls, &keys, &published)).unwrap();
    Net { devnode, dir, cfg, env, records, _validators: validators }
}

/// A system 1 message from `from` to `to` (one of them the root); returns the destination
/// and the message hash.
fn xdm_message(net: &Net, from: &str, to: &str) -> (String, B256) {
    let child = if from == "root" { to } else { from };
    let messenger = if from == "root" {
        address(net.record("root"), &format!("l1-cross-domain-messenger@{child}"))
    } else {
        address(net.record(child), "l2-cross-domain-messenger")
    };
    let body = Bytes::from(format!("{from} to {to}").into_bytes());
    let msg = sendMessageCall { target: RECIPIENT, message: body.clone(), gas_limit: 100_000 };
    let receipt = send(net.url(from), messenger, msg.abi_encode(), U256::ZERO);
    let nonce_log = &receipt["logs"];
    assert!(nonce_log.as_array().is_some_and(|l| !l.is_empty()), "{receipt}");
    // The nonce is the messenger's count of messages sent before: one per pair and direction.
    let hash = keccak256(
        relayMessageCall {
            target: RECIPIENT,
            sender: DEV.parse().unwrap(),
            message: body,
            message_nonce: U256::ZERO,
        }
        .abi_encode(),
    );
    (to.to_owned(), hash)
}

fn xdm_delivered(net: &Net, to: &str, from: &str, hash: B256) -> bool {
    let messenger = if to == "root" {
        address(net.record("root"), &format!("l1-cross-domain-messenger@{from}"))
    } else {
        address(net.record(to), "l2-cross-domain-messenger")
    };
    let out = call(net.url(to), messenger, successfulMessagesCall { msg_hash: hash }.abi_encode());
    U256::from_be_slice(&out) == U256::from(1)
}

/// Mints `amount` on `controller`'s chain and sends it to the replica on beta; returns the
/// message id the controller tracks until its Result comes back.
fn deposit(net: &Net, controller_chain: &str, amount: u64) -> B256 {
    let url = net.url(controller_chain);
    let token = address(net.record(controller_chain), "erc20");
    let controller = address(net.record(controller_chain), "linked-token-controller@beta");
    let dev: Address = DEV.parse().unwrap();
    send(url, token, mintCall { to: dev, value: U256::from(amount) }.abi_encode(), U256::ZERO);
    let approve = approveCall { spender: controller, value: U256::from(amount) };
    send(url, token, approve.abi_encode(), U256::ZERO);
    let transfer = linkedTransferCall { recipient: RECIPIENT, amount: U256::from(amount) };
    let receipt = send(url, controller, transfer.abi_encode(), U256::ZERO);
    let topic = format!("{}", crossnet_sdk::ipc::NewBottomUpMessage::SIGNATURE_HASH);
    let log = receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["topics"][0] == topic.as_str())
        .unwrap_or_else(|| panic!("no NewBottomUpMessage in {receipt}"));
    log["topics"][1].as_str().unwrap().parse().unwrap()
}

fn replica_balance(net: &Net, controller_chain: &str) -> U256 {
    let replica = address(net.record("beta"), &format!("linked-token-replica@{controller_chain}"));
    let out = call(net.url("beta"), replica, balanceOfCall { account: RECIPIENT }.abi_encode());
    U256::from_be_slice(&out)
}

fn inflight(net: &Net, controller_chain: &str, id: B256) -> bool {
    let controller = address(net.record(controller_chain), "linked-token-controller@beta");
    let out = call(net.url(controller_chain), controller, inflightMsgsCall { id }.abi_encode());
    U256::from_be_slice(&out) == U256::from(1)
}

#[test]
fn root_two_children_and_a_grandchild_route_every_way_succeeds() {
    let net = setup();
    let xdm: Vec<(String, String, B256)> =
        [("root", "alpha"), ("alpha", "root"), ("root", "beta"), ("beta", "root")]
            .iter()
            .map(|(from, to)| {
                let (to, hash) = xdm_message(&net, from, to);
                ((*from).to_owned(), to, hash)
            })
            .collect();
    let sibling = deposit(&net, "alpha", 300);
    let cousin = deposit(&net, "gamma", 200);
    let (root, route) = subnet_of(net.record("gamma"));
    let fvm = crossnet_sdk::ipc::FvmAddress::from_evm(RECIPIENT);
    let fund = fundCall {
        subnet_id: SubnetID { root, route },
        to: FvmAddress { addrType: fvm.addrType, payload: fvm.payload },
    };
    send(
        net.url("root"),
        address(net.record("root"), "gateway"),
        fund.abi_encode(),
        U256::from(7_000),
    );

    let log = net.dir.join("relay.log");
    let mut relay =
        spawn_crossnet(&["relay", "--config", net.cfg.to_str().unwrap()], &net.env, &log);
    let urls = net.urls();
    wait_for("every route delivered", Duration::from_secs(240), || {
        mine(&urls);
        let mut waiting = Vec::new();
        for (from, to, hash) in &xdm {
            if !xdm_delivered(&net, to, from, *hash) {
                waiting.push(format!("system 1 {from} -> {to}"));
            }
        }
        if replica_balance(&net, "alpha") != U256::from(300) {
            waiting.push("deposit alpha -> root -> beta".into());
        }
        if replica_balance(&net, "gamma") != U256::from(200) {
            waiting.push("deposit gamma -> alpha -> root -> beta".into());
        }
        if inflight(&net, "alpha", sibling) {
            waiting.push("Result beta -> root -> alpha".into());
        }
        if inflight(&net, "gamma", cousin) {
            waiting.push("Result beta -> root -> alpha -> gamma".into());
        }
        if balance(net.url("gamma"), RECIPIENT) != U256::from(7_000) {
            waiting.push("fund root -> alpha -> gamma".into());
        }
        if waiting.is_empty() {
            Ok(())
        } else {
            let status = crossnet(&["status", "--config", net.cfg.to_str().unwrap()], &net.env);
            Err(format!(
                "{waiting:?}\n{}\n{}",
                text(&status),
                std::fs::read_to_string(&log).unwrap_or_default()
            ))
        }
    });
    let _ = relay.kill();
    let _ = relay.wait();
    let status = text(&crossnet(&["status", "--config", net.cfg.to_str().unwrap()], &net.env));
    for route in [
        "alpha->root",
        "root->beta",
        "postbox@root",
        "gamma->alpha",
        "postbox@alpha",
        "alpha->gamma",
    ] {
        assert!(status.contains(route), "{route} missing:\n{status}");
    }
    assert!(!status.contains(" failed "), "{status}");
    let Net { devnode, dir, .. } = net;
    devnode.interrupt();
    let _ = std::fs::remove_dir_all(&dir);
}
