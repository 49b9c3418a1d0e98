//! The state of a gateway and the logic both gateway programs share.
//!
//! A gateway is two Stylus programs behind one address, like IPC's gateway diamond and its
//! facets: `Gateway` (the address everyone uses: sends, registry, claims, views) and
//! `GatewayExecutor` (incoming messages: `commitCheckpoint`, `applyCrossMessages`,
//! `propagateAll`), which `Gateway` runs by `delegatecall` from its fallback. Both programs'
//! storage is this one [`GatewayState`] at slot 0, so they read and write the same state.
//!
//! Shared here: routing and the policy checks of a hop ([`GatewayState::route`]), queueing into
//! the top-down queue of a child or the bottom-up batch ([`GatewayState::commit`]), original
//! nonces, claimable balances and the reentrancy guard.

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, B256, U256, U64, U8};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageB256, StorageMap, StorageU256, StorageU64, StorageU8, StorageVec,
    },
};

use super::{
    call::{batch_epoch, bounded_static_call},
    checkPolicyCall,
    events::{address_word, emit, emit_raw, word},
    message::{set_encoded_local_nonce, tracing_id_of_encoded},
    policy::{policy_subject, Direction},
    subnet::Hop,
    BottomUpBatchFull, IPCAddress, InvalidXnetMessage, InvalidXnetMessageReason as Reason,
    IpcEnvelope, IpcMsgKind, MessageStoredInPostbox, NewBottomUpMessage, NewBottomUpMsgBatch,
    NewTopDownMessage, RefundCredited, SubnetID,
};
use crate::access::{Ownable, ReentrancyGuard};

/// Gas kept for the bookkeeping after a message's call (its Result, events).
pub const EXECUTION_RESERVE_GAS: u64 = 100_000;

/// Gas cap of a `checkPolicy` call.
pub const POLICY_CHECK_GAS: u64 = 300_000;

/// Status of an active child subnet.
pub const ACTIVE: u8 = 1;
/// Status of a killed child subnet (its actor cannot register again).
pub const KILLED: u8 = 2;

const ONE: U64 = U64::from_limbs([1]);

/// Reads a `u64` counter.
#[must_use]
pub fn get_u64(slot: &StorageU64) -> u64 {
    slot.get().to()
}

/// The `value` word of an encoded envelope (`abi.encode(envelope)`).
#[must_use]
pub fn encoded_value(encoded: &[u8]) -> U256 {
    encoded.get(128..160).map(U256::from_be_slice).unwrap_or_default()
}

/// The `localNonce` of an encoded envelope.
#[must_use]
pub fn encoded_local_nonce(encoded: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    if let Some(word) = encoded.get(88..96) {
        bytes.copy_from_slice(word);
    }
    u64::from_be_bytes(bytes)
}

/// A registered child subnet, keyed by its actor.
#[storage]
pub struct Subnet {
    /// 0 unknown, [`ACTIVE`], [`KILLED`].
    pub status: StorageU8,
    /// Next nonce of the child's top-down queue.
    pub top_down_nonce: StorageU64,
    /// Next nonce expected from the child's bottom-up stream.
    pub applied_bottom_up_nonce: StorageU64,
    /// Locked at registration, claimable by the actor after `kill`.
    pub collateral: StorageU256,
    /// Value held by the child's subtree (genesis supply plus top-down value, minus bottom-up
    /// value).
    pub circ_supply: StorageU256,
}

/// Everything a gateway stores. Fields are public so that the two gateway programs, which
/// share this state, can use them directly.
#[storage]
pub struct GatewayState {
    /// May call `initialize` once.
    pub ownable: Ownable,
    /// Guards the entries that run user code or pay out.
    pub guard: ReentrancyGuard,
    /// Root chain id of this gateway's subnet.
    pub network_root: StorageU64,
    /// Blocks between bottom-up checkpoints.
    pub checkpoint_period: StorageU64,
    /// Messages per bottom-up checkpoint.
    pub max_msgs_per_batch: StorageU64,
    /// Gas each executed message gets.
    pub execution_gas: StorageU64,
    /// Next `originalNonce` of a message created here.
    pub next_original_nonce: StorageU64,
    /// Next nonce of the bottom-up stream.
    pub bottom_up_nonce: StorageU64,
    /// Checkpoint height of the open bottom-up batch.
    pub batch_epoch: StorageU64,
    /// Messages in the open bottom-up batch.
    pub batch_msgs: StorageU64,
    /// Height of the last early cut of a full batch.
    pub last_batch_cut: StorageU64,
    /// Next nonce expected from the top-down stream.
    pub applied_top_down_nonce: StorageU64,
    /// Route of this gateway's subnet.
    pub network_route: StorageVec<StorageAddress>,
    /// The parent-finality program (zero at a root).
    pub top_down_finality: StorageAddress,
    /// The `GatewayExecutor` program.
    pub executor: StorageAddress,
    /// Child subnets by actor.
    pub subnets: StorageMap<Address, Subnet>,
    /// Postbox: `keccak256(abi.encode(envelope))` by tracing id.
    pub postbox: StorageMap<B256, StorageB256>,
    /// Claimable balances.
    pub claimable: StorageMap<Address, StorageU256>,
}

impl GatewayState {
    /// This gateway's subnet.
    #[must_use]
    pub fn network(&self) -> SubnetID {
        let route = (0..self.network_route.len()).filter_map(|i| self.network_route.get(i));
        SubnetID { root: get_u64(&self.network_root), route: route.collect() }
    }

    /// The caller as an account of `net`.
    #[must_use]
    pub fn sender_address(&self, net: &SubnetID) -> IPCAddress {
        IPCAddress::new(net.clone(), self.vm().msg_sender())
    }

    /// Asks `program` whether the policy of its subnet lets the message cross the subnet's
    /// boundary (`leaving` it, or entering). No program (a root's own subnet), or a Result:
    /// no check.
    ///
    /// # Errors
    /// The program's revert data (`PolicyRefused`), cut at 256 bytes.
    pub fn check_policy(
        &self,
        program: Address,
        envelope: &IpcEnvelope,
        leaving: bool,
    ) -> Result<(), Vec<u8>> {
        if program.is_zero() || envelope.kind == IpcMsgKind::Result as u8 {
            return Ok(());
        }
        let direction = if leaving { Direction::Leaving } else { Direction::Entering };
        let (account_subnet, account, value) = policy_subject(envelope, direction);
        let data =
            checkPolicyCall { accountSubnet: account_subnet, account, value, leaving }.abi_encode();
        bounded_static_call(self.vm(), program, POLICY_CHECK_GAS, &data).map(drop)
    }

    /// Checks the next hop of a message from `net`: `Some(actor)` down into a
    /// registered child, `None` up to the parent; the policy of the subnet whose boundary the
    /// hop crosses must allow it.
    ///
    /// # Errors
    /// ABI-encoded `InvalidXnetMessage` (`DstSubnet`, `CannotSendToItself`,
    /// `CommonParentNotExist`) or the policy's `PolicyRefused`.
    pub fn route(
        &self,
        net: &SubnetID,
        envelope: &IpcEnvelope,
    ) -> Result<Option<Address>, Vec<u8>> {
        let to = &envelope.to.subnetId;
        let invalid = |reason: Reason| Err(InvalidXnetMessage::from(reason).abi_encode());
        if to.is_empty() {
            return invalid(Reason::DstSubnet);
        }
        match net.next_hop(to) {
            Hop::Here => invalid(Reason::CannotSendToItself),
            Hop::Down(actor) => {
                if self.subnets.get(actor).status.get() != U8::from(ACTIVE) {
                    return invalid(Reason::DstSubnet);
                }
                self.check_policy(actor, envelope, false)?;
                Ok(Some(actor))
            }
            Hop::Up => {
                if net.route.is_empty() || to.root != net.root {
                    return invalid(Reason::CommonParentNotExist);
                }
                self.check_policy(self.top_down_finality.get(), envelope, true)?;
                Ok(None)
            }
        }
    }

    /// Queues a routed message (`encoded`) in its next stream, setting its `localNonce`, and
    /// returns its tracing id. Top-down value counts in the child's circulating supply.
    ///
    /// # Errors
    /// [`BottomUpBatchFull`] when the bottom-up batch was already cut early in this block and
    /// this message would fill the next one.
    ///
    /// # Events
    /// `NewTopDownMessage(actor, envelope, id)`, or `NewBottomUpMessage(id, envelope)` and
    /// `NewBottomUpMsgBatch(block)` when it fills the batch.
    pub fn commit(
        &mut self,
        hop: Option<Address>,
        encoded: &mut [u8],
    ) -> Result<B256, BottomUpBatchFull> {
        if let Some(actor) = hop {
            let mut subnet = self.subnets.setter(actor);
            let nonce = subnet.top_down_nonce.get();
            subnet.top_down_nonce.set(nonce + ONE);
            let supply = subnet.circ_supply.get();
            subnet.circ_supply.set(supply + encoded_value(encoded));
            set_encoded_local_nonce(encoded, nonce.to());
            let id = tracing_id_of_encoded(encoded);
            emit_raw(
                self.vm(),
                NewTopDownMessage::SIGNATURE_HASH,
                &[address_word(actor), id],
                encoded,
            );
            return Ok(id);
        }
        let block = self.vm().block_number();
        let max = get_u64(&self.max_msgs_per_batch);
        let last_cut = get_u64(&self.last_batch_cut);
        let epoch = batch_epoch(block, last_cut, get_u64(&self.checkpoint_period));
        let mut count =
            if epoch == get_u64(&self.batch_epoch) { get_u64(&self.batch_msgs) } else { 0 };
        if count + 1 >= max && last_cut == block {
            return Err(BottomUpBatchFull { epoch });
        }
        let nonce = self.bottom_up_nonce.get();
        self.bottom_up_nonce.set(nonce + ONE);
        set_encoded_local_nonce(encoded, nonce.to());
        let id = tracing_id_of_encoded(encoded);
        emit_raw(self.vm(), NewBottomUpMessage::SIGNATURE_HASH, &[id], encoded);
        count += 1;
        if count >= max {
            count = 0;
            self.last_batch_cut.set(U64::from(block));
            emit(self.vm(), NewBottomUpMsgBatch::SIGNATURE_HASH, &[word(block)], &[]);
        }
        self.batch_epoch.set(U64::from(epoch));
        self.batch_msgs.set(U64::from(count));
        Ok(id)
    }

    /// Assigns `originalNonce` to a message created here.
    pub fn stamp(&mut self, envelope: &mut IpcEnvelope) {
        let nonce = self.next_original_nonce.get();
        self.next_original_nonce.set(nonce + ONE);
        envelope.originalNonce = nonce.to();
    }

    /// Keeps a message for `propagateAll`: a commitment under its id, the envelope in the
    /// event.
    ///
    /// # Events
    /// `MessageStoredInPostbox(id, envelope)`.
    pub fn store(&mut self, id: B256, encoded: &[u8]) {
        self.postbox.setter(id).set(keccak256(encoded));
        emit_raw(self.vm(), MessageStoredInPostbox::SIGNATURE_HASH, &[id], encoded);
    }

    /// Credits `amount` (if any) to the claimable balance of `account`.
    ///
    /// # Events
    /// `RefundCredited(account, id, amount)`.
    pub fn credit(&mut self, account: Address, id: B256, amount: U256) {
        if amount.is_zero() {
            return;
        }
        let mut balance = self.claimable.setter(account);
        let total = balance.get() + amount;
        balance.set(total);
        emit(
            self.vm(),
            RefundCredited::SIGNATURE_HASH,
            &[address_word(account), id],
            &[word(amount)],
        );
    }
}
