// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IGateway {
    function initialize(address top_down_finality) external;

    function register(uint256 genesis_circ_supply) external payable;

    function kill() external;

    function fund(SubnetID calldata subnet_id, FvmAddress calldata to) external payable;

    function release(FvmAddress calldata to) external payable;

    function sendContractXnetMessage(IpcEnvelope calldata envelope) external payable returns (IpcEnvelope memory);

    function claim(address recipient) external;

    function getNetworkName() external view returns (SubnetID memory);

    function getSubnet(address actor) external view returns (uint8, uint256, uint256, uint64, uint64);

    function getNonces() external view returns (uint64, uint64, uint64, uint64, uint64, uint64);

    function getConfig() external view returns (uint64, uint64, uint64, address, address, address);

    function postbox(bytes32 id) external view returns (bytes32);

    function claimable(address account) external view returns (uint256);

    error OwnableUnauthorizedAccount(address);

    error OwnableInvalidOwner(address);

    error AlreadyInitialized();

    error ReentrancyGuardReentrantCall();

    error InvalidIpcConfiguration();

    error InvalidXnetMessage(uint8);

    error NotRegisteredSubnet(address);

    error AlreadyRegisteredSubnet(address);

    error NotEmptySubnetCircSupply(uint256);

    error BottomUpBatchFull(uint64);

    error NothingToClaim(address);

    error TransferFailed(address);

    struct SubnetID {uint64 root;address[] route;}

    struct FvmAddress {uint8 addrType;bytes payload;}

    struct IPCAddress {SubnetID subnetId;FvmAddress rawAddress;}

    struct IpcEnvelope {uint8 kind;uint64 localNonce;uint64 originalNonce;uint256 value;IPCAddress to;IPCAddress from;bytes message;}

    event NewTopDownMessage(address indexed subnet, IpcEnvelope message, bytes32 indexed id);

    event NewBottomUpMessage(bytes32 indexed id, IpcEnvelope message);

    event NewBottomUpMsgBatch(uint64 indexed epoch);

    event SubnetRegistered(address indexed subnet, uint256 collateral, uint256 genesisCircSupply);

    event SubnetKilled(address indexed subnet, uint256 collateral);

    event RefundCredited(address indexed account, bytes32 indexed id, uint256 amount);

    event Claimed(address indexed account, address recipient, uint256 amount);

    event GatewayInitialized(address indexed topDownFinality);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}
