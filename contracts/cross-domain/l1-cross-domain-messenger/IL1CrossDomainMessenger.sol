// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IL1CrossDomainMessenger {
    function initialize(address l2_messenger, address l2_message_passer, address state_commitment_chain, address transaction_queue) external;

    function sendMessage(address target, bytes calldata message, uint32 gas_limit) external;

    function relayMessage(address target, address sender, bytes calldata message, uint256 message_nonce, L2MessageInclusionProof calldata proof) external;

    function relayMessage(address target, address sender, bytes calldata message, uint256 message_nonce) external;

    function xDomainMessageSender() external view returns (address);

    function messageNonce() external view returns (uint256);

    function sentMessages(bytes32 msg_hash) external view returns (bool);

    function successfulMessages(bytes32 msg_hash) external view returns (bool);

    function failedMessages(bytes32 msg_hash) external view returns (bool);

    function relayedMessages(bytes32 relay_id) external view returns (bool);

    function l2CrossDomainMessenger() external view returns (address);

    function l2MessagePasser() external view returns (address);

    function stateCommitmentChain() external view returns (address);

    function transactionQueue() external view returns (address);

    function pause() external;

    function unpause() external;

    function paused() external view returns (bool);

    function owner() external view returns (address);

    function transferOwnership(address new_owner) external;

    error OwnableUnauthorizedAccount(address);

    error OwnableInvalidOwner(address);

    error EnforcedPause();

    error ExpectedPause();

    error AlreadyInitialized();

    error NotInitialized();

    error InvalidConfiguration();

    error XDomainMessageSenderNotSet();

    error InvalidBatchHeader();

    error InsideFraudProofWindow(uint256);

    error InvalidStateRootProof();

    error InvalidAccountProof();

    error InvalidStorageProof();

    error MessageNotSent();

    error MessageAlreadyRelayed(bytes32);

    error MessageCannotBeReplayed(bytes32);

    error UnsafeTarget(address);

    error ReentrantRelay();

    error InsufficientRelayGas(uint256, uint256);

    error EstimationCallFailed(bytes32);

    error SystemCallFailed(address);

    error TransactionDataTooLarge(uint256, uint256);

    error TransactionGasLimitTooHigh(uint256, uint256);

    error TransactionGasLimitTooLow(uint256, uint256);

    struct ChainBatchHeader {uint256 batchIndex;bytes32 batchRoot;uint256 batchSize;uint256 prevTotalElements;bytes extraData;}

    struct ChainInclusionProof {uint256 index;bytes32[] siblings;}

    struct L2MessageInclusionProof {bytes32 stateRoot;ChainBatchHeader stateRootBatchHeader;ChainInclusionProof stateRootProof;bytes[] stateTrieWitness;bytes[] storageTrieWitness;}

    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);

    event RelayedMessage(bytes32 indexed msgHash);

    event FailedRelayedMessage(bytes32 indexed msgHash);

    event MessengerInitialized(address indexed otherMessenger, address passer, address origin, address stateCommitmentChain, address transactionQueue);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    event Paused(address account);

    event Unpaused(address account);
}
