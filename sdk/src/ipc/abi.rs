//! Solidity types, calls, events and errors of system 2 (IPC-style general message passing).
//!
//! Struct shapes and names follow the IPC contracts (`SubnetID`, `IPCAddress`, `FvmAddress`,
//! `IpcEnvelope`, `CallMsg`, `ResultMsg`), so existing tooling and calldata recognise them. The
//! IPC enums (`IpcMsgKind`, `OutcomeType`) travel as `uint8` fields, exactly as Solidity encodes
//! an enum; their Rust views are [`super::IpcMsgKind`] and [`super::OutcomeType`].

#[allow(unused_imports)] // used by `AbiType` with `export-abi`
use alloc::string::String;

use alloy_sol_types::sol;
use stylus_sdk::stylus_proc::AbiType;

sol! {
    /// A subnet: the root chain id and the route of subnet-actor addresses from the root down.
    /// The root has an empty route; the empty id (root 0) names nothing.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct SubnetID {
        uint64 root;
        address[] route;
    }

    /// An FVM-style address. EVM accounts are delegated addresses: `addrType` 4 and `payload`
    /// `abi.encode(DelegatedAddress{namespace: 10, length: 20, buffer: <20 bytes>})`.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct FvmAddress {
        uint8 addrType;
        bytes payload;
    }

    /// Payload of a delegated [`FvmAddress`].
    #[derive(Debug, Default, PartialEq, Eq)]
    struct DelegatedAddress {
        uint64 namespace;
        uint128 length;
        bytes buffer;
    }

    /// An account in a subnet.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct IPCAddress {
        SubnetID subnetId;
        FvmAddress rawAddress;
    }

    /// A cross-net message. `kind` is an `IpcMsgKind` (Transfer 0, Call 1, Result 2);
    /// `localNonce` is the nonce of the current hop's stream, `originalNonce` the nonce assigned
    /// where the message was created (stable across hops, part of the tracing id). `message` is
    /// `abi.encode(CallMsg)` for a Call, `abi.encode(ResultMsg)` for a Result, empty for a
    /// Transfer.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct IpcEnvelope {
        uint8 kind;
        uint64 localNonce;
        uint64 originalNonce;
        uint256 value;
        IPCAddress to;
        IPCAddress from;
        bytes message;
    }

    /// Payload of a Call: `method` is the 4-byte selector the receiver dispatches on.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct CallMsg {
        bytes method;
        bytes params;
    }

    /// Payload of a Result: the tracing id of the message it answers, its `OutcomeType`
    /// (Ok 0, SystemErr 1, ActorErr 2) and the (bounded) return or revert data.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct ResultMsg {
        bytes32 id;
        uint8 outcome;
        bytes ret;
    }

    /// Rules a subnet actor publishes for the messages entering and leaving its subnet, enforced
    /// by the gateways on both sides (origin and destination). Results are never refused, so
    /// refunds always flow.
    /// * `paused` - refuse every Call and Transfer entering or leaving the subnet.
    /// * `maxValue` - largest value of one message entering or leaving (0: no cap).
    /// * `senders` - when non-empty, the only accounts of the subnet that may send out of it.
    /// * `targets` - when non-empty, the only accounts of the subnet that may receive.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct SubnetPolicy {
        bool paused;
        uint256 maxValue;
        address[] senders;
        address[] targets;
    }

    /// A configuration of a child subnet, numbered by its subnet actor: the validators with
    /// their weights, and the policy.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct SubnetConfig {
        uint64 configurationNumber;
        address[] validators;
        uint256[] weights;
        SubnetPolicy policy;
    }

    /// A bottom-up checkpoint of a child subnet, signed by its validators. `msgs` is the batch
    /// cut at `blockHeight`; `nextConfigurationNumber` is the configuration in force at the
    /// child at `blockHeight`, whose validators sign the checkpoint.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct BottomUpCheckpoint {
        SubnetID subnetID;
        uint64 blockHeight;
        bytes32 blockHash;
        uint64 nextConfigurationNumber;
        IpcEnvelope[] msgs;
    }

    /// A parent-finality commitment, signed by the child's validators: a final parent block,
    /// the configuration changes the parent published up to it, and the next top-down messages.
    #[derive(Debug, Default, PartialEq, Eq, AbiType)]
    struct ParentFinality {
        uint64 height;
        bytes32 blockHash;
        SubnetConfig[] configs;
        IpcEnvelope[] msgs;
    }

    // ----- calls between programs -----

    /// The IPC entrypoint every IPC-enabled contract exposes; only its gateway calls it.
    function handleIpcMessage(IpcEnvelope envelope) payable returns (bytes);
    /// Gateway: queue a Call from a contract.
    function sendContractXnetMessage(IpcEnvelope envelope) payable returns (IpcEnvelope committed);
    /// Gateway: execute the batch of a verified bottom-up checkpoint (subnet actor only).
    function commitCheckpoint(uint64 height, IpcEnvelope[] msgs);
    /// Gateway: apply verified top-down messages (parent-finality program only).
    function applyCrossMessages(IpcEnvelope[] messages);
    /// Gateway: register the calling subnet actor's subnet.
    function register(uint256 genesisCircSupply) payable;
    /// Gateway: kill the calling subnet actor's subnet.
    function kill();
    /// Gateway: pay out the caller's claimable balance.
    function claim(address recipient);
    /// Subnet actor (for its child) and parent-finality program (for its own subnet): reverts
    /// `PolicyRefused` when the subnet's policy refuses a Call or Transfer of `value` crossing
    /// the subnet's boundary (`leaving` it, or entering), whose sender (leaving) or receiver
    /// (entering) is `account`, an account of the subnet whose actor is `accountSubnet` (the
    /// last route element of its subnet id; zero for a root).
    function checkPolicy(address accountSubnet, address account, uint256 value, bool leaving) view;

    // ----- events -----

    /// A message was queued top-down into the child subnet of `subnet` (its actor).
    event NewTopDownMessage(address indexed subnet, IpcEnvelope message, bytes32 indexed id);
    /// A message was queued bottom-up, in the batch of the next checkpoint.
    event NewBottomUpMessage(bytes32 indexed id, IpcEnvelope message);
    /// The bottom-up batch filled up and was cut early at `epoch` (the current block).
    event NewBottomUpMsgBatch(uint64 indexed epoch);
    /// A message bound further away was stored in the postbox (its commitment is kept;
    /// `propagateAll` takes the envelope back).
    event MessageStoredInPostbox(bytes32 indexed id, IpcEnvelope message);
    /// A postbox message was forwarded.
    event MessagePropagatedFromPostbox(bytes32 indexed id);
    /// A Call or Transfer reached its destination (Ok / ActorErr) or was refused on the way
    /// (SystemErr); its Result was queued.
    event MessageExecuted(bytes32 indexed id, uint8 outcome, bytes ret);
    /// A Result reached its destination; `delivered` is false when the receiver refused it or
    /// is not a contract (its refund, if any, became claimable).
    event ResultExecuted(bytes32 indexed id, bool delivered);
    /// A Result could not be routed on and was dropped (a Call or Transfer gets a SystemErr
    /// Result instead).
    event MessageDropped(bytes32 indexed id);
    /// A refund that could not be delivered was credited to `account`.
    event RefundCredited(address indexed account, bytes32 indexed id, uint256 amount);
    /// `account` claimed its balance to `recipient`.
    event Claimed(address indexed account, address recipient, uint256 amount);
    /// A checkpoint of the child of `subnet` (its actor) was executed.
    event CheckpointCommitted(address indexed subnet, uint64 indexed height, uint64 firstNonce, uint64 numMsgs);
    /// Top-down messages were applied.
    event TopDownMessagesApplied(uint64 firstNonce, uint64 numMsgs);
    /// A child subnet registered.
    event SubnetRegistered(address indexed subnet, uint256 collateral, uint256 genesisCircSupply);
    /// A child subnet was killed; its collateral became claimable by its actor.
    event SubnetKilled(address indexed subnet, uint256 collateral);
    /// The parent-finality program was set (one-shot).
    event GatewayInitialized(address indexed topDownFinality);

    /// The subnet actor's configuration changed (validators, weights, policy).
    event SubnetConfigured(uint64 indexed configurationNumber, SubnetConfig config);
    /// A checkpoint was verified and handed to the gateway.
    event CheckpointSubmitted(uint64 indexed height, bytes32 blockHash, uint64 configurationNumber, uint64 numMsgs);
    /// A parent finality was verified; its messages were handed to the gateway.
    event ParentFinalityCommitted(uint64 indexed height, bytes32 blockHash, uint64 numMsgs);
    /// The child adopted a configuration.
    event ConfigurationApplied(uint64 indexed configurationNumber);

    /// An owner dropped an inflight message of an IpcExchange contract.
    event InflightMessageDropped(bytes32 indexed id);

    // ----- errors -----

    /// `handleIpcMessage` was called by another account than the gateway.
    #[derive(Debug, PartialEq, Eq)]
    error CallerIsNotGateway();
    /// A Result for a message this contract is not waiting for (or from the wrong account).
    #[derive(Debug, PartialEq, Eq)]
    error UnrecognizedResult();
    /// A message kind the receiver does not handle (Transfers never reach contracts).
    #[derive(Debug, PartialEq, Eq)]
    error UnsupportedMsgKind();

    /// The message is invalid; `reason` is an `InvalidXnetMessageReason`.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidXnetMessage(uint8 reason);
    /// The policy of the subnet of `subnet` (its actor; 0 for the gateway's own) refused the
    /// message; `rule` is a `PolicyRule`.
    #[derive(Debug, PartialEq, Eq)]
    error PolicyRefused(address subnet, uint8 rule);
    /// A policy list is longer than the gateway accepts.
    #[derive(Debug, PartialEq, Eq)]
    error PolicyTooLarge(uint256 length, uint256 max);
    /// The caller may not do this.
    #[derive(Debug, PartialEq, Eq)]
    error NotAuthorized(address caller);
    /// No registered child subnet has this actor.
    #[derive(Debug, PartialEq, Eq)]
    error NotRegisteredSubnet(address subnet);
    /// The actor's subnet is (or was) registered already.
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyRegisteredSubnet(address subnet);
    /// A subnet can only be killed once all its supply came back.
    #[derive(Debug, PartialEq, Eq)]
    error NotEmptySubnetCircSupply(uint256 circSupply);
    /// A checkpoint moves more value out of the child than it holds.
    #[derive(Debug, PartialEq, Eq)]
    error NotEnoughSubnetCircSupply(uint256 value, uint256 circSupply);
    /// A submission must continue its stream at `expected`; nothing was applied.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidNonce(uint64 expected, uint64 got);
    /// The bottom-up batch is full and was cut in this block; send again in the next block.
    #[derive(Debug, PartialEq, Eq)]
    error BottomUpBatchFull(uint64 epoch);
    /// Too little gas to give the next message its execution gas.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientExecutionGas(uint256 gasLeft, uint256 required);
    /// The caller has no claimable balance.
    #[derive(Debug, PartialEq, Eq)]
    error NothingToClaim(address account);
    /// Sending value to `recipient` failed.
    #[derive(Debug, PartialEq, Eq)]
    error TransferFailed(address recipient);
    /// A call to another crossnet program failed without a typed error.
    #[derive(Debug, PartialEq, Eq)]
    error IpcSystemCallFailed(address target);

    /// No signatures.
    #[derive(Debug, PartialEq, Eq)]
    error EmptySignatures();
    /// `signatories` and `signatures` differ in length.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidArrayLength();
    /// Signatories must be strictly ascending.
    #[derive(Debug, PartialEq, Eq)]
    error SignatureAddressesNotSorted();
    /// A signatory appears twice.
    #[derive(Debug, PartialEq, Eq)]
    error DuplicateValidatorSignaturesFound();
    /// A signature is malformed (length, `v`, high `s`) or does not recover.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidSignature();
    /// A signature recovers to another address than its signatory.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidSignatory(address signatory);
    /// A signatory is not a validator of the configuration.
    #[derive(Debug, PartialEq, Eq)]
    error NotValidator(address signatory);
    /// The signers' weight is not more than two thirds of the total.
    #[derive(Debug, PartialEq, Eq)]
    error WeightsSumLessThanThreshold(uint256 weight, uint256 total);
    /// A validator set is empty, has a zero address or weight, a duplicate, or mismatched lists.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidValidatorSet();
    /// The configuration number is not one the checkpoint (or finality) may use.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidConfigurationNumber(uint64 configurationNumber);

    /// The checkpoint height is not above the last submitted one.
    #[derive(Debug, PartialEq, Eq)]
    error BottomUpCheckpointAlreadySubmitted(uint64 height, uint64 last);
    /// The checkpoint height is beyond the next period boundary.
    #[derive(Debug, PartialEq, Eq)]
    error CannotSubmitFutureCheckpoint(uint64 height, uint64 nextBoundary);
    /// A checkpoint below the next boundary must carry a full batch.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidCheckpointEpoch(uint64 height);
    /// The batch holds more messages than a checkpoint may.
    #[derive(Debug, PartialEq, Eq)]
    error MaxMsgsPerBatchExceeded(uint256 numMsgs, uint256 max);
    /// The finality height is not above the last committed one.
    #[derive(Debug, PartialEq, Eq)]
    error ParentFinalityAlreadyCommitted(uint64 height, uint64 last);
    /// A constructor or configuration argument is invalid.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidIpcConfiguration();
    /// An encoded checkpoint or finality does not parse.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidEncoding();
}
