//! Shared helpers: servers on ephemeral loopback ports, the Stylus fixture, cast, raw HTTP.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use alloy::primitives::{Address, Bytes, B256};
use crossnet_devnode::rpc::{self, RpcOptions, ServerHandle};
use crossnet_devnode::Chain;
use serde_json::Value;

/// The dev key (Nitro devnode).
pub const DEV_KEY: &str = "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";

/// A fresh dev chain served on an ephemeral loopback port.
pub fn start() -> (Arc<Mutex<Chain>>, ServerHandle) {
    start_with(RpcOptions::default())
}

/// [`start`] with options.
pub fn start_with(options: RpcOptions) -> (Arc<Mutex<Chain>>, ServerHandle) {
    let chain = Arc::new(Mutex::new(Chain::dev()));
    let server = rpc::spawn_with(chain.clone(), "127.0.0.1:0".parse().unwrap(), options)
        .expect("bind an ephemeral loopback port");
    (chain, server)
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The counter fixture's deployable code (`EF F0 00 ...`).
pub fn counter_code() -> Vec<u8> {
    let path = crossnet_devnode::target_dir().join("wasm/devnode-stylus-counter.code");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nbuild the Stylus fixtures first: `bash script/build-wasm.sh`",
            path.display()
        )
    })
}

/// Init code deploying `code` with the cargo-stylus prelude.
pub fn init_code(code: &[u8]) -> Bytes {
    Bytes::from(crossnet_wasm::deploy_prelude(code))
}

/// Foundry's `cast`: the platform binary that `@foundry-rs/cast` installs under
/// `node_modules` (`@foundry-rs/cast-<os>-<arch>/bin/cast`), else the npm shim
/// `node_modules/.bin/cast`, else `$CROSSNET_CAST`.
pub fn cast_path() -> PathBuf {
    if let Some(path) = std::env::var_os("CROSSNET_CAST") {
        return PathBuf::from(path);
    }
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let modules = repo_root().join("node_modules");
    let native = modules.join(format!("@foundry-rs/cast-{os}-{arch}/bin/cast"));
    if native.is_file() {
        return native;
    }
    let shim = modules.join(".bin/cast");
    if shim.is_file() {
        return shim;
    }
    panic!(
        "Foundry's cast is not installed (looked for {} and {}).\n\
         Run `bash script/setup.sh` (npm ci installs @foundry-rs/cast from package-lock.json).",
        native.display(),
        shim.display()
    );
}

/// Output of a cast run.
pub struct CastOutput {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cast args... --rpc-url url` (the URL through `ETH_RPC_URL`).
pub fn cast_run(url: &str, args: &[&str]) -> CastOutput {
    let output = Command::new(cast_path())
        .args(args)
        .env("ETH_RPC_URL", url)
        .env("FOUNDRY_DISABLE_NIGHTLY_WARNING", "1")
        .env("NO_COLOR", "1")
        .output()
        .expect("run cast");
    CastOutput {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
    }
}

/// [`cast_run`], which must succeed; returns stdout.
pub fn cast(url: &str, args: &[&str]) -> String {
    let out = cast_run(url, args);
    assert!(out.ok, "cast {args:?} failed:\n{}\n{}", out.stdout, out.stderr);
    out.stdout
}

/// [`cast`] with `--json`, parsed.
pub fn cast_json(url: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = cast(url, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("cast {args:?}: not JSON ({e}): {out}"))
}

/// POSTs `body` and returns (status, body).
pub async fn post(url: &str, body: impl Into<Vec<u8>>) -> (u16, String) {
    let client = alloy::transports::http::reqwest::Client::new();
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .body(body.into())
        .send()
        .await
        .expect("POST");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// A JSON-RPC call over raw HTTP: the whole response object.
pub async fn rpc_call(url: &str, method: &str, params: Value) -> Value {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let (_, text) = post(url, body.to_string()).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method}: not JSON ({e}): {text}"))
}

/// The code hash of an account's code.
pub fn codehash(code: &[u8]) -> B256 {
    alloy::primitives::keccak256(code)
}

/// Parses an address from cast's JSON.
pub fn json_address(v: &Value) -> Address {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("not an address: {v}"))
}
