//! `GatewayExecutor`: the half of the IPC gateway that applies incoming messages. The
//! `Gateway` program runs it by `delegatecall` from its fallback, so it works on the gateway's
//! state ([`crossnet_sdk::ipc::gateway::GatewayState`]) at the gateway's address; called
//! directly (its own, never-initialised state) every entry refuses with `NotAuthorized`.
//!
//! # Streams
//! * `commitCheckpoint(height, msgs)` - the subnet actor of a child, after verifying the
//!   child validators' checkpoint signatures, hands over its bottom-up batch.
//! * `applyCrossMessages(msgs)` - the parent-finality program, after verifying the
//!   validators' signatures on a parent finality, hands over top-down messages.
//!
//! Each submission must continue its stream: its first nonce is the next expected one and the
//! nonces are consecutive, or the whole submission is rejected with
//! `InvalidNonce(expected, got)` (nothing applied; the relayer resubmits in order). A
//! checkpoint may not move out more value than the child's circulating supply. Every message
//! must have crossed the boundary of its stream (bottom-up: from inside the child's subtree to
//! outside it; top-down: from outside this subnet's subtree into it), else
//! `InvalidXnetMessage(Sender)` rejects the submission.
//!
//! # Applying one message
//! 1. The policy of the boundary it crossed is asked (the child's actor for bottom-up, the
//!    parent-finality program for top-down); a refusal answers SystemErr.
//! 2. For this subnet: a Transfer is a plain value call of its receiver; a Call goes to the
//!    receiver's `handleIpcMessage(envelope)` with the value; both get exactly the configured
//!    execution gas (else the submission reverts `InsufficientExecutionGas`, so a relayer
//!    cannot starve a message into failing) and at most 256 bytes of return data are read.
//!    Success answers Ok with the return data, failure (or a Call to an account without code)
//!    ActorErr with the revert data and the value refunded. A Result goes to its receiver's
//!    `handleIpcMessage` too; if that fails or the receiver is not a contract, its value is
//!    credited to the receiver's claimable balance. A Result is never answered, and a
//!    failing Result never blocks the stream.
//! 3. For elsewhere: the next hop is checked (route, next policy) and the message kept in the
//!    postbox for `propagateAll`; a message that cannot go on answers SystemErr.
//!
//! An answer is a Result queued back to the sender (Ok: no value; errors: the value), and a
//! `MessageExecuted(id, outcome, ret)` event.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use crossnet_sdk::{
    access::ReentrancyGuardReentrantCall,
    ipc::{
        call::bounded_call,
        events::{address_word, emit, word},
        gateway::{get_u64, GatewayState, ACTIVE, EXECUTION_RESERVE_GAS},
        handleIpcMessageCall,
        message::{envelope_call, tracing_id_of_encoded},
        CheckpointCommitted, InsufficientExecutionGas, InvalidNonce, InvalidXnetMessage,
        InvalidXnetMessageReason as Reason, IpcEnvelope, IpcMsgKind, MessageDropped,
        MessageExecuted, MessagePropagatedFromPostbox, NotAuthorized, NotEnoughSubnetCircSupply,
        NotRegisteredSubnet, OutcomeType, ResultExecuted, SubnetID, TopDownMessagesApplied,
    },
};
use stylus_sdk::{
    alloy_primitives::{keccak256, Address, B256, U256, U64, U8},
    prelude::*,
};

/// Every way a call can be refused.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// A guarded entry was entered again.
    ReentrancyGuardReentrantCall(ReentrancyGuardReentrantCall),
    /// The caller may not do this (or the executor was called directly).
    NotAuthorized(NotAuthorized),
    /// The caller is not an active child's actor.
    NotRegisteredSubnet(NotRegisteredSubnet),
    /// A submission does not continue its stream.
    InvalidNonce(InvalidNonce),
    /// A message did not cross its stream's boundary.
    InvalidXnetMessage(InvalidXnetMessage),
    /// A checkpoint moves more than the child's supply.
    NotEnoughSubnetCircSupply(NotEnoughSubnetCircSupply),
    /// Too little gas for a message's execution gas.
    InsufficientExecutionGas(InsufficientExecutionGas),
}

/// The executor half of the gateway.
#[entrypoint]
#[storage]
pub struct GatewayExecutor {
    state: GatewayState,
}

impl GatewayExecutor {
    /// Refuses direct calls (the executor's own state has no executor set) and runs `body`
    /// under the reentrancy guard.
    fn guarded(&mut self, body: impl FnOnce(&mut Self) -> Result<(), Error>) -> Result<(), Error> {
        if self.state.executor.get().is_zero() {
            return Err(NotAuthorized { caller: self.vm().msg_sender() }.into());
        }
        self.state.guard.enter()?;
        let out = body(self);
        self.state.guard.exit();
        out
    }

    /// Checks that `messages` continue a stream at `expected` and that each crossed the
    /// boundary the stream crosses (`crossed`); returns their total value.
    fn check_stream(
        messages: &[IpcEnvelope],
        expected: u64,
        crossed: impl Fn(&IpcEnvelope) -> bool,
    ) -> Result<U256, Error> {
        let mut total = U256::ZERO;
        for (i, message) in messages.iter().enumerate() {
            let want = expected + i as u64;
            if message.localNonce != want {
                return Err(InvalidNonce { expected: want, got: message.localNonce }.into());
            }
            if !crossed(message) {
                return Err(InvalidXnetMessage::from(Reason::Sender).into());
            }
            total = total.saturating_add(message.value);
        }
        Ok(total)
    }

    /// Sends on a message that is not new here (postbox, Results): commits it, or keeps it in
    /// the postbox when the batch is full for this block.
    ///
    /// # Errors
    /// The route's refusal when the message cannot go on (the caller answers it). Returning it
    /// instead of answering here keeps the call graph acyclic, so the build can bound the stack.
    fn forward(
        &mut self,
        net: &SubnetID,
        envelope: &IpcEnvelope,
        mut encoded: Vec<u8>,
        id: B256,
    ) -> Result<(), Vec<u8>> {
        let hop = self.state.route(net, envelope)?;
        if self.state.commit(hop, &mut encoded).is_err() {
            self.state.store(id, &encoded);
        }
        Ok(())
    }

    /// Records how a Call or Transfer ended and queues its Result (refunding the value on
    /// error). A Result is never answered: one that cannot go on is dropped.
    fn answer(
        &mut self,
        net: &SubnetID,
        envelope: &IpcEnvelope,
        id: B256,
        outcome: OutcomeType,
        ret: &[u8],
    ) {
        if envelope.kind == IpcMsgKind::Result as u8 {
            emit(self.vm(), MessageDropped::SIGNATURE_HASH, &[id], &[]);
            return;
        }
        self.vm().log(MessageExecuted { id, outcome: outcome as u8, ret: ret.to_vec().into() });
        let refund = if outcome == OutcomeType::Ok { U256::ZERO } else { envelope.value };
        let mut result = envelope.result(id, outcome, ret, refund);
        self.state.stamp(&mut result);
        let encoded = result.abi_encode();
        let result_id = tracing_id_of_encoded(&encoded);
        if self.forward(net, &result, encoded, result_id).is_err() {
            // A Result is never answered: one that cannot go on is dropped.
            emit(self.vm(), MessageDropped::SIGNATURE_HASH, &[result_id], &[]);
        }
    }

    /// Applies an incoming message: checks the policy of the boundary it crossed (`program`,
    /// `leaving`), then executes it here or keeps it for its next hop.
    fn apply(
        &mut self,
        net: &SubnetID,
        envelope: IpcEnvelope,
        program: Address,
        leaving: bool,
    ) -> Result<(), Error> {
        let encoded = envelope.abi_encode();
        let id = tracing_id_of_encoded(&encoded);
        let here = envelope.to.subnetId == *net;
        let checked = self.state.check_policy(program, &envelope, leaving).and_then(|()| {
            if here {
                Ok(())
            } else {
                self.state.route(net, &envelope).map(drop)
            }
        });
        match checked {
            Err(refusal) => self.answer(net, &envelope, id, OutcomeType::SystemErr, &refusal),
            Ok(()) if !here => self.state.store(id, &encoded),
            Ok(()) => self.execute(net, &envelope, &encoded, id)?,
        }
        Ok(())
    }

    /// Executes a message for this subnet.
    fn execute(
        &mut self,
        net: &SubnetID,
        envelope: &IpcEnvelope,
        encoded: &[u8],
        id: B256,
    ) -> Result<(), Error> {
        let Some(target) = envelope.to.evm_address() else {
            let ret = InvalidXnetMessage::from(Reason::InvalidTarget).abi_encode();
            self.answer(net, envelope, id, OutcomeType::SystemErr, &ret);
            return Ok(());
        };
        let is_result = envelope.kind == IpcMsgKind::Result as u8;
        let is_transfer = envelope.kind == IpcMsgKind::Transfer as u8;
        let outcome = if !is_transfer && self.vm().code_size(target) == 0 {
            Err(Vec::new())
        } else {
            let gas = get_u64(&self.state.execution_gas);
            let required = gas + gas / 63 + EXECUTION_RESERVE_GAS;
            let left = self.vm().evm_gas_left();
            if left < required {
                return Err(InsufficientExecutionGas {
                    gasLeft: U256::from(left),
                    required: U256::from(required),
                }
                .into());
            }
            let data = if is_transfer {
                Vec::new()
            } else {
                envelope_call(handleIpcMessageCall::SELECTOR, encoded)
            };
            bounded_call(self.vm(), target, envelope.value, gas, &data)
        };
        if is_result {
            let delivered = outcome.is_ok();
            if !delivered {
                self.state.credit(target, id, envelope.value);
            }
            emit(self.vm(), ResultExecuted::SIGNATURE_HASH, &[id], &[word(u64::from(delivered))]);
        } else {
            let (outcome, ret) = match outcome {
                Ok(ret) => (OutcomeType::Ok, ret),
                Err(ret) => (OutcomeType::ActorErr, ret),
            };
            self.answer(net, envelope, id, outcome, &ret);
        }
        Ok(())
    }
}

#[public]
impl GatewayExecutor {
    /// Executes the batch of a bottom-up checkpoint of the caller's child subnet, verified by
    /// the caller (its subnet actor): nonces must continue the child's stream, the values must
    /// fit its circulating supply, every message must come from inside the child's subtree and
    /// go out of it.
    ///
    /// # Arguments
    /// * `height` - the checkpoint's child block height (for the event).
    /// * `msgs` - the checkpoint's batch.
    ///
    /// # Errors
    /// `NotAuthorized` (direct call), `NotRegisteredSubnet` (the caller is not an active
    /// child's actor), `InvalidNonce`, `InvalidXnetMessage(Sender)`,
    /// `NotEnoughSubnetCircSupply`, `InsufficientExecutionGas`,
    /// `ReentrancyGuardReentrantCall`. Nothing is applied on error.
    ///
    /// # Events
    /// `CheckpointCommitted(actor, height, firstNonce, numMsgs)`, then per message
    /// `MessageExecuted` / `ResultExecuted` / `MessageStoredInPostbox` and the events of the
    /// Results queued.
    pub fn commit_checkpoint(&mut self, height: u64, msgs: Vec<IpcEnvelope>) -> Result<(), Error> {
        let actor = self.vm().msg_sender();
        self.guarded(|this| {
            let net = this.state.network();
            let child = net.child(actor);
            let mut subnet = this.state.subnets.setter(actor);
            if subnet.status.get() != U8::from(ACTIVE) {
                return Err(NotRegisteredSubnet { subnet: actor }.into());
            }
            let first = get_u64(&subnet.applied_bottom_up_nonce);
            let total = Self::check_stream(&msgs, first, |m| {
                child.contains(&m.from.subnetId) && !child.contains(&m.to.subnetId)
            })?;
            let supply = subnet.circ_supply.get();
            if total > supply {
                return Err(NotEnoughSubnetCircSupply { value: total, circSupply: supply }.into());
            }
            let count = msgs.len() as u64;
            subnet.circ_supply.set(supply - total);
            subnet.applied_bottom_up_nonce.set(U64::from(first + count));
            emit(
                this.vm(),
                CheckpointCommitted::SIGNATURE_HASH,
                &[address_word(actor), word(height)],
                &[word(first), word(count)],
            );
            for message in msgs {
                this.apply(&net, message, actor, true)?;
            }
            Ok(())
        })
    }

    /// Applies top-down messages certified by this subnet's validators (the parent-finality
    /// program only): nonces must continue the top-down stream, every message must come from
    /// outside this subnet's subtree and go into it.
    ///
    /// # Errors
    /// `NotAuthorized` (any other caller, or a direct call), `InvalidNonce`,
    /// `InvalidXnetMessage(Sender)`, `InsufficientExecutionGas`,
    /// `ReentrancyGuardReentrantCall`. Nothing is applied on error.
    ///
    /// # Events
    /// `TopDownMessagesApplied(firstNonce, numMsgs)`, then per message `MessageExecuted` /
    /// `ResultExecuted` / `MessageStoredInPostbox` and the events of the Results queued.
    pub fn apply_cross_messages(&mut self, messages: Vec<IpcEnvelope>) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let finality = self.state.top_down_finality.get();
        if caller != finality || caller.is_zero() {
            return Err(NotAuthorized { caller }.into());
        }
        self.guarded(|this| {
            let net = this.state.network();
            let first = get_u64(&this.state.applied_top_down_nonce);
            Self::check_stream(&messages, first, |m| {
                !net.contains(&m.from.subnetId) && net.contains(&m.to.subnetId)
            })?;
            let count = messages.len() as u64;
            this.state.applied_top_down_nonce.set(U64::from(first + count));
            emit(
                this.vm(),
                TopDownMessagesApplied::SIGNATURE_HASH,
                &[],
                &[word(first), word(count)],
            );
            for message in messages {
                this.apply(&net, message, finality, false)?;
            }
            Ok(())
        })
    }

    /// Forwards postbox messages to their next hop (anyone). `envelopes` are the messages of
    /// `MessageStoredInPostbox` events; one not (or no longer) in the postbox is skipped. A
    /// message that can no longer go on answers SystemErr; one that finds the bottom-up batch
    /// full for this block is kept again.
    ///
    /// # Errors
    /// `NotAuthorized` (direct call), `ReentrancyGuardReentrantCall`.
    ///
    /// # Events
    /// `MessagePropagatedFromPostbox(id)` per message forwarded, and the queueing events.
    pub fn propagate_all(&mut self, envelopes: Vec<IpcEnvelope>) -> Result<(), Error> {
        self.guarded(|this| {
            let net = this.state.network();
            for envelope in envelopes {
                let encoded = envelope.abi_encode();
                let id = tracing_id_of_encoded(&encoded);
                if this.state.postbox.get(id) != keccak256(&encoded) {
                    continue;
                }
                this.state.postbox.delete(id);
                emit(this.vm(), MessagePropagatedFromPostbox::SIGNATURE_HASH, &[id], &[]);
                if let Err(refusal) = this.forward(&net, &envelope, encoded, id) {
                    this.answer(&net, &envelope, id, OutcomeType::SystemErr, &refusal);
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests;
