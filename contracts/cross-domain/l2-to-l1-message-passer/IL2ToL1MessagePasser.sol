// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IL2ToL1MessagePasser {
    function passMessageToL1(bytes calldata message) external;

    function sentMessages(bytes32 key) external view returns (bool);

    event MessagePassed(address indexed sender, bytes32 indexed messageKey, bytes message);
}
