// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IL2CrossDomainMessenger {
    function initialize(address l1_messenger, address message_passer, address sequencer, bool allow_all_senders) external;

    function sendMessage(address target, bytes calldata message, uint32 gas_limit) external;

    function relayMessage(address target, address sender, bytes calldata message, uint256 message_nonce) external;

    function xDomainMessageSender() external view returns (address);

    function messageNonce() external view returns (uint256);

    function sentMessages(bytes32 msg_hash) external view returns (bool);

    function successfulMessages(bytes32 msg_hash) external view returns (bool);

    function failedMessages(bytes32 msg_hash) external view returns (bool);

    function relayedMessages(bytes32 relay_id) external view returns (bool);

    function l1CrossDomainMessenger() external view returns (address);

    function messagePasser() external view returns (address);

    function l1Origin() external view returns (address);

    function isSenderAllowed(address sender) external view returns (bool);

    function allowAllSenders() external view returns (bool);

    function setWhitelistedSender(address sender, bool allowed) external;

    function setAllowAllSenders(bool allow_all) external;

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

    error SenderNotWhitelisted(address);

    error XDomainMessageSenderNotSet();

    error MessageAlreadyRelayed(bytes32);

    error MessageCannotBeReplayed(bytes32);

    error UnsafeTarget(address);

    error ReentrantRelay();

    error InsufficientRelayGas(uint256, uint256);

    error EstimationCallFailed(bytes32);

    error SystemCallFailed(address);

    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);

    event RelayedMessage(bytes32 indexed msgHash);

    event FailedRelayedMessage(bytes32 indexed msgHash);

    event MessengerInitialized(address indexed otherMessenger, address passer, address origin, address stateCommitmentChain, address transactionQueue);

    event WhitelistUpdated(address indexed sender, bool allowed);

    event AllowAllSendersUpdated(bool allowAll);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    event Paused(address account);

    event Unpaused(address account);
}
