//! Shared by the process tests: `crossnet devnode` started as a process, raw JSON-RPC, the
//! `crossnet` binary, deployment records, and keystores written by `cast`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::signers::local::PrivateKeySigner;
use serde_json::{json, Value};

/// The devnode dev account and key (funded on every chain, owner of what it deploys).
pub const DEV: &str = "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E";
pub const DEV_KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

/// Environment variables the tests set for `crossnet`; cleared from the inherited environment.
const KEY_VARS: [&str; 4] = [
    "CROSSNET_DEPLOYER_KEY",
    "CROSSNET_RELAYER_KEY",
    "CROSSNET_RELAYER_PASSWORD",
    "CROSSNET_VALIDATOR_KEYS",
];

/// A deterministic throwaway key.
pub fn key(label: &str) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&keccak256(label)).unwrap()
}

/// The hex form of `key` (for keystores and environment variables).
pub fn hex_key(key: &PrivateKeySigner) -> String {
    format!("{}", alloy::primitives::B256::from(key.to_bytes()))
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("crossnet-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The built programs of this checkout.
pub fn wasm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wasm")
}

/// Runs `crossnet args` with `env` (and none of the key variables of the caller).
pub fn crossnet(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossnet"));
    cmd.args(args);
    for var in KEY_VARS {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run crossnet")
}

/// Starts `crossnet args` in the background with `env`, its output in `log`.
pub fn spawn_crossnet(args: &[&str], env: &[(&'static str, String)], log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crossnet"));
    cmd.args(args).stdout(Stdio::null()).stderr(out);
    for var in KEY_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, v.clone()))).spawn().unwrap()
}

/// Stdout and stderr of a finished process.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Sends a transaction from the dev account and returns its receipt.
pub fn send(url: &str, to: Address, data: Vec<u8>, value: U256) -> Value {
    let hash = rpc(
        url,
        "eth_sendTransaction",
        json!([{"from": DEV, "to": to, "data": Bytes::from(data), "value": value, "gas": "0x1c9c380"}]),
    );
    let receipt = rpc(url, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1", "transaction to {to} failed: {receipt}");
    receipt
}

/// `eth_call` at the latest block.
pub fn call(url: &str, to: Address, data: Vec<u8>) -> Bytes {
    let out = rpc(url, "eth_call", json!([{"to": to, "data": Bytes::from(data)}, "latest"]));
    serde_json::from_value(out).unwrap()
}

/// Native balance.
pub fn balance(url: &str, account: Address) -> U256 {
    serde_json::from_value(rpc(url, "eth_getBalance", json!([account, "latest"]))).unwrap()
}

/// Mines a block on each chain (time passes on the devnode only with blocks).
pub fn mine(urls: &[&str]) {
    for url in urls {
        rpc(url, "evm_mine", json!([]));
    }
}

/// The deployment record of chain `chain_id` under `dir/deployments`.
pub fn record(dir: &Path, chain_id: u64) -> Value {
    let path = dir.join(format!("deployments/{chain_id}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The address recorded under `key`.
pub fn address(record: &Value, key: &str) -> Address {
    record["contracts"][key]["address"]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {record}"))
        .parse()
        .unwrap()
}

/// The subnet id recorded for a chain, as the ABI type `T` (`SubnetID { root, route }`).
pub fn subnet_of(record: &Value) -> (u64, Vec<Address>) {
    let subnet = &record["subnet"];
    (subnet["root"].as_u64().unwrap(), serde_json::from_value(subnet["route"].clone()).unwrap())
}

/// Polls `check` every 200 ms until it returns `Some`, or panics with `what` and the last
/// state after `timeout`.
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        match check() {
            Ok(v) => return v,
            Err(state) => {
                assert!(Instant::now() < deadline, "timed out waiting for {what}:\n{state}");
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    }
}

/// Deployer and relayer keystores written by `cast wallet import` under `dir/keys`: the
/// deployer (the dev key) with its password in `keys/password`, the relayer with its password
/// in `CROSSNET_RELAYER_PASSWORD`. Returns the environment `crossnet` needs.
pub fn operator_keys(dir: &Path, relayer: &PrivateKeySigner) -> Vec<(&'static str, String)> {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    std::fs::write(keys.join("password"), "deployer secret\n").unwrap();
    cast_keystore(&keys, "deployer", DEV_KEY, "deployer secret");
    cast_keystore(&keys, "relayer", &hex_key(relayer), "relayer secret");
    vec![("CROSSNET_RELAYER_PASSWORD", "relayer secret".to_owned())]
}

pub struct Devnode {
    pub child: Child,
    pub urls: Vec<(u64, String)>,
    pub banner: String,
}

impl Devnode {
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crossnet"))
            .arg("devnode")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn crossnet devnode");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let (mut urls, mut banner) = (Vec::new(), String::new());
        for line in lines.by_ref() {
            let line = line.expect("banner line");
            banner.push_str(&line);
            banner.push('\n');
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["chain", id, url, ..] = words.as_slice() {
                urls.push((id.parse().expect("chain id"), (*url).to_owned()));
            }
            if line.starts_with("Press Ctrl-C") {
                break;
            }
        }
        // Keep draining stdout so the process never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        assert!(!urls.is_empty(), "no chain in the banner:\n{banner}");
        Self { child, urls, banner }
    }

    /// Sends SIGINT (Ctrl-C) and waits for a clean exit.
    pub fn interrupt(mut self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "crossnet devnode exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "crossnet devnode did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Devnode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A JSON-RPC call over plain HTTP/1.1 (no client library needed).
pub fn rpc(url: &str, method: &str, params: Value) -> Value {
    let addr = url.trim_start_matches("http://");
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (_, body) = response.split_once("\r\n\r\n").expect("HTTP response");
    let value: Value = serde_json::from_str(body).expect("JSON body");
    value.get("result").cloned().unwrap_or_else(|| panic!("{method}: {value}"))
}

/// Foundry's `cast` as `bash script/setup.sh` installs it (npm).
pub fn cast() -> std::path::PathBuf {
    let cast = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/.bin/cast");
    assert!(cast.is_file(), "{} is missing: run `bash script/setup.sh`", cast.display());
    cast
}

/// Writes `key` (hex) as an encrypted keystore `dir/name` with `cast wallet import`, the
/// format operators produce; returns its path.
pub fn cast_keystore(
    dir: &std::path::Path,
    name: &str,
    key: &str,
    password: &str,
) -> std::path::PathBuf {
    let out = Command::new(cast())
        .args(["wallet", "import", name, "--keystore-dir"])
        .arg(dir)
        .args(["--private-key", key, "--unsafe-password", password])
        .output()
        .expect("run cast wallet import");
    assert!(out.status.success(), "cast wallet import: {}", String::from_utf8_lossy(&out.stderr));
    let path = dir.join(name);
    assert!(path.is_file(), "cast wrote no {}", path.display());
    path
}

/// A validator set as TOML: `{ address, weight, url }` entries, `url` where `urls` has one.
pub fn validators_toml(set: &[(Address, u64)], urls: &[(Address, String)]) -> String {
    let entries: Vec<String> = set
        .iter()
        .map(|(address, weight)| match urls.iter().find(|(a, _)| a == address) {
            Some((_, url)) => {
                format!("{{ address = \"{address}\", weight = {weight}, url = \"{url}\" }}")
            }
            None => format!("{{ address = \"{address}\", weight = {weight} }}"),
        })
        .collect();
    format!("[{}]", entries.join(", "))
}

/// A GET over plain HTTP/1.1: (status code, body).
pub fn http_get(url: &str) -> (u16, String) {
    let rest = url.trim_start_matches("http://");
    let (addr, path) =
        rest.split_once('/').map_or((rest, "/".to_owned()), |(a, p)| (a, format!("/{p}")));
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let (head, body) = response.split_once("\r\n\r\n").expect("HTTP response");
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, body.to_owned())
}

/// `crossnet validator` as a process: its own config (the topology plus a `[validator]`
/// section), its own keystore and signing log.
pub struct ValidatorProcess {
    pub address: Address,
    pub config: PathBuf,
    pub url: String,
    pub log: PathBuf,
    child: Option<Child>,
}

impl ValidatorProcess {
    /// Writes `dir/<name>.toml`, the topology `base` with a `[validator]` section whose key is
    /// a `cast` keystore `dir/keys/<name>` (password in `dir/keys/password`), and starts it on
    /// a free port.
    pub fn start(dir: &Path, base: &str, name: &str, key: &PrivateKeySigner) -> Self {
        let keys = dir.join("keys");
        std::fs::create_dir_all(&keys).unwrap();
        if !keys.join("password").is_file() {
            std::fs::write(keys.join("password"), "deployer secret\n").unwrap();
        }
        cast_keystore(&keys, name, &hex_key(key), "deployer secret");
        let config = dir.join(format!("{name}.toml"));
        let section = |listen: &str| {
            format!(
                "{base}\n[validator]\nkey = {{ keystore = \"keys/{name}\", password_file = \"keys/password\" }}\nlisten = \"{listen}\"\ndatabase = \"{name}.sqlite\"\npoll_interval_ms = 100\n"
            )
        };
        std::fs::write(&config, section("127.0.0.1:0")).unwrap();
        let log = dir.join(format!("{name}.log"));
        let mut v = Self { address: key.address(), config, url: String::new(), log, child: None };
        v.spawn();
        // Restarts listen where relayers were told to look.
        let listen = v.url.trim_start_matches("http://").to_owned();
        std::fs::write(&v.config, section(&listen)).unwrap();
        v
    }

    fn spawn(&mut self) {
        let err = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_crossnet"))
            .args(["validator", "--config", self.config.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .expect("spawn crossnet validator");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = lines.next().and_then(Result::ok).unwrap_or_else(|| {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!("crossnet validator exited before listening:\n{log}")
        });
        let url = line.split_whitespace().last().unwrap_or_default().to_owned();
        assert!(url.starts_with("http://"), "unexpected banner {line:?}");
        std::thread::spawn(move || for _ in lines {});
        self.url = url;
        self.child = Some(child);
    }

    /// Kills it (SIGKILL: no clean shutdown) and waits.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again with the same config, key, port and signing log.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    /// What it serves for `kind` and `verifier` above `after`.
    pub fn signatures(&self, kind: &str, verifier: Address, after: u64) -> Vec<Value> {
        let (status, body) =
            http_get(&format!("{}/v1/signatures/{kind}/{verifier}?after={after}", self.url));
        assert_eq!(status, 200, "{body}");
        let page: Value = serde_json::from_str(&body).unwrap();
        page["signatures"].as_array().cloned().unwrap_or_default()
    }

    /// Its `/v1/health` answer.
    pub fn health(&self) -> Value {
        let (status, body) = http_get(&format!("{}/v1/health", self.url));
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

impl Drop for ValidatorProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
