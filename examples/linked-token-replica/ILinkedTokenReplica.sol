// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface ILinkedTokenReplica {
    function setLinkedContract(SubnetID calldata subnet, address controller) external;

    function linkedTransfer(address recipient, uint256 amount) external returns (bytes32);

    function removeUnconfirmedTransfer(bytes32 id) external;

    function unconfirmedTransfer(bytes32 id) external view returns (address, uint256);

    function linkedContract() external view returns (SubnetID memory, address);

    function owner() external view returns (address);

    struct SubnetID {uint64 root;address[] route;}

    struct FvmAddress {uint8 addrType;bytes payload;}

    struct IPCAddress {SubnetID subnetId;FvmAddress rawAddress;}

    struct IpcEnvelope {uint8 kind;uint64 localNonce;uint64 originalNonce;uint256 value;IPCAddress to;IPCAddress from;bytes message;}

    function handleIpcMessage(IpcEnvelope calldata envelope) external payable returns (bytes memory);

    function dropMessages(bytes32[] memory ids) external;

    function ipcGateway() external view returns (address);

    function inflightMsgs(bytes32 id) external view returns (bool);

    function name() external view returns (string memory);

    function symbol() external view returns (string memory);

    function decimals() external view returns (uint8);

    function totalSupply() external view returns (uint256);

    function balanceOf(address account) external view returns (uint256);

    function allowance(address owner, address spender) external view returns (uint256);

    function transfer(address to, uint256 value) external returns (bool);

    function transferFrom(address from, address to, uint256 value) external returns (bool);

    function approve(address spender, uint256 value) external returns (bool);

    error ERC20InsufficientBalance(address, uint256, uint256);

    error ERC20InsufficientAllowance(address, uint256, uint256);

    error ERC20InvalidSender(address);

    error ERC20InvalidReceiver(address);

    error ERC20InvalidSpender(address);

    event Transfer(address indexed from, address indexed to, uint256 value);

    event Approval(address indexed owner, address indexed spender, uint256 value);

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
