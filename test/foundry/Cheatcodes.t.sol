// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IL2ToL1MessagePasser} from
    "@crossnet/contracts/cross-domain/l2-to-l1-message-passer/IL2ToL1MessagePasser.sol";

import {StylusTest} from "./utils/StylusTest.sol";

/// @notice A Solidity contract that records who called it.
contract Recorder {
    error Refused(address caller, uint256 code);

    event Called(address indexed caller, address indexed origin, uint256 value);

    address public lastCaller;
    address public lastOrigin;

    function record() external payable {
        lastCaller = msg.sender;
        lastOrigin = tx.origin;
        emit Called(msg.sender, tx.origin, msg.value);
    }

    function refuse(uint256 code) external view {
        revert Refused(msg.sender, code);
    }

    function refuseWithMessage() external pure {
        revert("refused");
    }

    function timeAndNumber() external view returns (uint256, uint256) {
        return (block.timestamp, block.number);
    }
}

/// @notice The cheatcodes the crossnet runner serves, exercised against Solidity and Stylus
///         contracts (forge semantics; the same file runs under arbos-forge).
contract CheatcodesTest is StylusTest {
    Recorder internal recorder;
    address internal alice = makeAddr("alice");

    function setUp() public {
        recorder = new Recorder();
    }

    function test_prank_setsSenderForNextCallOnly_succeeds() public {
        vm.prank(alice);
        recorder.record();
        assertEq(recorder.lastCaller(), alice);
        recorder.record();
        assertEq(recorder.lastCaller(), address(this));
    }

    function test_prank_withOrigin_succeeds() public {
        address origin = makeAddr("origin");
        vm.prank(alice, origin);
        recorder.record();
        assertEq(recorder.lastCaller(), alice);
        assertEq(recorder.lastOrigin(), origin);
        recorder.record();
        assertTrue(recorder.lastOrigin() != origin, "tx.origin restored");
    }

    function test_startPrank_untilStop_succeeds() public {
        vm.startPrank(alice);
        recorder.record();
        assertEq(recorder.lastCaller(), alice);
        recorder.record();
        assertEq(recorder.lastCaller(), alice);
        vm.stopPrank();
        recorder.record();
        assertEq(recorder.lastCaller(), address(this));
    }

    function test_deal_setsBalanceAndPaysPrankedValue_succeeds() public {
        vm.deal(alice, 5 ether);
        assertEq(alice.balance, 5 ether);
        vm.prank(alice);
        recorder.record{value: 2 ether}();
        assertEq(alice.balance, 3 ether);
        assertEq(address(recorder).balance, 2 ether);
    }

    function test_warpAndRoll_changeTheBlock_succeeds() public {
        vm.warp(1_000_000);
        vm.roll(777);
        assertEq(block.timestamp, 1_000_000);
        assertEq(block.number, 777);
        (uint256 time, uint256 number) = recorder.timeAndNumber();
        assertEq(time, 1_000_000);
        assertEq(number, 777);
        skip(10);
        assertEq(block.timestamp, 1_000_010);
    }

    function test_expectRevert_forms_succeeds() public {
        vm.expectRevert();
        recorder.refuse(1);
        // A bare selector matches only revert data that is exactly it (current forge); the
        // partial form compares the selector alone.
        vm.expectPartialRevert(Recorder.Refused.selector);
        recorder.refuse(2);
        vm.expectRevert(abi.encodeWithSelector(Recorder.Refused.selector, address(this), 3));
        recorder.refuse(3);
        vm.expectRevert("refused");
        recorder.refuseWithMessage();
        vm.expectRevert(bytes("refused"), address(recorder));
        recorder.refuseWithMessage();
        vm.expectPartialRevert(Recorder.Refused.selector, address(recorder));
        recorder.refuse(4);
        vm.expectRevert(address(recorder));
        recorder.refuse(5);
        vm.expectRevert(abi.encodeWithSelector(Recorder.Refused.selector, address(this), 7), 2);
        recorder.refuse(7);
        recorder.refuse(7);
    }

    function test_expectRevert_appliesThroughStylus_succeeds() public {
        IL2ToL1MessagePasser passer = IL2ToL1MessagePasser(deployProgram("l2-to-l1-message-passer"));
        // The passer has no fallback: an unknown selector reverts inside the Stylus program.
        vm.expectRevert(address(passer));
        (bool ok,) = address(passer).call(abi.encodeWithSignature("nope()"));
        assertTrue(ok, "expectRevert turns the expected revert into success");
    }

    function test_expectEmit_checksTopicsDataAndEmitter_succeeds() public {
        vm.expectEmit(true, true, false, true, address(recorder));
        emit Recorder.Called(address(this), tx.origin, 0);
        recorder.record();

        vm.expectEmit(address(recorder));
        emit Recorder.Called(address(this), tx.origin, 0);
        recorder.record();

        // Topic 2 (origin) unchecked.
        vm.expectEmit(true, false, false, true);
        emit Recorder.Called(address(this), address(0xdead), 0);
        recorder.record();
    }

    function test_recordLogs_returnsEmittedLogs_succeeds() public {
        vm.recordLogs();
        recorder.record();
        vm.prank(alice);
        recorder.record();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 2);
        assertEq(logs[0].emitter, address(recorder));
        assertEq(logs[0].topics[0], Recorder.Called.selector);
        assertEq(logs[1].topics[1], bytes32(uint256(uint160(alice))));
        assertEq(vm.getRecordedLogs().length, 0, "consumed");
    }

    function test_addrAndSign_recoverWithEcrecover_succeeds() public {
        uint256 key = 0xa11ce;
        address signer = vm.addr(key);
        bytes32 digest = keccak256("crossnet");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        assertEq(ecrecover(digest, v, r, s), signer);
        (bytes32 r2, bytes32 vs) = vm.signCompact(key, digest);
        assertEq(r2, r);
        assertEq(uint256(vs) & ((1 << 255) - 1), uint256(s));
        (address named, uint256 namedKey) = makeAddrAndKey("bob");
        assertEq(vm.addr(namedKey), named);
        assertEq(vm.getLabel(named), "bob");
    }

    function test_snapshotState_revertsStateAndBlock_succeeds() public {
        recorder.record();
        uint256 id = vm.snapshotState();
        vm.warp(12345);
        vm.prank(alice);
        recorder.record();
        vm.deal(alice, 1 ether);
        assertEq(recorder.lastCaller(), alice);
        assertTrue(vm.revertToState(id));
        assertEq(recorder.lastCaller(), address(this));
        assertEq(alice.balance, 0);
        assertTrue(block.timestamp != 12345);
    }

    function test_envOr_defaultsWhenUnset_succeeds() public view {
        assertEq(vm.envOr("CROSSNET_FOUNDRY_SURELY_UNSET", uint256(42)), 42);
        assertEq(vm.envOr("CROSSNET_FOUNDRY_SURELY_UNSET", string("fallback")), "fallback");
        assertEq(vm.envOr("CROSSNET_FOUNDRY_SURELY_UNSET", address(7)), address(7));
        assertTrue(vm.envOr("CROSSNET_FOUNDRY_SURELY_UNSET", true));
    }

    function test_storeAndLoad_succeeds() public {
        vm.store(address(recorder), bytes32(0), bytes32(uint256(uint160(alice))));
        assertEq(recorder.lastCaller(), alice);
        assertEq(vm.load(address(recorder), bytes32(0)), bytes32(uint256(uint160(alice))));
    }

    function test_getStylusCode_etchedProgramRuns_succeeds() public {
        bytes memory code = stylus.getStylusCode(artifact("l2-to-l1-message-passer"));
        assertEq(bytes4(code[0]) | (bytes4(code[1]) >> 8) | (bytes4(code[2]) >> 16), bytes4(0xeff00000));
        address program = makeAddr("etched passer");
        vm.etch(program, code);
        assertEq(program.code, code);
        IL2ToL1MessagePasser(program).passMessageToL1("etched");
        assertTrue(IL2ToL1MessagePasser(program).sentMessages(keccak256(abi.encodePacked(bytes("etched"), address(this)))));
    }

    function test_deployStylusCode_create2WithSalt_isDeterministic_succeeds() public {
        uint256 id = vm.snapshotState();
        address first = stylus.deployStylusCode(artifact("l2-to-l1-message-passer"), bytes32(uint256(1)));
        vm.revertToState(id);
        address again = stylus.deployStylusCode(artifact("l2-to-l1-message-passer"), bytes32(uint256(1)));
        address other = stylus.deployStylusCode(artifact("l2-to-l1-message-passer"), bytes32(uint256(2)));
        assertEq(first, again);
        assertTrue(other != first);
        assertEq(first.code, stylus.getStylusCode(artifact("l2-to-l1-message-passer")));
    }

    function test_deployStylusCode_missingArtifact_reverts() public {
        vm.expectRevert();
        this.deployMissing();
    }

    function deployMissing() external returns (address) {
        return stylus.deployStylusCode("target/wasm/no-such-program.wasm");
    }
}
