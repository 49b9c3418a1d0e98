//! Arbitrum precompiles: ArbWasm (activation), ArbSys, and the owner / debug / gas-info /
//! cache-manager precompiles the Nitro devnode setup calls, in front of revm's Ethereum set.
//!
//! Errors are ABI-encoded revert data, as Nitro's Solidity-style precompile errors are.
//! Precompile state (activations, chain owners, cache managers, ArbOS version) lives in the
//! journaled storage of the ArbOS state account, so it reverts with the transaction.

use alloy_primitives::{address, keccak256, Address, Bytes, Log, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolInterface};
use revm::context::{Cfg, ContextTr, JournalTr};
use revm::handler::{EthPrecompiles, PrecompileProvider};
use revm::interpreter::{CallInputs, Gas, InstructionResult, InterpreterResult};
use revm::primitives::hardfork::SpecId;
use revm::primitives::AddressSet;

use crate::evm::Ctx;
use crate::ink;
use crate::program::{
    self, Activation, ActivationError, ACTIVATION_FIXED_GAS, ARBOS_STATE, EXPIRY_DAYS,
    KEEPALIVE_DAYS, MAX_STACK_DEPTH, MIN_CACHED_GAS, MIN_INIT_GAS, NETWORK_FEE_ACCOUNT,
    STYLUS_VERSION,
};

/// ArbSys.
pub const ARB_SYS: Address = address!("0x0000000000000000000000000000000000000064");
/// ArbInfo.
pub const ARB_INFO: Address = address!("0x0000000000000000000000000000000000000065");
/// ArbOwnerPublic.
pub const ARB_OWNER_PUBLIC: Address = address!("0x000000000000000000000000000000000000006b");
/// ArbGasInfo.
pub const ARB_GAS_INFO: Address = address!("0x000000000000000000000000000000000000006C");
/// ArbOwner.
pub const ARB_OWNER: Address = address!("0x0000000000000000000000000000000000000070");
/// ArbWasm.
pub const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");
/// ArbWasmCache.
pub const ARB_WASM_CACHE: Address = address!("0x0000000000000000000000000000000000000072");
/// ArbDebug (debug chains only).
pub const ARB_DEBUG: Address = address!("0x00000000000000000000000000000000000000fF");

/// Every Arbitrum precompile address served here.
pub const ARBITRUM_PRECOMPILES: [Address; 8] = [
    ARB_SYS,
    ARB_INFO,
    ARB_OWNER_PUBLIC,
    ARB_GAS_INFO,
    ARB_OWNER,
    ARB_WASM,
    ARB_WASM_CACHE,
    ARB_DEBUG,
];

sol! {
    /// ArbWasm (0x71).
    #[derive(Debug, PartialEq, Eq)]
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashKeepalive(bytes32 codehash) external payable;
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 timeLeft);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageRamp() external view returns (uint64 ramp);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    /// ArbSys (0x64).
    #[derive(Debug, PartialEq, Eq)]
    interface IArbSys {
        function arbBlockNumber() external view returns (uint256 number);
        function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32 hash);
        function arbChainID() external view returns (uint256 id);
        function arbOSVersion() external view returns (uint256 version);
        function getStorageGasAvailable() external view returns (uint256 gas);
        function isTopLevelCall() external view returns (bool top);
        function wasMyCallersAddressAliased() external view returns (bool aliased);
        function myCallersAddressWithoutAliasing() external view returns (address caller);
    }

    /// ArbDebug (0xff).
    interface IArbDebug {
        function becomeChainOwner() external;
    }

    /// ArbOwner (0x70).
    interface IArbOwner {
        function addChainOwner(address newOwner) external;
        function removeChainOwner(address ownerToRemove) external;
        function isChainOwner(address addr) external view returns (bool owner);
        function getAllChainOwners() external view returns (address[] owners);
        function setL1PricePerUnit(uint256 pricePerUnit) external;
        function setL2BaseFee(uint256 priceInWei) external;
        function setMinimumL2BaseFee(uint256 priceInWei) external;
        function setNetworkFeeAccount(address newNetworkFeeAccount) external;
        function addWasmCacheManager(address manager) external;
        function removeWasmCacheManager(address manager) external;
        function scheduleArbOSUpgrade(uint64 newVersion, uint64 timestamp) external;
    }

    /// ArbOwnerPublic (0x6b).
    interface IArbOwnerPublic {
        function isChainOwner(address addr) external view returns (bool owner);
        function getAllChainOwners() external view returns (address[] owners);
        function getNetworkFeeAccount() external view returns (address account);
        function getInfraFeeAccount() external view returns (address account);
        function getMaxStylusContractFragments() external view returns (uint8 count);
    }

    /// ArbGasInfo (0x6c).
    interface IArbGasInfo {
        function getPricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        function getPricesInArbGas() external view returns (uint256, uint256, uint256);
        function getL1BaseFeeEstimate() external view returns (uint256 fee);
        function getL1GasPriceEstimate() external view returns (uint256 price);
        function getMinimumGasPrice() external view returns (uint256 price);
        function getCurrentTxL1GasFees() external view returns (uint256 fees);
        function getGasBacklog() external view returns (uint64 backlog);
    }

    /// ArbWasmCache (0x72).
    interface IArbWasmCache {
        function isCacheManager(address manager) external view returns (bool manager_);
        function allCacheManagers() external view returns (address[] managers);
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool cached);
    }
}

/// Storage slot of the ArbOS account holding the ArbOS version.
#[must_use]
pub fn arbos_version_slot() -> U256 {
    U256::from_be_bytes(keccak256(b"arbos.version").0)
}

fn set_slot(kind: &[u8], address: Address) -> U256 {
    let mut preimage = kind.to_vec();
    preimage.extend_from_slice(address.as_slice());
    U256::from_be_bytes(keccak256(preimage).0)
}

fn list_slot(kind: &[u8]) -> U256 {
    U256::from_be_bytes(keccak256(kind).0)
}

/// Reads a slot of the ArbOS state account through the journal.
pub(crate) fn arbos_load(ctx: &mut Ctx, key: U256) -> U256 {
    let journal = ctx.journal_mut();
    if journal.load_account(ARBOS_STATE).is_err() {
        return U256::ZERO;
    }
    journal.sload(ARBOS_STATE, key).map(|v| v.data).unwrap_or_default()
}

/// Writes a slot of the ArbOS state account through the journal.
pub(crate) fn arbos_store(ctx: &mut Ctx, key: U256, value: U256) {
    let journal = ctx.journal_mut();
    if journal.load_account(ARBOS_STATE).is_ok() {
        let _ = journal.sstore(ARBOS_STATE, key, value);
    }
}

/// The activation record of `codehash`, if any.
pub(crate) fn activation(ctx: &mut Ctx, codehash: B256) -> Option<Activation> {
    Activation::unpack(arbos_load(ctx, program::activation_slot(codehash)))
}

/// The activation record `code` would get now, with its codehash; `None` when a program with
/// the same code is already active (activation is per codehash).
fn pending_activation(
    ctx: &mut Ctx,
    code: &[u8],
    debug_chain: bool,
) -> Result<Option<(B256, Activation)>, ActivationError> {
    let codehash = keccak256(code);
    let now: u64 = ctx.block.timestamp.saturating_to();
    if activation(ctx, codehash).is_some_and(|r| r.version == STYLUS_VERSION && !r.expired(now)) {
        return Ok(None);
    }
    let arbos_version: u64 = arbos_load(ctx, arbos_version_slot()).saturating_to();
    let compiled = program::compile(code, codehash, arbos_version, debug_chain)?;
    Ok(Some((codehash, Activation::for_module(&compiled.info, now))))
}

/// The data fee `ArbWasm.activateProgram` would charge now for a program with Stylus `code`
/// (`EF F0 00 ...`): zero when a program with the same code is already active. For tools that
/// deploy through StylusDeployer from inside a transaction (Foundry's `vm.deployStylusCode`),
/// which must send exactly the fee.
///
/// # Errors
/// [`ActivationError`] when the code is not an activatable program.
pub fn activation_fee(
    ctx: &mut Ctx,
    code: &[u8],
    debug_chain: bool,
) -> Result<U256, ActivationError> {
    Ok(pending_activation(ctx, code, debug_chain)?.map_or(U256::ZERO, |(_, r)| r.data_fee()))
}

/// Activates Stylus `code` in `ctx` without a fee or an ArbWasm call (journaled, so it reverts
/// with the frame): a test cheat for code placed by other means than a deployment (Foundry's
/// `vm.etch` of Stylus code; arbos-forge treats every program as activated). Nothing happens
/// when the code is already active.
///
/// # Errors
/// [`ActivationError`] when the code is not an activatable program.
pub fn activate_code(ctx: &mut Ctx, code: &[u8], debug_chain: bool) -> Result<(), ActivationError> {
    if let Some((codehash, record)) = pending_activation(ctx, code, debug_chain)? {
        arbos_store(ctx, program::activation_slot(codehash), record.pack());
    }
    Ok(())
}

/// Per-chain facts the precompiles report.
#[derive(Debug, Clone, Copy)]
pub struct ChainFacts {
    /// Chain id.
    pub chain_id: u64,
    /// Current L2 block number.
    pub block_number: u64,
    /// ArbOS version.
    pub arbos_version: u64,
    /// Debug chain (ArbDebug usable).
    pub debug_chain: bool,
}

/// Arbitrum precompiles in front of revm's Ethereum ones.
#[derive(Debug, Clone)]
pub struct ArbPrecompiles {
    eth: EthPrecompiles,
    warm: AddressSet,
    facts: ChainFacts,
}

impl ArbPrecompiles {
    /// The precompile set of a chain.
    #[must_use]
    pub fn new(spec: SpecId, facts: ChainFacts) -> Self {
        let eth = EthPrecompiles::new(spec);
        let mut warm = eth.warm_addresses().clone();
        warm.extend(ARBITRUM_PRECOMPILES);
        Self { eth, warm, facts }
    }
}

/// What a precompile method did.
enum Outcome {
    Return(Vec<u8>),
    Revert(Vec<u8>),
    /// Burns all gas (non-Solidity errors, unauthorized callers).
    Halt,
}

struct Call<'a> {
    ctx: &'a mut Ctx,
    inputs: &'a CallInputs,
    data: Bytes,
    gas: Gas,
    facts: ChainFacts,
}

const VIEW_GAS: u64 = 800;
const WRITE_GAS: u64 = 20_000;

impl Call<'_> {
    fn value(&self) -> U256 {
        self.inputs.value.get()
    }

    fn charge(&mut self, gas: u64) -> bool {
        self.gas.record_regular_cost(gas)
    }

    fn is_owner(&mut self, who: Address) -> bool {
        !arbos_load(self.ctx, set_slot(b"chain.owner", who)).is_zero()
    }

    fn add_to_set(&mut self, kind: &[u8], who: Address) {
        let slot = set_slot(kind, who);
        if arbos_load(self.ctx, slot).is_zero() {
            let list = list_slot(kind);
            let len = arbos_load(self.ctx, list);
            arbos_store(self.ctx, list + len + U256::from(1), U256::from_be_slice(who.as_slice()));
            arbos_store(self.ctx, list, len + U256::from(1));
            arbos_store(self.ctx, slot, len + U256::from(1));
        }
    }

    fn remove_from_set(&mut self, kind: &[u8], who: Address) {
        let slot = set_slot(kind, who);
        let position = arbos_load(self.ctx, slot);
        if position.is_zero() {
            return;
        }
        let list = list_slot(kind);
        let len = arbos_load(self.ctx, list);
        let last = arbos_load(self.ctx, list + len);
        arbos_store(self.ctx, list + position, last);
        let last_address = Address::from_word(B256::from(last.to_be_bytes::<32>()));
        if last_address != who {
            arbos_store(self.ctx, set_slot(kind, last_address), position);
        }
        arbos_store(self.ctx, list + len, U256::ZERO);
        arbos_store(self.ctx, list, len - U256::from(1));
        arbos_store(self.ctx, slot, U256::ZERO);
    }

    fn members(&mut self, kind: &[u8]) -> Vec<Address> {
        let list = list_slot(kind);
        let len: u64 = arbos_load(self.ctx, list).saturating_to();
        (1..=len)
            .map(|i| {
                let word = arbos_load(self.ctx, list + U256::from(i));
                Address::from_word(B256::from(word.to_be_bytes::<32>()))
            })
            .collect()
    }

    fn code_of(&mut self, address: Address) -> Bytes {
        let journal = self.ctx.journal_mut();
        journal.load_account_with_code(address).ok();
        journal.code(address).map(|c| c.data).unwrap_or_default()
    }

    fn now(&self) -> u64 {
        self.ctx.block.timestamp.saturating_to()
    }

    /// `codehashVersion` semantics: the active version or the error to revert with.
    fn active(&mut self, codehash: B256) -> Result<Activation, Vec<u8>> {
        let record = activation(self.ctx, codehash)
            .ok_or_else(|| IArbWasm::ProgramNotActivated {}.abi_encode())?;
        if record.version != STYLUS_VERSION {
            return Err(IArbWasm::ProgramNeedsUpgrade {
                version: record.version,
                stylusVersion: STYLUS_VERSION,
            }
            .abi_encode());
        }
        let now = self.now();
        if record.expired(now) {
            return Err(IArbWasm::ProgramExpired {
                ageInSeconds: now.saturating_sub(record.activated_at),
            }
            .abi_encode());
        }
        Ok(record)
    }

    fn program_record(&mut self, program: Address) -> Result<Activation, Vec<u8>> {
        let code = self.code_of(program);
        if !crossnet_wasm::code::is_stylus(&code) {
            return Err(IArbWasm::ProgramNotWasm {}.abi_encode());
        }
        self.active(keccak256(&code))
    }

    fn activate(&mut self, program: Address) -> Outcome {
        if !self.charge(ACTIVATION_FIXED_GAS) {
            return Outcome::Halt;
        }
        let code = self.code_of(program);
        if !crossnet_wasm::code::is_stylus(&code) {
            return Outcome::Revert(IArbWasm::ProgramNotWasm {}.abi_encode());
        }
        let codehash = keccak256(&code);
        let now = self.now();
        if let Some(existing) = activation(self.ctx, codehash) {
            if existing.version == STYLUS_VERSION && !existing.expired(now) {
                return Outcome::Revert(IArbWasm::ProgramUpToDate {}.abi_encode());
            }
        }
        let compiled = match program::compile(
            &code,
            codehash,
            self.facts.arbos_version,
            self.facts.debug_chain,
        ) {
            Ok(compiled) => compiled,
            Err(ActivationError::NotWasm) => {
                return Outcome::Revert(IArbWasm::ProgramNotWasm {}.abi_encode())
            }
            Err(_) => return Outcome::Halt,
        };
        let record = Activation::for_module(&compiled.info, now);
        let fee = record.data_fee();
        let value = self.value();
        if value < fee {
            return Outcome::Revert(
                IArbWasm::ProgramInsufficientValue { have: value, want: fee }.abi_encode(),
            );
        }
        arbos_store(self.ctx, program::activation_slot(codehash), record.pack());
        let caller = self.inputs.caller;
        let journal = self.ctx.journal_mut();
        if !fee.is_zero()
            && !matches!(journal.transfer(ARB_WASM, NETWORK_FEE_ACCOUNT, fee), Ok(None))
        {
            return Outcome::Halt;
        }
        let excess = value - fee;
        // The excess goes back by a plain balance transfer (no EVM call).
        if !excess.is_zero() && !matches!(journal.transfer(ARB_WASM, caller, excess), Ok(None)) {
            return Outcome::Halt;
        }
        let event = IArbWasm::ProgramActivated {
            codehash,
            moduleHash: compiled.module_hash,
            program,
            dataFee: fee,
            version: record.version,
        };
        journal.log(Log { address: ARB_WASM, data: event.encode_log_data() });
        Outcome::Return(IArbWasm::activateProgramCall::abi_encode_returns(
            &IArbWasm::activateProgramReturn { version: record.version, dataFee: fee },
        ))
    }

    fn arb_wasm(&mut self) -> Outcome {
        use IArbWasm::IArbWasmCalls as W;
        let Ok(call) = W::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        if !matches!(call, W::activateProgram(_) | W::codehashKeepalive(_))
            && !self.value().is_zero()
        {
            return Outcome::Revert(Vec::new());
        }
        if !matches!(call, W::activateProgram(_)) && !self.charge(VIEW_GAS) {
            return Outcome::Halt;
        }
        let ret = |r: Result<Vec<u8>, Vec<u8>>| match r {
            Ok(data) => Outcome::Return(data),
            Err(data) => Outcome::Revert(data),
        };
        match call {
            W::activateProgram(c) => self.activate(c.program),
            W::stylusVersion(_) => {
                Outcome::Return(IArbWasm::stylusVersionCall::abi_encode_returns(&STYLUS_VERSION))
            }
            W::codehashVersion(c) => ret(self
                .active(c.codehash)
                .map(|r| IArbWasm::codehashVersionCall::abi_encode_returns(&r.version))),
            W::codehashAsmSize(c) => ret(self
                .active(c.codehash)
                .map(|r| IArbWasm::codehashAsmSizeCall::abi_encode_returns(&r.asm_estimate))),
            W::codehashKeepalive(c) => {
                let record = match self.active(c.codehash) {
                    Ok(record) => record,
                    Err(e) => return Outcome::Revert(e),
                };
                let age = self.now().saturating_sub(record.activated_at);
                if age < KEEPALIVE_DAYS * 86_400 {
                    return Outcome::Revert(
                        IArbWasm::ProgramKeepaliveTooSoon { ageInSeconds: age }.abi_encode(),
                    );
                }
                let renewed = Activation { activated_at: self.now(), ..record };
                arbos_store(self.ctx, program::activation_slot(c.codehash), renewed.pack());
                Outcome::Return(Vec::new())
            }
            W::programVersion(c) => ret(self
                .program_record(c.program)
                .map(|r| IArbWasm::programVersionCall::abi_encode_returns(&r.version))),
            W::programInitGas(c) => ret(self.program_record(c.program).map(|r| {
                IArbWasm::programInitGasCall::abi_encode_returns(&IArbWasm::programInitGasReturn {
                    gas: MIN_INIT_GAS * 128 + u64::from(r.init_cost),
                    gasWhenCached: MIN_CACHED_GAS * 32 + u64::from(r.cached_cost),
                })
            })),
            W::programMemoryFootprint(c) => ret(self
                .program_record(c.program)
                .map(|r| IArbWasm::programMemoryFootprintCall::abi_encode_returns(&r.footprint))),
            W::programTimeLeft(c) => {
                let now = self.now();
                ret(self.program_record(c.program).map(|r| {
                    let left = (r.activated_at + EXPIRY_DAYS * 86_400).saturating_sub(now);
                    IArbWasm::programTimeLeftCall::abi_encode_returns(&left)
                }))
            }
            W::inkPrice(_) => Outcome::Return(IArbWasm::inkPriceCall::abi_encode_returns(
                &(ink::INK_PRICE as u32),
            )),
            W::maxStackDepth(_) => {
                Outcome::Return(IArbWasm::maxStackDepthCall::abi_encode_returns(&MAX_STACK_DEPTH))
            }
            W::freePages(_) => {
                Outcome::Return(IArbWasm::freePagesCall::abi_encode_returns(&ink::FREE_PAGES))
            }
            W::pageGas(_) => {
                Outcome::Return(IArbWasm::pageGasCall::abi_encode_returns(&(ink::PAGE_GAS as u16)))
            }
            W::pageRamp(_) => {
                Outcome::Return(IArbWasm::pageRampCall::abi_encode_returns(&620_674_314))
            }
            W::pageLimit(_) => {
                Outcome::Return(IArbWasm::pageLimitCall::abi_encode_returns(&ink::PAGE_LIMIT))
            }
            W::minInitGas(_) => Outcome::Return(IArbWasm::minInitGasCall::abi_encode_returns(
                &IArbWasm::minInitGasReturn { gas: MIN_INIT_GAS, cached: MIN_CACHED_GAS },
            )),
            W::initCostScalar(_) => {
                Outcome::Return(IArbWasm::initCostScalarCall::abi_encode_returns(&50))
            }
            W::expiryDays(_) => {
                Outcome::Return(IArbWasm::expiryDaysCall::abi_encode_returns(&(EXPIRY_DAYS as u16)))
            }
            W::keepaliveDays(_) => Outcome::Return(
                IArbWasm::keepaliveDaysCall::abi_encode_returns(&(KEEPALIVE_DAYS as u16)),
            ),
            W::blockCacheSize(_) => {
                Outcome::Return(IArbWasm::blockCacheSizeCall::abi_encode_returns(&32))
            }
        }
    }

    fn arb_sys(&mut self) -> Outcome {
        use IArbSys::IArbSysCalls as S;
        let Ok(call) = S::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        if !self.charge(VIEW_GAS) {
            return Outcome::Halt;
        }
        let facts = self.facts;
        Outcome::Return(match call {
            S::arbBlockNumber(_) => {
                IArbSys::arbBlockNumberCall::abi_encode_returns(&U256::from(facts.block_number))
            }
            S::arbBlockHash(c) => {
                let number: u64 = c.arbBlockNum.saturating_to();
                let hash = if number < facts.block_number && facts.block_number - number <= 256 {
                    self.ctx.journal_mut().db_mut().0.block_hashes.get(&number).copied()
                } else {
                    None
                };
                match hash {
                    Some(hash) => IArbSys::arbBlockHashCall::abi_encode_returns(&hash),
                    None => return Outcome::Revert(Vec::new()),
                }
            }
            S::arbChainID(_) => {
                IArbSys::arbChainIDCall::abi_encode_returns(&U256::from(facts.chain_id))
            }
            // Nitro reports 55 + the ArbOS version.
            S::arbOSVersion(_) => {
                IArbSys::arbOSVersionCall::abi_encode_returns(&U256::from(55 + facts.arbos_version))
            }
            S::getStorageGasAvailable(_) => {
                IArbSys::getStorageGasAvailableCall::abi_encode_returns(&U256::ZERO)
            }
            S::isTopLevelCall(_) => IArbSys::isTopLevelCallCall::abi_encode_returns(
                &(self.ctx.journal_mut().depth() <= 2),
            ),
            S::wasMyCallersAddressAliased(_) => {
                IArbSys::wasMyCallersAddressAliasedCall::abi_encode_returns(&false)
            }
            S::myCallersAddressWithoutAliasing(_) => {
                let origin = self.ctx.tx.caller;
                IArbSys::myCallersAddressWithoutAliasingCall::abi_encode_returns(&origin)
            }
        })
    }

    fn arb_owner(&mut self) -> Outcome {
        use IArbOwner::IArbOwnerCalls as O;
        let Ok(call) = O::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        let caller = self.inputs.caller;
        if !self.is_owner(caller) {
            // Nitro: "unauthorized caller to access-controlled method", all gas burnt.
            return Outcome::Halt;
        }
        if !self.charge(WRITE_GAS) {
            return Outcome::Halt;
        }
        match call {
            O::addChainOwner(c) => self.add_to_set(b"chain.owner", c.newOwner),
            O::removeChainOwner(c) => self.remove_from_set(b"chain.owner", c.ownerToRemove),
            O::isChainOwner(c) => {
                let owner = self.is_owner(c.addr);
                return Outcome::Return(IArbOwner::isChainOwnerCall::abi_encode_returns(&owner));
            }
            O::getAllChainOwners(_) => {
                let owners = self.members(b"chain.owner");
                return Outcome::Return(IArbOwner::getAllChainOwnersCall::abi_encode_returns(
                    &owners,
                ));
            }
            O::addWasmCacheManager(c) => self.add_to_set(b"cache.manager", c.manager),
            O::removeWasmCacheManager(c) => self.remove_from_set(b"cache.manager", c.manager),
            O::scheduleArbOSUpgrade(c) => {
                if c.newVersion > self.facts.arbos_version {
                    arbos_store(self.ctx, arbos_version_slot(), U256::from(c.newVersion));
                }
            }
            // Prices are fixed on the devnode (L1 price already zero).
            O::setL1PricePerUnit(_)
            | O::setL2BaseFee(_)
            | O::setMinimumL2BaseFee(_)
            | O::setNetworkFeeAccount(_) => {}
        }
        Outcome::Return(Vec::new())
    }

    fn arb_owner_public(&mut self) -> Outcome {
        use IArbOwnerPublic::IArbOwnerPublicCalls as P;
        let Ok(call) = P::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        if !self.charge(VIEW_GAS) {
            return Outcome::Halt;
        }
        Outcome::Return(match call {
            P::isChainOwner(c) => {
                let owner = self.is_owner(c.addr);
                IArbOwnerPublic::isChainOwnerCall::abi_encode_returns(&owner)
            }
            P::getAllChainOwners(_) => {
                let owners = self.members(b"chain.owner");
                IArbOwnerPublic::getAllChainOwnersCall::abi_encode_returns(&owners)
            }
            P::getNetworkFeeAccount(_) => {
                IArbOwnerPublic::getNetworkFeeAccountCall::abi_encode_returns(&NETWORK_FEE_ACCOUNT)
            }
            P::getInfraFeeAccount(_) => {
                IArbOwnerPublic::getInfraFeeAccountCall::abi_encode_returns(&NETWORK_FEE_ACCOUNT)
            }
            P::getMaxStylusContractFragments(_) => {
                let max: u8 = if self.facts.arbos_version >= 60 { 2 } else { 0 };
                IArbOwnerPublic::getMaxStylusContractFragmentsCall::abi_encode_returns(&max)
            }
        })
    }

    fn arb_gas_info(&mut self) -> Outcome {
        use IArbGasInfo::IArbGasInfoCalls as G;
        let Ok(call) = G::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        if !self.charge(VIEW_GAS) {
            return Outcome::Halt;
        }
        let basefee = U256::from(self.ctx.block.basefee);
        Outcome::Return(match call {
            G::getPricesInWei(_) => IArbGasInfo::getPricesInWeiCall::abi_encode_returns(
                &IArbGasInfo::getPricesInWeiReturn {
                    _0: U256::ZERO,
                    _1: U256::ZERO,
                    _2: U256::ZERO,
                    _3: basefee,
                    _4: U256::ZERO,
                    _5: basefee,
                },
            ),
            G::getPricesInArbGas(_) => IArbGasInfo::getPricesInArbGasCall::abi_encode_returns(
                &IArbGasInfo::getPricesInArbGasReturn {
                    _0: U256::ZERO,
                    _1: U256::ZERO,
                    _2: U256::ZERO,
                },
            ),
            G::getL1BaseFeeEstimate(_) => {
                IArbGasInfo::getL1BaseFeeEstimateCall::abi_encode_returns(&U256::ZERO)
            }
            G::getL1GasPriceEstimate(_) => {
                IArbGasInfo::getL1GasPriceEstimateCall::abi_encode_returns(&U256::ZERO)
            }
            G::getMinimumGasPrice(_) => {
                IArbGasInfo::getMinimumGasPriceCall::abi_encode_returns(&basefee)
            }
            G::getCurrentTxL1GasFees(_) => {
                IArbGasInfo::getCurrentTxL1GasFeesCall::abi_encode_returns(&U256::ZERO)
            }
            G::getGasBacklog(_) => IArbGasInfo::getGasBacklogCall::abi_encode_returns(&0),
        })
    }

    fn arb_wasm_cache(&mut self) -> Outcome {
        use IArbWasmCache::IArbWasmCacheCalls as K;
        let Ok(call) = K::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        if !self.charge(VIEW_GAS) {
            return Outcome::Halt;
        }
        Outcome::Return(match call {
            K::isCacheManager(c) => {
                let slot = set_slot(b"cache.manager", c.manager);
                let is = !arbos_load(self.ctx, slot).is_zero();
                IArbWasmCache::isCacheManagerCall::abi_encode_returns(&is)
            }
            K::allCacheManagers(_) => {
                let managers = self.members(b"cache.manager");
                IArbWasmCache::allCacheManagersCall::abi_encode_returns(&managers)
            }
            // Caching only changes call costs on Nitro; every program runs uncached here.
            K::cacheProgram(_) | K::evictCodehash(_) => Vec::new(),
            K::codehashIsCached(_) => {
                IArbWasmCache::codehashIsCachedCall::abi_encode_returns(&false)
            }
        })
    }

    fn arb_debug(&mut self) -> Outcome {
        use IArbDebug::IArbDebugCalls as D;
        if !self.facts.debug_chain {
            return Outcome::Halt;
        }
        let Ok(call) = D::abi_decode(&self.data) else { return Outcome::Revert(Vec::new()) };
        if !self.charge(WRITE_GAS) {
            return Outcome::Halt;
        }
        match call {
            D::becomeChainOwner(_) => {
                let caller = self.inputs.caller;
                self.add_to_set(b"chain.owner", caller);
            }
        }
        Outcome::Return(Vec::new())
    }
}

impl PrecompileProvider<Ctx> for ArbPrecompiles {
    type Output = InterpreterResult;

    fn set_spec(&mut self, spec: <<Ctx as ContextTr>::Cfg as Cfg>::Spec) -> bool {
        <EthPrecompiles as PrecompileProvider<Ctx>>::set_spec(&mut self.eth, spec)
    }

    fn run(
        &mut self,
        ctx: &mut Ctx,
        inputs: &CallInputs,
    ) -> Result<Option<InterpreterResult>, String> {
        let address = inputs.bytecode_address;
        if !ARBITRUM_PRECOMPILES.contains(&address) {
            return <EthPrecompiles as PrecompileProvider<Ctx>>::run(&mut self.eth, ctx, inputs);
        }
        let data = inputs.input.bytes(ctx);
        let mut call =
            Call { ctx, inputs, data, gas: Gas::new(inputs.gas_limit), facts: self.facts };
        let outcome = match address {
            ARB_WASM => call.arb_wasm(),
            ARB_SYS => call.arb_sys(),
            ARB_OWNER => call.arb_owner(),
            ARB_OWNER_PUBLIC => call.arb_owner_public(),
            ARB_GAS_INFO => call.arb_gas_info(),
            ARB_WASM_CACHE => call.arb_wasm_cache(),
            ARB_DEBUG => call.arb_debug(),
            _ => Outcome::Revert(Vec::new()),
        };
        let mut gas = call.gas;
        let (result, output) = match outcome {
            Outcome::Return(data) => (InstructionResult::Return, data),
            Outcome::Revert(data) => (InstructionResult::Revert, data),
            Outcome::Halt => {
                gas.spend_all();
                (InstructionResult::PrecompileError, Vec::new())
            }
        };
        Ok(Some(InterpreterResult { result, output: output.into(), gas }))
    }

    fn warm_addresses(&self) -> &AddressSet {
        &self.warm
    }

    fn contains(&self, address: &Address) -> bool {
        self.warm.contains(address)
    }
}
