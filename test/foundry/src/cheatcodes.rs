//! Foundry's cheatcodes on the devnode: a [`FrameHook`] that answers calls to the HEVM address
//! (`0x7109709ECfa91a80626fF3989D68f67F5b1dD12D`) and rewrites the frames the cheatcodes act on,
//! the way forge's cheatcode inspector does.
//!
//! Semantics follow current forge: a prank applies to the next call (or every call, with
//! `startPrank`) made by the pranking contract at its depth; `expectRevert` applies to the next
//! call at the depth it was made from and turns a matching revert into a success (forge's dummy
//! output); `expectEmit` takes the next logs the test emits as templates and checks them, in
//! order, against the logs of its next call. Cheatcode calls never count as "the next call".
//! Calls to `console.log`'s address are decoded and kept for the report.
//!
//! arbos-forge's Stylus cheatcodes: `deployStylusCode` (all eight overloads) runs a real
//! `StylusDeployer.deploy` from the test contract (CREATE or CREATE2, activation paying the exact
//! data fee, `stylus_constructor` with the arguments and value) and returns its address;
//! `getStylusCode` returns the deployable code (`EF F0 00 00` + brotli). `etch` of Stylus code
//! activates it (arbos-forge treats every program as activated).
//!
//! What a cheatcode cannot do here is reported, never ignored: an unknown or unsupported
//! cheatcode reverts the call with a message naming it and fails the test even when the revert
//! is caught.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use alloy_dyn_abi::{DynSolType, DynSolValue, JsonAbiExt};
use alloy_json_abi::Function;
use alloy_primitives::{address, Address, Bytes, Log, B256, U256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, SolCall, SolValue};
use crossnet_devnode::evm::{Ctx, FrameHook};
use crossnet_devnode::{IStylusDeployer, CONSTRUCTOR_SELECTOR, STYLUS_DEPLOYER};
use revm::bytecode::Bytecode;
use revm::context::{ContextTr, JournalTr};
use revm::context_interface::journaled_state::account::JournaledAccountTr;
use revm::context_interface::journaled_state::JournalCheckpoint;
use revm::handler::FrameResult;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{
    CallInput, CallInputs, CallOutcome, CallScheme, CallValue, FrameInput, Gas, InstructionResult,
    InterpreterResult,
};

use crate::assertions;
use crate::format::{self, Decoder};

/// Foundry's cheatcode address, `address(uint160(uint256(keccak256("hevm cheat code"))))`.
pub const HEVM_ADDRESS: Address = address!("0x7109709ECfa91a80626fF3989D68f67F5b1dD12D");
/// The address `console.log` calls (`"console.log"` as an address).
pub const CONSOLE_ADDRESS: Address = address!("0x000000000000000000636F6e736F6c652e6c6f67");
/// forge's default sender of test calls (`DEFAULT_SENDER`).
pub const DEFAULT_SENDER: Address = address!("0x1804c8AB1F12E6bbf3894d4083f33e07309d1f38");
/// The address forge deploys a test contract at.
pub const TEST_CONTRACT_ADDRESS: Address = address!("0x7FA9385bE102ac3EAc297483Dd6233D62b3e1496");
/// The storage slot of the HEVM account that forge-std's `fail()` sets (`bytes32("failed")`).
pub const FAILED_SLOT: B256 =
    alloy_primitives::b256!("0x6661696c65640000000000000000000000000000000000000000000000000000");

/// What forge returns from a call whose expected revert happened: enough zero bytes for the
/// caller's ABI decoding of any return value of up to 256 words.
const DUMMY_CALL_OUTPUT: [u8; 8192] = [0; 8192];
/// What forge returns from a create whose expected revert happened.
const DUMMY_CREATE_ADDRESS: Address = address!("0x0000000000000000000000000000000000000001");
/// The revert data `vm.skip(true)` stops a test with.
const SKIP_MARKER: &str = "FOUNDRY::SKIP";

sol! {
    /// `VmSafe.Log`, as `getRecordedLogs` returns it.
    struct VmLog {
        bytes32[] topics;
        bytes data;
        address emitter;
    }
}

/// Signatures of the cheatcodes served, besides the assertions (see [`assertions`]).
const SIGNATURES: &[&str] = &[
    // Caller and environment.
    "prank(address)",
    "prank(address,address)",
    "startPrank(address)",
    "startPrank(address,address)",
    "stopPrank()",
    "deal(address,uint256)",
    "warp(uint256)",
    "roll(uint256)",
    "getBlockTimestamp()",
    "getBlockNumber()",
    "chainId(uint256)",
    "getNonce(address)",
    "setNonce(address,uint64)",
    "etch(address,bytes)",
    "store(address,bytes32,bytes32)",
    "load(address,bytes32)",
    // Expectations.
    "expectRevert()",
    "expectRevert(bytes4)",
    "expectRevert(bytes)",
    "expectRevert(address)",
    "expectRevert(bytes4,address)",
    "expectRevert(bytes,address)",
    "expectRevert(uint64)",
    "expectRevert(bytes4,uint64)",
    "expectRevert(bytes,uint64)",
    "expectRevert(address,uint64)",
    "expectRevert(bytes4,address,uint64)",
    "expectRevert(bytes,address,uint64)",
    "expectPartialRevert(bytes4)",
    "expectPartialRevert(bytes4,address)",
    "expectEmit()",
    "expectEmit(address)",
    "expectEmit(bool,bool,bool,bool)",
    "expectEmit(bool,bool,bool,bool,address)",
    "recordLogs()",
    "getRecordedLogs()",
    // Keys and labels.
    "addr(uint256)",
    "sign(uint256,bytes32)",
    "signCompact(uint256,bytes32)",
    "label(address,string)",
    "getLabel(address)",
    // State snapshots (within one test).
    "snapshot()",
    "snapshotState()",
    "revertTo(uint256)",
    "revertToState(uint256)",
    "revertToAndDelete(uint256)",
    "revertToStateAndDelete(uint256)",
    "deleteSnapshot(uint256)",
    "deleteStateSnapshot(uint256)",
    // Environment variables.
    "envOr(string,bool)",
    "envOr(string,uint256)",
    "envOr(string,int256)",
    "envOr(string,address)",
    "envOr(string,bytes32)",
    "envOr(string,string)",
    "envOr(string,bytes)",
    "envOr(string,string,bool[])",
    "envOr(string,string,uint256[])",
    "envOr(string,string,int256[])",
    "envOr(string,string,address[])",
    "envOr(string,string,bytes32[])",
    "envOr(string,string,string[])",
    "envOr(string,string,bytes[])",
    "envExists(string)",
    "envBool(string)",
    "envUint(string)",
    "envInt(string)",
    "envAddress(string)",
    "envBytes32(string)",
    "envString(string)",
    "envBytes(string)",
    // Formatting.
    "toString(address)",
    "toString(bytes)",
    "toString(bytes32)",
    "toString(bool)",
    "toString(uint256)",
    "toString(int256)",
    // Skipping.
    "skip(bool)",
    "skip(bool,string)",
    // arbos-forge (Stylus).
    "deployStylusCode(string)",
    "deployStylusCode(string,bytes)",
    "deployStylusCode(string,uint256)",
    "deployStylusCode(string,bytes,uint256)",
    "deployStylusCode(string,bytes32)",
    "deployStylusCode(string,bytes,bytes32)",
    "deployStylusCode(string,uint256,bytes32)",
    "deployStylusCode(string,bytes,uint256,bytes32)",
    "getStylusCode(string)",
];

/// A served cheatcode: its canonical signature and its ABI (for decoding the arguments).
#[derive(Debug)]
struct Cheat {
    signature: String,
    function: Function,
}

fn cheats() -> &'static HashMap<[u8; 4], Cheat> {
    static TABLE: OnceLock<HashMap<[u8; 4], Cheat>> = OnceLock::new();
    TABLE.get_or_init(|| {
        SIGNATURES
            .iter()
            .map(|s| (*s).to_string())
            .chain(assertions::signatures())
            .filter_map(|signature| {
                let function = Function::parse(&signature).ok()?;
                Some((function.selector().0, Cheat { signature, function }))
            })
            .collect()
    })
}

/// The cheatcode signatures this handler serves, sorted (what the runner documents).
#[must_use]
pub fn supported() -> Vec<String> {
    let mut all: Vec<String> = cheats().values().map(|c| c.signature.clone()).collect();
    all.sort();
    all
}

/// A prank in force.
#[derive(Debug, Clone)]
struct Prank {
    /// The contract whose calls are pranked.
    prankster: Address,
    /// Its frame depth.
    depth: usize,
    /// The `msg.sender` the calls get.
    sender: Address,
    /// The `tx.origin` they get, if set.
    origin: Option<Address>,
    /// Only the next call (`prank`), or until `stopPrank` (`startPrank`).
    single: bool,
}

/// A pending `expectRevert`.
#[derive(Debug, Clone)]
struct ExpectedRevert {
    /// Depth of the frame that called the cheatcode.
    depth: usize,
    /// Expected revert data (or its selector when `partial`).
    data: Option<Bytes>,
    /// Only the selector is compared.
    partial: bool,
    /// Expected reverting contract.
    reverter: Option<Address>,
    /// The contract that reverted first (innermost), once one did.
    reverted_by: Option<Address>,
    /// How many of the next calls must revert so (0: none may).
    count: u64,
    /// How many did.
    actual: u64,
}

/// A pending `expectEmit`.
#[derive(Debug, Clone)]
struct ExpectedEmit {
    depth: usize,
    /// Check topics 1, 2, 3 and the data.
    checks: [bool; 4],
    emitter: Option<Address>,
    /// Journal log index from which the template is taken.
    from: usize,
    /// The template (the next log the test emitted).
    template: Option<Log>,
    /// Armed on the next call after the template.
    armed: bool,
}

/// What a frame on the stack is, for its end.
#[derive(Debug, Clone, Default)]
enum FrameKind {
    /// Not tracked (depth 0, or a frame the hook did not see start).
    #[default]
    Untracked,
    /// A cheatcode call answered without running.
    Cheat,
    /// A `deployStylusCode` turned into a StylusDeployer call.
    Deploy,
    /// An ordinary call or create.
    Frame {
        /// Callee (or, for a create, the creator).
        target: Address,
        /// Journal log index when it started.
        log_start: usize,
        /// `tx.origin` to restore at its end (a pranked origin).
        restore_origin: Option<Address>,
        /// Its logs are checked against armed `expectEmit`s.
        checks_emits: bool,
    },
}

/// A state snapshot taken inside a transaction (`vm.snapshotState`).
#[derive(Debug, Clone)]
struct Snapshot {
    checkpoint: JournalCheckpoint,
    timestamp: U256,
    number: U256,
    deleted: bool,
}

/// Persistent, per-run facts the handler needs.
#[derive(Debug)]
pub struct Environment {
    /// Project root: `deployStylusCode` / `getStylusCode` paths are relative to it.
    pub root: PathBuf,
    /// The devnode runs a debug chain (activation rules).
    pub debug_chain: bool,
    /// Names of forge's cheatcodes by selector (from forge-std's `Vm`), for error messages.
    pub vm_names: HashMap<[u8; 4], String>,
    /// Decodes revert data for messages.
    pub decoder: Decoder,
    /// Stylus code read from artifacts, by path.
    code_cache: std::sync::Mutex<HashMap<PathBuf, Bytes>>,
}

impl Environment {
    /// The environment of a project at `root`.
    #[must_use]
    pub fn new(
        root: PathBuf,
        debug_chain: bool,
        vm_names: HashMap<[u8; 4], String>,
        decoder: Decoder,
    ) -> Self {
        Self { root, debug_chain, vm_names, decoder, code_cache: std::sync::Mutex::default() }
    }

    /// The deployable Stylus code (`EF F0 00 ...`) of the artifact at `path` (relative to the
    /// root): a `.wasm` file is brotli-compressed as cargo-stylus does (or its sibling `.code`
    /// from the WASM build is used when it is up to date), a `.wasm.br` file is prefixed.
    fn stylus_code(&self, path: &str) -> Result<Bytes, String> {
        if !(path.ends_with(".wasm") || path.ends_with(".wasm.br")) {
            return Err(format!(
                "invalid artifact path {path:?}: expected a .wasm or .wasm.br file"
            ));
        }
        let full = self.root.join(path);
        if let Ok(cache) = self.code_cache.lock() {
            if let Some(code) = cache.get(&full) {
                return Ok(code.clone());
            }
        }
        let bytes = std::fs::read(&full).map_err(|e| {
            format!(
                "cannot read Stylus artifact {}: {e} (build the programs with `bash script/build-wasm.sh`)",
                full.display()
            )
        })?;
        let code = if bytes.starts_with(b"\0asm") {
            fresh_sibling_code(&full).unwrap_or_else(|| crossnet_wasm::encode_code(&bytes))
        } else if crossnet_wasm::code::is_stylus(&bytes) {
            bytes
        } else {
            // Pre-compressed (`.wasm.br`): the Stylus prefix with dictionary 0.
            [&crossnet_wasm::STYLUS_PREFIX[..], &[0], &bytes].concat()
        };
        let code = Bytes::from(code);
        if let Ok(mut cache) = self.code_cache.lock() {
            cache.insert(full, code.clone());
        }
        Ok(code)
    }
}

/// `X.code` next to `X.wasm` when it is at least as new (the WASM build writes both).
fn fresh_sibling_code(wasm: &Path) -> Option<Vec<u8>> {
    let code = wasm.with_extension("code");
    let newer = std::fs::metadata(&code).ok()?.modified().ok()?
        >= std::fs::metadata(wasm).ok()?.modified().ok()?;
    let bytes = std::fs::read(&code).ok()?;
    (newer && crossnet_wasm::code::is_stylus(&bytes)).then_some(bytes)
}

/// The cheatcode handler of one test contract. Cloned after `setUp` so every test starts from
/// the same cheatcode state, as the chain starts from the same snapshot.
#[derive(Debug, Clone)]
pub struct Cheatcodes {
    env: Arc<Environment>,
    /// `block.timestamp` of the following transactions (`vm.warp`).
    pub timestamp: U256,
    /// `block.number` of the following transactions (`vm.roll`).
    pub number: U256,
    /// `vm.chainId` override.
    chain_id: Option<u64>,
    labels: HashMap<Address, String>,
    prank: Option<Prank>,
    expected_revert: Option<ExpectedRevert>,
    expected_emits: Vec<ExpectedEmit>,
    /// Journal log index recording starts from (`recordLogs`).
    recording: Option<usize>,
    snapshots: Vec<Snapshot>,
    frames: Vec<FrameKind>,
    /// A failure that fails the test whatever the contract does (unsupported cheatcode).
    pub fatal: Option<String>,
    /// `vm.skip(true)` was called, with this reason.
    pub skipped: Option<String>,
    /// `console.log` lines, in order.
    pub console: Vec<String>,
}

/// What answering a cheatcode call does.
enum Answer {
    /// Return this output.
    Return(Vec<u8>),
    /// Revert with `Error(message)`.
    Fail(String),
    /// Run the rewritten frame instead (deployStylusCode).
    Run,
}

type Args = [DynSolValue];

fn arg_address(args: &Args, i: usize) -> Result<Address, String> {
    args.get(i)
        .and_then(DynSolValue::as_address)
        .ok_or_else(|| format!("argument {i}: not an address"))
}

fn arg_uint(args: &Args, i: usize) -> Result<U256, String> {
    args.get(i)
        .and_then(DynSolValue::as_uint)
        .map(|(u, _)| u)
        .ok_or_else(|| format!("argument {i}: not a uint"))
}

fn arg_bool(args: &Args, i: usize) -> Result<bool, String> {
    args.get(i).and_then(DynSolValue::as_bool).ok_or_else(|| format!("argument {i}: not a bool"))
}

fn arg_bytes(args: &Args, i: usize) -> Result<Bytes, String> {
    match args.get(i) {
        Some(DynSolValue::Bytes(b)) => Ok(Bytes::copy_from_slice(b)),
        Some(DynSolValue::FixedBytes(word, size)) => Ok(Bytes::copy_from_slice(&word[..*size])),
        _ => Err(format!("argument {i}: not bytes")),
    }
}

fn arg_word(args: &Args, i: usize) -> Result<B256, String> {
    match args.get(i) {
        Some(DynSolValue::FixedBytes(word, 32)) => Ok(*word),
        _ => Err(format!("argument {i}: not a bytes32")),
    }
}

fn arg_str(args: &Args, i: usize) -> Result<&str, String> {
    args.get(i).and_then(DynSolValue::as_str).ok_or_else(|| format!("argument {i}: not a string"))
}

fn signer(key: U256) -> Result<PrivateKeySigner, String> {
    PrivateKeySigner::from_bytes(&B256::from(key)).map_err(|e| format!("invalid private key: {e}"))
}

fn call_result(result: InstructionResult, output: Bytes, inputs: &CallInputs) -> FrameResult {
    FrameResult::Call(CallOutcome {
        result: InterpreterResult { result, output, gas: Gas::new(inputs.gas_limit) },
        memory_offset: inputs.return_memory_offset.clone(),
        was_precompile_called: false,
        precompile_call_logs: Vec::new(),
        charged_new_account_state_gas: inputs.charged_new_account_state_gas,
    })
}

fn error_string(message: &str) -> Bytes {
    Bytes::from(format::encode_error_string(message))
}

impl Cheatcodes {
    /// A fresh handler: block number 1 and timestamp 1, as forge starts.
    #[must_use]
    pub fn new(env: Arc<Environment>) -> Self {
        Self {
            env,
            timestamp: U256::from(1),
            number: U256::from(1),
            chain_id: None,
            labels: HashMap::new(),
            prank: None,
            expected_revert: None,
            expected_emits: Vec::new(),
            recording: None,
            snapshots: Vec::new(),
            frames: Vec::new(),
            fatal: None,
            skipped: None,
            console: Vec::new(),
        }
    }

    /// Why the transaction that just ran must count as failed although it did not revert:
    /// an expected revert or emit that never happened.
    #[must_use]
    pub fn unmet_expectation(&self) -> Option<String> {
        if let Some(expected) = &self.expected_revert {
            if expected.actual < expected.count {
                return Some("next call did not revert as expected".into());
            }
        }
        if self.expected_emits.iter().any(|e| e.template.is_none()) {
            return Some("expected an emit, but no logs were emitted afterwards".into());
        }
        if !self.expected_emits.is_empty() {
            return Some("expected an emit, but the call it applies to never ended".into());
        }
        None
    }

    /// The label of `address`, if any.
    #[must_use]
    pub fn label(&self, address: Address) -> Option<&str> {
        self.labels.get(&address).map(String::as_str)
    }

    fn frame_slot(&mut self, depth: usize) -> &mut FrameKind {
        if self.frames.len() <= depth {
            self.frames.resize_with(depth + 1, FrameKind::default);
        }
        &mut self.frames[depth]
    }

    /// Gives templates to pending `expectEmit`s of `depth` from the logs emitted since.
    fn capture_templates(&mut self, ctx: &mut Ctx, depth: usize) {
        let logs = ctx.journal_mut().logs();
        let mut next = 0;
        for expected in self.expected_emits.iter_mut().filter(|e| e.depth == depth) {
            if expected.template.is_some() {
                continue;
            }
            let at = next.max(expected.from);
            let Some(log) = logs.get(at) else { break };
            expected.template = Some(log.clone());
            next = at + 1;
        }
    }

    /// Checks the logs of a finished call against the armed expectations; the error message
    /// when one is missing.
    fn check_emits(&mut self, logs: &[Log]) -> Option<String> {
        let (armed, rest): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.expected_emits).into_iter().partition(|e| e.armed);
        self.expected_emits = rest;
        let mut cursor = 0;
        for expected in &armed {
            let Some(template) = &expected.template else { continue };
            match logs[cursor.min(logs.len())..]
                .iter()
                .position(|l| emit_matches(expected, template, l))
            {
                Some(found) => cursor += found + 1,
                None => return Some("log != expected log".into()),
            }
        }
        None
    }

    /// Answers the cheatcode call `data` made by `caller` at depth `depth` (the caller's).
    #[allow(clippy::too_many_lines)]
    fn answer(
        &mut self,
        ctx: &mut Ctx,
        depth: usize,
        inputs: &mut CallInputs,
        data: &[u8],
    ) -> Answer {
        let caller = inputs.caller;
        let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
            return self.unsupported("a call without a selector".into());
        };
        let Some(cheat) = cheats().get(&selector) else {
            let name = match self.env.vm_names.get(&selector) {
                Some(signature) => {
                    format!("vm.{signature} (0x{})", alloy_primitives::hex::encode(selector))
                }
                None => format!(
                    "an unknown cheatcode with selector 0x{}",
                    alloy_primitives::hex::encode(selector)
                ),
            };
            return self.unsupported(name);
        };
        let args = match cheat.function.abi_decode_input(&data[4..]) {
            Ok(args) => args,
            Err(e) => {
                return Answer::Fail(format!(
                    "vm.{}: cannot decode the arguments: {e}",
                    cheat.signature
                ))
            }
        };
        let signature = cheat.signature.as_str();
        if signature.starts_with("assert") {
            return match assertions::check(signature, &args) {
                Ok(()) => Answer::Return(Vec::new()),
                Err(message) => Answer::Fail(message),
            };
        }
        match self.apply(ctx, depth, caller, signature, &args, inputs) {
            Ok(answer) => answer,
            Err(message) => Answer::Fail(format!("vm.{signature}: {message}")),
        }
    }

    fn unsupported(&mut self, what: String) -> Answer {
        let message = format!(
            "unsupported cheatcode: {what} is not available on the crossnet devnode (see `crossnet-forge-test --list-cheatcodes`)"
        );
        self.fatal.get_or_insert_with(|| message.clone());
        Answer::Fail(message)
    }

    #[allow(clippy::too_many_lines)]
    fn apply(
        &mut self,
        ctx: &mut Ctx,
        depth: usize,
        caller: Address,
        signature: &str,
        args: &Args,
        inputs: &mut CallInputs,
    ) -> Result<Answer, String> {
        let done = || Ok(Answer::Return(Vec::new()));
        let name = signature.split('(').next().unwrap_or_default();
        match signature {
            "prank(address)"
            | "prank(address,address)"
            | "startPrank(address)"
            | "startPrank(address,address)" => {
                let origin = if args.len() > 1 { Some(arg_address(args, 1)?) } else { None };
                self.prank = Some(Prank {
                    prankster: caller,
                    depth,
                    sender: arg_address(args, 0)?,
                    origin,
                    single: name == "prank",
                });
                done()
            }
            "stopPrank()" => {
                self.prank = None;
                done()
            }
            "deal(address,uint256)" => {
                let who = arg_address(args, 0)?;
                let balance = arg_uint(args, 1)?;
                let mut account =
                    ctx.journal_mut().load_account_mut(who).map_err(|e| format!("{e:?}"))?;
                account.data.set_balance(balance);
                done()
            }
            "warp(uint256)" => {
                self.timestamp = arg_uint(args, 0)?;
                ctx.block.timestamp = self.timestamp;
                done()
            }
            "roll(uint256)" => {
                self.number = arg_uint(args, 0)?;
                ctx.block.number = self.number;
                done()
            }
            "getBlockTimestamp()" => Ok(Answer::Return(ctx.block.timestamp.abi_encode())),
            "getBlockNumber()" => Ok(Answer::Return(ctx.block.number.abi_encode())),
            "chainId(uint256)" => {
                let id: u64 = arg_uint(args, 0)?.try_into().map_err(|_| "chain id too large")?;
                self.chain_id = Some(id);
                ctx.cfg.chain_id = id;
                done()
            }
            "getNonce(address)" => {
                let who = arg_address(args, 0)?;
                let account = ctx.journal_mut().load_account(who).map_err(|e| format!("{e:?}"))?;
                Ok(Answer::Return(u64::abi_encode(&account.data.info.nonce)))
            }
            "setNonce(address,uint64)" => {
                let who = arg_address(args, 0)?;
                let nonce: u64 = arg_uint(args, 1)?.saturating_to();
                let mut account =
                    ctx.journal_mut().load_account_mut(who).map_err(|e| format!("{e:?}"))?;
                account.data.set_nonce(nonce);
                done()
            }
            "etch(address,bytes)" => {
                let who = arg_address(args, 0)?;
                let code = arg_bytes(args, 1)?;
                if crossnet_wasm::code::is_stylus(&code) {
                    crossnet_devnode::precompiles::activate_code(ctx, &code, self.env.debug_chain)
                        .map_err(|e| format!("cannot activate the Stylus code: {e:?}"))?;
                }
                let journal = ctx.journal_mut();
                journal.load_account(who).map_err(|e| format!("{e:?}"))?;
                journal.set_code(who, Bytecode::new_raw(code));
                done()
            }
            "store(address,bytes32,bytes32)" => {
                let who = arg_address(args, 0)?;
                let slot = U256::from_be_bytes(arg_word(args, 1)?.0);
                let value = U256::from_be_bytes(arg_word(args, 2)?.0);
                let journal = ctx.journal_mut();
                journal.load_account(who).map_err(|e| format!("{e:?}"))?;
                journal.sstore(who, slot, value).map_err(|e| format!("{e:?}"))?;
                done()
            }
            "load(address,bytes32)" => {
                let who = arg_address(args, 0)?;
                let slot = U256::from_be_bytes(arg_word(args, 1)?.0);
                let journal = ctx.journal_mut();
                journal.load_account(who).map_err(|e| format!("{e:?}"))?;
                let value = journal.sload(who, slot).map_err(|e| format!("{e:?}"))?.data;
                Ok(Answer::Return(B256::from(value).abi_encode()))
            }
            s if s.starts_with("expectRevert(") || s.starts_with("expectPartialRevert(") => {
                let mut expected = ExpectedRevert {
                    depth,
                    data: None,
                    partial: name == "expectPartialRevert",
                    reverter: None,
                    reverted_by: None,
                    count: 1,
                    actual: 0,
                };
                let types = &s[name.len() + 1..s.len() - 1];
                for (i, ty) in types.split(',').filter(|t| !t.is_empty()).enumerate() {
                    match ty {
                        "bytes4" | "bytes" => expected.data = Some(arg_bytes(args, i)?),
                        "address" => expected.reverter = Some(arg_address(args, i)?),
                        "uint64" => expected.count = arg_uint(args, i)?.saturating_to(),
                        _ => {}
                    }
                }
                if self.expected_revert.is_some() {
                    return Err("an expectRevert is already pending".into());
                }
                self.expected_revert = Some(expected);
                done()
            }
            s if s.starts_with("expectEmit(") => {
                let (checks, emitter) = match args.len() {
                    0 => ([true; 4], None),
                    1 => ([true; 4], Some(arg_address(args, 0)?)),
                    _ => {
                        let checks = [
                            arg_bool(args, 0)?,
                            arg_bool(args, 1)?,
                            arg_bool(args, 2)?,
                            arg_bool(args, 3)?,
                        ];
                        let emitter =
                            if args.len() > 4 { Some(arg_address(args, 4)?) } else { None };
                        (checks, emitter)
                    }
                };
                let from = ctx.journal_mut().logs().len();
                self.expected_emits.push(ExpectedEmit {
                    depth,
                    checks,
                    emitter,
                    from,
                    template: None,
                    armed: false,
                });
                done()
            }
            "recordLogs()" => {
                self.recording = Some(ctx.journal_mut().logs().len());
                done()
            }
            "getRecordedLogs()" => {
                let logs = ctx.journal_mut().logs();
                let from = self.recording.unwrap_or(logs.len()).min(logs.len());
                let recorded: Vec<VmLog> = logs[from..]
                    .iter()
                    .map(|l| VmLog {
                        topics: l.data.topics().to_vec(),
                        data: l.data.data.clone(),
                        emitter: l.address,
                    })
                    .collect();
                if self.recording.is_some() {
                    self.recording = Some(logs.len());
                }
                Ok(Answer::Return(recorded.abi_encode()))
            }
            "addr(uint256)" => {
                Ok(Answer::Return(signer(arg_uint(args, 0)?)?.address().abi_encode()))
            }
            "sign(uint256,bytes32)" | "signCompact(uint256,bytes32)" => {
                let key = signer(arg_uint(args, 0)?)?;
                let digest = arg_word(args, 1)?;
                let signature = key.sign_hash_sync(&digest).map_err(|e| e.to_string())?;
                let r = B256::from(signature.r());
                let s = B256::from(signature.s());
                if name == "sign" {
                    let v = U256::from(27 + u8::from(signature.v()));
                    Ok(Answer::Return((v, r, s).abi_encode_params()))
                } else {
                    let mut vs = signature.s();
                    if signature.v() {
                        vs |= U256::from(1) << 255;
                    }
                    Ok(Answer::Return((r, B256::from(vs)).abi_encode_params()))
                }
            }
            "label(address,string)" => {
                self.labels.insert(arg_address(args, 0)?, arg_str(args, 1)?.to_string());
                done()
            }
            "getLabel(address)" => {
                let who = arg_address(args, 0)?;
                let label =
                    self.labels.get(&who).cloned().unwrap_or_else(|| format!("unlabeled:{who}"));
                Ok(Answer::Return(label.abi_encode()))
            }
            "snapshot()" | "snapshotState()" => {
                let journal = ctx.journal_mut();
                let checkpoint = journal.checkpoint();
                journal.checkpoint_commit();
                self.snapshots.push(Snapshot {
                    checkpoint,
                    timestamp: ctx.block.timestamp,
                    number: ctx.block.number,
                    deleted: false,
                });
                Ok(Answer::Return(U256::from(self.snapshots.len() - 1).abi_encode()))
            }
            "revertTo(uint256)"
            | "revertToState(uint256)"
            | "revertToAndDelete(uint256)"
            | "revertToStateAndDelete(uint256)" => {
                let id: usize = arg_uint(args, 0)?.saturating_to();
                let Some(snapshot) = self.snapshots.get_mut(id).filter(|s| !s.deleted) else {
                    return Ok(Answer::Return(false.abi_encode()));
                };
                let journal = ctx.journal_mut();
                if snapshot.checkpoint.journal_i > journal.journal.len()
                    || snapshot.checkpoint.log_i > journal.logs().len()
                {
                    return Ok(Answer::Return(false.abi_encode()));
                }
                // Depth +1 then -1: the journal is back where the snapshot was taken.
                let _ = journal.checkpoint();
                journal.checkpoint_revert(snapshot.checkpoint);
                ctx.block.timestamp = snapshot.timestamp;
                ctx.block.number = snapshot.number;
                self.timestamp = snapshot.timestamp;
                self.number = snapshot.number;
                if name.ends_with("AndDelete") {
                    snapshot.deleted = true;
                }
                Ok(Answer::Return(true.abi_encode()))
            }
            "deleteSnapshot(uint256)" | "deleteStateSnapshot(uint256)" => {
                let id: usize = arg_uint(args, 0)?.saturating_to();
                let existed = match self.snapshots.get_mut(id) {
                    Some(s) if !s.deleted => {
                        s.deleted = true;
                        true
                    }
                    _ => false,
                };
                Ok(Answer::Return(existed.abi_encode()))
            }
            "envExists(string)" => {
                Ok(Answer::Return(std::env::var(arg_str(args, 0)?).is_ok().abi_encode()))
            }
            s if s.starts_with("env") => self.env_var(signature, args).map(Answer::Return),
            s if s.starts_with("toString(") => {
                let value = args.first().ok_or("missing argument")?;
                Ok(Answer::Return(format::value(value).abi_encode()))
            }
            "skip(bool)" | "skip(bool,string)" => {
                if arg_bool(args, 0)? {
                    let reason =
                        if args.len() > 1 { arg_str(args, 1)?.to_string() } else { String::new() };
                    self.skipped = Some(reason);
                    return Ok(Answer::Fail(SKIP_MARKER.into()));
                }
                done()
            }
            "getStylusCode(string)" => {
                let code = self.env.stylus_code(arg_str(args, 0)?)?;
                Ok(Answer::Return(code.abi_encode()))
            }
            s if s.starts_with("deployStylusCode(") => {
                let types: Vec<&str> = s[name.len() + 1..s.len() - 1].split(',').collect();
                let mut constructor_args = None;
                let mut value = U256::ZERO;
                let mut salt = B256::ZERO;
                for (i, ty) in types.iter().enumerate().skip(1) {
                    match *ty {
                        "bytes" => constructor_args = Some(arg_bytes(args, i)?),
                        "uint256" => value = arg_uint(args, i)?,
                        "bytes32" => salt = arg_word(args, i)?,
                        _ => {}
                    }
                }
                let path = arg_str(args, 0)?.to_string();
                self.deploy_stylus(ctx, inputs, &path, constructor_args, value, salt)?;
                Ok(Answer::Run)
            }
            other => Err(format!("no handler for {other}")),
        }
    }

    /// Turns the cheatcode frame into `StylusDeployer.deploy(initCode, initData, value, salt)`
    /// from the caller, with the exact activation fee, as arbos-forge deploys.
    fn deploy_stylus(
        &mut self,
        ctx: &mut Ctx,
        inputs: &mut CallInputs,
        path: &str,
        constructor_args: Option<Bytes>,
        value: U256,
        salt: B256,
    ) -> Result<(), String> {
        let code = self.env.stylus_code(path)?;
        let fee = crossnet_devnode::precompiles::activation_fee(ctx, &code, self.env.debug_chain)
            .map_err(|e| format!("{path} is not an activatable Stylus program: {e:?}"))?;
        let init_data = constructor_args
            .map(|args| Bytes::from([&CONSTRUCTOR_SELECTOR[..], &args].concat()))
            .unwrap_or_default();
        let call = IStylusDeployer::deployCall {
            bytecode: crossnet_wasm::deploy_prelude(&code).into(),
            initData: init_data,
            initValue: value,
            salt,
        };
        let journal = ctx.journal_mut();
        let deployer =
            journal.load_account_with_code(STYLUS_DEPLOYER).map_err(|e| format!("{e:?}"))?;
        let known =
            (deployer.data.info.code_hash, deployer.data.info.code.clone().unwrap_or_default());
        if known.1.is_empty() {
            return Err(format!("no StylusDeployer at {STYLUS_DEPLOYER}"));
        }
        inputs.input = CallInput::Bytes(call.abi_encode().into());
        inputs.target_address = STYLUS_DEPLOYER;
        inputs.bytecode_address = STYLUS_DEPLOYER;
        inputs.known_bytecode = known;
        inputs.value = CallValue::Transfer(value + fee);
        inputs.scheme = CallScheme::Call;
        inputs.is_static = false;
        Ok(())
    }

    fn env_var(&self, signature: &str, args: &Args) -> Result<Vec<u8>, String> {
        let name = arg_str(args, 0)?;
        let types: Vec<&str> = signature[signature.find('(').unwrap_or(0) + 1..signature.len() - 1]
            .split(',')
            .collect();
        let raw = std::env::var(name).ok();
        let (ty, default, delimiter) = match (signature.starts_with("envOr("), types.len()) {
            (true, 2) => (types[1].to_string(), args.get(1).cloned(), None),
            (true, 3) => {
                (types[2].to_string(), args.get(2).cloned(), Some(arg_str(args, 1)?.to_string()))
            }
            _ => {
                let ty = match &signature[3..signature.find('(').unwrap_or(3)] {
                    "Bool" => "bool",
                    "Uint" => "uint256",
                    "Int" => "int256",
                    "Address" => "address",
                    "Bytes32" => "bytes32",
                    "String" => "string",
                    "Bytes" => "bytes",
                    other => return Err(format!("unknown environment type {other}")),
                };
                (ty.to_string(), None, None)
            }
        };
        let Some(raw) = raw else {
            return default
                .map(|d| d.abi_encode())
                .ok_or_else(|| format!("environment variable {name:?} not found"));
        };
        let parsed = match delimiter {
            Some(delimiter) => {
                let element =
                    DynSolType::parse(ty.trim_end_matches("[]")).map_err(|e| e.to_string())?;
                let items = if raw.is_empty() {
                    Vec::new()
                } else {
                    raw.split(delimiter.as_str())
                        .map(|item| element.coerce_str(item.trim()))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| format!("environment variable {name:?}: {e}"))?
                };
                DynSolValue::Array(items)
            }
            None => DynSolType::parse(&ty)
                .map_err(|e| e.to_string())?
                .coerce_str(raw.trim())
                .map_err(|e| format!("environment variable {name:?}: {e}"))?,
        };
        Ok(parsed.abi_encode())
    }

    /// Keeps a `console.log` call as a line of the report.
    fn console_log(&mut self, data: &[u8]) {
        if let Some(line) = crate::console::decode(data) {
            self.console.push(line);
        }
    }
}

fn emit_matches(expected: &ExpectedEmit, template: &Log, actual: &Log) -> bool {
    if expected.emitter.is_some_and(|e| e != actual.address) {
        return false;
    }
    let (want, got) = (template.data.topics(), actual.data.topics());
    if want.len() != got.len() || want.first() != got.first() {
        return false;
    }
    for i in 1..want.len() {
        if expected.checks[i - 1] && want[i] != got[i] {
            return false;
        }
    }
    !expected.checks[3] || template.data.data == actual.data.data
}

/// Whether a frame failed (reverted or halted), as `expectRevert` counts it.
fn is_revert(result: &FrameResult) -> bool {
    !result.instruction_result().is_ok()
}

impl FrameHook for Cheatcodes {
    fn transaction_start(&mut self, ctx: &mut Ctx) {
        // As forge: test contracts may exceed the EIP-170 / EIP-3860 size limits.
        ctx.cfg.limit_contract_code_size = Some(usize::MAX);
        ctx.cfg.limit_contract_initcode_size = Some(usize::MAX);
        ctx.block.timestamp = self.timestamp;
        ctx.block.number = self.number;
        if let Some(id) = self.chain_id {
            ctx.cfg.chain_id = id;
        }
        self.frames.clear();
        self.snapshots.clear();
        self.expected_revert = None;
        self.expected_emits.clear();
        if self.recording.is_some() {
            self.recording = Some(0);
        }
    }

    fn frame_start(
        &mut self,
        ctx: &mut Ctx,
        depth: usize,
        frame: &mut FrameInit,
    ) -> Option<FrameResult> {
        let caller_depth = depth.checked_sub(1);
        if let Some(d) = caller_depth {
            self.capture_templates(ctx, d);
        }
        match &mut frame.frame_input {
            FrameInput::Call(inputs) => {
                let inputs = inputs.as_mut();
                let delegated =
                    matches!(inputs.scheme, CallScheme::DelegateCall | CallScheme::CallCode);
                if inputs.bytecode_address == HEVM_ADDRESS && !delegated {
                    let data = inputs.input.bytes(ctx);
                    return match self.answer(ctx, caller_depth.unwrap_or(0), inputs, &data) {
                        Answer::Return(output) => {
                            *self.frame_slot(depth) = FrameKind::Cheat;
                            Some(call_result(InstructionResult::Return, output.into(), inputs))
                        }
                        Answer::Fail(message) => {
                            *self.frame_slot(depth) = FrameKind::Cheat;
                            Some(call_result(
                                InstructionResult::Revert,
                                error_string(&message),
                                inputs,
                            ))
                        }
                        Answer::Run => {
                            *self.frame_slot(depth) = FrameKind::Deploy;
                            None
                        }
                    };
                }
                if inputs.bytecode_address == CONSOLE_ADDRESS {
                    let data = inputs.input.bytes(ctx);
                    self.console_log(&data);
                    *self.frame_slot(depth) = FrameKind::Cheat;
                    return Some(call_result(InstructionResult::Stop, Bytes::new(), inputs));
                }
                let mut restore_origin = None;
                if let Some(prank) = self.prank.clone() {
                    if caller_depth == Some(prank.depth)
                        && inputs.caller == prank.prankster
                        && !delegated
                    {
                        let _ = ctx.journal_mut().load_account(prank.sender);
                        inputs.caller = prank.sender;
                        if let Some(origin) = prank.origin {
                            restore_origin = Some(ctx.tx.caller);
                            ctx.tx.caller = origin;
                        }
                        if prank.single {
                            self.prank = None;
                        }
                    }
                }
                // As forge: a static call never emits, so it is not the call an
                // `expectEmit` applies to.
                let checks_emits = !inputs.is_static && self.arm_emits(caller_depth);
                let log_start = ctx.journal_mut().logs().len();
                *self.frame_slot(depth) = FrameKind::Frame {
                    target: inputs.target_address,
                    log_start,
                    restore_origin,
                    checks_emits,
                };
                None
            }
            FrameInput::Create(inputs) => {
                let mut restore_origin = None;
                if let Some(prank) = self.prank.clone() {
                    if caller_depth == Some(prank.depth) && inputs.caller() == prank.prankster {
                        let _ = ctx.journal_mut().load_account(prank.sender);
                        inputs.set_call(prank.sender);
                        if let Some(origin) = prank.origin {
                            restore_origin = Some(ctx.tx.caller);
                            ctx.tx.caller = origin;
                        }
                        if prank.single {
                            self.prank = None;
                        }
                    }
                }
                let checks_emits = self.arm_emits(caller_depth);
                let log_start = ctx.journal_mut().logs().len();
                *self.frame_slot(depth) = FrameKind::Frame {
                    target: inputs.caller(),
                    log_start,
                    restore_origin,
                    checks_emits,
                };
                None
            }
            FrameInput::Empty => None,
        }
    }

    fn frame_end(&mut self, ctx: &mut Ctx, depth: usize, result: &mut FrameResult) {
        let kind = self.frames.get_mut(depth).map(std::mem::take).unwrap_or_default();
        let FrameKind::Frame { target, log_start, restore_origin, checks_emits } = kind else {
            return;
        };
        if let Some(origin) = restore_origin {
            ctx.tx.caller = origin;
        }
        let target = match result {
            FrameResult::Create(outcome) => outcome.address.unwrap_or(target),
            FrameResult::Call(_) => target,
        };
        if checks_emits {
            let logs = ctx.journal_mut().logs();
            let emitted = if result.instruction_result().is_ok() {
                logs.get(log_start..).unwrap_or_default().to_vec()
            } else {
                Vec::new()
            };
            if let Some(message) = self.check_emits(&emitted) {
                let outcome = result.interpreter_result_mut();
                outcome.result = InstructionResult::Revert;
                outcome.output = error_string(&message);
            }
        }
        let Some(expected) = self.expected_revert.as_mut() else { return };
        if is_revert(result) && expected.reverter.is_some() && expected.reverted_by.is_none() {
            expected.reverted_by = Some(target);
        }
        if depth != expected.depth + 1 {
            return;
        }
        let Some(mut expected) = self.expected_revert.take() else { return };
        let decoder = &self.env.decoder;
        let outcome = check_revert(&expected, result, decoder);
        let interpreter = result.interpreter_result_mut();
        if expected.count == 0 {
            // `expectRevert(.., 0)`: the call must not revert so.
            if outcome.is_ok() && !interpreter.result.is_ok() {
                interpreter.result = InstructionResult::Revert;
                interpreter.output =
                    error_string("call reverted when it was expected not to revert");
            }
            return;
        }
        match outcome {
            Ok(()) => {
                expected.actual += 1;
                if expected.actual < expected.count {
                    expected.reverted_by = None;
                    self.expected_revert = Some(expected);
                }
                interpreter.result = InstructionResult::Return;
                match result {
                    FrameResult::Call(outcome) => {
                        outcome.result.output = Bytes::from_static(&DUMMY_CALL_OUTPUT);
                    }
                    FrameResult::Create(outcome) => {
                        outcome.result.output = Bytes::new();
                        outcome.address = Some(DUMMY_CREATE_ADDRESS);
                    }
                }
            }
            Err(message) => {
                interpreter.result = InstructionResult::Revert;
                interpreter.output = error_string(&message);
            }
        }
    }
}

impl Cheatcodes {
    /// Arms the `expectEmit`s waiting for the next call from `caller_depth`; whether any were.
    fn arm_emits(&mut self, caller_depth: Option<usize>) -> bool {
        let Some(d) = caller_depth else { return false };
        let mut armed = false;
        for expected in &mut self.expected_emits {
            if expected.depth == d && expected.template.is_some() && !expected.armed {
                expected.armed = true;
                armed = true;
            }
        }
        armed
    }
}

/// Whether a finished frame satisfies an expected revert; the forge-style message when not.
fn check_revert(
    expected: &ExpectedRevert,
    result: &FrameResult,
    decoder: &Decoder,
) -> Result<(), String> {
    let interpreter = result.interpreter_result();
    if interpreter.result.is_ok() {
        return Err("call did not revert as expected".into());
    }
    if let Some(reverter) = expected.reverter {
        if expected.reverted_by != Some(reverter) {
            let actual =
                expected.reverted_by.map_or_else(|| "none".to_string(), |a| a.to_checksum(None));
            return Err(format!(
                "Reverter != expected reverter: {actual} != {}",
                reverter.to_checksum(None)
            ));
        }
    }
    let Some(want) = &expected.data else { return Ok(()) };
    let got = &interpreter.output;
    let matches = if expected.partial {
        got.len() >= 4 && want.len() >= 4 && got[..4] == want[..4]
    } else {
        // Exact data, or `revert("message")` expected by its message bytes.
        got == want
            || format::decode_error_string(got).is_some_and(|s| s.as_bytes() == want.as_ref())
    };
    if matches {
        return Ok(());
    }
    Err(format!(
        "Error != expected error: {} != {}",
        decoder.revert_reason(got),
        decoder.expected_reason(want)
    ))
}
