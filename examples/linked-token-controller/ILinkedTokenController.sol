// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface ILinkedTokenController {
    function setLinkedContract(SubnetID calldata subnet, address replica) external;

    function linkedTransfer(address recipient, uint256 amount) external returns (bytes32);

    function removeUnconfirmedTransfer(bytes32 id) external;

    function unconfirmedTransfer(bytes32 id) external view returns (address, uint256);

    function linkedContract() external view returns (SubnetID memory, address);

    function underlying() external view returns (address);

    function owner() external view returns (address);

    struct SubnetID {uint64 root;address[] route;}

    struct FvmAddress {uint8 addrType;bytes payload;}

    struct IPCAddress {SubnetID subnetId;FvmAddress rawAddress;}

    struct IpcEnvelope {uint8 kind;uint64 localNonce;uint64 originalNonce;uint256 value;IPCAddress to;IPCAddress from;bytes message;}

    function handleIpcMessage(IpcEnvelope calldata envelope) external payable returns (bytes memory);

    function dropMessages(bytes32[] memory ids) external;

    function ipcGateway() external view returns (address);

    function inflightMsgs(bytes32 id) external view returns (bool);

    event LinkedTokensSent(address indexed sender, address indexed recipient, bytes32 indexed id, uint64 nonce, uint256 value);

    event LinkedTokenReceived(address indexed recipient, bytes32 indexed id, uint256 value);

    event LinkedTransferSettled(bytes32 indexed id, uint8 outcome, bool refunded);

    event UnconfirmedTransferRemoved(bytes32 indexed id);

    event LinkedContractSet(address indexed linkedContract, uint64 root, address[] route);

    event InflightMessageDropped(bytes32 indexed id);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error LinkedTokenNotInitialized();

    error InvalidLink();

    error TransferRejected(address recipient, uint256 amount);

    error InvalidOriginSubnet();

    error InvalidOriginContract(address origin);

    error InvalidEnvelope();

    error NoSuchUnconfirmedTransfer(bytes32 id);

    error CallerIsNotGateway();

    error UnrecognizedResult();

    error UnsupportedMsgKind();
}
