//! The Stylus-capable EVM: a wrapper around revm's mainnet `Evm` that implements `EvmTr` with
//! three overridden methods (revm43-stylus-integration.md sections 2-4).
//!
//! * `frame_init` records the acting address of every pushed frame (for `msg_reentrant`).
//! * `frame_run` runs a call frame whose code starts with `EF F0 00` as a Stylus program in
//!   wasmi; the program *suspends* on `call_*`/`create*` and the request becomes an ordinary
//!   revm child frame, so depth limits, checkpoints, value transfer and precompiles are revm's.
//!   Create frames are run here too, to re-apply EIP-3541 with the Stylus exception.
//! * `frame_return_result` hands a child's result to a suspended program instead of to the
//!   EVM interpreter, and the next `frame_run` resumes it.
//!
//! The raw context pointer lent to host functions lives only between `HostState::attach` and
//! `HostState::detach` around a single wasm entry in this module.
//!
//! A [`FrameHook`] (optional, see [`ArbEvm::with_hook`]) sees every frame start and end, the way
//! a revm inspector's `call`/`call_end` do: test frameworks use it for Foundry-style cheatcodes
//! (`crossnet-foundry`).

use std::convert::Infallible;

use alloy_primitives::{keccak256, Address, Bytes};
use revm::context::{BlockEnv, CfgEnv, Context, ContextTr, Evm, Journal, JournalTr, TxEnv};
use revm::context_interface::context::take_error;
use revm::context_interface::result::{EVMError, ExecutionResult, InvalidTransaction};
use revm::database_interface::WrapDatabaseRef;
use revm::handler::evm::{ContextDbError, FrameInitResult};
use revm::handler::instructions::{EthInstructions, InstructionProvider};
use revm::handler::{
    handle_reservoir_remaining_gas, EthFrame, EvmTr, FrameData, FrameInitOrResult, FrameResult,
    Handler, ItemOrResult, MainnetHandler,
};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallScheme, FrameInput, Gas, InstructionResult, InterpreterAction, InterpreterResult,
};
use revm::state::EvmState;
use wasmi::{Linker, Memory, Store, TrapCode, TypedResumableCall, TypedResumableCallHostTrap, Val};

use crate::host::{self, CallData, HostState, Pages, Pending, StylusTrap};
use crate::ink::FUEL_PER_GAS;
use crate::precompiles::ArbPrecompiles;
use crate::program::{self, STYLUS_VERSION};
use crate::state::StateDb;

/// The database revm runs on.
pub type Db = WrapDatabaseRef<StateDb>;
/// The concrete revm context of the devnode.
pub type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
/// The error of running a transaction.
pub type TxError = EVMError<Infallible, InvalidTransaction>;

type Inner = Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, ArbPrecompiles, EthFrame>;

/// Where a pushed frame acts, for Nitro's reentrancy counter.
#[derive(Debug, Clone, Copy)]
struct FrameMeta {
    address: Address,
    /// Counted unless DELEGATECALL/CALLCODE.
    counted: bool,
}

/// One running program instance.
struct Invocation {
    store: Store<HostState>,
    memory: Option<Memory>,
    /// Pages open before the program started (restored when it returns).
    entry_open: u16,
    /// Gas of the frame when the program started (return-data cost rule).
    start_gas: u64,
    /// Fuel below one gas, carried across suspensions.
    leftover: u64,
}

/// A program waiting for a child frame.
struct Suspended {
    invocation: Invocation,
    call: TypedResumableCallHostTrap<i32>,
    ret_len_ptr: u32,
    addr_ptr: Option<u32>,
    result: Option<FrameResult>,
}

/// Chain-level knobs the Stylus driver needs.
#[derive(Debug, Clone, Copy)]
pub struct StylusSettings {
    /// ArbOS version (activation rules).
    pub arbos_version: u64,
    /// Debug chain (`console` imports, start functions).
    pub debug_chain: bool,
}

/// The Stylus-capable EVM for one transaction, with an optional [`FrameHook`] borrowed for
/// `'h`.
pub struct ArbEvm<'h> {
    inner: Inner,
    hook: Option<&'h mut dyn FrameHook>,
    linker: Linker<HostState>,
    slots: Vec<Option<Suspended>>,
    meta: Vec<FrameMeta>,
    pages: Pages,
    settings: StylusSettings,
    /// Lines printed by programs through the debug `console` imports.
    pub console: Vec<String>,
}

/// Outcome of [`ArbEvm::transact`]: the result and the state changes (not yet committed).
pub type Transacted = (ExecutionResult, EvmState);

/// A hook into every frame of a transaction, EVM and Stylus alike (a Stylus program's calls are
/// ordinary revm frames): what a revm inspector's `call` / `create` / `call_end` /
/// `create_end` are to the mainnet EVM. Test frameworks implement it for cheatcodes (prank,
/// expected reverts and events, a cheatcode address answered without code).
///
/// Depths count frames: 0 is the transaction's own frame, 1 a call it makes, and so on.
pub trait FrameHook {
    /// Called once before the transaction runs, with its context (block and transaction
    /// environment, journal): e.g. to apply a warped timestamp.
    fn transaction_start(&mut self, _ctx: &mut Ctx) {}

    /// Called before the frame `frame` at `depth` is created. The hook may rewrite it (another
    /// caller, target or input) or return the frame's result, in which case the frame is not
    /// run (its result still goes through [`FrameHook::frame_end`]).
    fn frame_start(
        &mut self,
        _ctx: &mut Ctx,
        _depth: usize,
        _frame: &mut FrameInit,
    ) -> Option<FrameResult> {
        None
    }

    /// Called with the result of the frame at `depth` (after its state changes were committed
    /// or reverted), before its caller sees it; the hook may rewrite it. Not called for a
    /// transaction frame answered by [`FrameHook::frame_start`].
    fn frame_end(&mut self, _ctx: &mut Ctx, _depth: usize, _result: &mut FrameResult) {}
}

impl ArbEvm<'_> {
    /// Builds the EVM over `ctx`.
    ///
    /// # Panics
    /// Never in practice: the linker only fails on duplicate registrations.
    #[must_use]
    pub fn new(ctx: Ctx, precompiles: ArbPrecompiles, settings: StylusSettings) -> Self {
        let spec = ctx.cfg.spec;
        let inner = Evm {
            ctx,
            inspector: (),
            instruction: EthInstructions::new_mainnet_with_spec(spec),
            precompiles,
            frame_stack: revm::context::FrameStack::new_prealloc(8),
        };
        #[allow(clippy::expect_used)]
        let linker = host::linker(program::engine()).expect("host functions register once");
        Self {
            inner,
            hook: None,
            linker,
            slots: Vec::new(),
            meta: Vec::new(),
            pages: Pages::default(),
            settings,
            console: Vec::new(),
        }
    }

    /// The EVM with `hook` watching every frame of the transactions it runs.
    #[must_use]
    pub fn with_hook<'a>(self, hook: &'a mut dyn FrameHook) -> ArbEvm<'a> {
        let Self { inner, hook: _, linker, slots, meta, pages, settings, console } = self;
        ArbEvm { inner, hook: Some(hook), linker, slots, meta, pages, settings, console }
    }

    /// Runs `tx` and returns its result and state changes (the database is not modified).
    ///
    /// # Errors
    /// [`TxError`] when the transaction is invalid (nonce, balance, gas limit, fees).
    pub fn transact(&mut self, tx: TxEnv) -> Result<Transacted, TxError> {
        self.inner.ctx.tx = tx;
        if let Some(hook) = self.hook.as_deref_mut() {
            hook.transaction_start(&mut self.inner.ctx);
        }
        let result = MainnetHandler::<Self, TxError, EthFrame>::default().run(self);
        let state = self.inner.ctx.journal_mut().finalize();
        self.slots.clear();
        Ok((result?, state))
    }

    fn is_stylus_call_frame(frame: &mut EthFrame) -> bool {
        matches!(frame.data, FrameData::Call(_))
            && frame
                .interpreter
                .bytecode
                .original_byte_slice()
                .starts_with(&crossnet_wasm::STYLUS_PREFIX)
    }

    /// Runs a create frame with EIP-3541 re-applied: `0xEF` code only with a Stylus prefix.
    fn run_create_frame(&mut self) -> Result<FrameInitOrResult<EthFrame>, ContextDbError<Ctx>> {
        let (ctx, instructions, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        let mut action = frame.interpreter.run_plain(
            instructions.instruction_table(),
            instructions.gas_table(),
            ctx,
        );
        if let InterpreterAction::Return(result) = &mut action {
            if result.result.is_ok()
                && result.output.first() == Some(&0xEF)
                && !result.output.starts_with(&crossnet_wasm::STYLUS_PREFIX)
            {
                result.result = InstructionResult::CreateContractStartingWithEF;
            }
        }
        let next = frame.process_next_action::<_, ContextDbError<Ctx>>(ctx, action)?;
        if next.is_result() {
            frame.set_finished(true);
        }
        Ok(next)
    }

    /// Ends the program of the top frame with `result`.
    fn finish(
        &mut self,
        result: InstructionResult,
        output: Bytes,
        start_gas: u64,
        entry_open: u16,
    ) -> Result<FrameInitOrResult<EthFrame>, ContextDbError<Ctx>> {
        self.pages.open = entry_open;
        let (ctx, _, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        let mut gas: Gas = frame.interpreter.gas;
        let mut result = result;
        let mut output = output;
        if result.is_halt() {
            gas.spend_all();
            output = Bytes::new();
        } else if !output.is_empty() {
            // ArbOS StylusFixes: the output is paid like EVM memory of its size.
            let cost = ctx.cfg.gas_params.memory_cost(output.len());
            if start_gas < cost {
                result = InstructionResult::OutOfGas;
                gas.spend_all();
                output = Bytes::new();
            } else if gas.remaining() > start_gas - cost {
                gas.set_remaining(start_gas - cost);
            }
        }
        if !result.is_ok() {
            gas.set_refund(0);
        }
        let action = InterpreterAction::Return(InterpreterResult { result, output, gas });
        let next = frame.process_next_action::<_, ContextDbError<Ctx>>(ctx, action)?;
        frame.set_finished(true);
        Ok(next)
    }

    /// Starts the program of the top frame.
    fn start(&mut self, idx: usize) -> Result<FrameInitOrResult<EthFrame>, ContextDbError<Ctx>> {
        let settings = self.settings;
        let entry_open = self.pages.open;
        let (ctx, _, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        let start_gas = frame.interpreter.gas.remaining();
        let code = frame.interpreter.bytecode.original_bytes();
        let codehash = match frame.interpreter.bytecode.hash() {
            Some(hash) => hash,
            None => keccak256(&code),
        };
        // Activation record (journaled, so a reverted activation is not seen).
        let now: u64 = ctx.block.timestamp.saturating_to();
        let record = crate::precompiles::activation(ctx, codehash)
            .filter(|r| r.version == STYLUS_VERSION && !r.expired(now));
        let Some(record) = record else {
            // Not activated (or expired / needs upgrade): fails and burns all gas.
            return self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open);
        };
        let Ok(compiled) =
            program::compile(&code, codehash, settings.arbos_version, settings.debug_chain)
        else {
            return self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open);
        };
        let mut pages = self.pages;
        let Some(footprint_gas) = pages.add(record.footprint) else {
            return self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open);
        };
        let (ctx, _, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        if !frame.interpreter.gas.record_regular_cost(record.call_gas() + footprint_gas) {
            return self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open);
        }
        let args = match &frame.input {
            FrameInput::Call(inputs) => inputs.input.bytes(ctx),
            _ => Bytes::new(),
        };
        let address = frame.interpreter.input.target_address;
        let reentrant =
            self.meta.iter().take(idx + 1).filter(|m| m.counted && m.address == address).count()
                > 1;
        let data = CallData {
            address,
            caller: frame.interpreter.input.caller_address,
            value: frame.interpreter.input.call_value,
            is_static: frame.interpreter.runtime_flag.is_static,
            reentrant,
        };
        let args_len = args.len();
        let mut store = Store::new(program::engine(), HostState::new(args, data, pages));
        store.limiter(|state| &mut state.limiter);
        let gas_left = frame.interpreter.gas.remaining();
        let instance = match self.linker.instantiate_and_start(&mut store, &compiled.module) {
            Ok(instance) => instance,
            Err(_) => {
                return self.finish(InstructionResult::Revert, Bytes::new(), start_gas, entry_open)
            }
        };
        let memory = instance.get_memory(&store, "memory");
        store.data_mut().memory = memory;
        let Ok(entry) = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") else {
            return self.finish(InstructionResult::Revert, Bytes::new(), start_gas, entry_open);
        };
        if store.set_fuel(gas_left.saturating_mul(FUEL_PER_GAS)).is_err() {
            return self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open);
        }
        let len = i32::try_from(args_len).unwrap_or(i32::MAX);
        let (ctx, _, _, _) = self.inner.all_mut();
        store.data_mut().attach(ctx);
        let outcome = entry.call_resumable(&mut store, len);
        store.data_mut().detach();
        let invocation = Invocation { store, memory, entry_open, start_gas, leftover: 0 };
        self.after_entry(idx, invocation, outcome)
    }

    /// Resumes the suspended program of the top frame with its child's result.
    fn resume(&mut self, idx: usize) -> Result<FrameInitOrResult<EthFrame>, ContextDbError<Ctx>> {
        let Some(Some(mut suspended)) = self.slots.get_mut(idx).map(Option::take) else {
            return self.finish(InstructionResult::Revert, Bytes::new(), 0, self.pages.open);
        };
        let mut inv = suspended.invocation;
        let Some(result) = suspended.result.take() else {
            let (start_gas, open) = (inv.start_gas, inv.entry_open);
            return self.finish(InstructionResult::Revert, Bytes::new(), start_gas, open);
        };
        let (_, _, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        inv.store.data_mut().limiter.pages = self.pages;
        let (status, return_data, address) = match result {
            FrameResult::Call(outcome) => {
                let ins = *outcome.instruction_result();
                let mut child_gas = outcome.gas();
                handle_reservoir_remaining_gas(
                    ins,
                    frame.interpreter.gas.tracker_mut(),
                    child_gas.tracker_mut(),
                );
                let data = if ins.is_ok_or_revert() { outcome.result.output } else { Bytes::new() };
                (if ins.is_ok() { 0 } else { 2 }, data, None)
            }
            FrameResult::Create(outcome) => {
                let ins = *outcome.instruction_result();
                let mut child_gas = *outcome.gas();
                handle_reservoir_remaining_gas(
                    ins,
                    frame.interpreter.gas.tracker_mut(),
                    child_gas.tracker_mut(),
                );
                let data = if ins == InstructionResult::Revert {
                    outcome.result.output.clone()
                } else {
                    Bytes::new()
                };
                let created = if ins.is_ok() { outcome.address } else { None };
                (0, data, Some(created.unwrap_or_default()))
            }
        };
        let ret_len = u32::try_from(return_data.len()).unwrap_or(u32::MAX);
        inv.store.data_mut().return_data = return_data;
        let mut written = true;
        if let Some(memory) = inv.memory {
            written &= memory
                .write(&mut inv.store, suspended.ret_len_ptr as usize, &ret_len.to_le_bytes())
                .is_ok();
            if let (Some(ptr), Some(address)) = (suspended.addr_ptr, address) {
                written &= memory.write(&mut inv.store, ptr as usize, address.as_slice()).is_ok();
            }
        }
        let fuel = frame.interpreter.gas.remaining().saturating_mul(FUEL_PER_GAS) + inv.leftover;
        if !written || inv.store.set_fuel(fuel).is_err() {
            let (start_gas, open) = (inv.start_gas, inv.entry_open);
            return self.finish(InstructionResult::Revert, Bytes::new(), start_gas, open);
        }
        let inputs: Vec<Val> =
            if suspended.addr_ptr.is_some() { Vec::new() } else { vec![Val::I32(status)] };
        let (ctx, _, _, _) = self.inner.all_mut();
        inv.store.data_mut().attach(ctx);
        let outcome = suspended.call.resume(&mut inv.store, &inputs);
        inv.store.data_mut().detach();
        self.after_entry(idx, inv, outcome)
    }

    /// Maps what the guest did after an entry (start or resume) onto the frame.
    fn after_entry(
        &mut self,
        idx: usize,
        mut inv: Invocation,
        outcome: Result<TypedResumableCall<i32>, wasmi::Error>,
    ) -> Result<FrameInitOrResult<EthFrame>, ContextDbError<Ctx>> {
        let state = inv.store.data_mut();
        self.pages = state.limiter.pages;
        self.console.append(&mut state.console);
        let refund = std::mem::take(&mut state.refund);
        let memory_gas = std::mem::take(&mut state.limiter.pending_gas);
        let pending = state.pending.take();
        let outs = Bytes::from(std::mem::take(&mut state.outs));
        let fuel = inv.store.get_fuel().unwrap_or(0);
        let (start_gas, entry_open) = (inv.start_gas, inv.entry_open);
        let (_, _, _, frames) = self.inner.all_mut();
        let frame = frames.get();
        frame.interpreter.gas.record_refund(refund);
        let Some(fuel) = fuel.checked_sub(memory_gas.saturating_mul(FUEL_PER_GAS)) else {
            return self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open);
        };
        frame.interpreter.gas.set_remaining(fuel / FUEL_PER_GAS);
        inv.leftover = fuel % FUEL_PER_GAS;
        let trap = match outcome {
            Ok(TypedResumableCall::Finished(status)) => {
                let result =
                    if status == 0 { InstructionResult::Return } else { InstructionResult::Revert };
                return self.finish(result, outs, start_gas, entry_open);
            }
            Ok(TypedResumableCall::OutOfFuel(_)) => {
                return self.finish(
                    InstructionResult::OutOfGas,
                    Bytes::new(),
                    start_gas,
                    entry_open,
                )
            }
            Err(error) => {
                let result = if error.as_trap_code() == Some(TrapCode::StackOverflow) {
                    // Nitro: OutOfStack (ErrDepth), all gas burnt.
                    InstructionResult::StackOverflow
                } else {
                    InstructionResult::Revert
                };
                return self.finish(result, Bytes::new(), start_gas, entry_open);
            }
            Ok(TypedResumableCall::HostTrap(trap)) => trap,
        };
        let kind = trap.host_error().downcast_ref::<StylusTrap>().copied();
        match (kind, pending) {
            (Some(StylusTrap::Suspend), Some(pending)) => {
                inv.store.data_mut().outs = outs.to_vec();
                let (input, ret_len_ptr, addr_ptr) = match pending {
                    Pending::Call { inputs, ret_len_ptr } => {
                        (FrameInput::Call(inputs), ret_len_ptr, None)
                    }
                    Pending::Create { inputs, addr_ptr, ret_len_ptr } => {
                        (FrameInput::Create(inputs), ret_len_ptr, Some(addr_ptr))
                    }
                };
                if self.slots.len() <= idx {
                    self.slots.resize_with(idx + 1, || None);
                }
                self.slots[idx] = Some(Suspended {
                    invocation: inv,
                    call: trap,
                    ret_len_ptr,
                    addr_ptr,
                    result: None,
                });
                let (ctx, _, _, frames) = self.inner.all_mut();
                frames.get().process_next_action::<_, ContextDbError<Ctx>>(
                    ctx,
                    InterpreterAction::NewFrame(input),
                )
            }
            (Some(StylusTrap::Exit(status)), _) => {
                let result =
                    if status == 0 { InstructionResult::Return } else { InstructionResult::Revert };
                self.finish(result, outs, start_gas, entry_open)
            }
            (Some(StylusTrap::OutOfInk), _) => {
                self.finish(InstructionResult::OutOfGas, Bytes::new(), start_gas, entry_open)
            }
            _ => self.finish(InstructionResult::Revert, Bytes::new(), start_gas, entry_open),
        }
    }
}

impl EvmTr for ArbEvm<'_> {
    type Context = Ctx;
    type Instructions = EthInstructions<EthInterpreter, Ctx>;
    type Precompiles = ArbPrecompiles;
    type Frame = EthFrame;

    fn all(
        &self,
    ) -> (
        &Self::Context,
        &Self::Instructions,
        &Self::Precompiles,
        &revm::context::FrameStack<Self::Frame>,
    ) {
        self.inner.all()
    }

    fn all_mut(
        &mut self,
    ) -> (
        &mut Self::Context,
        &mut Self::Instructions,
        &mut Self::Precompiles,
        &mut revm::context::FrameStack<Self::Frame>,
    ) {
        self.inner.all_mut()
    }

    fn frame_init(
        &mut self,
        mut frame_input: FrameInit,
    ) -> Result<FrameInitResult<'_, Self::Frame>, ContextDbError<Ctx>> {
        if self.inner.frame_stack.index().is_none() {
            self.slots.clear();
            self.meta.clear();
            self.pages = Pages::default();
        }
        if let Some(hook) = self.hook.as_deref_mut() {
            let depth = self.inner.frame_stack.index().map_or(0, |i| i + 1);
            if let Some(result) = hook.frame_start(&mut self.inner.ctx, depth, &mut frame_input) {
                return Ok(ItemOrResult::Result(result));
            }
        }
        let counted = match &frame_input.frame_input {
            FrameInput::Call(inputs) => {
                !matches!(inputs.scheme, CallScheme::DelegateCall | CallScheme::CallCode)
            }
            _ => true,
        };
        if let ItemOrResult::Result(result) = self.inner.frame_init(frame_input)? {
            return Ok(ItemOrResult::Result(result));
        }
        let idx = self.inner.frame_stack.index().unwrap_or(0);
        let frame = self.inner.frame_stack.get();
        let address = match &frame.data {
            FrameData::Create(create) => create.created_address,
            FrameData::Call(_) => frame.interpreter.input.target_address,
        };
        self.meta.truncate(idx);
        self.meta.push(FrameMeta { address, counted });
        if let Some(slot) = self.slots.get_mut(idx) {
            *slot = None;
        }
        Ok(ItemOrResult::Item(self.inner.frame_stack.get()))
    }

    fn frame_run(&mut self) -> Result<FrameInitOrResult<Self::Frame>, ContextDbError<Ctx>> {
        let idx = self.inner.frame_stack.index().unwrap_or(0);
        if self.slots.get(idx).is_some_and(Option::is_some) {
            return self.resume(idx);
        }
        let frame = self.inner.frame_stack.get();
        if Self::is_stylus_call_frame(frame) {
            return self.start(idx);
        }
        if matches!(frame.data, FrameData::Create(_)) {
            return self.run_create_frame();
        }
        self.inner.frame_run()
    }

    fn frame_return_result(
        &mut self,
        mut result: FrameResult,
    ) -> Result<Option<FrameResult>, ContextDbError<Ctx>> {
        let finished = self.inner.frame_stack.get().is_finished();
        if let Some(hook) = self.hook.as_deref_mut() {
            // A finished top frame produced the result; otherwise it stands for a frame that
            // was never pushed (precompile, empty code, hook) one level deeper.
            let top = self.inner.frame_stack.index().unwrap_or(0);
            let depth = if finished { top } else { top + 1 };
            hook.frame_end(&mut self.inner.ctx, depth, &mut result);
        }
        if finished {
            self.inner.frame_stack.pop();
        }
        let Some(idx) = self.inner.frame_stack.index() else {
            return Ok(Some(result));
        };
        self.meta.truncate(idx + 1);
        if let Some(Some(suspended)) = self.slots.get_mut(idx) {
            let (ctx, _, _, frames) = self.inner.all_mut();
            frames.get().interpreter.memory.free_child_context();
            take_error::<ContextDbError<Ctx>, _>(ctx.error())?;
            suspended.result = Some(result);
            return Ok(None);
        }
        let (ctx, _, _, frames) = self.inner.all_mut();
        frames.get().return_result::<_, ContextDbError<Ctx>>(ctx, result)?;
        Ok(None)
    }
}
