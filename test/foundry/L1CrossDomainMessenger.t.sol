// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IL1CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l1-cross-domain-messenger/IL1CrossDomainMessenger.sol";
import {IStateCommitmentChain} from
    "@crossnet/contracts/cross-domain/state-commitment-chain/IStateCommitmentChain.sol";
import {ICrossDomainGreeter} from "@crossnet/examples/xdomain-receiver/ICrossDomainGreeter.sol";

import {CrossDomainFixture, Xdm} from "./utils/CrossDomainFixture.sol";

/// @notice Child-to-parent messages: the child greeter's message is relayed on the parent with
///         a state-root inclusion proof and Merkle-Patricia proofs of the passer's
///         `sentMessages` slot, built in the test; the fraud-proof window, replays, forged and
///         mismatched proofs, deleted batches, pauses and retries.
contract L1CrossDomainMessengerTest is CrossDomainFixture {
    function setUp() public {
        deploySystem1(true);
    }

    function test_relayMessage_withProofAfterWindow_succeeds() public {
        Xdm memory m = greetParent("hello parent");
        assertEq(m.target, address(parentGreeter));
        assertEq(m.sender, address(childGreeter));
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);

        vm.expectEmit(true, false, false, false, address(parentGreeter));
        emit ICrossDomainGreeter.GreetingReceived(address(childGreeter), "hello parent", 1);
        vm.expectEmit(address(l1Messenger));
        emit IL1CrossDomainMessenger.RelayedMessage(xdmHash(m));
        relayToParent(sequencer, m, proof);

        assertEq(parentGreeter.greeting(), "hello parent");
        assertEq(parentGreeter.greetingsReceived(), 1);
        assertTrue(l1Messenger.successfulMessages(xdmHash(m)));
        assertFalse(l1Messenger.failedMessages(xdmHash(m)));
    }

    function test_relayMessage_insideFraudProofWindow_reverts() public {
        Xdm memory m = greetParent("too early");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW - 1);
        vm.expectRevert(abi.encodeWithSelector(IL1CrossDomainMessenger.InsideFraudProofWindow.selector, 0));
        relayToParent(sequencer, m, proof);
    }

    function test_relayMessage_twice_reverts() public {
        Xdm memory m = greetParent("once");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        relayToParent(sequencer, m, proof);
        vm.expectRevert(abi.encodeWithSelector(IL1CrossDomainMessenger.MessageAlreadyRelayed.selector, xdmHash(m)));
        relayToParent(stranger, m, proof);
    }

    function test_relayMessage_neverSentMessage_reverts() public {
        Xdm memory m = greetParent("real");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        Xdm memory forged = Xdm(m.target, m.sender, m.message, m.nonce + 1);
        vm.expectRevert(IL1CrossDomainMessenger.InvalidStorageProof.selector);
        relayToParent(sequencer, forged, proof);
        assertEq(parentGreeter.greeting(), "");
    }

    function test_relayMessage_rootAtOtherIndex_reverts() public {
        Xdm memory m = greetParent("index");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        proof.stateRootProof.index = 0;
        vm.expectRevert(IL1CrossDomainMessenger.InvalidStateRootProof.selector);
        relayToParent(sequencer, m, proof);
    }

    function test_relayMessage_tamperedAccountProof_reverts() public {
        Xdm memory m = greetParent("account");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        proof.stateTrieWitness[1][40] ^= 0x01;
        vm.expectRevert(IL1CrossDomainMessenger.InvalidAccountProof.selector, address(l1Messenger));
        relayToParent(sequencer, m, proof);
    }

    function test_relayMessage_deletedBatch_reverts() public {
        Xdm memory m = greetParent("deleted");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.expectEmit(address(scc));
        emit IStateCommitmentChain.StateBatchDeleted(0, proof.stateRootBatchHeader.batchRoot);
        vm.prank(challenger);
        scc.deleteStateBatch(sccHeader(proof));
        assertEq(scc.getTotalBatches(), 0);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.expectRevert(IL1CrossDomainMessenger.InvalidBatchHeader.selector);
        relayToParent(stranger, m, proof);
    }

    function test_deleteStateBatch_afterWindowOrByStranger_reverts() public {
        Xdm memory m = greetParent("final");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.expectRevert(abi.encodeWithSelector(IStateCommitmentChain.NotChallenger.selector, stranger));
        vm.prank(stranger);
        scc.deleteStateBatch(sccHeader(proof));
        vm.warp(block.timestamp + WINDOW + 1);
        vm.expectPartialRevert(IStateCommitmentChain.OutsideFraudProofWindow.selector);
        vm.prank(challenger);
        scc.deleteStateBatch(sccHeader(proof));
    }

    function test_appendStateBatch_checks_reverts() public {
        bytes32[] memory roots = new bytes32[](1);
        roots[0] = keccak256("root");
        vm.expectRevert(abi.encodeWithSelector(IStateCommitmentChain.NotProposer.selector, stranger));
        vm.prank(stranger);
        scc.appendStateBatch(roots, 0);
        vm.expectRevert(abi.encodeWithSelector(IStateCommitmentChain.InvalidBatchStart.selector, 0, 1));
        vm.prank(proposer);
        scc.appendStateBatch(roots, 1);
        vm.expectRevert(IStateCommitmentChain.EmptyBatch.selector);
        vm.prank(proposer);
        scc.appendStateBatch(new bytes32[](0), 0);
    }

    function test_relayMessage_whenPaused_reverts() public {
        Xdm memory m = greetParent("paused?");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.prank(owner);
        l1Messenger.pause();
        vm.expectRevert(IL1CrossDomainMessenger.EnforcedPause.selector);
        relayToParent(stranger, m, proof);
        vm.prank(owner);
        l1Messenger.unpause();
        relayToParent(stranger, m, proof);
        assertEq(parentGreeter.greeting(), "paused?");
    }

    function test_pause_byStranger_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IL1CrossDomainMessenger.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        l1Messenger.pause();
    }

    function test_relayMessage_failedDeliveryRetriedWithoutProof_succeeds() public {
        Xdm memory m = greetParent("second try");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.prank(owner);
        parentGreeter.setLocked(true);

        vm.recordLogs();
        relayToParent(sequencer, m, proof);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(countLogs(logs, address(l1Messenger), IL1CrossDomainMessenger.FailedRelayedMessage.selector), 1);
        assertEq(countLogs(logs, address(l1Messenger), IL1CrossDomainMessenger.RelayedMessage.selector), 0);
        assertTrue(l1Messenger.failedMessages(xdmHash(m)));
        assertFalse(l1Messenger.successfulMessages(xdmHash(m)));

        vm.prank(owner);
        parentGreeter.setLocked(false);
        // Anyone retries without a proof (the four-argument relayMessage).
        vm.expectEmit(address(l1Messenger));
        emit IL1CrossDomainMessenger.RelayedMessage(xdmHash(m));
        vm.prank(stranger);
        l1Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
        assertEq(parentGreeter.greeting(), "second try");
        assertTrue(l1Messenger.successfulMessages(xdmHash(m)));
        assertFalse(l1Messenger.failedMessages(xdmHash(m)));
    }

    function test_relayMessage_retryOfUnknownMessage_reverts() public {
        Xdm memory m = Xdm(address(parentGreeter), address(childGreeter), abi.encodeCall(ICrossDomainGreeter.setGreeting, ("x")), 0);
        vm.expectRevert(abi.encodeWithSelector(IL1CrossDomainMessenger.MessageCannotBeReplayed.selector, xdmHash(m)));
        vm.prank(stranger);
        l1Messenger.relayMessage(m.target, m.sender, m.message, m.nonce);
    }

    function test_xDomainMessageSender_outsideRelay_reverts() public {
        vm.expectRevert(IL1CrossDomainMessenger.XDomainMessageSenderNotSet.selector);
        l1Messenger.xDomainMessageSender();
    }

    function test_verifyStateCommitment_ofProposedRoot_succeeds() public {
        Xdm memory m = greetParent("committed");
        IL1CrossDomainMessenger.L2MessageInclusionProof memory proof = proveMessage(m);
        IStateCommitmentChain.ChainBatchHeader memory header = sccHeader(proof);
        IStateCommitmentChain.ChainInclusionProof memory inclusion =
            abi.decode(abi.encode(proof.stateRootProof), (IStateCommitmentChain.ChainInclusionProof));
        assertTrue(scc.verifyStateCommitment(proof.stateRoot, header, inclusion));
        assertTrue(scc.insideFraudProofWindow(header));
        assertEq(header.batchRoot, keccak256(abi.encodePacked(keccak256("an earlier child state"), proof.stateRoot)));
        assertEq(header.batchSize, 2);
        assertEq(scc.getTotalElements(), 2);
        vm.warp(block.timestamp + WINDOW + 1);
        assertFalse(scc.insideFraudProofWindow(header));
        assertTrue(scc.verifyFinalizedStateCommitment(proof.stateRoot, header, inclusion));
    }
}
