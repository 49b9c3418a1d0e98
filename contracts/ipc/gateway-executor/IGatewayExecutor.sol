// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IGatewayExecutor {
    function commitCheckpoint(uint64 height, IpcEnvelope[] memory msgs) external;

    function applyCrossMessages(IpcEnvelope[] memory messages) external;

    function propagateAll(IpcEnvelope[] memory envelopes) external;

    error ReentrancyGuardReentrantCall();

    error NotAuthorized(address);

    error NotRegisteredSubnet(address);

    error InvalidNonce(uint64, uint64);

    error InvalidXnetMessage(uint8);

    error NotEnoughSubnetCircSupply(uint256, uint256);

    error InsufficientExecutionGas(uint256, uint256);

    struct SubnetID {uint64 root;address[] route;}

    struct FvmAddress {uint8 addrType;bytes payload;}

    struct IPCAddress {SubnetID subnetId;FvmAddress rawAddress;}

    struct IpcEnvelope {uint8 kind;uint64 localNonce;uint64 originalNonce;uint256 value;IPCAddress to;IPCAddress from;bytes message;}

    event CheckpointCommitted(address indexed subnet, uint64 indexed height, uint64 firstNonce, uint64 numMsgs);

    event TopDownMessagesApplied(uint64 firstNonce, uint64 numMsgs);

    event MessageExecuted(bytes32 indexed id, uint8 outcome, bytes ret);

    event ResultExecuted(bytes32 indexed id, bool delivered);

    event MessageDropped(bytes32 indexed id);

    event MessageStoredInPostbox(bytes32 indexed id, IpcEnvelope message);

    event MessagePropagatedFromPostbox(bytes32 indexed id);

    event NewTopDownMessage(address indexed subnet, IpcEnvelope message, bytes32 indexed id);

    event NewBottomUpMessage(bytes32 indexed id, IpcEnvelope message);

    event NewBottomUpMsgBatch(uint64 indexed epoch);

    event RefundCredited(address indexed account, bytes32 indexed id, uint256 amount);
}
