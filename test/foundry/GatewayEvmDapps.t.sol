// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IGateway} from "@crossnet/contracts/ipc/gateway/IGateway.sol";
import {IGatewayExecutor} from "@crossnet/contracts/ipc/gateway-executor/IGatewayExecutor.sol";

import {IpcFixture} from "./utils/IpcFixture.sol";

/// @notice `IpcEnvelope.message` of a Call.
struct CallMsg {
    bytes method;
    bytes params;
}

/// @notice `IpcEnvelope.message` of a Result.
struct ResultMsg {
    bytes32 id;
    uint8 outcome;
    bytes ret;
}

/// @notice A Solidity dApp on the root that calls a peer in the child through the Stylus
///         gateway and takes the Result back at its IPC entrypoint.
contract SolidityIpcSender {
    IGateway public immutable gateway;
    IGateway.SubnetID internal peerSubnet;
    IGateway.FvmAddress internal peer;

    mapping(bytes32 => bool) public inflight;
    bytes32 public lastResultFor;
    uint8 public lastOutcome;
    bytes public lastRet;
    uint256 public refunded;

    constructor(IGateway gateway_) {
        gateway = gateway_;
    }

    function setPeer(IGateway.SubnetID calldata subnet, IGateway.FvmAddress calldata account) external {
        peerSubnet = subnet;
        peer = account;
    }

    /// @notice Sends `greet(text)` to the peer with `msg.value`; returns the tracing id.
    function greet(string calldata text) external payable returns (bytes32 id) {
        IGateway.IpcEnvelope memory e;
        e.kind = 1;
        e.value = msg.value;
        e.to = IGateway.IPCAddress(peerSubnet, peer);
        e.message = abi.encode(CallMsg(abi.encodePacked(SolidityIpcReceiver.greet.selector), abi.encode(text)));
        IGateway.IpcEnvelope memory sent = gateway.sendContractXnetMessage{value: msg.value}(e);
        id = keccak256(abi.encode(sent.kind, sent.to, sent.from, sent.value, sent.message, sent.originalNonce));
        inflight[id] = true;
    }

    /// @notice The IPC entrypoint: the gateway delivers Results here.
    function handleIpcMessage(IGateway.IpcEnvelope calldata e) external payable returns (bytes memory) {
        require(msg.sender == address(gateway), "not the gateway");
        require(e.kind == 2, "only Results");
        ResultMsg memory r = abi.decode(e.message, (ResultMsg));
        require(inflight[r.id], "unknown message");
        delete inflight[r.id];
        (lastResultFor, lastOutcome, lastRet) = (r.id, r.outcome, r.ret);
        refunded += msg.value;
        return "";
    }
}

/// @notice A Solidity dApp in the child that the Stylus gateway executes Calls on.
contract SolidityIpcReceiver {
    address public immutable gateway;
    string public lastGreeting;
    uint256 public received;

    constructor(address gateway_) {
        gateway = gateway_;
    }

    function greet(string calldata) external pure {}

    function handleIpcMessage(IGateway.IpcEnvelope calldata e) external payable returns (bytes memory) {
        require(msg.sender == gateway, "not the gateway");
        CallMsg memory call = abi.decode(e.message, (CallMsg));
        require(bytes4(call.method) == this.greet.selector, "unknown method");
        string memory text = abi.decode(call.params, (string));
        require(bytes(text).length > 0, "empty greeting");
        lastGreeting = text;
        received += msg.value;
        return abi.encode(bytes(text).length);
    }
}

/// @notice EVM dApps on both ends of the Stylus gateways: a Call down, executed at a Solidity
///         receiver, answered with a Result up to the Solidity sender (Ok, or ActorErr with the
///         value refunded).
contract GatewayEvmDappsTest is IpcFixture {
    SolidityIpcSender internal sender;
    SolidityIpcReceiver internal receiver;

    function setUp() public {
        deploySystem2();
        sender = new SolidityIpcSender(rootGateway);
        receiver = new SolidityIpcReceiver(address(childGateway));
        sender.setPeer(childId(), fvm(address(receiver)));
        vm.deal(address(this), 100 ether);
    }

    /// Sends a greeting with `value`; returns its id and the queued Call.
    function send(string memory text, uint256 value) internal returns (bytes32 id, IGateway.IpcEnvelope[] memory calls) {
        vm.recordLogs();
        id = sender.greet{value: value}(text);
        calls = topDown(vm.getRecordedLogs());
        assertEq(calls.length, 1);
        assertEq(calls[0].kind, KIND_CALL);
        assertEq(tracingId(calls[0]), id);
        assertEq(calls[0].from.rawAddress.payload, fvm(address(sender)).payload, "the gateway names the sender");
    }

    /// Relays `calls` down; returns the Results queued in the child.
    function down(IGateway.IpcEnvelope[] memory calls) internal returns (IGateway.IpcEnvelope[] memory results) {
        vm.recordLogs();
        relayDown(calls);
        results = bottomUp(vm.getRecordedLogs());
        assertEq(results.length, 1);
        assertEq(results[0].kind, KIND_RESULT);
    }

    /// Sends and relays down.
    function greetDown(string memory text, uint256 value)
        internal
        returns (bytes32 id, IGateway.IpcEnvelope[] memory results)
    {
        IGateway.IpcEnvelope[] memory calls;
        (id, calls) = send(text, value);
        results = down(calls);
    }

    function test_solidityCall_executedAndAnsweredOk_succeeds() public {
        (bytes32 id, IGateway.IpcEnvelope[] memory calls) = send("hello", 5);
        // The Result carries the receiver's raw return data: `handleIpcMessage` returns
        // `bytes`, so that is the ABI encoding of the `bytes` it returned.
        bytes memory ret = abi.encode(abi.encode(uint256(5)));
        vm.expectEmit(address(childGateway));
        emit IGatewayExecutor.MessageExecuted(id, OUTCOME_OK, ret);
        IGateway.IpcEnvelope[] memory results = down(calls);
        assertEq(receiver.lastGreeting(), "hello");
        assertEq(receiver.received(), 5);
        assertEq(address(receiver).balance, 5);
        assertTrue(sender.inflight(id));

        relayUp(results);
        assertFalse(sender.inflight(id));
        assertEq(sender.lastResultFor(), id);
        assertEq(sender.lastOutcome(), OUTCOME_OK);
        assertEq(sender.lastRet(), ret);
        assertEq(sender.refunded(), 0);
    }

    function test_solidityCall_revertingReceiver_actorErrRefunds_succeeds() public {
        (bytes32 id, IGateway.IpcEnvelope[] memory results) = greetDown("", 7);
        assertEq(receiver.received(), 0);
        assertEq(results[0].value, 7, "the Result carries the refund");
        ResultMsg memory answer = abi.decode(results[0].message, (ResultMsg));
        assertEq(answer.id, id);
        assertEq(answer.outcome, OUTCOME_ACTOR_ERR);
        assertEq(answer.ret, abi.encodeWithSignature("Error(string)", "empty greeting"));

        relayUp(results);
        assertEq(sender.lastOutcome(), OUTCOME_ACTOR_ERR);
        assertEq(sender.refunded(), 7);
        assertEq(address(sender).balance, 7);
    }

    function test_sendContractXnetMessage_fromEoaOrWithWrongValue_reverts() public {
        IGateway.IpcEnvelope memory e;
        e.kind = KIND_CALL;
        e.to = IGateway.IPCAddress(childId(), fvm(address(receiver)));
        // InvalidXnetMessage(Sender): only contracts send Calls.
        vm.expectRevert(abi.encodeWithSelector(IGateway.InvalidXnetMessage.selector, 0));
        vm.prank(makeAddr("an EOA"));
        rootGateway.sendContractXnetMessage(e);
        // InvalidXnetMessage(Value): the envelope's value must be the value sent.
        e.value = 1;
        vm.expectRevert(abi.encodeWithSelector(IGateway.InvalidXnetMessage.selector, 3));
        rootGateway.sendContractXnetMessage(e);
    }
}
