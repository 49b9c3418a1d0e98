// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Vm} from "forge-std/Vm.sol";
import {IL2ToL1MessagePasser} from
    "@crossnet/contracts/cross-domain/l2-to-l1-message-passer/IL2ToL1MessagePasser.sol";
import {IL2CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l2-cross-domain-messenger/IL2CrossDomainMessenger.sol";
import {IL1CrossDomainMessenger} from
    "@crossnet/contracts/cross-domain/l1-cross-domain-messenger/IL1CrossDomainMessenger.sol";
import {IStateCommitmentChain} from
    "@crossnet/contracts/cross-domain/state-commitment-chain/IStateCommitmentChain.sol";
import {ICanonicalTransactionChain} from
    "@crossnet/contracts/cross-domain/canonical-transaction-chain/ICanonicalTransactionChain.sol";
import {ICrossDomainGreeter} from "@crossnet/examples/xdomain-receiver/ICrossDomainGreeter.sol";

import {StylusTest} from "./StylusTest.sol";
import {Rlp, TrieProofs} from "./TrieProofs.sol";

/// @notice A message between the domains, as the messengers encode it (OVM v0).
struct Xdm {
    address target;
    address sender;
    bytes message;
    uint256 nonce;
}

/// @notice System 1 deployed on one devnode: both "domains" on the same chain, as on a Nitro
///         devnode. Child side: the passer and the child messenger (queue mode, the sequencer as
///         origin). Parent side: the state-commitment chain, the queue and the parent messenger.
///         Two Stylus greeters (`xdomain-receiver`) talk to each other through the messengers.
abstract contract CrossDomainFixture is StylusTest {
    uint256 internal constant WINDOW = 600;
    uint256 internal constant MAX_GAS = 15_000_000;

    address internal owner = makeAddr("owner");
    address internal proposer = makeAddr("proposer");
    address internal challenger = makeAddr("challenger");
    address internal sequencer = makeAddr("sequencer");
    address internal user = makeAddr("user");
    address internal stranger = makeAddr("stranger");

    IL2ToL1MessagePasser internal passer;
    IL2CrossDomainMessenger internal l2Messenger;
    IStateCommitmentChain internal scc;
    ICanonicalTransactionChain internal ctc;
    IL1CrossDomainMessenger internal l1Messenger;
    ICrossDomainGreeter internal parentGreeter;
    ICrossDomainGreeter internal childGreeter;

    /// @notice Deploys and wires the five programs and the two greeters.
    function deploySystem1(bool allowAllSenders) internal {
        passer = IL2ToL1MessagePasser(deployProgram("l2-to-l1-message-passer"));
        l2Messenger = IL2CrossDomainMessenger(deployProgram("l2-cross-domain-messenger", abi.encode(owner)));
        scc = IStateCommitmentChain(deployProgram("state-commitment-chain", abi.encode(proposer, challenger, WINDOW)));
        ctc = ICanonicalTransactionChain(deployProgram("canonical-transaction-chain", abi.encode(MAX_GAS)));
        l1Messenger = IL1CrossDomainMessenger(deployProgram("l1-cross-domain-messenger", abi.encode(owner)));
        vm.prank(owner);
        l1Messenger.initialize(address(l2Messenger), address(passer), address(scc), address(ctc));
        vm.prank(owner);
        l2Messenger.initialize(address(l1Messenger), address(passer), sequencer, allowAllSenders);

        parentGreeter = ICrossDomainGreeter(deployProgram("xdomain-receiver", abi.encode(owner, address(l1Messenger))));
        childGreeter = ICrossDomainGreeter(deployProgram("xdomain-receiver", abi.encode(owner, address(l2Messenger))));
        vm.label(address(parentGreeter), "parentGreeter");
        vm.label(address(childGreeter), "childGreeter");
        vm.startPrank(owner);
        parentGreeter.setRemote(address(childGreeter));
        childGreeter.setRemote(address(parentGreeter));
        vm.stopPrank();
    }

    /// @notice The v0 message bytes: `relayMessage(target, sender, message, nonce)` calldata.
    function encodeXdm(Xdm memory m) internal pure returns (bytes memory) {
        return abi.encodeWithSignature("relayMessage(address,address,bytes,uint256)", m.target, m.sender, m.message, m.nonce);
    }

    /// @notice The message id.
    function xdmHash(Xdm memory m) internal pure returns (bytes32) {
        return keccak256(encodeXdm(m));
    }

    /// @notice The message announced by the first `SentMessage` of `messenger` in `logs`.
    function sentMessage(Vm.Log[] memory logs, address messenger) internal pure returns (Xdm memory m) {
        Vm.Log memory log = findLog(logs, messenger, IL2CrossDomainMessenger.SentMessage.selector);
        m.target = address(uint160(uint256(log.topics[1])));
        (m.sender, m.message, m.nonce,) = abi.decode(log.data, (address, bytes, uint256, uint256));
    }

    /// @notice The child greeter sends `text` to the parent greeter (from `user`).
    function greetParent(string memory text) internal returns (Xdm memory m) {
        vm.recordLogs();
        vm.prank(user);
        childGreeter.sendGreeting(text, 500_000);
        m = sentMessage(vm.getRecordedLogs(), address(l2Messenger));
    }

    /// @notice The passer's `sentMessages` storage slot of `m` sent by the child messenger.
    function passerSlot(Xdm memory m) internal view returns (bytes32) {
        bytes32 key = keccak256(abi.encodePacked(encodeXdm(m), address(l2Messenger)));
        return keccak256(abi.encode(key, uint256(0)));
    }

    /// @notice A child state root proving `sentMessages` of `m` (the storage slot is checked
    ///         against the passer's real storage first), with the account and storage proofs.
    function childState(Xdm memory m)
        internal
        view
        returns (bytes32 stateRoot, bytes[] memory accountProof, bytes[] memory storageProof)
    {
        bytes32 slot = passerSlot(m);
        require(vm.load(address(passer), slot) == bytes32(uint256(1)), "the passer does not hold the message");
        bytes32 slotPath = keccak256(abi.encodePacked(slot));
        bytes32 storageRoot;
        (storageRoot, storageProof) = TrieProofs.pair(
            slotPath, Rlp.encodeUint(1), TrieProofs.neighbour(slotPath, "storage"), Rlp.encodeUint(7)
        );
        bytes32 accountPath = keccak256(abi.encodePacked(address(passer)));
        bytes memory passerAccount = TrieProofs.account(1, 0, storageRoot, address(passer).codehash);
        bytes memory otherAccount = TrieProofs.account(5, 1 ether, bytes32(0), keccak256(""));
        (stateRoot, accountProof) =
            TrieProofs.pair(accountPath, passerAccount, TrieProofs.neighbour(accountPath, "account"), otherAccount);
    }

    /// @notice The proposer appends `roots` as one batch; returns its header (from the event).
    function propose(bytes32[] memory roots) internal returns (IStateCommitmentChain.ChainBatchHeader memory header) {
        uint256 start = scc.getTotalElements();
        vm.recordLogs();
        vm.prank(proposer);
        scc.appendStateBatch(roots, start);
        Vm.Log memory log =
            findLog(vm.getRecordedLogs(), address(scc), IStateCommitmentChain.StateBatchAppended.selector);
        header.batchIndex = uint256(log.topics[1]);
        (header.batchRoot, header.batchSize, header.prevTotalElements, header.extraData) =
            abi.decode(log.data, (bytes32, uint256, uint256, bytes));
    }

    /// @notice Proposes a batch `[decoy, root of m]` and returns the relay proof of `m` at index 1.
    function proveMessage(Xdm memory m) internal returns (IL1CrossDomainMessenger.L2MessageInclusionProof memory proof) {
        (bytes32 stateRoot, bytes[] memory accountProof, bytes[] memory storageProof) = childState(m);
        bytes32[] memory roots = new bytes32[](2);
        roots[0] = keccak256("an earlier child state");
        roots[1] = stateRoot;
        IStateCommitmentChain.ChainBatchHeader memory header = propose(roots);
        proof.stateRoot = stateRoot;
        proof.stateRootBatchHeader = abi.decode(abi.encode(header), (IL1CrossDomainMessenger.ChainBatchHeader));
        proof.stateRootProof.index = 1;
        proof.stateRootProof.siblings = new bytes32[](1);
        proof.stateRootProof.siblings[0] = roots[0];
        proof.stateTrieWitness = accountProof;
        proof.storageTrieWitness = storageProof;
    }

    /// @notice Relays `m` on the parent messenger with `proof`, from `from`.
    function relayToParent(address from, Xdm memory m, IL1CrossDomainMessenger.L2MessageInclusionProof memory proof)
        internal
    {
        vm.prank(from);
        l1Messenger.relayMessage(m.target, m.sender, m.message, m.nonce, proof);
    }

    /// @notice The batch header as the state-commitment chain's own type.
    function sccHeader(IL1CrossDomainMessenger.L2MessageInclusionProof memory proof)
        internal
        pure
        returns (IStateCommitmentChain.ChainBatchHeader memory)
    {
        return abi.decode(abi.encode(proof.stateRootBatchHeader), (IStateCommitmentChain.ChainBatchHeader));
    }
}
