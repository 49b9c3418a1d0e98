// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface ITopDownFinality {
    function commitParentFinality(bytes calldata finality, address[] memory signatories, bytes[] memory signatures) external;

    function checkPolicy(address account_subnet, address account, uint256 value, bool leaving) external view;

    function policy() external view returns (SubnetPolicy memory);

    function validators(uint64 number) external view returns (address[] memory, uint256[] memory);

    function configurationNumber() external view returns (uint64);

    function lastFinality() external view returns (uint64, bytes32);

    function getConfig() external view returns (address, address);

    error InvalidIpcConfiguration();

    error InvalidValidatorSet();

    error InvalidEncoding();

    error ParentFinalityAlreadyCommitted(uint64, uint64);

    error InvalidConfigurationNumber(uint64);

    error PolicyTooLarge(uint256, uint256);

    error PolicyRefused(address, uint8);

    struct SubnetPolicy {bool paused;uint256 maxValue;address[] senders;address[] targets;}

    event ParentFinalityCommitted(uint64 indexed height, bytes32 blockHash, uint64 numMsgs);

    event ConfigurationApplied(uint64 indexed configurationNumber);

    error EmptySignatures();

    error InvalidArrayLength();

    error SignatureAddressesNotSorted();

    error DuplicateValidatorSignaturesFound();

    error InvalidSignature();

    error InvalidSignatory(address signatory);

    error NotValidator(address signatory);

    error WeightsSumLessThanThreshold(uint256 weight, uint256 total);
}
