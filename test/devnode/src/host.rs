//! The `vm_hooks` host functions (stylus-runtime.md section 1.2) and the per-invocation host
//! state: arguments, output, return data, the storage cache, ink bookkeeping.
//!
//! State-touching host functions reach the revm context through a raw pointer that the driver
//! ([`crate::evm`]) sets immediately before entering wasm and clears immediately after; calls
//! and creates do not touch the context at all past gas accounting: they stash a [`Pending`]
//! request and suspend the guest ([`StylusTrap::Suspend`]) so revm runs the child frame.
#![allow(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt;

use alloy_primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use revm::context::ContextTr;
use revm::context_interface::CreateScheme;
use revm::interpreter::instructions::contract::load_account_delegated;
use revm::interpreter::{CallInput, CallInputs, CallScheme, CallValue, CreateInputs, Host};
use wasmi::errors::HostError;
use wasmi::{Caller, Error, Linker, Memory, ResourceLimiter};
use wasmi_core::LimiterError;

use crate::evm::Ctx;
use crate::ink::{self, FUEL_PER_GAS};

/// Why the guest stopped inside a host function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StylusTrap {
    /// A call or create is pending: the driver runs it as a revm frame and resumes.
    Suspend,
    /// Out of ink: all gas is burnt.
    OutOfInk,
    /// Bad host-function use (static write, bad log, out-of-bounds pointer): revert, no data.
    Failure,
    /// `exit_early(status)`.
    Exit(i32),
}

impl fmt::Display for StylusTrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl HostError for StylusTrap {}

fn trap(t: StylusTrap) -> Error {
    Error::host(t)
}

fn failure() -> Error {
    trap(StylusTrap::Failure)
}

/// A call or create the guest asked for.
#[derive(Debug)]
pub enum Pending {
    /// `call_contract`, `delegate_call_contract`, `static_call_contract`.
    Call {
        /// The child frame.
        inputs: Box<CallInputs>,
        /// Where to write the length of the return data.
        ret_len_ptr: u32,
    },
    /// `create1`, `create2`.
    Create {
        /// The child frame.
        inputs: Box<CreateInputs>,
        /// Where to write the new address (zero on failure).
        addr_ptr: u32,
        /// Where to write the length of the return data.
        ret_len_ptr: u32,
    },
}

/// One entry of the storage cache.
#[derive(Debug, Clone, Copy)]
struct CacheSlot {
    value: B256,
    /// The value storage holds (as far as this invocation knows); `None` if never read.
    known: Option<B256>,
}

impl CacheSlot {
    fn dirty(&self) -> bool {
        self.known != Some(self.value)
    }
}

/// Memory pages open in the transaction (memory model, section 1.7).
#[derive(Debug, Clone, Copy, Default)]
pub struct Pages {
    /// Pages open now.
    pub open: u16,
    /// Most pages ever open at once in this transaction.
    pub ever: u16,
}

impl Pages {
    /// Opens `new` pages, returning the gas or `None` past the page limit.
    pub fn add(&mut self, new: u16) -> Option<u64> {
        let open = self.open.checked_add(new).filter(|o| *o <= ink::PAGE_LIMIT)?;
        let gas = ink::memory_gas(new, self.open, self.ever);
        self.open = open;
        self.ever = self.ever.max(open);
        Some(gas)
    }
}

/// Grows memory only within the page limit, and bills the memory model for `memory.grow`
/// (Nitro inserts a `pay_for_memory_grow` before every `memory.grow`).
#[derive(Debug, Default)]
pub struct PageLimiter {
    /// Page counters of the transaction (copied in and out by the driver).
    pub pages: Pages,
    /// Memory-model gas incurred by `memory.grow`, charged at the next host call or exit.
    pub pending_gas: u64,
}

const PAGE: usize = 65_536;

impl ResourceLimiter for PageLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let new = desired.saturating_sub(current) / PAGE;
        let Ok(new) = u16::try_from(new) else { return Ok(false) };
        if current == 0 && new == 0 {
            return Ok(true);
        }
        if current == 0 {
            // Instantiation: the footprint was charged by the driver.
            return Ok(true);
        }
        match self.pages.add(new) {
            Some(gas) => {
                self.pending_gas = self.pending_gas.saturating_add(gas);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        Ok(desired <= 4096)
    }

    fn instances(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }
}

/// What the program sees of its call (EVM data).
#[derive(Debug, Clone, Default)]
pub struct CallData {
    /// `contract_address`: the acting address (storage owner).
    pub address: Address,
    /// `msg_sender`.
    pub caller: Address,
    /// `msg_value` (apparent value for delegate calls).
    pub value: U256,
    /// Static context: writes, logs and value transfers fail.
    pub is_static: bool,
    /// `msg_reentrant`.
    pub reentrant: bool,
}

/// Host state of one program invocation (one `Store`).
pub struct HostState {
    ctx: *mut Ctx,
    /// The guest's exported memory.
    pub memory: Option<Memory>,
    /// Calldata.
    pub args: Bytes,
    /// Output set by `write_result`.
    pub outs: Vec<u8>,
    /// Result of the last call or create.
    pub return_data: Bytes,
    cache: BTreeMap<B256, CacheSlot>,
    cache_reads: u32,
    cache_writes: u32,
    /// The call's EVM data.
    pub data: CallData,
    /// SSTORE refunds accumulated by flushes.
    pub refund: i64,
    /// The call or create the guest is waiting on.
    pub pending: Option<Pending>,
    /// Memory pages and pending memory-model gas.
    pub limiter: PageLimiter,
    /// Lines printed with the debug `console` imports.
    pub console: Vec<String>,
}

impl fmt::Debug for HostState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostState").field("data", &self.data).finish_non_exhaustive()
    }
}

impl HostState {
    /// A fresh host state for a call.
    #[must_use]
    pub fn new(args: Bytes, data: CallData, pages: Pages) -> Self {
        Self {
            ctx: std::ptr::null_mut(),
            memory: None,
            args,
            outs: Vec::new(),
            return_data: Bytes::new(),
            cache: BTreeMap::new(),
            cache_reads: 0,
            cache_writes: 0,
            data,
            refund: 0,
            pending: None,
            limiter: PageLimiter { pages, pending_gas: 0 },
            console: Vec::new(),
        }
    }

    /// Lends the revm context to the host functions for the duration of one wasm entry.
    ///
    /// The driver must call [`Self::detach`] as soon as the guest stops (before the context is
    /// used by anything else), so the pointer is never dereferenced after the borrow ends.
    pub fn attach(&mut self, ctx: &mut Ctx) {
        self.ctx = ctx;
    }

    /// Ends the loan of [`Self::attach`].
    pub fn detach(&mut self) {
        self.ctx = std::ptr::null_mut();
    }
}

type C<'a> = Caller<'a, HostState>;

/// The revm context lent by the driver.
fn ctx<'a>(c: &'a mut C<'_>) -> Result<&'a mut Ctx, Error> {
    let ptr = c.data().ctx;
    if ptr.is_null() {
        return Err(failure());
    }
    // SAFETY: `ptr` was set by `HostState::attach` from a `&mut Ctx` that the driver holds
    // for the whole wasm entry (`call_resumable`/`resume`) and does not use meanwhile; it is
    // cleared by `detach` right after the entry returns, before the context is touched again.
    // The context lives outside the `Store`, so this borrow does not alias `c`'s data, and it
    // is tied to the `&mut` borrow of `c`, so no two host-side borrows coexist.
    Ok(unsafe { &mut *ptr })
}

fn memory(c: &C<'_>) -> Result<Memory, Error> {
    c.data().memory.ok_or_else(failure)
}

fn read_bytes(c: &C<'_>, ptr: u32, len: u32) -> Result<Vec<u8>, Error> {
    let mem = memory(c)?;
    let mut buf = vec![0u8; len as usize];
    mem.read(c, ptr as usize, &mut buf).map_err(|_| failure())?;
    Ok(buf)
}

fn read_word(c: &C<'_>, ptr: u32) -> Result<B256, Error> {
    let mem = memory(c)?;
    let mut buf = [0u8; 32];
    mem.read(c, ptr as usize, &mut buf).map_err(|_| failure())?;
    Ok(B256::from(buf))
}

fn read_address(c: &C<'_>, ptr: u32) -> Result<Address, Error> {
    let mem = memory(c)?;
    let mut buf = [0u8; 20];
    mem.read(c, ptr as usize, &mut buf).map_err(|_| failure())?;
    Ok(Address::from(buf))
}

fn write_bytes(c: &mut C<'_>, ptr: u32, data: &[u8]) -> Result<(), Error> {
    let mem = memory(c)?;
    mem.write(&mut *c, ptr as usize, data).map_err(|_| failure())
}

fn write_u32(c: &mut C<'_>, ptr: u32, value: u32) -> Result<(), Error> {
    write_bytes(c, ptr, &value.to_le_bytes())
}

/// Charges `fuel`, plus any memory-model gas left by `memory.grow`.
fn charge_fuel(c: &mut C<'_>, fuel: u64) -> Result<(), Error> {
    let pending = std::mem::take(&mut c.data_mut().limiter.pending_gas);
    let cost = fuel.saturating_add(pending.saturating_mul(FUEL_PER_GAS));
    let left = c.get_fuel()?;
    if left < cost {
        c.set_fuel(0)?;
        return Err(trap(StylusTrap::OutOfInk));
    }
    c.set_fuel(left - cost)?;
    Ok(())
}

fn charge_ink(c: &mut C<'_>, ink: u64) -> Result<(), Error> {
    charge_fuel(c, ink::ink_to_fuel(ink))
}

fn charge_gas(c: &mut C<'_>, gas: u64) -> Result<(), Error> {
    charge_fuel(c, gas.saturating_mul(FUEL_PER_GAS))
}

fn gas_left(c: &C<'_>) -> Result<u64, Error> {
    Ok(c.get_fuel()? / FUEL_PER_GAS)
}

/// Fails with out-of-ink unless at least `gas` is left (Nitro's `require_gas`).
fn require_gas(c: &C<'_>, gas: u64) -> Result<(), Error> {
    if gas_left(c)? < gas {
        return Err(trap(StylusTrap::OutOfInk));
    }
    Ok(())
}

const fn ptrs(n: u64) -> u64 {
    ink::HOSTIO_INK + n * ink::PTR_INK
}

fn u256_at(c: &C<'_>, ptr: u32) -> Result<U256, Error> {
    Ok(U256::from_be_bytes(read_word(c, ptr)?.0))
}

fn cold_account_gas(c: &mut C<'_>, is_cold: bool) -> Result<(), Error> {
    let warm = ctx(c)?.gas_params().warm_storage_read_cost();
    let cold = if is_cold { ctx(c)?.gas_params().cold_account_additional_cost() } else { 0 };
    charge_gas(c, warm + cold)
}

fn storage_load(c: &mut C<'_>, key_ptr: u32, dest: u32) -> Result<(), Error> {
    charge_ink(c, ptrs(2) + ink::EVM_API_INK)?;
    require_gas(c, 2_100 + 10)?;
    let key = read_word(c, key_ptr)?;
    let value = if let Some(slot) = c.data().cache.get(&key).copied() {
        let reads = c.data().cache_reads;
        c.data_mut().cache_reads = reads.saturating_add(1);
        charge_gas(c, tier(reads, 32, 128, 2))?;
        slot.value
    } else {
        let address = c.data().data.address;
        let loaded = ctx(c)?.sload(address, U256::from_be_bytes(key.0)).ok_or_else(failure)?;
        let params = ctx(c)?.gas_params().clone();
        let gas = params.warm_storage_read_cost()
            + if loaded.is_cold { params.cold_storage_additional_cost() } else { 0 };
        charge_gas(c, gas)?;
        let value = B256::from(loaded.data.to_be_bytes::<32>());
        c.data_mut().cache.insert(key, CacheSlot { value, known: Some(value) });
        value
    };
    write_bytes(c, dest, value.as_slice())
}

/// Nitro's cache pricing tiers: the first `free` are free, then `mid` cost `mid_gas`, then 10.
const fn tier(count: u32, free: u32, mid: u32, mid_gas: u64) -> u64 {
    if count < free {
        0
    } else if count < mid {
        mid_gas
    } else {
        10
    }
}

fn storage_cache(c: &mut C<'_>, key_ptr: u32, value_ptr: u32) -> Result<(), Error> {
    charge_ink(c, ptrs(2))?;
    require_gas(c, 2_300 + 10)?;
    let key = read_word(c, key_ptr)?;
    let value = read_word(c, value_ptr)?;
    let writes = c.data().cache_writes;
    c.data_mut().cache_writes = writes.saturating_add(1);
    charge_gas(c, tier(writes, 8, 64, 7))?;
    let state = c.data_mut();
    match state.cache.get_mut(&key) {
        Some(slot) => slot.value = value,
        None => {
            state.cache.insert(key, CacheSlot { value, known: None });
        }
    }
    Ok(())
}

fn storage_flush(c: &mut C<'_>, clear: u32) -> Result<(), Error> {
    charge_ink(c, ink::HOSTIO_INK + ink::EVM_API_INK)?;
    let dirty: Vec<(B256, B256)> =
        c.data().cache.iter().filter(|(_, s)| s.dirty()).map(|(k, s)| (*k, s.value)).collect();
    if !dirty.is_empty() && c.data().data.is_static {
        return Err(failure());
    }
    let address = c.data().data.address;
    for (key, value) in dirty {
        // EIP-2200 sentry: an SSTORE needs more than the call stipend left.
        if gas_left(c)? <= ctx(c)?.gas_params().call_stipend() {
            return Err(trap(StylusTrap::OutOfInk));
        }
        let value_u = U256::from_be_bytes(value.0);
        let stored =
            ctx(c)?.sstore(address, U256::from_be_bytes(key.0), value_u).ok_or_else(failure)?;
        let params = ctx(c)?.gas_params().clone();
        let gas = params.sstore_static_gas()
            + params.sstore_dynamic_gas(true, &stored.data, stored.is_cold);
        let refund = params.sstore_refund(true, &stored.data);
        charge_gas(c, gas)?;
        let state = c.data_mut();
        state.refund += refund;
        if let Some(slot) = state.cache.get_mut(&key) {
            slot.known = Some(value);
        }
    }
    if clear != 0 {
        c.data_mut().cache.clear();
    }
    Ok(())
}

/// Gas forwarded to a child call (section 1.3 item 6) after charging the base cost.
fn call_child_gas(c: &mut C<'_>, base: u64, requested: u64) -> Result<u64, Error> {
    let left = gas_left(c)?;
    if left < base {
        c.set_fuel(0)?;
        return Err(trap(StylusTrap::OutOfInk));
    }
    let after = left - base;
    let child = requested.min(after - after / 64);
    charge_gas(c, base + child)?;
    Ok(child)
}

#[allow(clippy::too_many_arguments)]
fn do_call(
    c: &mut C<'_>,
    scheme: CallScheme,
    addr_ptr: u32,
    data_ptr: u32,
    len: u32,
    value_ptr: Option<u32>,
    gas: u64,
    ret_len_ptr: u32,
) -> Result<u32, Error> {
    charge_ink(c, ptrs(3) + ink::EVM_API_INK + ink::read_ink(u64::from(len)))?;
    let to = read_address(c, addr_ptr)?;
    let input = Bytes::from(read_bytes(c, data_ptr, len)?);
    let value = match value_ptr {
        Some(ptr) => u256_at(c, ptr)?,
        None => U256::ZERO,
    };
    let data = c.data().data.clone();
    if scheme == CallScheme::Call && data.is_static && !value.is_zero() {
        // ErrWriteProtection: fails without running the callee.
        c.data_mut().return_data = Bytes::new();
        write_u32(c, ret_len_ptr, 0)?;
        return Ok(2);
    }
    let left = gas_left(c)?;
    let has_value = !value.is_zero();
    let cx = ctx(c)?;
    let spec = *cx.cfg().spec();
    let (cost, _state_gas, bytecode, code_hash) =
        load_account_delegated(cx, spec, left, to, has_value, scheme == CallScheme::Call)
            .map_err(|_| trap(StylusTrap::OutOfInk))?;
    let params = cx.gas_params().clone();
    let mut base = params.warm_storage_read_cost() + cost;
    if has_value {
        base += params.transfer_value_cost();
    }
    let mut child = call_child_gas(c, base, gas)?;
    if has_value {
        child = child.saturating_add(params.call_stipend());
    }
    let (target_address, caller, call_value) = match scheme {
        CallScheme::DelegateCall => (data.address, data.caller, CallValue::Apparent(data.value)),
        _ => (to, data.address, CallValue::Transfer(value)),
    };
    let inputs = Box::new(CallInputs {
        input: CallInput::Bytes(input),
        return_memory_offset: 0..0,
        gas_limit: child,
        reservoir: 0,
        bytecode_address: to,
        known_bytecode: (code_hash, bytecode),
        target_address,
        caller,
        value: call_value,
        scheme,
        is_static: data.is_static || scheme == CallScheme::StaticCall,
        charged_new_account_state_gas: false,
    });
    c.data_mut().pending = Some(Pending::Call { inputs, ret_len_ptr });
    Err(trap(StylusTrap::Suspend))
}

#[allow(clippy::too_many_arguments)]
fn do_create(
    c: &mut C<'_>,
    code_ptr: u32,
    len: u32,
    endowment_ptr: u32,
    salt_ptr: Option<u32>,
    addr_ptr: u32,
    ret_len_ptr: u32,
) -> Result<(), Error> {
    charge_ink(c, ptrs(3) + ink::EVM_API_INK + ink::read_ink(u64::from(len)))?;
    if c.data().data.is_static {
        return Err(failure());
    }
    let code = Bytes::from(read_bytes(c, code_ptr, len)?);
    let value = u256_at(c, endowment_ptr)?;
    let salt = match salt_ptr {
        Some(ptr) => Some(u256_at(c, ptr)?),
        None => None,
    };
    let cx = ctx(c)?;
    if code.len() > cx.max_initcode_size() {
        return Err(failure());
    }
    let params = cx.gas_params().clone();
    let base = match salt {
        Some(_) => params.create2_cost(code.len()),
        None => params.create_cost(),
    } + params.initcode_cost(code.len());
    let left = gas_left(c)?;
    if left < base {
        c.set_fuel(0)?;
        return Err(trap(StylusTrap::OutOfInk));
    }
    let after = left - base;
    let child = after - after / 64;
    charge_gas(c, base + child)?;
    let scheme = match salt {
        Some(salt) => CreateScheme::Create2 { salt },
        None => CreateScheme::Create,
    };
    let mut inputs = CreateInputs::new(c.data().data.address, scheme, value, code, 0, 0);
    inputs.set_gas_limit(child);
    c.data_mut().pending =
        Some(Pending::Create { inputs: Box::new(inputs), addr_ptr, ret_len_ptr });
    Err(trap(StylusTrap::Suspend))
}

fn emit_log(c: &mut C<'_>, data_ptr: u32, len: u32, topics: u32) -> Result<(), Error> {
    charge_ink(c, ptrs(1) + ink::EVM_API_INK + ink::read_ink(u64::from(len)))?;
    if c.data().data.is_static || topics > 4 || len < topics * 32 {
        return Err(failure());
    }
    let bytes = read_bytes(c, data_ptr, len)?;
    let (topic_bytes, data) = bytes.split_at(topics as usize * 32);
    let topic_list: Vec<B256> = topic_bytes.chunks_exact(32).map(B256::from_slice).collect();
    let gas = 375 + ctx(c)?.gas_params().log_cost(topics as u8, data.len() as u64);
    charge_gas(c, gas)?;
    let address = c.data().data.address;
    let log =
        Log { address, data: LogData::new_unchecked(topic_list, Bytes::copy_from_slice(data)) };
    ctx(c)?.log(log);
    Ok(())
}

fn write_word(c: &mut C<'_>, dest: u32, word: U256) -> Result<(), Error> {
    write_bytes(c, dest, &word.to_be_bytes::<32>())
}

fn math(
    c: &mut C<'_>,
    v: u32,
    x: u32,
    m: Option<u32>,
    op: fn(U256, U256, U256) -> U256,
) -> Result<(), Error> {
    charge_ink(c, ptrs(if m.is_some() { 3 } else { 2 }))?;
    let a = u256_at(c, v)?;
    let b = u256_at(c, x)?;
    let modulus = match m {
        Some(m) => u256_at(c, m)?,
        None => U256::ZERO,
    };
    write_word(c, v, op(a, b, modulus))
}

/// Registers every host function of section 1.2 (and the debug-chain `console` / `debug`).
///
/// # Errors
/// A linker error if a name is registered twice (a bug).
pub fn linker(engine: &wasmi::Engine) -> Result<Linker<HostState>, wasmi::errors::LinkerError> {
    let mut l = Linker::<HostState>::new(engine);
    let vm = "vm_hooks";
    l.func_wrap(vm, "read_args", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        let args = c.data().args.clone();
        charge_ink(&mut c, ptrs(1) + ink::write_ink(args.len() as u64))?;
        write_bytes(&mut c, dest, &args)
    })?;
    l.func_wrap(vm, "write_result", |mut c: C<'_>, ptr: u32, len: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1) + ink::read_ink(u64::from(len)))?;
        let outs = read_bytes(&c, ptr, len)?;
        c.data_mut().outs = outs;
        Ok(())
    })?;
    l.func_wrap(vm, "exit_early", |mut c: C<'_>, status: i32| -> Result<(), Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Err(trap(StylusTrap::Exit(status)))
    })?;
    l.func_wrap(vm, "storage_load_bytes32", |mut c: C<'_>, key: u32, dest: u32| {
        storage_load(&mut c, key, dest)
    })?;
    l.func_wrap(vm, "storage_cache_bytes32", |mut c: C<'_>, key: u32, value: u32| {
        storage_cache(&mut c, key, value)
    })?;
    l.func_wrap(vm, "storage_flush_cache", |mut c: C<'_>, clear: u32| {
        storage_flush(&mut c, clear)
    })?;
    l.func_wrap(
        vm,
        "transient_load_bytes32",
        |mut c: C<'_>, key: u32, dest: u32| -> Result<(), Error> {
            charge_ink(&mut c, ptrs(2) + ink::EVM_API_INK)?;
            charge_gas(&mut c, 100)?;
            let key = u256_at(&c, key)?;
            let address = c.data().data.address;
            let value = ctx(&mut c)?.tload(address, key);
            write_word(&mut c, dest, value)
        },
    )?;
    l.func_wrap(
        vm,
        "transient_store_bytes32",
        |mut c: C<'_>, key: u32, value: u32| -> Result<(), Error> {
            charge_ink(&mut c, ptrs(2) + ink::EVM_API_INK)?;
            if c.data().data.is_static {
                return Err(failure());
            }
            charge_gas(&mut c, 100)?;
            let key = u256_at(&c, key)?;
            let value = u256_at(&c, value)?;
            let address = c.data().data.address;
            ctx(&mut c)?.tstore(address, key, value);
            Ok(())
        },
    )?;
    l.func_wrap(
        vm,
        "call_contract",
        |mut c: C<'_>, addr: u32, data: u32, len: u32, value: u32, gas: u64, ret_len: u32| {
            do_call(&mut c, CallScheme::Call, addr, data, len, Some(value), gas, ret_len)
        },
    )?;
    l.func_wrap(
        vm,
        "delegate_call_contract",
        |mut c: C<'_>, addr: u32, data: u32, len: u32, gas: u64, ret_len: u32| {
            do_call(&mut c, CallScheme::DelegateCall, addr, data, len, None, gas, ret_len)
        },
    )?;
    l.func_wrap(
        vm,
        "static_call_contract",
        |mut c: C<'_>, addr: u32, data: u32, len: u32, gas: u64, ret_len: u32| {
            do_call(&mut c, CallScheme::StaticCall, addr, data, len, None, gas, ret_len)
        },
    )?;
    l.func_wrap(
        vm,
        "create1",
        |mut c: C<'_>, code: u32, len: u32, endowment: u32, addr: u32, ret_len: u32| {
            do_create(&mut c, code, len, endowment, None, addr, ret_len)
        },
    )?;
    l.func_wrap(
        vm,
        "create2",
        |mut c: C<'_>, code: u32, len: u32, endowment: u32, salt: u32, addr: u32, ret_len: u32| {
            do_create(&mut c, code, len, endowment, Some(salt), addr, ret_len)
        },
    )?;
    l.func_wrap(
        vm,
        "read_return_data",
        |mut c: C<'_>, dest: u32, offset: u32, size: u32| -> Result<u32, Error> {
            charge_ink(&mut c, ptrs(1) + ink::write_ink(u64::from(size)))?;
            let data = c.data().return_data.clone();
            let start = (offset as usize).min(data.len());
            let end = start.saturating_add(size as usize).min(data.len());
            write_bytes(&mut c, dest, &data[start..end])?;
            Ok((end - start) as u32)
        },
    )?;
    l.func_wrap(vm, "return_data_size", |mut c: C<'_>| -> Result<u32, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(c.data().return_data.len() as u32)
    })?;
    l.func_wrap(vm, "emit_log", |mut c: C<'_>, data: u32, len: u32, topics: u32| {
        emit_log(&mut c, data, len, topics)
    })?;
    l.func_wrap(
        vm,
        "account_balance",
        |mut c: C<'_>, addr: u32, dest: u32| -> Result<(), Error> {
            charge_ink(&mut c, ptrs(2) + ink::EVM_API_INK)?;
            require_gas(&c, 2_600)?;
            let address = read_address(&c, addr)?;
            let balance = ctx(&mut c)?.balance(address).ok_or_else(failure)?;
            cold_account_gas(&mut c, balance.is_cold)?;
            write_word(&mut c, dest, balance.data)
        },
    )?;
    l.func_wrap(
        vm,
        "account_code",
        |mut c: C<'_>, addr: u32, offset: u32, size: u32, dest: u32| -> Result<u32, Error> {
            charge_ink(&mut c, ptrs(2) + ink::EVM_API_INK + ink::write_ink(u64::from(size)))?;
            require_gas(&c, 2_600)?;
            let address = read_address(&c, addr)?;
            let code = ctx(&mut c)?.load_account_code(address).ok_or_else(failure)?;
            cold_account_gas(&mut c, code.is_cold)?;
            let start = (offset as usize).min(code.data.len());
            let end = start.saturating_add(size as usize).min(code.data.len());
            write_bytes(&mut c, dest, &code.data[start..end])?;
            Ok((end - start) as u32)
        },
    )?;
    l.func_wrap(vm, "account_code_size", |mut c: C<'_>, addr: u32| -> Result<u32, Error> {
        charge_ink(&mut c, ptrs(1) + ink::EVM_API_INK)?;
        require_gas(&c, 2_600)?;
        let address = read_address(&c, addr)?;
        let code = ctx(&mut c)?.load_account_code(address).ok_or_else(failure)?;
        cold_account_gas(&mut c, code.is_cold)?;
        Ok(code.data.len() as u32)
    })?;
    l.func_wrap(
        vm,
        "account_codehash",
        |mut c: C<'_>, addr: u32, dest: u32| -> Result<(), Error> {
            charge_ink(&mut c, ptrs(2) + ink::EVM_API_INK)?;
            require_gas(&c, 2_600)?;
            let address = read_address(&c, addr)?;
            let hash = ctx(&mut c)?.load_account_code_hash(address).ok_or_else(failure)?;
            cold_account_gas(&mut c, hash.is_cold)?;
            write_bytes(&mut c, dest, hash.data.as_slice())
        },
    )?;
    l.func_wrap(vm, "evm_gas_left", |mut c: C<'_>| -> Result<u64, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        gas_left(&c)
    })?;
    l.func_wrap(vm, "evm_ink_left", |mut c: C<'_>| -> Result<u64, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(c.get_fuel()? * ink::INK_PER_FUEL)
    })?;
    l.func_wrap(vm, "block_basefee", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = ctx(&mut c)?.basefee();
        write_word(&mut c, dest, v)
    })?;
    l.func_wrap(vm, "block_coinbase", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = ctx(&mut c)?.beneficiary();
        write_bytes(&mut c, dest, v.as_slice())
    })?;
    l.func_wrap(vm, "block_gas_limit", |mut c: C<'_>| -> Result<u64, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(ctx(&mut c)?.gas_limit().saturating_to())
    })?;
    l.func_wrap(vm, "block_number", |mut c: C<'_>| -> Result<u64, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(ctx(&mut c)?.block_number().saturating_to())
    })?;
    l.func_wrap(vm, "block_timestamp", |mut c: C<'_>| -> Result<u64, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(ctx(&mut c)?.timestamp().saturating_to())
    })?;
    l.func_wrap(vm, "chainid", |mut c: C<'_>| -> Result<u64, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(ctx(&mut c)?.chain_id().saturating_to())
    })?;
    l.func_wrap(vm, "contract_address", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = c.data().data.address;
        write_bytes(&mut c, dest, v.as_slice())
    })?;
    l.func_wrap(vm, "msg_sender", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = c.data().data.caller;
        write_bytes(&mut c, dest, v.as_slice())
    })?;
    l.func_wrap(vm, "msg_value", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = c.data().data.value;
        write_word(&mut c, dest, v)
    })?;
    l.func_wrap(vm, "msg_reentrant", |mut c: C<'_>| -> Result<u32, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(u32::from(c.data().data.reentrant))
    })?;
    l.func_wrap(vm, "tx_origin", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = Host::caller(ctx(&mut c)?);
        write_bytes(&mut c, dest, v.as_slice())
    })?;
    l.func_wrap(vm, "tx_gas_price", |mut c: C<'_>, dest: u32| -> Result<(), Error> {
        charge_ink(&mut c, ptrs(1))?;
        let v = ctx(&mut c)?.effective_gas_price();
        write_word(&mut c, dest, v)
    })?;
    l.func_wrap(vm, "tx_ink_price", |mut c: C<'_>| -> Result<u32, Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        Ok(ink::INK_PRICE as u32)
    })?;
    l.func_wrap(
        vm,
        "native_keccak256",
        |mut c: C<'_>, ptr: u32, len: u32, out: u32| -> Result<(), Error> {
            charge_ink(&mut c, ink::keccak_ink(u64::from(len)) + ink::read_ink(u64::from(len)))?;
            let data = read_bytes(&c, ptr, len)?;
            let hash = keccak256(&data);
            write_bytes(&mut c, out, hash.as_slice())
        },
    )?;
    l.func_wrap(vm, "pay_for_memory_grow", |mut c: C<'_>, pages: u32| -> Result<(), Error> {
        charge_ink(&mut c, ink::HOSTIO_INK)?;
        if pages == 0 {
            return Ok(());
        }
        let pages = u16::try_from(pages).map_err(|_| trap(StylusTrap::OutOfInk))?;
        let gas =
            c.data_mut().limiter.pages.add(pages).ok_or_else(|| trap(StylusTrap::OutOfInk))?;
        charge_gas(&mut c, gas)
    })?;
    l.func_wrap(vm, "math_div", |mut c: C<'_>, v: u32, x: u32| {
        math(&mut c, v, x, None, |a, b, _| a.checked_div(b).unwrap_or_default())
    })?;
    l.func_wrap(vm, "math_mod", |mut c: C<'_>, v: u32, x: u32| {
        math(&mut c, v, x, None, |a, b, _| a.checked_rem(b).unwrap_or_default())
    })?;
    l.func_wrap(vm, "math_pow", |mut c: C<'_>, v: u32, x: u32| -> Result<(), Error> {
        let exponent = u256_at(&c, x)?;
        let bytes = u64::from(exponent.byte_len() as u32);
        charge_ink(&mut c, ink::POW_INK + ink::POW_BYTE_INK * (bytes + 1))?;
        math(&mut c, v, x, None, |a, b, _| a.wrapping_pow(b))
    })?;
    l.func_wrap(vm, "math_add_mod", |mut c: C<'_>, v: u32, x: u32, m: u32| {
        math(
            &mut c,
            v,
            x,
            Some(m),
            |a, b, m| if m.is_zero() { U256::ZERO } else { a.add_mod(b, m) },
        )
    })?;
    l.func_wrap(vm, "math_mul_mod", |mut c: C<'_>, v: u32, x: u32, m: u32| {
        math(
            &mut c,
            v,
            x,
            Some(m),
            |a, b, m| if m.is_zero() { U256::ZERO } else { a.mul_mod(b, m) },
        )
    })?;

    // Debug chains only (activation rejects these imports elsewhere).
    l.func_wrap("console", "log_txt", |mut c: C<'_>, ptr: u32, len: u32| -> Result<(), Error> {
        let text = read_bytes(&c, ptr, len)?;
        c.data_mut().console.push(String::from_utf8_lossy(&text).into_owned());
        Ok(())
    })?;
    l.func_wrap("console", "log_i32", |mut c: C<'_>, v: i32| {
        c.data_mut().console.push(v.to_string())
    })?;
    l.func_wrap("console", "log_i64", |mut c: C<'_>, v: i64| {
        c.data_mut().console.push(v.to_string())
    })?;
    l.func_wrap("console", "log_f32", |mut c: C<'_>, v: f32| {
        c.data_mut().console.push(v.to_string())
    })?;
    l.func_wrap("console", "log_f64", |mut c: C<'_>, v: f64| {
        c.data_mut().console.push(v.to_string())
    })?;
    l.func_wrap("console", "tee_i32", |mut c: C<'_>, v: i32| {
        c.data_mut().console.push(v.to_string());
        v
    })?;
    l.func_wrap("console", "tee_i64", |mut c: C<'_>, v: i64| {
        c.data_mut().console.push(v.to_string());
        v
    })?;
    l.func_wrap("console", "tee_f32", |mut c: C<'_>, v: f32| {
        c.data_mut().console.push(v.to_string());
        v
    })?;
    l.func_wrap("console", "tee_f64", |mut c: C<'_>, v: f64| {
        c.data_mut().console.push(v.to_string());
        v
    })?;
    l.func_wrap("debug", "null_host", |_: C<'_>| {})?;
    l.func_wrap("debug", "start_benchmark", |_: C<'_>| {})?;
    l.func_wrap("debug", "end_benchmark", |_: C<'_>| {})?;
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linker_covers_every_host_function() {
        use wasmparser::ValType;
        let name = |t: &ValType| match t {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            _ => "f64",
        };
        let mut wat = String::from("(module ");
        for f in crossnet_wasm::hostio::HOST_FUNCTIONS {
            let params: Vec<&str> = f.params.iter().map(name).collect();
            let results: Vec<&str> = f.results.iter().map(name).collect();
            wat.push_str(&format!(
                "(import \"{}\" \"{}\" (func (param {}) (result {})))",
                f.module,
                f.name,
                params.join(" "),
                results.join(" ")
            ));
        }
        wat.push_str("(memory (export \"memory\") 1 1))");
        let engine = crate::program::engine();
        let module =
            wasmi::Module::new(engine, wat::parse_str(&wat).expect("wat")).expect("module");
        let linker = linker(engine).expect("linker");
        let mut store = wasmi::Store::new(
            engine,
            HostState::new(Bytes::new(), CallData::default(), Pages::default()),
        );
        assert!(linker.instantiate_and_start(&mut store, &module).is_ok());
    }
}
