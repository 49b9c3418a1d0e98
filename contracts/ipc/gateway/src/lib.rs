//! `Gateway`: the IPC gateway of one subnet (one per chain).
//!
//! The gateway is two programs behind this one address (as IPC's gateway is a diamond of
//! facets): this program holds the sends, the registry, claims and views, and runs the
//! `GatewayExecutor` program by `delegatecall` from its fallback for the incoming messages
//! (`commitCheckpoint`, `applyCrossMessages`, `propagateAll`). Both share
//! [`crossnet_sdk::ipc::gateway::GatewayState`]; see `IGateway.sol` and `IGatewayExecutor.sol`
//! for the two halves of the interface.
//!
//! # Roles
//! * **Parent of its children.** Registry of child subnets (each identified by its subnet actor:
//!   `register` with collateral and genesis circulating supply, `kill` at zero supply), `fund`
//!   (native value into a child), a top-down queue per child (`NewTopDownMessage` events with a
//!   nonce per child), and `commitCheckpoint`, through which a child's subnet actor hands over
//!   a bottom-up checkpoint its validators signed.
//! * **Child of its parent.** `release` (native value back up), bottom-up batches
//!   (`NewBottomUpMessage` events, one nonce stream, cut at every checkpoint period or early when
//!   full), and `applyCrossMessages`, through which the parent-finality program hands over
//!   top-down messages its validators certified.
//! * **Everyone.** `sendContractXnetMessage` (Calls from contracts), execution of messages for
//!   this subnet at the target's `handleIpcMessage` (or a plain value transfer), one Result per
//!   executed Call or Transfer, the postbox and `propagateAll` for messages going further, and
//!   `claim` for refunds that could not be delivered.
//!
//! # Nonces
//! Every stream has strict nonces: the top-down queue of each child (assigned here, applied by
//! the child's gateway), the bottom-up stream (assigned here, applied by the parent's gateway
//! per child). A submission whose first message is not the next nonce of its stream, or whose
//! nonces are not consecutive, is rejected as a whole with `InvalidNonce(expected, got)`: nothing
//! is applied and the relayer can resubmit in order. One bad submission never bricks a stream.
//! `originalNonce` comes from one counter for every message created here (sends and Results),
//! so tracing ids are unique in every direction.
//!
//! # Value
//! `msg.value` must equal the value of every send (`fund`, `release`: the value is
//! `msg.value`; `sendContractXnetMessage`: `envelope.value == msg.value`). Top-down value stays
//! locked here and counts in the child's circulating supply; bottom-up value returns to this
//! gateway's balance, which on a child chain is the subnet's un-issued supply (a child gateway
//! is deployed holding it) and pays incoming top-down value. A checkpoint cannot move out more
//! than the child's circulating supply. Failed Calls and Transfers refund their value through
//! their Result; a refund (or any Result value) that its receiver cannot take is credited to a
//! claimable balance (`claim`), as is the collateral of a killed subnet.
//!
//! # Execution
//! A Call goes to `handleIpcMessage(envelope)` of its target with its value and exactly the
//! configured execution gas (the applier must supply enough, or the whole submission reverts
//! `InsufficientExecutionGas`, so a relayer cannot starve a message into failing); at most
//! 256 bytes of return data are read. Ok / ActorErr follow the call's outcome; an EOA target is
//! ActorErr. A Transfer is a plain value call. A Result goes to its target's `handleIpcMessage`
//! too (no Result for a Result); if that fails or the target is an EOA, its value is credited
//! to the target's claimable balance and the stream continues.
//!
//! # Routing and policy
//! A message for this subnet is executed; one for a subnet below goes down into the child on
//! the way; anything else goes up. Messages arriving for elsewhere are checked and kept in the
//! postbox (a commitment to the envelope; the envelope is in the `MessageStoredInPostbox`
//! event); `propagateAll` (anyone) forwards them. A message that cannot go on gets a SystemErr
//! Result.
//!
//! The `SubnetPolicy` of a subnet is held by the program that publishes it on each side: the
//! subnet actor on the parent chain, the parent-finality program on the child chain (which
//! adopts the actor's configurations). When a message crosses a subnet's boundary here, the
//! gateway asks that program (`checkPolicy`, a static call with a gas cap): at origin a refusal
//! reverts with the program's `PolicyRefused`, at destination it becomes a SystemErr Result
//! that refunds the value. Results are never refused.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::{SolError, SolEvent, SolValue};
use crossnet_sdk::{
    access::{
        AlreadyInitialized, OwnableInvalidOwner, OwnableUnauthorizedAccount,
        ReentrancyGuardReentrantCall,
    },
    ipc::{
        events::{address_word, emit, word},
        gateway::{encoded_local_nonce, get_u64, GatewayState, ACTIVE, KILLED},
        AlreadyRegisteredSubnet, BottomUpBatchFull, Claimed, FvmAddress, GatewayInitialized,
        IPCAddress, InvalidIpcConfiguration, InvalidXnetMessage,
        InvalidXnetMessageReason as Reason, IpcEnvelope, IpcMsgKind, NotEmptySubnetCircSupply,
        NotRegisteredSubnet, NothingToClaim, SubnetID, SubnetKilled, SubnetRegistered,
        TransferFailed, MAX_TREE_DEPTH,
    },
};
use stylus_sdk::{
    alloy_primitives::{Address, B256, U256, U64, U8},
    call::RawCall,
    prelude::*,
    ArbResult,
};

/// Every typed way a call can be refused. Sends also revert with the `PolicyRefused` of the
/// subnet's policy program, unchanged.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// `initialize` called twice.
    AlreadyInitialized(AlreadyInitialized),
    /// A guarded entry was entered again.
    ReentrancyGuardReentrantCall(ReentrancyGuardReentrantCall),
    /// Invalid constructor or `initialize` argument.
    InvalidIpcConfiguration(InvalidIpcConfiguration),
    /// Invalid message (sender, destination, value, kind, route).
    InvalidXnetMessage(InvalidXnetMessage),
    /// Unknown or killed child subnet.
    NotRegisteredSubnet(NotRegisteredSubnet),
    /// The actor registered before.
    AlreadyRegisteredSubnet(AlreadyRegisteredSubnet),
    /// `kill` with supply still in the child.
    NotEmptySubnetCircSupply(NotEmptySubnetCircSupply),
    /// The bottom-up batch cannot take another message in this block.
    BottomUpBatchFull(BottomUpBatchFull),
    /// Nothing to claim.
    NothingToClaim(NothingToClaim),
    /// Paying out a claim failed.
    TransferFailed(TransferFailed),
}

impl From<Reason> for Error {
    fn from(reason: Reason) -> Self {
        InvalidXnetMessage::from(reason).into()
    }
}

/// The gateway (its first half; the second is `GatewayExecutor`).
#[entrypoint]
#[storage]
pub struct Gateway {
    state: GatewayState,
}

impl Gateway {
    /// A send from this subnet: stamps `originalNonce`, routes and commits; reverts on refusal.
    fn send(&mut self, net: &SubnetID, mut envelope: IpcEnvelope) -> Result<IpcEnvelope, Vec<u8>> {
        self.state.stamp(&mut envelope);
        let mut encoded = envelope.abi_encode();
        let hop = self.state.route(net, &envelope)?;
        self.state.commit(hop, &mut encoded).map_err(|e| e.abi_encode())?;
        envelope.localNonce = encoded_local_nonce(&encoded);
        Ok(envelope)
    }

    /// A Transfer of `msg.value` from the caller to `to`.
    fn transfer(&mut self, net: &SubnetID, to: IPCAddress) -> Result<(), Vec<u8>> {
        let value = self.vm().msg_value();
        if value.is_zero() {
            return Err(InvalidXnetMessage::from(Reason::Value).abi_encode());
        }
        let from = self.state.sender_address(net);
        self.send(net, IpcEnvelope::new_transfer(from, to, value))?;
        Ok(())
    }
}

#[public]
impl Gateway {
    /// Deploys the gateway of subnet `network`.
    ///
    /// # Arguments
    /// * `owner` - may call `initialize` once.
    /// * `network` - this gateway's subnet (a root: `{chainId, []}`; a child: its parent's id
    ///   plus its subnet actor on the parent chain).
    /// * `checkpoint_period` - blocks between bottom-up checkpoints (as the subnet actor).
    /// * `max_msgs_per_batch` - messages per bottom-up checkpoint (as the subnet actor).
    /// * `execution_gas` - gas each executed message gets.
    /// * `executor` - the `GatewayExecutor` program this gateway delegates incoming messages
    ///   to.
    ///
    /// # Errors
    /// `OwnableInvalidOwner`, `InvalidIpcConfiguration` (no root, too deep a network, zero
    /// period, batch size or execution gas, no executor).
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        network: SubnetID,
        checkpoint_period: u64,
        max_msgs_per_batch: u64,
        execution_gas: u64,
        executor: Address,
    ) -> Result<(), Error> {
        let state = &mut self.state;
        state.ownable.set_owner(owner)?;
        if network.root == 0
            || network.depth() > MAX_TREE_DEPTH
            || checkpoint_period == 0
            || max_msgs_per_batch == 0
            || execution_gas == 0
            || executor.is_zero()
        {
            return Err(InvalidIpcConfiguration {}.into());
        }
        state.network_root.set(U64::from(network.root));
        for actor in network.route {
            state.network_route.push(actor);
        }
        state.checkpoint_period.set(U64::from(checkpoint_period));
        state.max_msgs_per_batch.set(U64::from(max_msgs_per_batch));
        state.execution_gas.set(U64::from(execution_gas));
        state.executor.set(executor);
        state.guard.init();
        Ok(())
    }

    /// Sets the parent-finality program: the only caller of `applyCrossMessages`, and the
    /// holder of this subnet's policy (owner only, once; child gateways only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `AlreadyInitialized`, `InvalidIpcConfiguration` (zero
    /// address, or a root gateway).
    ///
    /// # Events
    /// `GatewayInitialized(top_down_finality)`.
    pub fn initialize(&mut self, top_down_finality: Address) -> Result<(), Error> {
        let state = &mut self.state;
        state.ownable.check_owner()?;
        if !state.top_down_finality.get().is_zero() {
            return Err(AlreadyInitialized {}.into());
        }
        if top_down_finality.is_zero() || state.network_route.is_empty() {
            return Err(InvalidIpcConfiguration {}.into());
        }
        state.top_down_finality.set(top_down_finality);
        emit(
            self.vm(),
            GatewayInitialized::SIGNATURE_HASH,
            &[address_word(top_down_finality)],
            &[],
        );
        Ok(())
    }

    /// Registers the caller (a subnet actor contract) as the actor of the child subnet
    /// `network ‖ msg.sender`. `msg.value` is the collateral (> 0) plus the genesis circulating
    /// supply, both locked here.
    ///
    /// # Arguments
    /// * `genesis_circ_supply` - value the child holds at genesis (counts as circulating).
    ///
    /// # Errors
    /// `InvalidXnetMessage` (`Sender`: caller without code; `Value`: no collateral),
    /// `AlreadyRegisteredSubnet`, `InvalidIpcConfiguration` (tree too deep).
    ///
    /// # Events
    /// `SubnetRegistered(actor, collateral, genesis_circ_supply)`.
    #[payable]
    pub fn register(&mut self, genesis_circ_supply: U256) -> Result<(), Error> {
        let actor = self.vm().msg_sender();
        if self.vm().code_size(actor) == 0 {
            return Err(Reason::Sender.into());
        }
        if self.state.network_route.len() >= MAX_TREE_DEPTH {
            return Err(InvalidIpcConfiguration {}.into());
        }
        let value = self.vm().msg_value();
        if value <= genesis_circ_supply {
            return Err(Reason::Value.into());
        }
        let mut subnet = self.state.subnets.setter(actor);
        if subnet.status.get() != U8::ZERO {
            return Err(AlreadyRegisteredSubnet { subnet: actor }.into());
        }
        let collateral = value - genesis_circ_supply;
        subnet.status.set(U8::from(ACTIVE));
        subnet.collateral.set(collateral);
        subnet.circ_supply.set(genesis_circ_supply);
        emit(
            self.vm(),
            SubnetRegistered::SIGNATURE_HASH,
            &[address_word(actor)],
            &[word(collateral), word(genesis_circ_supply)],
        );
        Ok(())
    }

    /// Kills the caller's subnet once its circulating supply is zero; the collateral becomes
    /// claimable by the actor.
    ///
    /// # Errors
    /// `NotRegisteredSubnet`, `NotEmptySubnetCircSupply`.
    ///
    /// # Events
    /// `SubnetKilled(actor, collateral)`, `RefundCredited(actor, 0, collateral)`.
    pub fn kill(&mut self) -> Result<(), Error> {
        let actor = self.vm().msg_sender();
        let mut subnet = self.state.subnets.setter(actor);
        if subnet.status.get() != U8::from(ACTIVE) {
            return Err(NotRegisteredSubnet { subnet: actor }.into());
        }
        let supply = subnet.circ_supply.get();
        if !supply.is_zero() {
            return Err(NotEmptySubnetCircSupply { circSupply: supply }.into());
        }
        let collateral = subnet.collateral.get();
        subnet.status.set(U8::from(KILLED));
        subnet.collateral.set(U256::ZERO);
        emit(self.vm(), SubnetKilled::SIGNATURE_HASH, &[address_word(actor)], &[word(collateral)]);
        self.state.credit(actor, B256::ZERO, collateral);
        Ok(())
    }

    /// Sends `msg.value` to `to` in the child subnet `subnet_id` (or deeper) as a Transfer.
    ///
    /// # Errors
    /// `InvalidXnetMessage` (`Value` for no value, `DstSubnet` for a subnet that is not below
    /// this one or not registered), the child's `PolicyRefused`.
    ///
    /// # Events
    /// `NewTopDownMessage(actor, envelope, id)`.
    #[payable]
    pub fn fund(&mut self, subnet_id: SubnetID, to: FvmAddress) -> Result<(), Vec<u8>> {
        let net = self.state.network();
        if !net.is_ancestor_of(&subnet_id) {
            return Err(InvalidXnetMessage::from(Reason::DstSubnet).abi_encode());
        }
        self.transfer(&net, IPCAddress { subnetId: subnet_id, rawAddress: to })
    }

    /// Sends `msg.value` to `to` in the parent subnet as a Transfer (the value returns to this
    /// gateway's balance).
    ///
    /// # Errors
    /// `InvalidXnetMessage` (`Value` for no value, `CommonParentNotExist` at a root), this
    /// subnet's `PolicyRefused`, `BottomUpBatchFull`.
    ///
    /// # Events
    /// `NewBottomUpMessage(id, envelope)`, `NewBottomUpMsgBatch(block)` when the batch fills.
    #[payable]
    pub fn release(&mut self, to: FvmAddress) -> Result<(), Vec<u8>> {
        let net = self.state.network();
        let Some(parent) = net.parent() else {
            return Err(InvalidXnetMessage::from(Reason::CommonParentNotExist).abi_encode());
        };
        self.transfer(&net, IPCAddress { subnetId: parent, rawAddress: to })
    }

    /// Queues a Call from the calling contract. The gateway sets `from` (this subnet and the
    /// caller), `localNonce` and `originalNonce`; `kind` must be Call and `value` must equal
    /// `msg.value`.
    ///
    /// # Returns
    /// The committed envelope (its tracing id is the message's id everywhere).
    ///
    /// # Errors
    /// `InvalidXnetMessage` (`Sender`: caller without code; `Kind`; `Value`;
    /// `CannotSendToItself`; `DstSubnet`; `CommonParentNotExist`), `PolicyRefused`,
    /// `BottomUpBatchFull`.
    ///
    /// # Events
    /// `NewTopDownMessage` or `NewBottomUpMessage` (and `NewBottomUpMsgBatch`).
    #[payable]
    pub fn send_contract_xnet_message(
        &mut self,
        envelope: IpcEnvelope,
    ) -> Result<IpcEnvelope, Vec<u8>> {
        let caller = self.vm().msg_sender();
        let reason = if self.vm().code_size(caller) == 0 {
            Some(Reason::Sender)
        } else if envelope.kind != IpcMsgKind::Call as u8 {
            Some(Reason::Kind)
        } else if envelope.value != self.vm().msg_value() {
            Some(Reason::Value)
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(InvalidXnetMessage::from(reason).abi_encode());
        }
        let net = self.state.network();
        let mut envelope = envelope;
        envelope.from = self.state.sender_address(&net);
        self.send(&net, envelope)
    }

    /// Pays the caller's claimable balance (undeliverable refunds, a killed subnet's
    /// collateral) to `recipient`.
    ///
    /// # Errors
    /// `NothingToClaim`, `TransferFailed`, `ReentrancyGuardReentrantCall`.
    ///
    /// # Events
    /// `Claimed(account, recipient, amount)`.
    pub fn claim(&mut self, recipient: Address) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        let amount = self.state.claimable.get(account);
        if amount.is_zero() {
            return Err(NothingToClaim { account }.into());
        }
        self.state.guard.enter()?;
        self.state.claimable.setter(account).set(U256::ZERO);
        let paid = stylus_sdk::call::transfer::transfer_eth(self.vm(), recipient, amount);
        self.state.guard.exit();
        paid.map_err(|_| TransferFailed { recipient })?;
        emit(
            self.vm(),
            Claimed::SIGNATURE_HASH,
            &[address_word(account)],
            &[address_word(recipient), word(amount)],
        );
        Ok(())
    }

    /// Runs every other selector in the `GatewayExecutor` program on this gateway's state
    /// (`commitCheckpoint`, `applyCrossMessages`, `propagateAll`).
    ///
    /// # Errors
    /// The executor's.
    #[payable]
    #[fallback]
    pub fn fallback(&mut self, input: &[u8]) -> ArbResult {
        let executor = self.state.executor.get();
        // SAFETY: the executor is the program fixed at construction, built on the same
        // `GatewayState` layout; the storage cache is flushed and invalidated before the
        // call, so both programs see the same state.
        #[allow(unsafe_code)]
        unsafe {
            RawCall::new_delegate(self.vm()).clear_storage_cache().call(executor, input)
        }
    }

    /// This gateway's subnet.
    pub fn get_network_name(&self) -> SubnetID {
        self.state.network()
    }

    /// A child subnet by actor: status (0 none, 1 active, 2 killed), collateral, circulating
    /// supply, next top-down nonce, next applied bottom-up nonce.
    pub fn get_subnet(&self, actor: Address) -> (u8, U256, U256, u64, u64) {
        let subnet = self.state.subnets.get(actor);
        (
            subnet.status.get().to(),
            subnet.collateral.get(),
            subnet.circ_supply.get(),
            get_u64(&subnet.top_down_nonce),
            get_u64(&subnet.applied_bottom_up_nonce),
        )
    }

    /// This gateway's streams: next bottom-up nonce, next applied top-down nonce, epoch and
    /// size of the open bottom-up batch, height of the last early batch cut, next original
    /// nonce.
    pub fn get_nonces(&self) -> (u64, u64, u64, u64, u64, u64) {
        let s = &self.state;
        (
            get_u64(&s.bottom_up_nonce),
            get_u64(&s.applied_top_down_nonce),
            get_u64(&s.batch_epoch),
            get_u64(&s.batch_msgs),
            get_u64(&s.last_batch_cut),
            get_u64(&s.next_original_nonce),
        )
    }

    /// Configuration: checkpoint period, max messages per batch, execution gas, the
    /// parent-finality program, the executor, the owner.
    pub fn get_config(&self) -> (u64, u64, u64, Address, Address, Address) {
        let s = &self.state;
        (
            get_u64(&s.checkpoint_period),
            get_u64(&s.max_msgs_per_batch),
            get_u64(&s.execution_gas),
            s.top_down_finality.get(),
            s.executor.get(),
            s.ownable.owner(),
        )
    }

    /// The postbox commitment (`keccak256(abi.encode(envelope))`) of message `id`, zero when
    /// absent.
    pub fn postbox(&self, id: B256) -> B256 {
        self.state.postbox.get(id)
    }

    /// The claimable balance of `account`.
    pub fn claimable(&self, account: Address) -> U256 {
        self.state.claimable.get(account)
    }
}

#[cfg(test)]
mod tests;
