//! The host functions Nitro links into Stylus programs, with their exact wasm types.
//!
//! An import that is not in this table, or whose type differs, fails activation.

use wasmparser::ValType::{self, F32, F64, I32, I64};

/// A host function: module, name, parameter and result types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostFn {
    /// Import module (`vm_hooks`, or `console` / `debug` on debug chains).
    pub module: &'static str,
    /// Import name.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result types.
    pub results: &'static [ValType],
    /// Only linked on chains with debug precompiles enabled (`nitro --dev`).
    pub debug_only: bool,
}

const fn vm(name: &'static str, params: &'static [ValType], results: &'static [ValType]) -> HostFn {
    HostFn { module: "vm_hooks", name, params, results, debug_only: false }
}

const fn dbg(
    module: &'static str,
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
) -> HostFn {
    HostFn { module, name, params, results, debug_only: true }
}

/// Every host function Nitro links (stylus-runtime.md section 1.2).
pub const HOST_FUNCTIONS: &[HostFn] = &[
    vm("read_args", &[I32], &[]),
    vm("write_result", &[I32, I32], &[]),
    vm("exit_early", &[I32], &[]),
    vm("storage_load_bytes32", &[I32, I32], &[]),
    vm("storage_cache_bytes32", &[I32, I32], &[]),
    vm("storage_flush_cache", &[I32], &[]),
    vm("transient_load_bytes32", &[I32, I32], &[]),
    vm("transient_store_bytes32", &[I32, I32], &[]),
    vm("call_contract", &[I32, I32, I32, I32, I64, I32], &[I32]),
    vm("delegate_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    vm("static_call_contract", &[I32, I32, I32, I64, I32], &[I32]),
    vm("create1", &[I32, I32, I32, I32, I32], &[]),
    vm("create2", &[I32, I32, I32, I32, I32, I32], &[]),
    vm("read_return_data", &[I32, I32, I32], &[I32]),
    vm("return_data_size", &[], &[I32]),
    vm("emit_log", &[I32, I32, I32], &[]),
    vm("account_balance", &[I32, I32], &[]),
    vm("account_code", &[I32, I32, I32, I32], &[I32]),
    vm("account_code_size", &[I32], &[I32]),
    vm("account_codehash", &[I32, I32], &[]),
    vm("evm_gas_left", &[], &[I64]),
    vm("evm_ink_left", &[], &[I64]),
    vm("block_basefee", &[I32], &[]),
    vm("block_coinbase", &[I32], &[]),
    vm("block_gas_limit", &[], &[I64]),
    vm("block_number", &[], &[I64]),
    vm("block_timestamp", &[], &[I64]),
    vm("chainid", &[], &[I64]),
    vm("contract_address", &[I32], &[]),
    vm("msg_sender", &[I32], &[]),
    vm("msg_value", &[I32], &[]),
    vm("msg_reentrant", &[], &[I32]),
    vm("tx_origin", &[I32], &[]),
    vm("tx_gas_price", &[I32], &[]),
    vm("tx_ink_price", &[], &[I32]),
    vm("native_keccak256", &[I32, I32, I32], &[]),
    vm("pay_for_memory_grow", &[I32], &[]),
    vm("math_div", &[I32, I32], &[]),
    vm("math_mod", &[I32, I32], &[]),
    vm("math_pow", &[I32, I32], &[]),
    vm("math_add_mod", &[I32, I32, I32], &[]),
    vm("math_mul_mod", &[I32, I32, I32], &[]),
    dbg("console", "log_txt", &[I32, I32], &[]),
    dbg("console", "log_i32", &[I32], &[]),
    dbg("console", "log_i64", &[I64], &[]),
    dbg("console", "log_f32", &[F32], &[]),
    dbg("console", "log_f64", &[F64], &[]),
    dbg("console", "tee_i32", &[I32], &[I32]),
    dbg("console", "tee_i64", &[I64], &[I64]),
    dbg("console", "tee_f32", &[F32], &[F32]),
    dbg("console", "tee_f64", &[F64], &[F64]),
    dbg("debug", "null_host", &[], &[]),
    dbg("debug", "start_benchmark", &[], &[]),
    dbg("debug", "end_benchmark", &[], &[]),
];

/// Looks up a host function by import module and name.
#[must_use]
pub fn lookup(module: &str, name: &str) -> Option<&'static HostFn> {
    HOST_FUNCTIONS.iter().find(|f| f.module == module && f.name == name)
}
