// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IL2CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l2-cross-domain-messenger/IL2CrossDomainMessenger.sol";
import {IL1CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l1-cross-domain-messenger/IL1CrossDomainMessenger.sol";
import {ICrossDomainGreeter} from "@crossnet/examples/xdomain-receiver/ICrossDomainGreeter.sol";

import {CrossDomainFixture, Xdm} from "./utils/CrossDomainFixture.sol";

/// @notice The messenger interface a Solidity dApp needs (both messengers have it).
interface ICrossDomainMessenger {
    function sendMessage(address target, bytes calldata message, uint32 gasLimit) external;
    function xDomainMessageSender() external view returns (address);
}

/// @notice A Solidity dApp on the child chain that talks to a counterpart on the parent through
///         the Stylus child messenger: it accepts `setGreeting` only from the messenger, during a
///         relay of a message its counterpart sent (the OVM receiver pattern).
contract SolidityGreeter {
    error NotMessenger(address caller);
    error WrongCounterpart(address sender);
    error Closed();

    event GreetingReceived(address indexed from, string greeting, uint256 count);

    ICrossDomainMessenger public immutable messenger;
    address public counterpart;
    string public greeting;
    uint256 public received;
    bool public closed;

    constructor(ICrossDomainMessenger messenger_) {
        messenger = messenger_;
    }

    function setCounterpart(address counterpart_) external {
        counterpart = counterpart_;
    }

    function setClosed(bool closed_) external {
        closed = closed_;
    }

    /// @notice Sends `text` to the counterpart's `setGreeting`.
    function sendGreeting(string calldata text) external {
        messenger.sendMessage(counterpart, abi.encodeCall(ICrossDomainGreeter.setGreeting, (text)), 500_000);
    }

    /// @notice Receives a greeting relayed by the messenger.
    function setGreeting(string calldata text) external {
        if (msg.sender != address(messenger)) revert NotMessenger(msg.sender);
        // A call back into the Stylus messenger in the middle of its relay.
        address sender = messenger.xDomainMessageSender();
        if (sender != counterpart) revert WrongCounterpart(sender);
        if (closed) revert Closed();
        greeting = text;
        received++;
        emit GreetingReceived(sender, text, received);
    }
}

/// @notice EVM <-> Stylus: a Solidity dApp exchanges messages with the Stylus greeter through the
///         Stylus messengers, in both directions, with the relay proofs built in the test.
contract EvmStylusInteropTest is CrossDomainFixture {
    SolidityGreeter internal dapp;

    function setUp() public {
        deploySystem1(true);
        dapp = new SolidityGreeter(ICrossDomainMessenger(address(l2Messenger)));
        dapp.setCounterpart(address(parentGreeter));
        vm.prank(owner);
        parentGreeter.setRemote(address(dapp));
    }

    /// The parent greeter's message to the dApp, delivered by the sequencer from the queue.
    function parentToDapp(string memory text) internal returns (Xdm memory m) {
        vm.recordLogs();
        vm.prank(user);
        parentGreeter.sendGreeting(text, 500_000);
        m = sentMessage(vm.getRecordedLogs(), address(l1Messenger));
        assertEq(m.target, address(dapp));
        assertEq(m.sender, address(parentGreeter));
    }

    function test_stylusGreeterToSolidityDapp_succeeds() public {
        Xdm memory m = parentToDapp("hello from Stylus");
        vm.expectEmit(address(dapp));
        emit SolidityGreeter.GreetingReceived(address(parentGreeter), "hello from Stylus", 1);
        vm.expectEmit(address(l2Messenger));
        emit IL2CrossDomainMessenger.RelayedMessage(xdmHash(m));
        vm.prank(sequencer);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
        assertEq(dapp.greeting(), "hello from Stylus");
        assertEq(dapp.received(), 1);
        // xDomainMessageSender is reset after the relay.
        vm.expectRevert(IL2CrossDomainMessenger.XDomainMessageSenderNotSet.selector);
        l2Messenger.xDomainMessageSender();
    }

    function test_solidityDappToStylusGreeter_withProof_succeeds() public {
        vm.recordLogs();
        vm.prank(user);
        dapp.sendGreeting("hello from Solidity");
        Xdm memory m = sentMessage(vm.getRecordedLogs(), address(l2Messenger));
        assertEq(m.sender, address(dapp));
        assertEq(m.target, address(parentGreeter));

        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.expectEmit(address(parentGreeter));
        emit ICrossDomainGreeter.GreetingReceived(address(dapp), "hello from Solidity", 1);
        relayToParent(stranger, m, proof);
        assertEq(parentGreeter.greeting(), "hello from Solidity");
    }

    function test_solidityDapp_otherSenderRecordedAsFailed_succeeds() public {
        // A user (not the parent greeter) messages the dApp directly: the message is authentic,
        // but the dApp's counterpart check refuses it and the messenger records the failure.
        vm.recordLogs();
        vm.prank(user);
        l1Messenger.sendMessage(address(dapp), abi.encodeCall(SolidityGreeter.setGreeting, ("spoofed")), 500_000);
        Xdm memory m = sentMessage(vm.getRecordedLogs(), address(l1Messenger));
        vm.expectEmit(address(l2Messenger));
        emit IL2CrossDomainMessenger.FailedRelayedMessage(xdmHash(m));
        vm.prank(sequencer);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
        assertEq(dapp.greeting(), "");
        assertTrue(l2Messenger.failedMessages(xdmHash(m)));
    }

    function test_solidityDapp_direct_call_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(SolidityGreeter.NotMessenger.selector, user), address(dapp));
        vm.prank(user);
        dapp.setGreeting("not relayed");
    }

    function test_revertingSolidityReceiver_retried_succeeds() public {
        dapp.setClosed(true);
        Xdm memory m = parentToDapp("later");
        vm.prank(sequencer);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
        assertTrue(l2Messenger.failedMessages(xdmHash(m)));
        dapp.setClosed(false);
        vm.prank(stranger);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
        assertEq(dapp.greeting(), "later");
        assertTrue(l2Messenger.successfulMessages(xdmHash(m)));
    }

    function test_stylusReceiver_rejectsSolidityImpostor_succeeds() public {
        // The parent greeter trusts only the dApp: a message from another Solidity contract
        // through the same messenger is refused by the Stylus program's check.
        SolidityGreeter impostor = new SolidityGreeter(ICrossDomainMessenger(address(l2Messenger)));
        impostor.setCounterpart(address(parentGreeter));
        vm.recordLogs();
        impostor.sendGreeting("impostor");
        Xdm memory m = sentMessage(vm.getRecordedLogs(), address(l2Messenger));
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.recordLogs();
        relayToParent(stranger, m, proof);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(countLogs(logs, address(l1Messenger), IL1CrossDomainMessenger.FailedRelayedMessage.selector), 1);
        assertEq(parentGreeter.greeting(), "");
    }
}
