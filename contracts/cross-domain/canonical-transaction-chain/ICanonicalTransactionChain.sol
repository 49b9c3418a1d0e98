// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface ICanonicalTransactionChain {
    function enqueue(address target, uint256 gas_limit, bytes calldata data) external;

    function getQueueLength() external view returns (uint40);

    function getQueueElement(uint256 index) external view returns (bytes32, uint40, uint40);

    function maxTransactionGasLimit() external view returns (uint256);

    error InvalidConfiguration();

    error TransactionDataTooLarge(uint256, uint256);

    error TransactionGasLimitTooHigh(uint256, uint256);

    error TransactionGasLimitTooLow(uint256, uint256);

    error QueueIndexOutOfBounds(uint256);

    event TransactionEnqueued(address indexed l1TxOrigin, address indexed target, uint256 gasLimit, bytes data, uint256 indexed queueIndex, uint256 timestamp);
}
