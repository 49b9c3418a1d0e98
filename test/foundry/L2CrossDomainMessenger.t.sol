// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IL2ToL1MessagePasser} from
    "@crossnet/contracts/cross-domain/l2-to-l1-message-passer/IL2ToL1MessagePasser.sol";
import {IL2CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l2-cross-domain-messenger/IL2CrossDomainMessenger.sol";
import {IL1CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l1-cross-domain-messenger/IL1CrossDomainMessenger.sol";
import {ICanonicalTransactionChain} from
    "@crossnet/contracts/cross-domain/canonical-transaction-chain/ICanonicalTransactionChain.sol";
import {ICrossDomainGreeter} from "@crossnet/examples/xdomain-receiver/ICrossDomainGreeter.sol";

import {CrossDomainFixture, Xdm} from "./utils/CrossDomainFixture.sol";

/// @notice The child messenger: sends pass through the passer; parent-to-child messages are
///         enqueued on the parent's queue and relayed by the configured origin (the sequencer),
///         once; failed deliveries are recorded and retried by anyone; the sender whitelist.
contract L2CrossDomainMessengerTest is CrossDomainFixture {
    uint160 internal constant ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);

    function setUp() public {
        deploySystem1(true);
    }

    function test_sendMessage_passesMessageToPasser_succeeds() public {
        bytes memory payload = abi.encodeCall(ICrossDomainGreeter.setGreeting, ("direct"));
        uint256 nonce = l2Messenger.messageNonce();
        Xdm memory m = Xdm(address(parentGreeter), user, payload, nonce);
        bytes memory encoded = encodeXdm(m);
        bytes32 key = keccak256(abi.encodePacked(encoded, address(l2Messenger)));

        // The messenger records the message, then the passer stores its key: events in that order.
        vm.expectEmit(address(l2Messenger));
        emit IL2CrossDomainMessenger.SentMessage(address(parentGreeter), user, payload, nonce, 1_000_000);
        vm.expectEmit(address(passer));
        emit IL2ToL1MessagePasser.MessagePassed(address(l2Messenger), key, encoded);
        vm.prank(user);
        l2Messenger.sendMessage(address(parentGreeter), payload, 1_000_000);

        assertTrue(passer.sentMessages(key));
        assertTrue(l2Messenger.sentMessages(xdmHash(m)));
        assertEq(l2Messenger.messageNonce(), nonce + 1);
        assertEq(vm.load(address(passer), passerSlot(m)), bytes32(uint256(1)));
    }

    function test_sendMessage_fromGreeter_succeeds() public {
        Xdm memory m = greetParent("via the greeter");
        assertEq(m.sender, address(childGreeter));
        assertEq(m.message, abi.encodeCall(ICrossDomainGreeter.setGreeting, ("via the greeter")));
        assertTrue(passer.sentMessages(keccak256(abi.encodePacked(encodeXdm(m), address(l2Messenger)))));
    }

    function test_sendMessage_unlistedSender_reverts() public {
        vm.prank(owner);
        l2Messenger.setAllowAllSenders(false);
        assertFalse(l2Messenger.isSenderAllowed(user));
        vm.expectRevert(abi.encodeWithSelector(IL2CrossDomainMessenger.SenderNotWhitelisted.selector, user));
        vm.prank(user);
        l2Messenger.sendMessage(address(parentGreeter), "", 1_000_000);

        vm.expectEmit(address(l2Messenger));
        emit IL2CrossDomainMessenger.WhitelistUpdated(user, true);
        vm.prank(owner);
        l2Messenger.setWhitelistedSender(user, true);
        vm.prank(user);
        l2Messenger.sendMessage(address(parentGreeter), "", 1_000_000);
        assertEq(l2Messenger.messageNonce(), 1);
    }

    function test_setWhitelistedSender_byStranger_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IL2CrossDomainMessenger.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        l2Messenger.setWhitelistedSender(stranger, true);
    }

    function test_initialize_twice_reverts() public {
        vm.expectRevert(IL2CrossDomainMessenger.AlreadyInitialized.selector);
        vm.prank(owner);
        l2Messenger.initialize(address(l1Messenger), address(passer), sequencer, true);
    }

    /// The parent greeter sends; returns the message and the queue entry's data.
    function greetChild(string memory text) internal returns (Xdm memory m, bytes memory queued) {
        vm.recordLogs();
        vm.prank(user);
        parentGreeter.sendGreeting(text, 500_000);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        m = sentMessage(logs, address(l1Messenger));
        Vm.Log memory entry = findLog(logs, address(ctc), ICanonicalTransactionChain.TransactionEnqueued.selector);
        assertEq(address(uint160(uint256(entry.topics[1]))), address(uint160(address(l1Messenger)) + ALIAS_OFFSET));
        assertEq(address(uint160(uint256(entry.topics[2]))), address(l2Messenger));
        (, queued,) = abi.decode(entry.data, (uint256, bytes, uint256));
    }

    /// The sequencer (or `from`) submits the queue entry to the child messenger.
    function deliver(address from, bytes memory queued) internal returns (bool ok, bytes memory ret) {
        vm.prank(from);
        (ok, ret) = address(l2Messenger).call(queued);
    }

    function test_relayMessage_queueEntryFromSequencer_succeeds() public {
        (Xdm memory m, bytes memory queued) = greetChild("hello child");
        assertEq(queued, encodeXdm(m));
        assertEq(ctc.getQueueLength(), 1);

        vm.expectEmit(address(l2Messenger));
        emit IL2CrossDomainMessenger.RelayedMessage(xdmHash(m));
        (bool ok,) = deliver(sequencer, queued);
        assertTrue(ok);
        assertEq(childGreeter.greeting(), "hello child");
        assertTrue(l2Messenger.successfulMessages(xdmHash(m)));
    }

    function test_relayMessage_fromStranger_reverts() public {
        (Xdm memory m,) = greetChild("spoof");
        vm.expectRevert(abi.encodeWithSelector(IL2CrossDomainMessenger.MessageCannotBeReplayed.selector, xdmHash(m)));
        vm.prank(stranger);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
    }

    function test_relayMessage_replay_reverts() public {
        (Xdm memory m, bytes memory queued) = greetChild("once");
        deliver(sequencer, queued);
        vm.expectRevert(abi.encodeWithSelector(IL2CrossDomainMessenger.MessageAlreadyRelayed.selector, xdmHash(m)));
        vm.prank(sequencer);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
    }

    function test_relayMessage_failingTargetRecordedAndRetriedByStranger_succeeds() public {
        vm.prank(owner);
        childGreeter.setLocked(true);
        (Xdm memory m, bytes memory queued) = greetChild("retry me");
        vm.expectEmit(address(l2Messenger));
        emit IL2CrossDomainMessenger.FailedRelayedMessage(xdmHash(m));
        (bool ok,) = deliver(sequencer, queued);
        assertTrue(ok, "a failed delivery is recorded, not reverted");
        assertTrue(l2Messenger.failedMessages(xdmHash(m)));
        assertEq(childGreeter.greeting(), "");

        vm.prank(owner);
        childGreeter.setLocked(false);
        vm.prank(stranger);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
        assertEq(childGreeter.greeting(), "retry me");
        assertTrue(l2Messenger.successfulMessages(xdmHash(m)));
        assertFalse(l2Messenger.failedMessages(xdmHash(m)));
    }

    function test_relayMessage_toPasser_reverts() public {
        Xdm memory m = Xdm(address(passer), address(parentGreeter), "", 0);
        vm.expectRevert(abi.encodeWithSelector(IL2CrossDomainMessenger.UnsafeTarget.selector, address(passer)));
        vm.prank(sequencer);
        l2Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
    }

    function test_relayMessage_whenPaused_reverts() public {
        (, bytes memory queued) = greetChild("paused");
        vm.prank(owner);
        l2Messenger.pause();
        (bool ok, bytes memory ret) = deliver(sequencer, queued);
        assertFalse(ok);
        assertEq(ret, abi.encodeWithSelector(IL2CrossDomainMessenger.EnforcedPause.selector));
    }

    function test_enqueue_gasLimitOutOfRange_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICanonicalTransactionChain.TransactionGasLimitTooHigh.selector, MAX_GAS + 1, MAX_GAS)
        );
        ctc.enqueue(address(l2Messenger), MAX_GAS + 1, "");
        vm.expectPartialRevert(ICanonicalTransactionChain.TransactionGasLimitTooLow.selector);
        ctc.enqueue(address(l2Messenger), 1, "");
    }

    function test_sendMessage_toChild_enqueuesWithAliasedOrigin_succeeds() public {
        bytes memory payload = abi.encodeCall(ICrossDomainGreeter.setGreeting, ("queued"));
        uint256 nonce = l1Messenger.messageNonce();
        bytes memory encoded = encodeXdm(Xdm(address(childGreeter), user, payload, nonce));
        vm.expectEmit(true, true, true, false, address(ctc));
        emit ICanonicalTransactionChain.TransactionEnqueued(
            address(uint160(address(l1Messenger)) + ALIAS_OFFSET), address(l2Messenger), 600_000, encoded, 0, block.timestamp
        );
        vm.prank(user);
        l1Messenger.sendMessage(address(childGreeter), payload, 600_000);
        (bytes32 hash,,) = ctc.getQueueElement(0);
        assertTrue(hash != bytes32(0));
        assertEq(l1Messenger.messageNonce(), nonce + 1);
    }
}
