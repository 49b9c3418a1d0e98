//! # crossnet-devnode
//!
//! In-process, Stylus-capable chains for tests, the demo and dApp developers: revm 43 runs the
//! EVM and the state, wasmi 2 runs Stylus programs through the `vm_hooks` ABI, and the genesis
//! is the Nitro devnode's (chain id 412346, the dev key, the CREATE2 factory, StylusDeployer,
//! CacheManager). No Docker, no Nitro.
//!
//! ```no_run
//! use crossnet_devnode::{Chain, DEV_ADDRESS};
//! use alloy_sol_types::sol;
//!
//! sol! { function number() external view returns (uint256); function increment() external; }
//!
//! let mut chain = Chain::dev();
//! let counter = chain
//!     .deploy_file(DEV_ADDRESS, &crossnet_devnode::wasm_artifact("devnode-stylus-counter"))
//!     .expect("deploy + activate");
//! chain.send_sol(DEV_ADDRESS, counter, &incrementCall {}).expect("increment");
//! let n = chain.call_sol(counter, &numberCall {}).expect("number");
//! assert_eq!(n, alloy_primitives::U256::from(1));
//! let proof = chain.proof(counter, &[], crossnet_devnode::BlockId::Latest).expect("proof");
//! assert_eq!(proof.address, counter);
//! ```
//!
//! ## JSON-RPC, dumps
//!
//! With the cargo feature `rpc`, [`rpc`] serves a chain over HTTP JSON-RPC for cast, alloy
//! providers and `cargo stylus` (`crossnet devnode` is the command-line front end).
//! [`Chain::dump`] / [`Chain::from_dump`] turn a chain into serde data ([`ChainDump`]) and back,
//! so a devnode can stop and resume.
//!
//! ## Hooks for test frameworks
//!
//! [`Chain::send_with_hook`] runs a transaction with a [`FrameHook`] that sees (and may rewrite)
//! every call and create frame, EVM or Stylus, the way a revm inspector does: `crossnet-foundry`
//! implements Foundry's cheatcodes with it.
//!
//! ## What is Nitro-exact and what is approximate
//!
//! Exact (observable behaviour): the program format and deploy prelude, the EIP-3541 Stylus
//! exception, activation rules (via `crossnet-wasm`), ArbWasm errors as ABI revert data,
//! activation undone by a revert, unactivated programs burning all gas, call status codes
//! (0 / 2), the storage cache (unflushed writes lost, flush in static context fails),
//! return-data rules, log rules, `msg_reentrant` (DELEGATECALL frames not counted),
//! Stylus -> EVM -> Stylus nesting through revm's own frames (checkpoints, 1024 depth),
//! EVM-equivalent gas of storage, calls, creates and logs (revm's `GasParams`).
//!
//! Approximate (gas figures are Nitro-*like*):
//! * Ink: one wasmi fuel is 50 ink. Nitro's per-opcode prices are mapped onto wasmi's
//!   one-byte-per-operator table, so operators above 12 750 ink (`call_indirect`) are capped;
//!   Nitro's 2 450-ink basic-block header is folded into the control operators; dynamic
//!   parts (`br_table` targets, `call_indirect` arguments) are not charged.
//! * Floats, SIMD, tables, reference types: Nitro prices them at `u64::MAX` ink (any block
//!   containing one runs out of ink); here they cost the table maximum (255 fuel).
//! * Host-function ink uses Nitro's constants (`HOSTIO_INK`, pointer, EVM-API, read/write,
//!   keccak, pow) but not every per-function detail.
//! * `memory.grow` is billed by the memory model at the next host call or at exit (Nitro
//!   inserts a `pay_for_memory_grow` call before every `memory.grow`); the exponential table
//!   is the same curve in closed form.
//! * Stack depth: Nitro's `DepthChecker` counts frame words (budget 22 000 from ArbOS 50);
//!   here wasmi's recursion limit (1 024 frames) triggers the same OutOfStack outcome.
//! * Call cost: init/cached costs are derived from the module size, not from the compiled
//!   module; programs are never "cached" (no LRU); the data fee uses the minimum price
//!   (no demand-based exponential).
//! * `block_number` / `NUMBER` return the L2 block number (Nitro: an L1 block estimate).
//! * Precompile gas (views 800, owner writes 20 000) is a flat estimate.

pub mod chain;
pub mod evm;
pub mod host;
pub mod ink;
pub mod precompiles;
pub mod program;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod state;

use std::path::{Path, PathBuf};

use alloy_primitives::{address, Address};

pub use chain::{
    AccountDump, BlockId, CallResult, Chain, ChainConfig, ChainDump, ChainError, ChainLog, Receipt,
    TransactionDump, TxRequest, CHAIN_DUMP_FORMAT, DEFAULT_CHAIN_ID, DEV_ADDRESS, DEV_PRIVATE_KEY,
};
pub use evm::FrameHook;
pub use precompiles::{IArbSys, IArbWasm};

/// The deterministic-deployment CREATE2 factory.
pub const CREATE2_FACTORY: Address = address!("0x4e59b44847b379578588920ca78fbf26c0b4956c");
/// Sender of the factory's pre-EIP-155 deployment transaction.
pub const CREATE2_FACTORY_DEPLOYER: Address =
    address!("0x3fab184622dc19b6109349b94811493bf2a45362");
/// StylusDeployer (deployed through the factory with salt 0).
pub const STYLUS_DEPLOYER: Address = address!("0xcEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// CacheManager (deployed through the factory with salt 0).
pub const CACHE_MANAGER: Address = address!("0x2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f");
/// Selector of `stylus_constructor()`, the SDK's constructor entry.
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

alloy_sol_types::sol! {
    /// StylusDeployer (nitro-contracts).
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        function requiresActivation(address addr) external view returns (bool);
        function initSalt(bytes32 salt, bytes initData) external pure returns (bytes32);
        event ContractDeployed(address deployedContract);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }
}

/// The workspace `target/` directory (honours `CARGO_TARGET_DIR`).
#[must_use]
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

/// Path of a built contract: `target/wasm/<name>.wasm`.
#[must_use]
pub fn wasm_artifact(name: &str) -> PathBuf {
    target_dir().join("wasm").join(format!("{name}.wasm"))
}

/// Reads deployable code from a `.code` file (`EF F0 00 ...`) or compresses a `.wasm` file
/// the way cargo-stylus does.
///
/// # Errors
/// [`ChainError::Io`] when the file cannot be read (the message says to run the WASM build).
pub fn load_code(path: &Path) -> Result<Vec<u8>, ChainError> {
    let bytes = std::fs::read(path).map_err(|e| {
        ChainError::Io(format!(
            "cannot read {}: {e}; build the contracts first with `bash script/build-wasm.sh`",
            path.display()
        ))
    })?;
    if crossnet_wasm::code::is_stylus(&bytes) {
        return Ok(bytes);
    }
    Ok(crossnet_wasm::encode_code(&bytes))
}

/// Several chains in one process, by chain id (each behind its own lock).
#[derive(Debug, Default)]
pub struct Devnode {
    chains: std::collections::BTreeMap<u64, std::sync::Arc<std::sync::Mutex<Chain>>>,
}

impl Devnode {
    /// No chains yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a chain (replacing any chain with the same id) and returns its handle.
    pub fn start(&mut self, config: ChainConfig) -> std::sync::Arc<std::sync::Mutex<Chain>> {
        let chain = std::sync::Arc::new(std::sync::Mutex::new(Chain::new(config.clone())));
        self.chains.insert(config.chain_id, chain.clone());
        chain
    }

    /// The chain with `chain_id`.
    #[must_use]
    pub fn chain(&self, chain_id: u64) -> Option<std::sync::Arc<std::sync::Mutex<Chain>>> {
        self.chains.get(&chain_id).cloned()
    }

    /// Chain ids of the running chains.
    #[must_use]
    pub fn chain_ids(&self) -> Vec<u64> {
        self.chains.keys().copied().collect()
    }
}
