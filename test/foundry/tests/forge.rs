//! The Foundry-compatible suite (`test/foundry/*.t.sol`) on the devnode, and how the runner
//! reports failures: a project with deliberately failing tests (assertions, unmet expectations,
//! unsupported cheatcodes, `testFail`) must fail with forge's reasons.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use crossnet_foundry::{run, Options, Status, Summary};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn status<'a>(summary: &'a Summary, contract: &str, test: &str) -> &'a Status {
    &summary
        .test(contract, test)
        .unwrap_or_else(|| panic!("{contract}.{test} did not run: {summary:#?}"))
        .status
}

#[test]
fn foundry_suite_passes_on_devnode_succeeds() {
    let root = workspace_root();
    assert!(
        root.join("target/wasm/l1-cross-domain-messenger.wasm").is_file(),
        "the tests deploy target/wasm/<name>.wasm: build the programs first (bash script/build-wasm.sh)"
    );
    let summary = run(&Options { root, ..Options::default() }).expect("forge build and run");
    let failures: Vec<String> = summary
        .suites
        .iter()
        .flat_map(|s| s.tests.iter().map(move |t| (s, t)))
        .filter(|(_, t)| t.status != Status::Pass)
        .map(|(s, t)| format!("{}::{} {:?}", s.id, t.name, t.status))
        .collect();
    assert!(failures.is_empty(), "failing tests: {failures:#?}");
    assert!(summary.success());
    // Both systems, the interop dApp and the cheatcodes are covered.
    for (contract, test) in [
        ("L1CrossDomainMessengerTest", "test_relayMessage_withProofAfterWindow_succeeds"),
        ("L1CrossDomainMessengerTest", "test_relayMessage_insideFraudProofWindow_reverts"),
        ("L2CrossDomainMessengerTest", "test_relayMessage_replay_reverts"),
        ("EvmStylusInteropTest", "test_stylusGreeterToSolidityDapp_succeeds"),
        ("EvmStylusInteropTest", "test_solidityDappToStylusGreeter_withProof_succeeds"),
        ("GatewayTest", "test_release_relayedUp_paysOnRoot_succeeds"),
        ("GatewayEvmDappsTest", "test_solidityCall_executedAndAnsweredOk_succeeds"),
        ("LinkedTokenTest", "test_depositAndWithdrawal_conserveSupply_succeeds"),
        ("CheatcodesTest", "test_expectRevert_forms_succeeds"),
    ] {
        assert_eq!(status(&summary, contract, test), &Status::Pass);
    }
    assert!(summary.passed >= 60, "{} tests passed", summary.passed);
    // Gas is reported for every test.
    assert!(summary.suites.iter().flat_map(|s| &s.tests).all(|t| t.gas > 0));
}

/// Tests that must fail, each for a known reason.
const FAILING: &str = r#"// SPDX-License-Identifier: MIT
pragma solidity ^0.8.23;

import {Test, console} from "forge-std/Test.sol";

contract Target {
    error Custom(uint256 code);

    event Ping(uint256 n);

    function nothing() external {}

    function custom() external pure {
        revert Custom(7);
    }

    function ping(uint256 n) external {
        emit Ping(n);
    }
}

contract FailingTest is Test {
    event Ping(uint256 n);

    Target internal target;

    function setUp() public {
        target = new Target();
    }

    function test_passes() public {
        target.nothing();
    }

    function test_unsupportedCheatcode() public {
        vm.ffi(new string[](0));
    }

    function test_unsupportedCheatcodeCaught() public {
        try vm.ffi(new string[](0)) {} catch {}
    }

    function test_unknownSelector() public {
        (bool ok,) = address(vm).call(abi.encodeWithSignature("noSuchCheatcode(uint256)", 1));
        ok;
    }

    function test_assertion() public {
        console.log("about to fail", uint256(1));
        assertEq(uint256(1), 2, "one is two");
    }

    function test_customError() public view {
        target.custom();
    }

    function test_expectRevertUnmet() public {
        vm.expectRevert();
        target.nothing();
    }

    function test_expectRevertPending() public {
        vm.expectRevert();
    }

    function test_expectEmitUnmet() public {
        vm.expectEmit();
        emit Ping(1);
        target.ping(2);
    }

    function test_failSlot() public {
        fail();
    }

    function testFail_legacy() public pure {
        revert();
    }

    function test_skipped() public {
        vm.skip(true);
    }

    function test_fuzzed(uint256 x) public pure {
        x;
    }
}
"#;

/// A throwaway Foundry project (under `target/`) holding [`FAILING`], compiled with the
/// workspace's forge-std and solc shim.
fn failing_project() -> PathBuf {
    let workspace = workspace_root();
    let root = crossnet_devnode::target_dir().join("foundry/fixtures/failing");
    std::fs::create_dir_all(root.join("test")).unwrap();
    let forge_std = workspace.join("node_modules/@layerzerolabs/toolbox-foundry/lib/forge-std");
    let config = format!(
        r#"[profile.default]
src = "test"
test = "test"
out = "out"
cache_path = "cache"
libs = []
remappings = ["forge-std/={}/"]
auto_detect_remappings = false
solc = "{}"
auto_detect_solc = false
offline = true
optimizer = false
evm_version = "cancun"

[lint]
lint_on_build = false
"#,
        forge_std.display(),
        workspace.join("test/foundry/solc-shim.sh").display()
    );
    std::fs::write(root.join("foundry.toml"), config).unwrap();
    std::fs::write(root.join("test/Failing.t.sol"), FAILING).unwrap();
    root
}

fn fail_reason(summary: &Summary, test: &str) -> String {
    match status(summary, "FailingTest", test) {
        Status::Fail(reason) => reason.clone(),
        other => panic!("{test} should fail, got {other:?}"),
    }
}

#[test]
fn failing_tests_and_unsupported_cheatcodes_are_reported_reverts() {
    let root = failing_project();
    let summary = run(&Options { root: root.clone(), ..Options::default() }).expect("run");
    assert!(!summary.success());
    assert_eq!(status(&summary, "FailingTest", "test_passes"), &Status::Pass);

    let ffi = fail_reason(&summary, "test_unsupportedCheatcode");
    assert!(ffi.contains("unsupported cheatcode") && ffi.contains("vm.ffi(string[])"), "{ffi}");
    // Caught reverts do not hide an unsupported cheatcode.
    assert_eq!(fail_reason(&summary, "test_unsupportedCheatcodeCaught"), ffi);
    let unknown = fail_reason(&summary, "test_unknownSelector");
    let selector = alloy_json_abi::Function::parse("noSuchCheatcode(uint256)").unwrap().selector();
    assert!(
        unknown.contains(&format!("0x{}", alloy_primitives::hex::encode(selector))),
        "{unknown}"
    );

    assert_eq!(fail_reason(&summary, "test_assertion"), "one is two: 1 != 2");
    let logs = &summary.test("FailingTest", "test_assertion").unwrap().logs;
    assert_eq!(logs, &vec!["about to fail 1".to_string()]);
    assert_eq!(fail_reason(&summary, "test_customError"), "Custom(7)");
    assert_eq!(fail_reason(&summary, "test_expectRevertUnmet"), "call did not revert as expected");
    assert_eq!(
        fail_reason(&summary, "test_expectRevertPending"),
        "next call did not revert as expected"
    );
    assert_eq!(fail_reason(&summary, "test_expectEmitUnmet"), "log != expected log");
    assert_eq!(fail_reason(&summary, "test_failSlot"), "");
    assert!(fail_reason(&summary, "testFail_legacy").contains("`testFail*` has been removed"));
    assert!(matches!(status(&summary, "FailingTest", "test_skipped"), Status::Skip(_)));
    assert!(matches!(status(&summary, "FailingTest", "test_fuzzed(uint256)"), Status::Skip(_)));
    assert_eq!(summary.passed, 1);
    assert_eq!(summary.failed, 10);
    assert_eq!(summary.skipped, 2);

    // The binary prints forge's report and exits with a failure.
    let output = Command::new(env!("CARGO_BIN_EXE_crossnet-forge-test"))
        .args(["--root", root.to_str().unwrap(), "--match-test", "test_(passes|assertion)$"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[PASS] test_passes() (gas: "), "{stdout}");
    assert!(stdout.contains("[FAIL: one is two: 1 != 2] test_assertion() (gas: "), "{stdout}");
    assert!(stdout.contains("1 tests passed, 1 failed, 0 skipped (2 total tests)"), "{stdout}");
}

#[test]
fn supported_cheatcodes_are_listed_succeeds() {
    let all = crossnet_foundry::supported_cheatcodes();
    for signature in [
        "prank(address)",
        "startPrank(address)",
        "stopPrank()",
        "deal(address,uint256)",
        "warp(uint256)",
        "roll(uint256)",
        "expectRevert(bytes4)",
        "expectEmit(bool,bool,bool,bool,address)",
        "recordLogs()",
        "getRecordedLogs()",
        "addr(uint256)",
        "sign(uint256,bytes32)",
        "label(address,string)",
        "snapshot()",
        "revertTo(uint256)",
        "envOr(string,uint256)",
        "deployStylusCode(string,bytes,uint256,bytes32)",
        "getStylusCode(string)",
        "assertEq(uint256,uint256,string)",
    ] {
        assert!(all.iter().any(|s| s == signature), "{signature} missing");
    }
}
