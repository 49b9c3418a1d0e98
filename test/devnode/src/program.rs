//! Stylus programs: activation records (journaled storage of the ArbOS state account, so a
//! reverted activation disappears) and the process-wide compiled-module cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use alloy_primitives::{address, keccak256, Address, B256, U256};
use crossnet_wasm::{decode_code, validate, ModuleInfo, Rules, ValidationError};
use wasmi::{CompilationMode, Config, Engine, Module};

use crate::ink;

/// The ArbOS state account: holds activation records in its storage.
pub const ARBOS_STATE: Address = address!("0xA4B05FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
/// Where activation data fees go.
pub const NETWORK_FEE_ACCOUNT: Address = address!("0xA4B00000000000000000000000000000000000F6");

/// The Stylus version new activations get (`ArbWasm.stylusVersion`).
pub const STYLUS_VERSION: u16 = 2;
/// Fixed gas of `activateProgram` on top of `activationGas` (0).
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;
/// `minPrice` of the data-fee market, in wei per estimated native byte.
pub const DATA_PRICE_MIN: u64 = 82_928_201;
/// `minInitGas` (scaled by 128) and `minCachedInitGas` (scaled by 32).
pub const MIN_INIT_GAS: u64 = 72;
/// See [`MIN_INIT_GAS`].
pub const MIN_CACHED_GAS: u64 = 11;
/// `expiryDays`.
pub const EXPIRY_DAYS: u64 = 365;
/// `keepaliveDays`.
pub const KEEPALIVE_DAYS: u64 = 31;
/// `maxStackDepth` (clamped from ArbOS 50).
pub const MAX_STACK_DEPTH: u32 = 262_144;

/// What activation records about a program (per codehash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activation {
    /// Stylus version at activation.
    pub version: u16,
    /// Initial memory pages (the program's footprint).
    pub footprint: u16,
    /// Extra gas of instantiating the program when it is not cached.
    pub init_cost: u16,
    /// Extra gas of instantiating the program when it is cached.
    pub cached_cost: u16,
    /// Nitro's native-size estimate, in bytes.
    pub asm_estimate: u32,
    /// Activation time (unix seconds).
    pub activated_at: u64,
}

impl Activation {
    /// Packs the record into one storage word.
    #[must_use]
    pub fn pack(&self) -> U256 {
        let mut word = [0u8; 32];
        word[0..2].copy_from_slice(&self.version.to_be_bytes());
        word[2..4].copy_from_slice(&self.footprint.to_be_bytes());
        word[4..6].copy_from_slice(&self.init_cost.to_be_bytes());
        word[6..8].copy_from_slice(&self.cached_cost.to_be_bytes());
        word[8..12].copy_from_slice(&self.asm_estimate.to_be_bytes());
        word[12..20].copy_from_slice(&self.activated_at.to_be_bytes());
        U256::from_be_bytes(word)
    }

    /// Unpacks a storage word (`None` for zero: never activated).
    #[must_use]
    pub fn unpack(value: U256) -> Option<Self> {
        if value.is_zero() {
            return None;
        }
        let w: [u8; 32] = value.to_be_bytes();
        let u16_at = |i: usize| u16::from_be_bytes([w[i], w[i + 1]]);
        Some(Self {
            version: u16_at(0),
            footprint: u16_at(2),
            init_cost: u16_at(4),
            cached_cost: u16_at(6),
            asm_estimate: u32::from_be_bytes([w[8], w[9], w[10], w[11]]),
            activated_at: u64::from_be_bytes([
                w[12], w[13], w[14], w[15], w[16], w[17], w[18], w[19],
            ]),
        })
    }

    /// Builds the record for a validated module.
    #[must_use]
    pub fn for_module(info: &ModuleInfo, now: u64) -> Self {
        let clamp16 = |v: usize| u16::try_from(v).unwrap_or(u16::MAX);
        Self {
            version: STYLUS_VERSION,
            footprint: clamp16(info.initial_pages as usize),
            // Nitro derives these from the compiled module; approximated from its size.
            init_cost: clamp16(info.wasm_bytes / 8),
            cached_cost: clamp16(info.wasm_bytes / 64),
            asm_estimate: u32::try_from(info.asm_estimate()).unwrap_or(u32::MAX),
            activated_at: now,
        }
    }

    /// Gas charged on every call of the program before it runs (section 2.2 item 26), not
    /// counting the memory model. Programs are never in the (Nitro) LRU cache here.
    #[must_use]
    pub fn call_gas(&self) -> u64 {
        let mut gas = MIN_INIT_GAS * 128 + u64::from(self.init_cost);
        if self.version > 1 {
            gas += MIN_CACHED_GAS * 32 + u64::from(self.cached_cost);
        }
        gas
    }

    /// The data fee of this activation, in wei.
    #[must_use]
    pub fn data_fee(&self) -> U256 {
        U256::from(self.asm_estimate) * U256::from(DATA_PRICE_MIN)
    }

    /// Whether the program has expired at `now`.
    #[must_use]
    pub fn expired(&self, now: u64) -> bool {
        now.saturating_sub(self.activated_at) > EXPIRY_DAYS * 86_400
    }
}

/// Storage slot of the ArbOS account that holds the record of `codehash`.
#[must_use]
pub fn activation_slot(codehash: B256) -> U256 {
    let mut preimage = Vec::with_capacity(46);
    preimage.extend_from_slice(b"stylus.program");
    preimage.extend_from_slice(codehash.as_slice());
    U256::from_be_bytes(keccak256(preimage).0)
}

/// Why a program cannot be activated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationError {
    /// The account has no Stylus code.
    NotWasm,
    /// Decoding (prefix, dictionary, brotli, size) failed.
    Code(crossnet_wasm::CodeError),
    /// Nitro's validation rules reject the module.
    Invalid(ValidationError),
    /// wasmi could not compile the module.
    Compile(String),
}

impl std::fmt::Display for ActivationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotWasm => write!(f, "program is not wasm"),
            Self::Code(e) => write!(f, "{e}"),
            Self::Invalid(e) => write!(f, "{e}"),
            Self::Compile(e) => write!(f, "cannot compile module: {e}"),
        }
    }
}

impl std::error::Error for ActivationError {}

/// The shared wasmi engine: fuel metering with Nitro prices, Nitro's feature set.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        config
            .consume_fuel(true)
            .operator_cost(ink::operator_costs())
            .fuel_cost(ink::dynamic_costs())
            .compilation_mode(CompilationMode::Eager)
            .wasm_mutable_global(true)
            .wasm_sign_extension(true)
            .wasm_saturating_float_to_int(true)
            .wasm_bulk_memory(true)
            .wasm_multi_value(true)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_multi_memory(false)
            .floats(true)
            .allow_start_fn(true)
            .set_max_recursion_depth(MAX_RECURSION_DEPTH);
        Engine::new(&config)
    })
}

/// Deepest wasm call stack before the program runs out of stack (Nitro: `DepthChecker`).
pub const MAX_RECURSION_DEPTH: usize = 1_024;

/// A decoded, validated and compiled program.
#[derive(Clone)]
pub struct Compiled {
    /// The wasmi module.
    pub module: Module,
    /// What validation found.
    pub info: ModuleInfo,
    /// `keccak256` of the decompressed wasm (stands in for Nitro's module hash).
    pub module_hash: B256,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled").field("info", &self.info).finish_non_exhaustive()
    }
}

type Cache = Mutex<HashMap<(B256, u64, bool), Result<Arc<Compiled>, ActivationError>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// Decodes, validates (activation rules of `arbos_version`) and compiles `code`, with a
/// process-wide cache keyed by codehash and rules, shared by all chains.
///
/// # Errors
/// [`ActivationError`] when the code is not an activatable Stylus program.
pub fn compile(
    code: &[u8],
    codehash: B256,
    arbos_version: u64,
    debug_chain: bool,
) -> Result<Arc<Compiled>, ActivationError> {
    let key = (codehash, arbos_version, debug_chain);
    if let Some(hit) = cache().lock().map_err(|_| poisoned())?.get(&key) {
        return hit.clone();
    }
    let result = compile_uncached(code, arbos_version, debug_chain).map(Arc::new);
    cache().lock().map_err(|_| poisoned())?.insert(key, result.clone());
    result
}

fn poisoned() -> ActivationError {
    ActivationError::Compile("module cache lock poisoned".into())
}

fn compile_uncached(
    code: &[u8],
    arbos_version: u64,
    debug_chain: bool,
) -> Result<Compiled, ActivationError> {
    if !crossnet_wasm::code::is_stylus(code) {
        return Err(ActivationError::NotWasm);
    }
    let rules = Rules::activation(arbos_version, debug_chain);
    let wasm = decode_code(code, rules.max_wasm_size).map_err(ActivationError::Code)?;
    let info = validate(&wasm, &rules).map_err(ActivationError::Invalid)?;
    let module =
        Module::new(engine(), &wasm).map_err(|e| ActivationError::Compile(e.to_string()))?;
    Ok(Compiled { module, info, module_hash: keccak256(&wasm) })
}
