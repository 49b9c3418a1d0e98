//! Solidity types, events and errors of the cross-domain system.
//!
//! Names follow OVM / Metis so existing tooling recognises them; errors are typed so every
//! rejection can be decoded by a client.

#[allow(unused_imports)] // used by `AbiType` with `export-abi`
use alloc::string::String;

use alloy_sol_types::sol;
use stylus_sdk::stylus_proc::AbiType;

sol! {
    /// A state-root batch as stored by the state-commitment chain (OVM `ChainBatchHeader`).
    /// `extraData` is `abi.encode(uint256 appendTime, address proposer)`.
    #[derive(Debug, PartialEq, Eq, AbiType)]
    struct ChainBatchHeader {
        uint256 batchIndex;
        bytes32 batchRoot;
        uint256 batchSize;
        uint256 prevTotalElements;
        bytes extraData;
    }

    /// Inclusion proof of one state root in a batch (OVM `ChainInclusionProof`).
    #[derive(Debug, PartialEq, Eq, AbiType)]
    struct ChainInclusionProof {
        uint256 index;
        bytes32[] siblings;
    }

    /// Everything the parent-chain messenger needs to accept a child-to-parent message:
    /// the child state root, the batch holding it and its inclusion proof, and the EIP-1186
    /// node lists (root first) of the passer's account and of its `sentMessages` slot.
    #[derive(Debug, PartialEq, Eq, AbiType)]
    struct L2MessageInclusionProof {
        bytes32 stateRoot;
        ChainBatchHeader stateRootBatchHeader;
        ChainInclusionProof stateRootProof;
        bytes[] stateTrieWitness;
        bytes[] storageTrieWitness;
    }

    /// The OVM v0 message: its ABI encoding as a call is the message bytes, their keccak the id.
    function relayMessage(address target, address sender, bytes message, uint256 messageNonce);

    /// Passer entry point, called by the child-chain messenger.
    function passMessageToL1(bytes message);

    /// Queue entry point, called by the parent-chain messenger.
    function enqueue(address target, uint256 gasLimit, bytes data);
    /// Number of queued transactions.
    function getQueueLength() returns (uint40);

    /// State-commitment chain checks used by the parent-chain messenger.
    function verifyStateCommitment(bytes32 element, ChainBatchHeader batchHeader, ChainInclusionProof proof) returns (bool);
    /// Whether a batch is still inside its fraud-proof window.
    function insideFraudProofWindow(ChainBatchHeader batchHeader) returns (bool);
    /// `verifyStateCommitment` for a batch whose window has passed: reverts
    /// `InvalidBatchHeader` / `InsideFraudProofWindow`, returns whether the element is included.
    function verifyFinalizedStateCommitment(bytes32 element, ChainBatchHeader batchHeader, ChainInclusionProof proof) returns (bool);

    /// The sender of the message being relayed (reverts when none is).
    function xDomainMessageSender() returns (address);

    // ----- events -----

    /// A message was sent to the other domain.
    event SentMessage(address indexed target, address sender, bytes message, uint256 messageNonce, uint256 gasLimit);
    /// A message was delivered and its call succeeded.
    event RelayedMessage(bytes32 indexed msgHash);
    /// A message was delivered but its call failed; anyone may retry it.
    event FailedRelayedMessage(bytes32 indexed msgHash);
    /// The passer recorded a message (`sentMessages[messageKey] = true`).
    event MessagePassed(address indexed sender, bytes32 indexed messageKey, bytes message);
    /// A child-chain sender was added to or removed from the whitelist.
    event WhitelistUpdated(address indexed sender, bool allowed);
    /// The allow-all switch of the sender whitelist changed.
    event AllowAllSendersUpdated(bool allowAll);
    /// A messenger was wired to its counterpart (one-shot).
    event MessengerInitialized(address indexed otherMessenger, address passer, address origin, address stateCommitmentChain, address transactionQueue);
    /// A transaction was appended to the parent-to-child queue.
    event TransactionEnqueued(address indexed l1TxOrigin, address indexed target, uint256 gasLimit, bytes data, uint256 indexed queueIndex, uint256 timestamp);
    /// A batch of child state roots was appended.
    event StateBatchAppended(uint256 indexed batchIndex, bytes32 batchRoot, uint256 batchSize, uint256 prevTotalElements, bytes extraData);
    /// A batch (and every later one) was deleted inside its fraud-proof window.
    event StateBatchDeleted(uint256 indexed batchIndex, bytes32 batchRoot);

    // ----- errors -----

    /// `xDomainMessageSender()` was read outside a relay.
    #[derive(Debug, PartialEq, Eq)]
    error XDomainMessageSenderNotSet();
    /// The message already succeeded once.
    #[derive(Debug, PartialEq, Eq)]
    error MessageAlreadyRelayed(bytes32 msgHash);
    /// A retry was attempted for a message that has not failed (only failed messages are
    /// retryable without authentication).
    #[derive(Debug, PartialEq, Eq)]
    error MessageCannotBeReplayed(bytes32 msgHash);
    /// The target is a system contract that must never be called by a relay.
    #[derive(Debug, PartialEq, Eq)]
    error UnsafeTarget(address target);
    /// A relay was attempted while another relay of this messenger is running.
    #[derive(Debug, PartialEq, Eq)]
    error ReentrantRelay();
    /// Too little gas left to run the call and still record its outcome.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientRelayGas(uint256 gasLeft, uint256 required);
    /// During gas estimation (`tx.origin == 0x…01`) the target's call failed.
    #[derive(Debug, PartialEq, Eq)]
    error EstimationCallFailed(bytes32 msgHash);
    /// The child-chain sender is not whitelisted.
    #[derive(Debug, PartialEq, Eq)]
    error SenderNotWhitelisted(address sender);
    /// A parent-to-child relay did not come from the configured origin.
    #[derive(Debug, PartialEq, Eq)]
    error NotCrossDomainOrigin(address caller);
    /// A messenger address passed to `initialize` is zero.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidConfiguration();
    /// The batch header does not match the stored batch.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidBatchHeader();
    /// The batch is still inside its fraud-proof window (relay) or no longer (delete).
    #[derive(Debug, PartialEq, Eq)]
    error InsideFraudProofWindow(uint256 batchIndex);
    /// The batch is outside its fraud-proof window and can no longer be deleted.
    #[derive(Debug, PartialEq, Eq)]
    error OutsideFraudProofWindow(uint256 batchIndex);
    /// The state root is not in the batch.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidStateRootProof();
    /// The passer's account proof does not verify against the state root.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidAccountProof();
    /// The storage proof does not verify against the passer's storage root.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidStorageProof();
    /// The proven `sentMessages` slot does not hold `true`.
    #[derive(Debug, PartialEq, Eq)]
    error MessageNotSent();
    /// A call to another system contract failed unexpectedly.
    #[derive(Debug, PartialEq, Eq)]
    error SystemCallFailed(address target);
    /// Only the proposer may append state batches.
    #[derive(Debug, PartialEq, Eq)]
    error NotProposer(address caller);
    /// Only the challenger may delete state batches.
    #[derive(Debug, PartialEq, Eq)]
    error NotChallenger(address caller);
    /// A batch must start where the chain ends.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidBatchStart(uint256 expected, uint256 given);
    /// A batch must hold at least one state root.
    #[derive(Debug, PartialEq, Eq)]
    error EmptyBatch();
    /// A batch may hold at most `max` state roots.
    #[derive(Debug, PartialEq, Eq)]
    error BatchTooLarge(uint256 size, uint256 max);
    /// Enqueued data is larger than the queue accepts.
    #[derive(Debug, PartialEq, Eq)]
    error TransactionDataTooLarge(uint256 size, uint256 max);
    /// The child gas limit is above the queue's maximum.
    #[derive(Debug, PartialEq, Eq)]
    error TransactionGasLimitTooHigh(uint256 gasLimit, uint256 max);
    /// The child gas limit is below the queue's minimum.
    #[derive(Debug, PartialEq, Eq)]
    error TransactionGasLimitTooLow(uint256 gasLimit, uint256 min);
    /// No queue element at that index.
    #[derive(Debug, PartialEq, Eq)]
    error QueueIndexOutOfBounds(uint256 index);
}
