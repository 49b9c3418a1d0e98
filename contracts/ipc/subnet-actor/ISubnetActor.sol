// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface ISubnetActor {
    function register(uint256 genesis_circ_supply) external payable;

    function kill() external;

    function setValidators(address[] memory validators, uint256[] memory weights) external;

    function setPolicy(SubnetPolicy calldata policy) external;

    function submitCheckpoint(bytes calldata checkpoint, address[] memory signatories, bytes[] memory signatures) external;

    function checkPolicy(address account_subnet, address account, uint256 value, bool leaving) external view;

    function pause() external;

    function unpause() external;

    function transferOwnership(address new_owner) external;

    function policy() external view returns (SubnetPolicy memory);

    function validators(uint64 number) external view returns (address[] memory, uint256[] memory);

    function configurationNumbers() external view returns (uint64, uint64);

    function lastCheckpoint() external view returns (uint64, bytes32);

    function getConfig() external view returns (address, uint64, uint64, address, bool);

    error OwnableUnauthorizedAccount(address);

    error OwnableInvalidOwner(address);

    error EnforcedPause();

    error ExpectedPause();

    error InvalidIpcConfiguration();

    error InvalidEncoding();

    error InvalidValidatorSet();

    error PolicyTooLarge(uint256, uint256);

    error PolicyRefused(address, uint8);

    error MaxMsgsPerBatchExceeded(uint256, uint256);

    error BottomUpCheckpointAlreadySubmitted(uint64, uint64);

    error CannotSubmitFutureCheckpoint(uint64, uint64);

    error InvalidCheckpointEpoch(uint64);

    error InvalidConfigurationNumber(uint64);

    struct SubnetPolicy {bool paused;uint256 maxValue;address[] senders;address[] targets;}

    struct SubnetConfig {uint64 configurationNumber;address[] validators;uint256[] weights;SubnetPolicy policy;}

    event SubnetConfigured(uint64 indexed configurationNumber, SubnetConfig config);

    event CheckpointSubmitted(uint64 indexed height, bytes32 blockHash, uint64 configurationNumber, uint64 numMsgs);

    event ConfigurationApplied(uint64 indexed configurationNumber);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    event Paused(address account);

    event Unpaused(address account);

    error EmptySignatures();

    error InvalidArrayLength();

    error SignatureAddressesNotSorted();

    error DuplicateValidatorSignaturesFound();

    error InvalidSignature();

    error InvalidSignatory(address signatory);

    error NotValidator(address signatory);

    error WeightsSumLessThanThreshold(uint256 weight, uint256 total);
}
