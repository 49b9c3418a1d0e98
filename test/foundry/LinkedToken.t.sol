// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IGateway} from "@crossnet/contracts/ipc/gateway/IGateway.sol";
import {IGatewayExecutor} from "@crossnet/contracts/ipc/gateway-executor/IGatewayExecutor.sol";
import {ISubnetActor} from "@crossnet/contracts/ipc/subnet-actor/ISubnetActor.sol";
import {IErc20} from "@crossnet/examples/erc20/IErc20.sol";
import {ILinkedTokenController} from "@crossnet/examples/linked-token-controller/ILinkedTokenController.sol";
import {ILinkedTokenReplica} from "@crossnet/examples/linked-token-replica/ILinkedTokenReplica.sol";

import {IpcFixture, ParentFinality, SubnetConfig} from "./utils/IpcFixture.sol";

/// @notice The linked token over system 2: an ERC-20 locked by its controller on the root and
///         minted by the replica in the child, moved with gateway Calls and settled by Results.
contract LinkedTokenTest is IpcFixture {
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    IErc20 internal token;
    ILinkedTokenController internal controller;
    ILinkedTokenReplica internal replica;

    function setUp() public {
        deploySystem2();
        token = IErc20(deployProgram("erc20", abi.encode(owner, "Test", "TST")));
        vm.prank(owner);
        token.mint(alice, 1_000);
        controller = ILinkedTokenController(
            deployProgram("linked-token-controller", abi.encode(owner, address(rootGateway), address(token)))
        );
        replica = ILinkedTokenReplica(
            deployProgram("linked-token-replica", abi.encode(owner, address(childGateway), "Linked", "LTST"))
        );
        vm.startPrank(owner);
        replica.setLinkedContract(abi.decode(abi.encode(rootId()), (ILinkedTokenReplica.SubnetID)), address(controller));
        controller.setLinkedContract(abi.decode(abi.encode(childId()), (ILinkedTokenController.SubnetID)), address(replica));
        vm.stopPrank();
    }

    /// Alice locks `amount` for `recipient` in the child; returns the queued Call.
    function deposit(ILinkedTokenController from, address recipient, uint256 amount)
        internal
        returns (IGateway.IpcEnvelope memory call, bytes32 id)
    {
        vm.prank(alice);
        token.approve(address(from), amount);
        vm.recordLogs();
        vm.prank(alice);
        id = from.linkedTransfer(recipient, amount);
        IGateway.IpcEnvelope[] memory queued = topDown(vm.getRecordedLogs());
        assertEq(queued.length, 1);
        call = queued[0];
        assertEq(call.kind, KIND_CALL);
        assertEq(tracingId(call), id);
    }

    /// Relays `msgs` down; returns the Results queued in the child.
    function down(IGateway.IpcEnvelope[] memory msgs) internal returns (IGateway.IpcEnvelope[] memory) {
        vm.recordLogs();
        relayDown(msgs);
        return bottomUp(vm.getRecordedLogs());
    }

    function test_depositAndWithdrawal_conserveSupply_succeeds() public {
        (IGateway.IpcEnvelope memory call, bytes32 id) = deposit(controller, bob, 400);
        assertEq(token.balanceOf(address(controller)), 400);
        assertEq(token.balanceOf(alice), 600);
        (address pendingTo, uint256 pendingAmount) = controller.unconfirmedTransfer(id);
        assertEq(pendingTo, alice);
        assertEq(pendingAmount, 400);

        vm.expectEmit(true, false, false, false, address(childGateway));
        emit IGatewayExecutor.MessageExecuted(id, OUTCOME_OK, "");
        IGateway.IpcEnvelope[] memory results = down(one(call));
        assertEq(replica.balanceOf(bob), 400);
        assertEq(replica.totalSupply(), 400);
        assertEq(results.length, 1);
        assertEq(results[0].kind, KIND_RESULT);

        // The Ok Result settles the transfer on the root.
        vm.expectEmit(address(controller));
        emit ILinkedTokenController.LinkedTransferSettled(id, OUTCOME_OK, false);
        relayUp(results);
        (pendingTo, pendingAmount) = controller.unconfirmedTransfer(id);
        assertEq(pendingAmount, 0);

        // Bob withdraws 150 to alice on the root.
        vm.recordLogs();
        vm.prank(bob);
        replica.linkedTransfer(alice, 150);
        IGateway.IpcEnvelope[] memory withdrawal = bottomUp(vm.getRecordedLogs());
        assertEq(withdrawal.length, 1);
        vm.recordLogs();
        relayUp(withdrawal);
        assertEq(token.balanceOf(alice), 750);
        // Its Ok Result goes back down and settles the replica's side.
        IGateway.IpcEnvelope[] memory answers = topDown(vm.getRecordedLogs());
        assertEq(answers.length, 1);
        assertEq(answers[0].kind, KIND_RESULT);
        down(answers);

        uint256 locked = token.balanceOf(address(controller));
        assertEq(locked, 250);
        assertEq(replica.totalSupply(), locked, "locked on the root == minted in the child");
        assertEq(token.balanceOf(alice) + locked, 1_000);
    }

    function test_depositToUnlinkedController_actorErrRefunds_succeeds() public {
        // A second controller the replica is not linked to: the replica refuses its Call.
        ILinkedTokenController rogue = ILinkedTokenController(
            deployProgram("linked-token-controller", abi.encode(owner, address(rootGateway), address(token)))
        );
        vm.prank(owner);
        rogue.setLinkedContract(abi.decode(abi.encode(childId()), (ILinkedTokenController.SubnetID)), address(replica));
        (IGateway.IpcEnvelope memory call, bytes32 id) = deposit(rogue, bob, 100);
        assertEq(token.balanceOf(alice), 900);

        vm.expectEmit(true, false, false, false, address(childGateway));
        emit IGatewayExecutor.MessageExecuted(id, OUTCOME_ACTOR_ERR, "");
        IGateway.IpcEnvelope[] memory results = down(one(call));
        assertEq(replica.totalSupply(), 0);

        vm.expectEmit(address(rogue));
        emit ILinkedTokenController.LinkedTransferSettled(id, OUTCOME_ACTOR_ERR, true);
        relayUp(results);
        assertEq(token.balanceOf(alice), 1_000, "refunded");
    }

    function test_pausedSubnet_systemErrRefundsAndOriginRefuses_succeeds() public {
        (IGateway.IpcEnvelope memory call, bytes32 id) = deposit(controller, bob, 100);
        // The subnet pauses before the deposit is delivered; the child adopts the new
        // configuration with the same finality, then refuses the Call.
        ISubnetActor.SubnetPolicy memory paused;
        paused.paused = true;
        vm.recordLogs();
        vm.prank(owner);
        actor.setPolicy(paused);
        Vm.Log memory published = findLog(vm.getRecordedLogs(), address(actor), ISubnetActor.SubnetConfigured.selector);
        SubnetConfig memory config = abi.decode(published.data, (SubnetConfig));
        assertEq(config.configurationNumber, 1);
        assertTrue(config.policy.paused);

        ParentFinality memory f = nextFinality(one(call));
        f.configs = new SubnetConfig[](1);
        f.configs[0] = config;
        bytes memory refusal = abi.encodeWithSelector(ISubnetActor.PolicyRefused.selector, address(actor), uint8(0));
        vm.expectEmit(address(childGateway));
        emit IGatewayExecutor.MessageExecuted(id, OUTCOME_SYSTEM_ERR, refusal);
        vm.recordLogs();
        submitFinality(f, signers(0, 1, 2));
        assertEq(finality.configurationNumber(), 1);
        relayUp(bottomUp(vm.getRecordedLogs()));
        assertEq(token.balanceOf(alice), 1_000, "refunded");

        // At the origin the paused subnet refuses new deposits synchronously.
        vm.prank(alice);
        token.approve(address(controller), 1);
        vm.expectRevert(refusal);
        vm.prank(alice);
        controller.linkedTransfer(bob, 1);
    }

    function test_handleIpcMessage_notFromGateway_reverts() public {
        IGateway.IpcEnvelope memory forged;
        vm.expectRevert(ILinkedTokenReplica.CallerIsNotGateway.selector);
        vm.prank(alice);
        replica.handleIpcMessage(abi.decode(abi.encode(forged), (ILinkedTokenReplica.IpcEnvelope)));
    }

    function test_linkedTransfer_withoutAllowance_reverts() public {
        vm.expectPartialRevert(IErc20.ERC20InsufficientAllowance.selector);
        vm.prank(alice);
        controller.linkedTransfer(bob, 1);
    }
}
