//! Shared by the process tests: `crossnet devnode` started as a process, and raw JSON-RPC.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

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
