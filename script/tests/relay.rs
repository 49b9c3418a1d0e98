//! `crossnet deploy`, `crossnet relay` and `crossnet status` as processes against
//! `crossnet devnode` over JSON-RPC: both systems deployed (twice: the second run keeps
//! everything), messages in both directions of both systems, the relayer killed with SIGKILL
//! mid-way and restarted (nothing lost, nothing delivered twice), and bad configs refused with
//! clear messages before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, Bytes, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolCall;
use common::{
    address, call, cast_keystore, crossnet, key, operator_keys, record, rpc, send, temp_dir, text,
    validators_toml, wasm_dir, Devnode, ValidatorProcess, DEV, DEV_KEY,
};
use serde_json::{json, Value};

alloy::sol! {
    function sendMessage(address target, bytes message, uint32 gas_limit) external;
    function successfulMessages(bytes32 msg_hash) external view returns (bool);
    function relayMessage(address target, address sender, bytes message, uint256 message_nonce) external;
    struct SubnetID { uint64 root; address[] route; }
    struct FvmAddress { uint8 addrType; bytes payload; }
    function fund(SubnetID subnet_id, FvmAddress to) external payable;
}

/// The topology: system 1 and a child subnet with `validators` (publishing at `urls`).
fn topology(
    parent: &str,
    child: &str,
    validators: &[(Address, u64)],
    urls: &[(Address, String)],
) -> String {
    format!(
        r#"
wasm_dir = "{wasm}"
deployer_key = {{ keystore = "keys/deployer", password_file = "keys/password" }}
[chains.parent]
rpc_url = "{parent}"
chain_id = 412346
[chains.child]
rpc_url = "{child}"
chain_id = 412347
[[xdm]]
parent = "parent"
child = "child"
fraud_proof_window = 1
[ipc.subnets.child]
parent = "parent"
checkpoint_period = 5
validators = {set}
[relay]
key = {{ keystore = "keys/relayer", password_env = "CROSSNET_RELAYER_PASSWORD" }}
poll_interval_ms = 100
"#,
        wasm = wasm_dir().display(),
        set = validators_toml(validators, urls)
    )
}

/// System 1 and 2 deployed by `crossnet deploy` on a `crossnet devnode` with two chains.
struct Setup {
    devnode: Devnode,
    dir: PathBuf,
    cfg: PathBuf,
    env: Vec<(&'static str, String)>,
    parent: String,
    child: String,
    records: (Value, Value),
    _validators: Vec<ValidatorProcess>,
}

fn setup(name: &str) -> Setup {
    let devnode = Devnode::start(&["--chain-id", "412346", "--chain-id", "412347"]);
    let (parent, child) = (devnode.urls[0].1.clone(), devnode.urls[1].1.clone());
    let dir = temp_dir(name);
    let relayer = key(&format!("{name} relayer"));
    let validators: Vec<PrivateKeySigner> =
        (1..=3).map(|i| key(&format!("{name} validator {i}"))).collect();
    for url in [&parent, &child] {
        rpc(url, "anvil_setBalance", json!([relayer.address(), "0x3635C9ADC5DEA00000"]));
    }
    let set: Vec<(Address, u64)> = validators.iter().map(|v| (v.address(), 1)).collect();
    let base = topology(&parent, &child, &set, &[]);
    let cfg = dir.join("crossnet.toml");
    std::fs::write(&cfg, &base).unwrap();
    // Keys as operators keep them: keystores written by `cast wallet import`, the deployer's
    // password in a file, the relayer's in an environment variable.
    let env = operator_keys(&dir, &relayer);
    let first = crossnet(&["deploy", "--config", cfg.to_str().unwrap()], &env);
    assert!(first.status.success(), "deploy failed:\n{}", text(&first));
    let records = (record(&dir, 412_346), record(&dir, 412_347));
    // Each validator its own process, key and signing log; the relayer learns their URLs.
    let validators: Vec<ValidatorProcess> = validators
        .iter()
        .enumerate()
        .map(|(i, k)| ValidatorProcess::start(&dir, &base, &format!("validator-{i}"), k))
        .collect();
    let urls: Vec<(Address, String)> =
        validators.iter().map(|v| (v.address, v.url.clone())).collect();
    std::fs::write(&cfg, topology(&parent, &child, &set, &urls)).unwrap();
    Setup { devnode, dir, cfg, env, parent, child, records, _validators: validators }
}

const RECIPIENT: Address = Address::repeat_byte(0x5e);

/// A message each way on system 1 and a fund down on system 2.
fn send_messages(s: &Setup) {
    let (p, c) = &s.records;
    let l1m = address(p, "l1-cross-domain-messenger@child");
    let l2m = address(c, "l2-cross-domain-messenger");
    let gateway = address(p, "gateway");
    let up = sendMessageCall { target: RECIPIENT, message: up_msg(), gas_limit: 100_000 };
    send(&s.child, l2m, up.abi_encode(), U256::ZERO);
    let down = sendMessageCall {
        target: RECIPIENT,
        message: Bytes::from_static(b"down"),
        gas_limit: 100_000,
    };
    send(&s.parent, l1m, down.abi_encode(), U256::ZERO);
    let subnet: Value = c["subnet"].clone();
    let subnet = SubnetID {
        root: subnet["root"].as_u64().unwrap(),
        route: serde_json::from_value(subnet["route"].clone()).unwrap(),
    };
    let fvm = crossnet_sdk::ipc::FvmAddress::from_evm(RECIPIENT);
    let to = FvmAddress { addrType: fvm.addrType, payload: fvm.payload };
    send(&s.parent, gateway, fundCall { subnet_id: subnet, to }.abi_encode(), U256::from(1_000));
}

fn spawn_relay(cfg: &Path, env: &[(&'static str, String)]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_crossnet"))
        .args(["relay", "--config", cfg.to_str().unwrap()])
        .envs(env.iter().map(|(k, v)| (*k, v.clone())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `crossnet status` shows the three messages relayed; returns its output.
fn wait_relayed(s: &Setup) -> String {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        // Time passes on the devnode only with blocks: mine one per poll.
        for url in [&s.parent, &s.child] {
            rpc(url, "evm_mine", json!([]));
        }
        let out = crossnet(&["status", "--config", s.cfg.to_str().unwrap()], &s.env);
        let t = text(&out);
        let relayed = t.lines().filter(|l| l.starts_with("0x") && l.contains(" relayed ")).count();
        if relayed >= 3 {
            return t;
        }
        assert!(Instant::now() < deadline, "messages not relayed in time:\n{t}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// On chain: each message delivered exactly once.
fn check_delivered_once(s: &Setup) {
    let (p, _) = &s.records;
    let l1m = address(p, "l1-cross-domain-messenger@child");
    let up_hash = keccak256(
        relayMessageCall {
            target: RECIPIENT,
            sender: Address::from_slice(&hex(DEV)),
            message: up_msg(),
            message_nonce: U256::ZERO,
        }
        .abi_encode(),
    );
    let ok = call(&s.parent, l1m, successfulMessagesCall { msg_hash: up_hash }.abi_encode());
    assert_eq!(U256::from_be_slice(&ok), U256::from(1), "child->parent relayed");
    let balance: U256 =
        serde_json::from_value(rpc(&s.child, "eth_getBalance", json!([RECIPIENT, "latest"])))
            .unwrap();
    assert_eq!(balance, U256::from(1_000), "the fund reached the child exactly once");
}

#[test]
fn deploy_relay_restart_and_status_as_processes_succeeds() {
    let s = setup("relay-process");
    let cfg_arg = s.cfg.to_str().unwrap();
    // Deploy again: everything is kept.
    let again = crossnet(&["deploy", "--config", cfg_arg], &s.env);
    assert!(again.status.success(), "second deploy failed:\n{}", text(&again));
    assert!(text(&again).contains("(verified)"), "{}", text(&again));
    assert!(!text(&again).contains("deployed 0x"), "redeployed:\n{}", text(&again));
    assert_eq!((record(&s.dir, 412_346), record(&s.dir, 412_347)), s.records);

    send_messages(&s);
    // The relayer, killed with SIGKILL after its first deliveries, then restarted.
    let mut relay = spawn_relay(&s.cfg, &s.env);
    std::thread::sleep(Duration::from_millis(1500));
    relay.kill().unwrap();
    relay.wait().unwrap();
    let mut relay = spawn_relay(&s.cfg, &s.env);
    let status = wait_relayed(&s);
    let _ = relay.kill();
    let _ = relay.wait();
    assert!(status.contains("child->parent") && status.contains("parent->child"), "{status}");
    assert!(!status.contains(" failed "), "{status}");
    check_delivered_once(&s);
    let Setup { devnode, dir, .. } = s;
    devnode.interrupt();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A loopback proxy in front of `upstream` that misbehaves: of every three connections the
/// first is closed at once and the second forwards the request but never answers (the node
/// acts on it, the client sees a dropped connection); only the third works. A client thus
/// meets both failures before it gets through.
fn flaky_proxy(upstream: &str, dropped: &std::sync::Arc<std::sync::atomic::AtomicUsize>) -> String {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let upstream = upstream.trim_start_matches("http://").to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let dropped = dropped.clone();
    std::thread::spawn(move || {
        for (n, client) in listener.incoming().enumerate() {
            let Ok(mut client) = client else { continue };
            let upstream = upstream.clone();
            if n % 3 != 2 {
                dropped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            std::thread::spawn(move || {
                if n % 3 == 0 {
                    return; // dropped before anything is read
                }
                let Ok(mut server) = TcpStream::connect(&upstream) else { return };
                let mut to_server = server.try_clone().unwrap();
                let mut from_client = client.try_clone().unwrap();
                let up = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_client, &mut to_server);
                });
                if n % 3 == 1 {
                    // Forward the request, swallow the answer, then hang up.
                    std::thread::sleep(Duration::from_millis(300));
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    let mut sink = [0u8; 4096];
                    while server.read(&mut sink).is_ok_and(|n| n > 0) {}
                } else {
                    let mut buf = [0u8; 8192];
                    loop {
                        match server.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(k) => {
                                if client.write_all(&buf[..k]).is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    let _ = client.shutdown(std::net::Shutdown::Both);
                }
                let _ = up.join();
            });
        }
    });
    url
}

#[test]
fn relay_through_an_rpc_that_drops_connections_loses_and_duplicates_nothing() {
    let s = setup("relay-flaky");
    send_messages(&s);
    // The relayer talks to both chains through misbehaving proxies.
    let dropped = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let relayer_cfg = {
        let text = std::fs::read_to_string(&s.cfg)
            .unwrap()
            .replace(&s.parent, &flaky_proxy(&s.parent, &dropped))
            .replace(&s.child, &flaky_proxy(&s.child, &dropped));
        let path = s.dir.join("flaky.toml");
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut relay = spawn_relay(&relayer_cfg, &s.env);
    let status = wait_relayed(&s);
    let _ = relay.kill();
    let _ = relay.wait();
    assert!(!status.contains(" failed "), "{status}");
    assert!(dropped.load(std::sync::atomic::Ordering::Relaxed) > 0, "the proxies dropped nothing");
    check_delivered_once(&s);
    let Setup { devnode, dir, .. } = s;
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
            "[chains.parent]\nrpc_url = 'http://127.0.0.1:1'\nchain_id = 1\n[[xdm]]\nparent = 'parent'\nchild = 'child'\nfraud_proof_window = 5\n",
            "no [chains.child]",
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
    let unreachable = "[chains.parent]\nrpc_url = 'http://127.0.0.1:1'\nchain_id = 1\n[chains.child]\nrpc_url = 'http://127.0.0.1:2'\nchain_id = 2\n[[xdm]]\nparent = 'parent'\nchild = 'child'\nfraud_proof_window = 5\n";
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
    // A keystore with the wrong password, and a key source naming two keys.
    cast_keystore(&dir, "deployer", DEV_KEY, "right horse");
    std::fs::write(dir.join("password"), "wrong horse").unwrap();
    let keystore = format!(
        "deployer_key = {{ keystore = 'deployer', password_file = 'password' }}\n{unreachable}"
    );
    let both = format!("deployer_key = {{ keystore = 'deployer', env = 'X' }}\n{unreachable}");
    for (i, (body, expected)) in
        [(keystore, "cannot decrypt"), (both, "either `env` or `keystore`")].iter().enumerate()
    {
        let path = dir.join(format!("keys{i}.toml"));
        std::fs::write(&path, body).unwrap();
        let out = crossnet(&["deploy", "--config", path.to_str().unwrap()], &[]);
        assert!(!out.status.success());
        let t = text(&out);
        assert!(t.contains(expected) && !t.contains("horse"), "{body}: {t}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
