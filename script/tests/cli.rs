//! `crossnet devnode` as a process: banner, several chains, a clean stop on SIGINT, and state
//! that survives a restart (`--state`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{rpc, Devnode};
use serde_json::json;

#[test]
fn devnode_serves_several_chains_and_stops_on_sigint() {
    let node = Devnode::start(&["--chain-id", "412346", "--chain-id", "412347"]);
    for needle in [
        "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E",
        "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659",
        "0x4e59b44847b379578588920cA78FbF26c0B4956C",
        "0xcEcba2F1DC234f70Dd89F2041029807F8D03A990",
        "0x2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f",
    ] {
        assert!(node.banner.contains(needle), "banner lacks {needle}:\n{}", node.banner);
    }
    assert_eq!(node.urls.len(), 2);
    for (id, url) in &node.urls {
        assert_eq!(rpc(url, "eth_chainId", json!([])), json!(format!("{id:#x}")));
        assert_eq!(rpc(url, "net_version", json!([])), json!(id.to_string()));
    }
    // The chains are independent.
    let (a, b) = (&node.urls[0].1, &node.urls[1].1);
    let to = "0x000000000000000000000000000000000000dEaD";
    let tx =
        json!([{"from": "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E", "to": to, "value": "0x7"}]);
    rpc(a, "eth_sendTransaction", tx);
    assert_eq!(rpc(a, "eth_getBalance", json!([to, "latest"])), json!("0x7"));
    assert_eq!(rpc(b, "eth_getBalance", json!([to, "latest"])), json!("0x0"));
    node.interrupt();
}

#[test]
fn devnode_state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("crossnet-cli-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let state = dir.join("devnode.json");
    let state_s = state.to_str().expect("utf-8 path");
    let to = "0x000000000000000000000000000000000000bEEF";

    let node = Devnode::start(&["--state", state_s]);
    let url = node.urls[0].1.clone();
    let tx =
        json!([{"from": "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E", "to": to, "value": "0x2a"}]);
    let hash = rpc(&url, "eth_sendTransaction", tx);
    rpc(&url, "anvil_setStorageAt", json!([to, "0x1", "0x5"]));
    rpc(&url, "evm_mine", json!([]));
    let block = rpc(&url, "eth_getBlockByNumber", json!(["latest", false]));
    node.interrupt();
    assert!(state.is_file(), "state file written on SIGINT");

    let node = Devnode::start(&["--state", state_s]);
    assert!(node.banner.contains("State loaded from"), "{}", node.banner);
    let url = node.urls[0].1.clone();
    assert_eq!(rpc(&url, "eth_getBlockByNumber", json!(["latest", false])), block);
    assert_eq!(rpc(&url, "eth_getBalance", json!([to, "latest"])), json!("0x2a"));
    assert_eq!(
        rpc(&url, "eth_getStorageAt", json!([to, "0x1", "latest"])),
        json!(format!("0x{:0>64}", "5"))
    );
    let receipt = rpc(&url, "eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(
        rpc(
            &url,
            "eth_getTransactionCount",
            json!(["0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E", "pending"])
        ),
        json!("0x1")
    );
    // The chain goes on from where it stopped.
    let tx =
        json!([{"from": "0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E", "to": to, "value": "0x1"}]);
    rpc(&url, "eth_sendTransaction", tx);
    assert_eq!(rpc(&url, "eth_getBalance", json!([to, "latest"])), json!("0x2b"));
    node.interrupt();
    let _ = std::fs::remove_dir_all(&dir);
}
