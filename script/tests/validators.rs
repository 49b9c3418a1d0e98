//! Independent validators as processes: four `crossnet validator`s (one key each, own
//! keystore, own signing log, own endpoint) certify a child subnet; `crossnet relay` holds no
//! validator key and collects their signatures.
//! * one stopped: both directions keep flowing (3 of 4 > 2/3);
//! * all restarted (SIGKILL): nothing they published before is signed again differently, and
//!   flow resumes;
//! * a validator serving signed wrong statements: ignored, logged and counted;
//! * statements only at or below the chain's finality depth (confirmations).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync as _;
use alloy::sol_types::{SolCall, SolValue};
use common::{
    address, balance, crossnet, http_get, key, mine, operator_keys, record, rpc, send,
    spawn_crossnet, subnet_of, temp_dir, text, validators_toml, wait_for, wasm_dir, Devnode,
    ValidatorProcess,
};
use serde_json::{json, Value};

alloy::sol! {
    struct SubnetID { uint64 root; address[] route; }
    struct FvmAddress { uint8 addrType; bytes payload; }
    function fund(SubnetID subnet_id, FvmAddress to) external payable;
    function release(FvmAddress to) external payable;
}

const DOWN_TO: Address = Address::repeat_byte(0xd0);
const UP_TO: Address = Address::repeat_byte(0x0d);
/// Confirmations both chains need before validators sign.
const CONFIRMATIONS: u64 = 2;
const PERIOD: u64 = 5;

struct Net {
    devnode: Devnode,
    dir: PathBuf,
    base: String,
    cfg: PathBuf,
    env: Vec<(&'static str, String)>,
    keys: Vec<PrivateKeySigner>,
    parent: String,
    child: String,
    records: (Value, Value),
}

fn topology(
    parent: &str,
    child: &str,
    keys: &[PrivateKeySigner],
    urls: &[(Address, String)],
) -> String {
    let set: Vec<(Address, u64)> = keys.iter().map(|k| (k.address(), 1)).collect();
    format!(
        r#"
wasm_dir = "{wasm}"
deployer_key = {{ keystore = "keys/deployer", password_file = "keys/password" }}
[chains.parent]
rpc_url = "{parent}"
chain_id = 412346
finality = {CONFIRMATIONS}
[chains.child]
rpc_url = "{child}"
chain_id = 412347
finality = {CONFIRMATIONS}
[ipc.subnets.child]
parent = "parent"
checkpoint_period = {PERIOD}
validators = {set}
[relay]
key = {{ keystore = "keys/relayer", password_env = "CROSSNET_RELAYER_PASSWORD" }}
poll_interval_ms = 100
"#,
        wasm = wasm_dir().display(),
        set = validators_toml(&set, urls)
    )
}

fn setup(name: &str) -> Net {
    let devnode = Devnode::start(&["--chain-id", "412346", "--chain-id", "412347"]);
    let (parent, child) = (devnode.urls[0].1.clone(), devnode.urls[1].1.clone());
    let dir = temp_dir(name);
    let relayer = key(&format!("{name} relayer"));
    for url in [&parent, &child] {
        rpc(url, "anvil_setBalance", json!([relayer.address(), "0x3635C9ADC5DEA00000"]));
    }
    let keys: Vec<PrivateKeySigner> = (0..4).map(|i| key(&format!("{name} v{i}"))).collect();
    let base = topology(&parent, &child, &keys, &[]);
    let cfg = dir.join("crossnet.toml");
    std::fs::write(&cfg, &base).unwrap();
    let env = operator_keys(&dir, &relayer);
    let out = crossnet(&["deploy", "--config", cfg.to_str().unwrap()], &env);
    assert!(out.status.success(), "deploy failed:\n{}", text(&out));
    let records = (record(&dir, 412_346), record(&dir, 412_347));
    Net { devnode, dir, base, cfg, env, keys, parent, child, records }
}

impl Net {
    /// Points the relayer at the validators' endpoints.
    fn publish(&self, urls: &[(Address, String)]) {
        std::fs::write(&self.cfg, topology(&self.parent, &self.child, &self.keys, urls)).unwrap();
    }

    fn actor(&self) -> Address {
        address(&self.records.0, "subnet-actor@child")
    }

    fn finality(&self) -> Address {
        address(&self.records.1, "top-down-finality")
    }

    /// One fund down and one release up.
    fn send_round(&self) {
        let (root, route) = subnet_of(&self.records.1);
        let fvm = |a: Address| {
            let f = crossnet_sdk::ipc::FvmAddress::from_evm(a);
            FvmAddress { addrType: f.addrType, payload: f.payload }
        };
        let fund = fundCall { subnet_id: SubnetID { root, route }, to: fvm(DOWN_TO) };
        send(
            &self.parent,
            address(&self.records.0, "gateway"),
            fund.abi_encode(),
            U256::from(1_000),
        );
        let release = releaseCall { to: fvm(UP_TO) };
        send(
            &self.child,
            address(&self.records.1, "gateway"),
            release.abi_encode(),
            U256::from(10),
        );
    }

    /// Waits until `round` rounds arrived both ways.
    fn wait_round(&self, round: u64, log: &std::path::Path) {
        let urls = [self.parent.as_str(), self.child.as_str()];
        wait_for(&format!("round {round} both ways"), Duration::from_secs(180), || {
            mine(&urls);
            let down = balance(&self.child, DOWN_TO);
            let up = balance(&self.parent, UP_TO);
            if down == U256::from(1_000 * round) && up == U256::from(10 * round) {
                Ok(())
            } else {
                let status =
                    crossnet(&["status", "--config", self.cfg.to_str().unwrap()], &self.env);
                Err(format!(
                    "down {down}, up {up}\n{}\n{}",
                    text(&status),
                    std::fs::read_to_string(log).unwrap_or_default()
                ))
            }
        });
    }

    fn status(&self) -> String {
        text(&crossnet(&["status", "--config", self.cfg.to_str().unwrap()], &self.env))
    }
}

/// (kind, height) → (digest, signature) of what `v` publishes.
fn published(net: &Net, v: &ValidatorProcess) -> BTreeMap<(String, u64), (String, String)> {
    let mut out = BTreeMap::new();
    for (kind, verifier) in [("checkpoint", net.actor()), ("finality", net.finality())] {
        for s in v.signatures(kind, verifier, 0) {
            let height = s["height"].as_u64().unwrap();
            let entry = (
                s["digest"].as_str().unwrap().to_owned(),
                s["signature"].as_str().unwrap().to_owned(),
            );
            out.insert((kind.to_owned(), height), entry);
        }
    }
    out
}

#[test]
fn validators_stopped_and_restarted_keep_both_ways_flowing_and_never_sign_twice_differently() {
    let net = setup("validators-restart");
    let mut validators: Vec<ValidatorProcess> = net
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| ValidatorProcess::start(&net.dir, &net.base, &format!("v{i}"), k))
        .collect();
    net.publish(&validators.iter().map(|v| (v.address, v.url.clone())).collect::<Vec<_>>());
    let log = net.dir.join("relay.log");
    let mut relay =
        spawn_crossnet(&["relay", "--config", net.cfg.to_str().unwrap()], &net.env, &log);

    net.send_round();
    net.wait_round(1, &log);

    // One of four stopped: 3 of 4 is more than 2/3.
    validators[3].kill();
    net.send_round();
    net.wait_round(2, &log);
    let relay_log = std::fs::read_to_string(&log).unwrap();
    assert!(relay_log.contains("signers=3"), "round 2 was not certified by three:\n{relay_log}");

    // Every validator killed and restarted with its log: what it published stays as it was.
    let before: Vec<_> = validators[..3].iter().map(|v| published(&net, v)).collect();
    assert!(before.iter().all(
        |p| p.keys().any(|(k, _)| k == "checkpoint") && p.keys().any(|(k, _)| k == "finality")
    ));
    for v in &mut validators {
        v.restart();
    }
    net.send_round();
    net.wait_round(3, &log);
    for (v, before) in validators.iter().zip(&before) {
        let after = published(&net, v);
        for (slot, signed) in before {
            assert_eq!(
                after.get(slot),
                Some(signed),
                "{} re-signed {slot:?} differently",
                v.address
            );
        }
        assert!(after.len() > before.len(), "{} signed nothing after its restart", v.address);
    }
    for v in &validators {
        assert_eq!(v.health()["refused"], 0, "{}: {}", v.address, v.health());
    }

    // Finality depth: on quiet chains, with the child head one past a boundary, a fresh log
    // signs the boundaries at most `CONFIRMATIONS` below the head and not the newest one.
    let _ = relay.kill();
    let _ = relay.wait();
    let head: u64 = {
        let h = rpc(&net.child, "eth_blockNumber", json!([]));
        u64::from_str_radix(h.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    };
    let target = (head / PERIOD + 3) * PERIOD + 1;
    for _ in head..target {
        mine(&[net.child.as_str()]);
    }
    let once = net.dir.join("v0-once.toml");
    let text_once = std::fs::read_to_string(&validators[0].config)
        .unwrap()
        .replace("database = \"v0.sqlite\"", "database = \"v0-once.sqlite\"");
    std::fs::write(&once, text_once).unwrap();
    let out = crossnet(&["validator", "--once", "--config", once.to_str().unwrap()], &[]);
    let printed = text(&out);
    assert!(out.status.success(), "{printed}");
    let heights: Vec<u64> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("signed checkpoint child "))
        .map(|h| h.trim().parse().unwrap())
        .collect();
    assert!(heights.contains(&(target - 1 - PERIOD)), "{printed}");
    assert!(heights.iter().all(|h| *h + CONFIRMATIONS <= target), "{printed}");
    assert!(
        !heights.contains(&(target - 1)),
        "signed a block {CONFIRMATIONS} confirmations need:\n{printed}"
    );

    drop(validators);
    let Net { devnode, dir, .. } = net;
    devnode.interrupt();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A validator that signs, with its own key, a wrong version of every statement an honest
/// validator (`honest`) publishes: its endpoint serves those.
fn serve_wrong_statements(honest: String, key: PrivateKeySigner) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (_, body) = http_get(&format!("{honest}{path}"));
            let mut page: Value = serde_json::from_str(&body).unwrap_or(json!({}));
            if let Some(signatures) = page["signatures"].as_array_mut() {
                for s in signatures.iter_mut() {
                    *s = falsify(s, &key);
                }
            }
            page["validator"] = json!(key.address());
            let body = page.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

/// `s` with another block hash, signed by `key`.
fn falsify(s: &Value, key: &PrivateKeySigner) -> Value {
    use crossnet_sdk::ipc::digest::{typed_digest, CHECKPOINT_TYPE, FINALITY_TYPE};
    use crossnet_sdk::ipc::{BottomUpCheckpoint, ParentFinality};
    let bytes: Bytes = serde_json::from_value(s["statement"].clone()).unwrap();
    let (encoded, kind) = if s["kind"] == "checkpoint" {
        let mut c = BottomUpCheckpoint::abi_decode(&bytes).unwrap();
        c.blockHash = keccak256(c.blockHash);
        (c.abi_encode(), CHECKPOINT_TYPE)
    } else {
        let mut f = ParentFinality::abi_decode(&bytes).unwrap();
        f.blockHash = keccak256(f.blockHash);
        (f.abi_encode(), FINALITY_TYPE)
    };
    let verifier: Address = serde_json::from_value(s["verifier"].clone()).unwrap();
    let digest = typed_digest(kind, s["chain_id"].as_u64().unwrap(), verifier, &encoded);
    let signature = key.sign_hash_sync(&digest).unwrap();
    let mut out = s.clone();
    out["statement"] = json!(Bytes::from(encoded));
    out["digest"] = json!(digest);
    out["signer"] = json!(key.address());
    out["signature"] = json!(Bytes::from(signature.as_bytes().to_vec()));
    out
}

#[test]
fn a_validator_signing_wrong_statements_is_ignored_logged_and_counted() {
    let net = setup("validators-wrong");
    let honest: Vec<ValidatorProcess> = net.keys[..3]
        .iter()
        .enumerate()
        .map(|(i, k)| ValidatorProcess::start(&net.dir, &net.base, &format!("v{i}"), k))
        .collect();
    let liar = net.keys[3].clone();
    let mut urls: Vec<(Address, String)> =
        honest.iter().map(|v| (v.address, v.url.clone())).collect();
    urls.push((liar.address(), serve_wrong_statements(honest[0].url.clone(), liar.clone())));
    net.publish(&urls);
    let log = net.dir.join("relay.log");
    let mut relay =
        spawn_crossnet(&["relay", "--config", net.cfg.to_str().unwrap()], &net.env, &log);

    net.send_round();
    net.wait_round(1, &log);
    net.send_round();
    net.wait_round(2, &log);
    let _ = relay.kill();
    let _ = relay.wait();

    let status = net.status();
    let liar_line = status
        .lines()
        .find(|l| l.starts_with(&format!("{}", liar.address())))
        .unwrap_or_else(|| panic!("the liar is not counted:\n{status}"));
    assert!(liar_line.contains("signed a statement the quorum did not"), "{status}");
    let count: u64 = liar_line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(count >= 2, "{status}");
    for v in &honest {
        assert!(
            !status.contains(&format!("{}", v.address)),
            "an honest validator counted:\n{status}"
        );
    }
    let relay_log = std::fs::read_to_string(&log).unwrap();
    assert!(
        relay_log.contains("validator fault") && relay_log.contains(&format!("{}", liar.address())),
        "{relay_log}"
    );

    drop(honest);
    let Net { devnode, dir, .. } = net;
    devnode.interrupt();
    let _ = std::fs::remove_dir_all(&dir);
}
