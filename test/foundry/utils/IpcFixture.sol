// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IGateway} from "@crossnet/contracts/ipc/gateway/IGateway.sol";
import {ISubnetActor} from "@crossnet/contracts/ipc/subnet-actor/ISubnetActor.sol";
import {ITopDownFinality} from "@crossnet/contracts/ipc/top-down-finality/ITopDownFinality.sol";

import {StylusTest} from "./StylusTest.sol";

/// @notice A configuration of a child subnet (what the validators certify with a finality).
struct SubnetConfig {
    uint64 configurationNumber;
    address[] validators;
    uint256[] weights;
    ISubnetActor.SubnetPolicy policy;
}

/// @notice A parent finality: a parent block, configurations and top-down messages.
struct ParentFinality {
    uint64 height;
    bytes32 blockHash;
    SubnetConfig[] configs;
    IGateway.IpcEnvelope[] msgs;
}

/// @notice A bottom-up checkpoint of a child subnet.
struct BottomUpCheckpoint {
    IGateway.SubnetID subnetID;
    uint64 blockHeight;
    bytes32 blockHash;
    uint64 nextConfigurationNumber;
    IGateway.IpcEnvelope[] msgs;
}

/// @notice `FvmAddress.payload` of an EVM account.
struct DelegatedAddress {
    uint64 namespace;
    uint128 length;
    bytes buffer;
}

/// @notice System 2 on one devnode: the root gateway, a child subnet's actor on the root, and the
///         child's gateway and parent-finality program, with the test playing the child's four
///         validators (equal weights; three of four sign) and the relayer. Messages travel as a
///         relayer carries them: read from the gateways' events, certified by the validators.
abstract contract IpcFixture is StylusTest {
    uint64 internal constant PERIOD = 5;
    uint64 internal constant MAX_MSGS = 10;
    uint64 internal constant EXECUTION_GAS = 3_000_000;
    uint256 internal constant COLLATERAL = 1_000;
    uint256 internal constant RESERVE = 1_000_000 ether;

    uint8 internal constant KIND_TRANSFER = 0;
    uint8 internal constant KIND_CALL = 1;
    uint8 internal constant KIND_RESULT = 2;
    uint8 internal constant OUTCOME_OK = 0;
    uint8 internal constant OUTCOME_SYSTEM_ERR = 1;
    uint8 internal constant OUTCOME_ACTOR_ERR = 2;

    string internal constant CHECKPOINT_TYPE = "CrossnetCheckpoint(bytes32 checkpointHash)";
    string internal constant FINALITY_TYPE = "CrossnetParentFinality(bytes32 finalityHash)";

    address internal owner = makeAddr("owner");
    address internal relayer = makeAddr("relayer");

    uint256[] internal validatorKeys;
    address[] internal validators;
    uint256[] internal weights;

    IGateway internal rootGateway;
    ISubnetActor internal actor;
    IGateway internal childGateway;
    ITopDownFinality internal finality;

    /// @notice Deploys the root gateway, registers a child subnet and deploys its side.
    function deploySystem2() internal {
        for (uint256 i = 1; i <= 4; i++) {
            validatorKeys.push(uint256(keccak256(abi.encode("crossnet validator", i))));
        }
        // Signatories must be ascending: sort the keys by address.
        for (uint256 i = 0; i < 4; i++) {
            for (uint256 j = i + 1; j < 4; j++) {
                if (vm.addr(validatorKeys[j]) < vm.addr(validatorKeys[i])) {
                    (validatorKeys[i], validatorKeys[j]) = (validatorKeys[j], validatorKeys[i]);
                }
            }
        }
        for (uint256 i = 0; i < 4; i++) {
            validators.push(vm.addr(validatorKeys[i]));
            weights.push(1);
        }

        rootGateway = deployGateway(rootId());
        actor = ISubnetActor(
            deployProgram("subnet-actor", abi.encode(owner, address(rootGateway), PERIOD, MAX_MSGS, validators, weights))
        );
        vm.deal(owner, 100 ether);
        vm.prank(owner);
        actor.register{value: COLLATERAL}(0);

        childGateway = deployGateway(childId());
        vm.deal(address(childGateway), RESERVE);
        finality = ITopDownFinality(
            deployProgram("top-down-finality", abi.encode(address(childGateway), address(actor), validators, weights))
        );
        vm.prank(owner);
        childGateway.initialize(address(finality));
    }

    function deployGateway(IGateway.SubnetID memory id) internal returns (IGateway) {
        address executor = deployProgram("gateway-executor");
        return IGateway(deployProgram("gateway", abi.encode(owner, id, PERIOD, MAX_MSGS, EXECUTION_GAS, executor)));
    }

    function rootId() internal view returns (IGateway.SubnetID memory id) {
        id.root = uint64(block.chainid);
        id.route = new address[](0);
    }

    function childId() internal view returns (IGateway.SubnetID memory id) {
        id.root = uint64(block.chainid);
        id.route = new address[](1);
        id.route[0] = address(actor);
    }

    /// @notice The `FvmAddress` of an EVM account (a delegated address in the EAM namespace).
    function fvm(address account) internal pure returns (IGateway.FvmAddress memory) {
        return IGateway.FvmAddress(4, abi.encode(DelegatedAddress(10, 20, abi.encodePacked(account))));
    }

    /// @notice The tracing id of an envelope.
    function tracingId(IGateway.IpcEnvelope memory e) internal pure returns (bytes32) {
        return keccak256(abi.encode(e.kind, e.to, e.from, e.value, e.message, e.originalNonce));
    }

    /// @notice The envelopes of `gateway`'s events with topic 0 `topic0` (message in the data).
    function envelopes(Vm.Log[] memory logs, address gateway, bytes32 topic0)
        internal
        pure
        returns (IGateway.IpcEnvelope[] memory found)
    {
        found = new IGateway.IpcEnvelope[](countLogs(logs, gateway, topic0));
        uint256 n = 0;
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter == gateway && logs[i].topics.length > 0 && logs[i].topics[0] == topic0) {
                found[n++] = abi.decode(logs[i].data, (IGateway.IpcEnvelope));
            }
        }
    }

    /// @notice Top-down messages the root gateway queued in `logs`.
    function topDown(Vm.Log[] memory logs) internal view returns (IGateway.IpcEnvelope[] memory) {
        return envelopes(logs, address(rootGateway), IGateway.NewTopDownMessage.selector);
    }

    /// @notice Bottom-up messages the child gateway queued in `logs`.
    function bottomUp(Vm.Log[] memory logs) internal view returns (IGateway.IpcEnvelope[] memory) {
        return envelopes(logs, address(childGateway), IGateway.NewBottomUpMessage.selector);
    }

    /// @notice The EIP-712-style digest validators sign (`crossnet` domain, version 1).
    function typedDigest(string memory structType, address verifier, bytes memory encoded)
        internal
        view
        returns (bytes32)
    {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("crossnet"),
                keccak256("1"),
                block.chainid,
                verifier
            )
        );
        bytes32 structHash = keccak256(abi.encode(keccak256(bytes(structType)), keccak256(encoded)));
        return keccak256(abi.encodePacked(hex"1901", domain, structHash));
    }

    /// @notice Signatories and signatures (`r ‖ s ‖ v`) of `digest` by the validators `who`
    ///         (indices into the sorted validator set).
    function signQuorum(bytes32 digest, uint256[] memory who)
        internal
        view
        returns (address[] memory signatories, bytes[] memory signatures)
    {
        signatories = new address[](who.length);
        signatures = new bytes[](who.length);
        for (uint256 i = 0; i < who.length; i++) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(validatorKeys[who[i]], digest);
            signatories[i] = validators[who[i]];
            signatures[i] = abi.encodePacked(r, s, v);
        }
    }

    function signers(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory s) {
        s = new uint256[](3);
        (s[0], s[1], s[2]) = (a, b, c);
    }

    /// @notice The next parent finality carrying `msgs`.
    function nextFinality(IGateway.IpcEnvelope[] memory msgs) internal view returns (ParentFinality memory f) {
        (uint64 last,) = finality.lastFinality();
        f.height = last + 1;
        f.blockHash = keccak256(abi.encode("parent block", f.height));
        f.configs = new SubnetConfig[](0);
        f.msgs = msgs;
    }

    /// @notice Submits `f` to the child's parent-finality program, signed by `who`.
    function submitFinality(ParentFinality memory f, uint256[] memory who) internal {
        bytes memory encoded = abi.encode(f);
        (address[] memory s, bytes[] memory g) = signQuorum(typedDigest(FINALITY_TYPE, address(finality), encoded), who);
        vm.prank(relayer);
        finality.commitParentFinality(encoded, s, g);
    }

    /// @notice Delivers `msgs` into the child, certified by validators 0, 1 and 2.
    function relayDown(IGateway.IpcEnvelope[] memory msgs) internal {
        submitFinality(nextFinality(msgs), signers(0, 1, 2));
    }

    /// @notice The next checkpoint of the child carrying `msgs`.
    function nextCheckpoint(IGateway.IpcEnvelope[] memory msgs) internal view returns (BottomUpCheckpoint memory c) {
        (uint64 last,) = actor.lastCheckpoint();
        c.subnetID = childId();
        c.blockHeight = (last / PERIOD + 1) * PERIOD;
        c.blockHash = keccak256(abi.encode("child block", c.blockHeight));
        c.nextConfigurationNumber = finality.configurationNumber();
        c.msgs = msgs;
    }

    /// @notice Submits checkpoint `c` to the actor, signed by `who`.
    function submitCheckpoint(BottomUpCheckpoint memory c, uint256[] memory who) internal {
        bytes memory encoded = abi.encode(c);
        (address[] memory s, bytes[] memory g) = signQuorum(typedDigest(CHECKPOINT_TYPE, address(actor), encoded), who);
        vm.prank(relayer);
        actor.submitCheckpoint(encoded, s, g);
    }

    /// @notice Delivers `msgs` to the root in the next checkpoint, signed by validators 1, 2, 3.
    function relayUp(IGateway.IpcEnvelope[] memory msgs) internal {
        submitCheckpoint(nextCheckpoint(msgs), signers(1, 2, 3));
    }

    /// @notice `who` funds `to` in the child with `value`; returns the queued envelope.
    function fund(address who, address to, uint256 value) internal returns (IGateway.IpcEnvelope memory) {
        vm.deal(who, who.balance + value);
        vm.recordLogs();
        vm.prank(who);
        rootGateway.fund{value: value}(childId(), fvm(to));
        IGateway.IpcEnvelope[] memory queued = topDown(vm.getRecordedLogs());
        assertEq(queued.length, 1);
        return queued[0];
    }

    function one(IGateway.IpcEnvelope memory e) internal pure returns (IGateway.IpcEnvelope[] memory list) {
        list = new IGateway.IpcEnvelope[](1);
        list[0] = e;
    }

    /// @notice `(status, collateral, circulating supply, top-down nonce, applied bottom-up nonce)`.
    function subnet() internal view returns (uint8, uint256, uint256, uint64, uint64) {
        return rootGateway.getSubnet(address(actor));
    }
}
