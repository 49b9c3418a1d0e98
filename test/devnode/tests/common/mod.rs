//! Shared fixtures: a WAT Stylus program driven by an op byte, EVM helper contracts, and the
//! built SDK fixtures under `target/wasm`.
#![allow(dead_code, clippy::panic, clippy::unwrap_used, missing_docs)]

use alloy_primitives::{Address, Bytes, U256};
use crossnet_devnode::{Chain, DEV_ADDRESS};

/// The op-driven WAT program (first calldata byte selects the behaviour).
pub const OPS_WAT: &str = r#"(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "exit_early" (func $exit_early (param i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $sload (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $scache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "transient_load_bytes32" (func $tload (param i32 i32)))
  (import "vm_hooks" "transient_store_bytes32" (func $tstore (param i32 i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "delegate_call_contract" (func $dcall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "static_call_contract" (func $scall (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $rrd (param i32 i32 i32) (result i32)))
  (import "vm_hooks" "return_data_size" (func $rds (result i32)))
  (import "vm_hooks" "msg_reentrant" (func $reentrant (result i32)))
  (import "vm_hooks" "msg_sender" (func $sender (param i32)))
  (import "vm_hooks" "contract_address" (func $this (param i32)))
  (import "vm_hooks" "msg_value" (func $value (param i32)))
  (import "vm_hooks" "tx_origin" (func $origin (param i32)))
  (import "vm_hooks" "chainid" (func $chainid (result i64)))
  (import "vm_hooks" "block_number" (func $number (result i64)))
  (import "vm_hooks" "block_timestamp" (func $timestamp (result i64)))
  (import "vm_hooks" "tx_ink_price" (func $ink_price (result i32)))
  (import "vm_hooks" "evm_gas_left" (func $gas_left (result i64)))
  (import "vm_hooks" "evm_ink_left" (func $ink_left (result i64)))
  (import "vm_hooks" "create1" (func $create1 (param i32 i32 i32 i32 i32)))
  (import "vm_hooks" "create2" (func $create2 (param i32 i32 i32 i32 i32 i32)))
  (import "vm_hooks" "math_div" (func $div (param i32 i32)))
  (import "vm_hooks" "math_mod" (func $mod (param i32 i32)))
  (import "vm_hooks" "math_add_mod" (func $addmod (param i32 i32 i32)))
  (import "vm_hooks" "native_keccak256" (func $keccak (param i32 i32 i32)))
  (import "vm_hooks" "account_codehash" (func $codehash (param i32 i32)))
  (import "vm_hooks" "account_code_size" (func $codesize (param i32) (result i32)))
  (import "vm_hooks" "account_code" (func $code (param i32 i32 i32 i32) (result i32)))
  (import "vm_hooks" "account_balance" (func $balance (param i32 i32)))
  (import "vm_hooks" "pay_for_memory_grow" (func $pay (param i32)))
  (import "console" "log_txt" (func $log_txt (param i32 i32)))
  (memory (export "memory") 2 2)
  (func $rec (param i32) (result i32) (call $rec (i32.add (local.get 0) (i32.const 1))))
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $op i32) (local $status i32) (local $n i32)
    (call $read_args (i32.const 0))
    (local.set $op (i32.load8_u (i32.const 0)))
    ;; 1: load key@1 -> value
    (if (i32.eq (local.get $op) (i32.const 1)) (then
      (call $sload (i32.const 1) (i32.const 0x8000))
      (call $write_result (i32.const 0x8000) (i32.const 32)) (return (i32.const 0))))
    ;; 2: store key@1 = value@33, flush
    (if (i32.eq (local.get $op) (i32.const 2)) (then
      (call $scache (i32.const 1) (i32.const 33)) (call $flush (i32.const 0)) (return (i32.const 0))))
    ;; 3: store without flush
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (call $scache (i32.const 1) (i32.const 33)) (return (i32.const 0))))
    ;; 4: store then load (cache) -> value, no flush
    (if (i32.eq (local.get $op) (i32.const 4)) (then
      (call $scache (i32.const 1) (i32.const 33))
      (call $sload (i32.const 1) (i32.const 0x8000))
      (call $write_result (i32.const 0x8000) (i32.const 32)) (return (i32.const 0))))
    ;; 5: revert with args[1..]
    (if (i32.eq (local.get $op) (i32.const 5)) (then
      (call $write_result (i32.const 1) (i32.sub (local.get $len) (i32.const 1))) (return (i32.const 1))))
    ;; 6: exit_early(0) with args[1..] as output
    (if (i32.eq (local.get $op) (i32.const 6)) (then
      (call $write_result (i32.const 1) (i32.sub (local.get $len) (i32.const 1)))
      (call $exit_early (i32.const 0)) unreachable))
    ;; 7: trap
    (if (i32.eq (local.get $op) (i32.const 7)) (then unreachable))
    ;; 8: spin forever
    (if (i32.eq (local.get $op) (i32.const 8)) (then (loop $l (br $l))))
    ;; 9: emit_log(data@2, len-2, topics=args[1])
    (if (i32.eq (local.get $op) (i32.const 9)) (then
      (call $emit_log (i32.const 2) (i32.sub (local.get $len) (i32.const 2)) (i32.load8_u (i32.const 1)))
      (return (i32.const 0))))
    ;; 10/11/12: call/delegate/static to@1 with data@21 -> status byte ++ return data
    (if (i32.and (i32.ge_u (local.get $op) (i32.const 10)) (i32.le_u (local.get $op) (i32.const 12))) (then
      (if (i32.eq (local.get $op) (i32.const 10)) (then
        (local.set $status (call $call (i32.const 1) (i32.const 21) (i32.sub (local.get $len) (i32.const 21)) (i32.const 0x7fc0) (i64.const -1) (i32.const 0x7ff0)))))
      (if (i32.eq (local.get $op) (i32.const 11)) (then
        (local.set $status (call $dcall (i32.const 1) (i32.const 21) (i32.sub (local.get $len) (i32.const 21)) (i64.const -1) (i32.const 0x7ff0)))))
      (if (i32.eq (local.get $op) (i32.const 12)) (then
        (local.set $status (call $scall (i32.const 1) (i32.const 21) (i32.sub (local.get $len) (i32.const 21)) (i64.const -1) (i32.const 0x7ff0)))))
      (i32.store8 (i32.const 0x8000) (local.get $status))
      (local.set $n (call $rrd (i32.const 0x8001) (i32.const 0) (i32.load (i32.const 0x7ff0))))
      (call $write_result (i32.const 0x8000) (i32.add (local.get $n) (i32.const 1))) (return (i32.const 0))))
    ;; 13: msg_reentrant
    (if (i32.eq (local.get $op) (i32.const 13)) (then
      (i32.store8 (i32.const 0x8000) (call $reentrant))
      (call $write_result (i32.const 0x8000) (i32.const 1)) (return (i32.const 0))))
    ;; 14: sender(20) this(20) value(32) origin(20) chainid(8 LE) number(8) timestamp(8) ink_price(4)
    (if (i32.eq (local.get $op) (i32.const 14)) (then
      (call $sender (i32.const 0x8000)) (call $this (i32.const 0x8014)) (call $value (i32.const 0x8028))
      (call $origin (i32.const 0x8048))
      (i64.store (i32.const 0x805c) (call $chainid)) (i64.store (i32.const 0x8064) (call $number))
      (i64.store (i32.const 0x806c) (call $timestamp)) (i32.store (i32.const 0x8074) (call $ink_price))
      (call $write_result (i32.const 0x8000) (i32.const 120)) (return (i32.const 0))))
    ;; 15: create1(code@1) -> address ++ ret_len(4) ++ return data
    (if (i32.eq (local.get $op) (i32.const 15)) (then
      (call $create1 (i32.const 1) (i32.sub (local.get $len) (i32.const 1)) (i32.const 0x7fc0) (i32.const 0x8000) (i32.const 0x7ff0))
      (i32.store (i32.const 0x8014) (i32.load (i32.const 0x7ff0)))
      (local.set $n (call $rrd (i32.const 0x8018) (i32.const 0) (i32.const 256)))
      (call $write_result (i32.const 0x8000) (i32.add (local.get $n) (i32.const 24))) (return (i32.const 0))))
    ;; 16: tstore key@1 = value@33, tload -> value
    (if (i32.eq (local.get $op) (i32.const 16)) (then
      (call $tstore (i32.const 1) (i32.const 33)) (call $tload (i32.const 1) (i32.const 0x8000))
      (call $write_result (i32.const 0x8000) (i32.const 32)) (return (i32.const 0))))
    ;; 17: unbounded recursion
    (if (i32.eq (local.get $op) (i32.const 17)) (then (return (call $rec (i32.const 0)))))
    ;; 18: div(v@1, x@33), mod(v@65, x@33), addmod(v@97, x@33, m@129) -> 3 words
    (if (i32.eq (local.get $op) (i32.const 18)) (then
      (call $div (i32.const 1) (i32.const 33)) (call $mod (i32.const 65) (i32.const 33))
      (call $addmod (i32.const 97) (i32.const 33) (i32.const 129))
      (memory.copy (i32.const 0x8000) (i32.const 1) (i32.const 32))
      (memory.copy (i32.const 0x8020) (i32.const 65) (i32.const 64))
      (call $write_result (i32.const 0x8000) (i32.const 96)) (return (i32.const 0))))
    ;; 19: call to@1 data@21 with value 1 -> status byte
    (if (i32.eq (local.get $op) (i32.const 19)) (then
      (i32.store8 (i32.const 0x7fbf) (i32.const 1))
      (i32.store8 (i32.const 0x8000) (call $call (i32.const 1) (i32.const 21) (i32.sub (local.get $len) (i32.const 21)) (i32.const 0x7fa0) (i64.const -1) (i32.const 0x7ff0)))
      (call $write_result (i32.const 0x8000) (i32.const 1)) (return (i32.const 0))))
    ;; 20: write_result twice: args[1..] then args[1..2]
    (if (i32.eq (local.get $op) (i32.const 20)) (then
      (call $write_result (i32.const 1) (i32.sub (local.get $len) (i32.const 1)))
      (call $write_result (i32.const 1) (i32.const 1)) (return (i32.const 0))))
    ;; 21: codehash(32) ++ codesize(4) ++ balance(32) ++ code[0..4] (written count 4 LE, bytes) of @1
    (if (i32.eq (local.get $op) (i32.const 21)) (then
      (call $codehash (i32.const 1) (i32.const 0x8000))
      (i32.store (i32.const 0x8020) (call $codesize (i32.const 1)))
      (call $balance (i32.const 1) (i32.const 0x8024))
      (i32.store (i32.const 0x8044) (call $code (i32.const 1) (i32.const 0) (i32.const 4) (i32.const 0x8048)))
      (call $write_result (i32.const 0x8000) (i32.const 0x4c)) (return (i32.const 0))))
    ;; 22: load key@1 then flush (clean) -> value
    (if (i32.eq (local.get $op) (i32.const 22)) (then
      (call $sload (i32.const 1) (i32.const 0x8000)) (call $flush (i32.const 1))
      (call $write_result (i32.const 0x8000) (i32.const 32)) (return (i32.const 0))))
    ;; 23: success without output
    (if (i32.eq (local.get $op) (i32.const 23)) (then (return (i32.const 0))))
    ;; 24: keccak(args[1..]) -> hash
    (if (i32.eq (local.get $op) (i32.const 24)) (then
      (call $keccak (i32.const 1) (i32.sub (local.get $len) (i32.const 1)) (i32.const 0x8000))
      (call $write_result (i32.const 0x8000) (i32.const 32)) (return (i32.const 0))))
    ;; 25: gas_left(8) ++ ink_left(8)
    (if (i32.eq (local.get $op) (i32.const 25)) (then
      (i64.store (i32.const 0x8000) (call $gas_left)) (i64.store (i32.const 0x8008) (call $ink_left))
      (call $write_result (i32.const 0x8000) (i32.const 16)) (return (i32.const 0))))
    ;; 26: call to@1 data@21, then read_return_data(offset=2, size=3) -> written(4) ++ bytes
    (if (i32.eq (local.get $op) (i32.const 26)) (then
      (drop (call $call (i32.const 1) (i32.const 21) (i32.sub (local.get $len) (i32.const 21)) (i32.const 0x7fc0) (i64.const -1) (i32.const 0x7ff0)))
      (i32.store (i32.const 0x8000) (call $rrd (i32.const 0x8004) (i32.const 2) (i32.const 3)))
      (call $write_result (i32.const 0x8000) (i32.add (i32.load (i32.const 0x8000)) (i32.const 4))) (return (i32.const 0))))
    ;; 27: console.log_txt(args[1..])
    (if (i32.eq (local.get $op) (i32.const 27)) (then
      (call $log_txt (i32.const 1) (i32.sub (local.get $len) (i32.const 1))) (return (i32.const 0))))
    ;; 28: create2(salt@1, code@33) -> address ++ ret_len(4) ++ return data
    (if (i32.eq (local.get $op) (i32.const 28)) (then
      (call $create2 (i32.const 33) (i32.sub (local.get $len) (i32.const 33)) (i32.const 0x7fc0) (i32.const 1) (i32.const 0x8000) (i32.const 0x7ff0))
      (i32.store (i32.const 0x8014) (i32.load (i32.const 0x7ff0)))
      (local.set $n (call $rrd (i32.const 0x8018) (i32.const 0) (i32.const 256)))
      (call $write_result (i32.const 0x8000) (i32.add (local.get $n) (i32.const 24))) (return (i32.const 0))))
    (i32.const 1)))
"#;

/// Deployable code of a WAT module.
pub fn wat_code(wat: &str) -> Vec<u8> {
    crossnet_wasm::encode_code(&wat::parse_str(wat).expect("valid wat"))
}

/// Deploys and activates the ops program.
pub fn deploy_ops(chain: &mut Chain) -> Address {
    chain.deploy_stylus(DEV_ADDRESS, &wat_code(OPS_WAT)).expect("deploy ops program")
}

/// Calldata `op ‖ parts...`.
pub fn op(op: u8, parts: &[&[u8]]) -> Bytes {
    let mut data = vec![op];
    for part in parts {
        data.extend_from_slice(part);
    }
    data.into()
}

/// A 32-byte big-endian word.
pub fn word(v: u64) -> [u8; 32] {
    U256::from(v).to_be_bytes()
}

/// Init code that deploys `runtime` (< 256 bytes).
pub fn init_for(runtime: &[u8]) -> Vec<u8> {
    let len = u8::try_from(runtime.len()).expect("short runtime");
    let mut init = vec![0x60, len, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, len, 0x60, 0x00, 0xf3];
    init.extend_from_slice(runtime);
    init
}

/// Runtime: SSTORE(0, 42), return 32 bytes of 0x2a.
pub const STORE42: [u8; 6] = [0x60, 0x2a, 0x60, 0x00, 0x55, 0x00];

/// EVM proxy runtime: calls `calldata[0..20]` with `calldata[20..]` (and CALLVALUE for CALL)
/// using `opcode` (0xf1 CALL, 0xf4 DELEGATECALL, 0xfa STATICCALL); returns or bubbles the
/// revert. `always_revert` reverts with the return data even on success.
pub fn proxy_runtime(opcode: u8, always_revert: bool) -> Vec<u8> {
    let mut c = vec![
        0x36, 0x60, 0x14, 0x90, 0x03, // len = CALLDATASIZE - 20
        0x80, 0x60, 0x14, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 20, len)
        0x60, 0x00, 0x60, 0x00, // retSize, retOffset
        0x82, 0x60, 0x00, // argsSize, argsOffset
    ];
    if opcode == 0xf1 {
        c.push(0x34); // CALLVALUE
    }
    c.extend_from_slice(&[0x60, 0x00, 0x35, 0x60, 0x60, 0x1c, 0x5a, opcode]);
    c.extend_from_slice(&[0x3d, 0x60, 0x00, 0x80, 0x3e, 0x3d, 0x60, 0x00, 0x91]);
    // [success, rds, 0, len]
    let jumpdest_at = c.len() + 5;
    if always_revert {
        c.extend_from_slice(&[0x50, 0x90, 0xfd, 0x00, 0x00]); // POP; SWAP1; REVERT; padding
    } else {
        c.extend_from_slice(&[0x60, u8::try_from(jumpdest_at).expect("short"), 0x57, 0x90, 0xfd]);
    }
    c.extend_from_slice(&[0x5b, 0x90, 0xf3]);
    c
}

/// Runtime: LOG1(topic 0x11..11, data = calldata); returns nothing.
pub fn logger_runtime() -> Vec<u8> {
    let mut c = vec![0x36, 0x60, 0x00, 0x60, 0x00, 0x37]; // CALLDATACOPY(0, 0, size)
    c.push(0x7f);
    c.extend_from_slice(&[0x11; 32]);
    c.extend_from_slice(&[0x36, 0x60, 0x00, 0xa1, 0x00]); // LOG1(0, size, topic)
    c
}

/// Deploys EVM `runtime`.
pub fn deploy_runtime(chain: &mut Chain, runtime: &[u8]) -> Address {
    chain.deploy_evm(DEV_ADDRESS, init_for(runtime)).expect("deploy evm")
}

/// Reads a built fixture, failing with the build hint when missing.
pub fn fixture_code(name: &str) -> Vec<u8> {
    let path = crossnet_devnode::wasm_artifact(name);
    crossnet_devnode::load_code(&path).unwrap_or_else(|e| {
        panic!("fixture `{name}` missing ({e}); run `bash script/build-wasm.sh` first")
    })
}
