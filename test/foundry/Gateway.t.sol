// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IGateway} from "@crossnet/contracts/ipc/gateway/IGateway.sol";
import {IGatewayExecutor} from "@crossnet/contracts/ipc/gateway-executor/IGatewayExecutor.sol";
import {ISubnetActor} from "@crossnet/contracts/ipc/subnet-actor/ISubnetActor.sol";
import {ITopDownFinality} from "@crossnet/contracts/ipc/top-down-finality/ITopDownFinality.sol";

import {IpcFixture, ParentFinality, BottomUpCheckpoint} from "./utils/IpcFixture.sol";

/// @notice System 2 through the gateways: registration, value sent down with `fund` and
///         applied with a certified parent finality, value sent up with `release` and committed
///         with a signed checkpoint, Results flowing back, and the quorum and nonce rules.
contract GatewayTest is IpcFixture {
    address internal user = makeAddr("user");
    address internal recipient = makeAddr("recipient");

    function setUp() public {
        deploySystem2();
    }

    function test_register_locksCollateral_succeeds() public view {
        (uint8 status, uint256 collateral, uint256 supply, uint64 topDownNonce, uint64 bottomUpNonce) = subnet();
        assertEq(status, 1);
        assertEq(collateral, COLLATERAL);
        assertEq(supply, 0);
        assertEq(topDownNonce, 0);
        assertEq(bottomUpNonce, 0);
        assertEq(address(rootGateway).balance, COLLATERAL);
        IGateway.SubnetID memory id = childGateway.getNetworkName();
        assertEq(id.root, block.chainid);
        assertEq(id.route.length, 1);
        assertEq(id.route[0], address(actor));
    }

    function test_fund_relayedDown_creditsRecipient_succeeds() public {
        IGateway.IpcEnvelope memory e = fund(user, recipient, 700);
        assertEq(e.kind, KIND_TRANSFER);
        assertEq(e.value, 700);
        assertEq(e.localNonce, 0);
        (,, uint256 supply, uint64 topDownNonce,) = subnet();
        assertEq(supply, 700);
        assertEq(topDownNonce, 1);

        vm.expectEmit(address(childGateway));
        emit IGatewayExecutor.TopDownMessagesApplied(0, 1);
        vm.expectEmit(true, false, false, false, address(childGateway));
        emit IGatewayExecutor.MessageExecuted(tracingId(e), OUTCOME_OK, "");
        relayDown(one(e));
        assertEq(recipient.balance, 700);
        (uint64 height,) = finality.lastFinality();
        assertEq(height, 1);
    }

    function test_release_relayedUp_paysOnRoot_succeeds() public {
        IGateway.IpcEnvelope memory funded = fund(user, recipient, 700);
        vm.recordLogs();
        relayDown(one(funded));
        // The transfer's Ok Result goes back up with the release that follows it.
        IGateway.IpcEnvelope[] memory results = bottomUp(vm.getRecordedLogs());
        assertEq(results.length, 1);
        assertEq(results[0].kind, KIND_RESULT);

        vm.recordLogs();
        vm.prank(recipient);
        childGateway.release{value: 300}(fvm(user));
        IGateway.IpcEnvelope[] memory released = bottomUp(vm.getRecordedLogs());
        assertEq(released.length, 1);
        assertEq(released[0].value, 300);

        IGateway.IpcEnvelope[] memory batch = new IGateway.IpcEnvelope[](2);
        (batch[0], batch[1]) = (results[0], released[0]);
        uint256 before = user.balance;
        vm.expectEmit(address(actor));
        emit ISubnetActor.CheckpointSubmitted(PERIOD, keccak256(abi.encode("child block", PERIOD)), 0, 2);
        relayUp(batch);
        assertEq(user.balance, before + 300);
        (,, uint256 supply,, uint64 applied) = subnet();
        assertEq(supply, 400);
        assertEq(applied, 2);
        (uint64 last,) = actor.lastCheckpoint();
        assertEq(last, PERIOD);
    }

    function test_commitParentFinality_tooLittleWeight_reverts() public {
        IGateway.IpcEnvelope memory e = fund(user, recipient, 1);
        ParentFinality memory f = nextFinality(one(e));
        uint256[] memory two = new uint256[](2);
        (two[0], two[1]) = (0, 3);
        vm.expectRevert(abi.encodeWithSelector(ITopDownFinality.WeightsSumLessThanThreshold.selector, 2, 4));
        submitFinality(f, two);
    }

    function test_commitParentFinality_duplicateOrUnsortedSigners_reverts() public {
        IGateway.IpcEnvelope memory e = fund(user, recipient, 1);
        ParentFinality memory f = nextFinality(one(e));
        vm.expectRevert(ITopDownFinality.DuplicateValidatorSignaturesFound.selector);
        submitFinality(f, signers(0, 0, 1));
        vm.expectRevert(ITopDownFinality.SignatureAddressesNotSorted.selector);
        submitFinality(f, signers(2, 1, 0));
        submitFinality(f, signers(1, 2, 3));
        assertEq(recipient.balance, 1);
    }

    function test_commitParentFinality_signedForOtherVerifier_reverts() public {
        IGateway.IpcEnvelope memory e = fund(user, recipient, 1);
        ParentFinality memory f = nextFinality(one(e));
        bytes memory encoded = abi.encode(f);
        // Signed for the subnet actor's domain: no validator recovers from it here.
        (address[] memory s, bytes[] memory g) =
            signQuorum(typedDigest(FINALITY_TYPE, address(actor), encoded), signers(0, 1, 2));
        vm.expectPartialRevert(ITopDownFinality.InvalidSignatory.selector);
        vm.prank(relayer);
        finality.commitParentFinality(encoded, s, g);
    }

    function test_commitParentFinality_twice_reverts() public {
        IGateway.IpcEnvelope memory e = fund(user, recipient, 1);
        ParentFinality memory f = nextFinality(one(e));
        submitFinality(f, signers(0, 1, 2));
        vm.expectRevert(abi.encodeWithSelector(ITopDownFinality.ParentFinalityAlreadyCommitted.selector, 1, 1));
        submitFinality(f, signers(0, 1, 2));
    }

    function test_commitParentFinality_nonceGap_reverts() public {
        fund(user, user, 1);
        IGateway.IpcEnvelope memory second = fund(user, user, 2);
        ParentFinality memory skipping = nextFinality(one(second));
        vm.expectRevert(abi.encodeWithSelector(IGatewayExecutor.InvalidNonce.selector, 0, 1));
        submitFinality(skipping, signers(0, 1, 3));
        (,,, uint64 applied,,) = childGateway.getNonces();
        assertEq(applied, 0, "nothing was applied");
    }

    function test_submitCheckpoint_quorumAndEpochRules_reverts() public {
        BottomUpCheckpoint memory c = nextCheckpoint(new IGateway.IpcEnvelope[](0));
        uint256[] memory two = new uint256[](2);
        (two[0], two[1]) = (0, 3);
        vm.expectRevert(abi.encodeWithSelector(ISubnetActor.WeightsSumLessThanThreshold.selector, 2, 4));
        submitCheckpoint(c, two);
        c.blockHeight = 2 * PERIOD;
        vm.expectRevert(abi.encodeWithSelector(ISubnetActor.CannotSubmitFutureCheckpoint.selector, 2 * PERIOD, PERIOD));
        submitCheckpoint(c, signers(1, 2, 3));
        c.blockHeight = PERIOD;
        submitCheckpoint(c, signers(1, 2, 3));
        vm.expectRevert(abi.encodeWithSelector(ISubnetActor.BottomUpCheckpointAlreadySubmitted.selector, PERIOD, PERIOD));
        submitCheckpoint(c, signers(1, 2, 3));
    }

    function test_fund_unregisteredSubnet_reverts() public {
        IGateway.SubnetID memory unknown = childId();
        unknown.route[0] = makeAddr("not an actor");
        vm.deal(user, 1);
        // InvalidXnetMessage(DstSubnet): the destination is not a registered child.
        vm.expectRevert(abi.encodeWithSelector(IGateway.InvalidXnetMessage.selector, 1));
        vm.prank(user);
        rootGateway.fund{value: 1}(unknown, fvm(user));
    }

    function test_release_withoutValue_reverts() public {
        // InvalidXnetMessage(Value): a release carries value.
        vm.expectRevert(abi.encodeWithSelector(IGateway.InvalidXnetMessage.selector, 3));
        vm.prank(user);
        childGateway.release(fvm(user));
    }

    function test_register_twice_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IGateway.AlreadyRegisteredSubnet.selector, address(actor)));
        vm.prank(owner);
        actor.register{value: COLLATERAL}(0);
    }
}
