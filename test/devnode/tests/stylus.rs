//! Stylus conformance (stylus-runtime.md section 6.3): format and activation, entrypoint
//! outcomes, storage cache, calls and creates, queries, logs, reentrancy, memory and gas,
//! constructors through StylusDeployer.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use common::*;
use crossnet_devnode::precompiles::{IArbSys, ARB_SYS, ARB_WASM};
use crossnet_devnode::{
    BlockId, Chain, ChainConfig, ChainError, IArbWasm, IStylusDeployer, TxRequest, DEV_ADDRESS,
    STYLUS_DEPLOYER,
};

sol! {
    function number() external view returns (uint256);
    function creator() external view returns (address);
    function setNumber(uint256 value) external;
    function increment() external;
    function fail(uint256 code) external;
    function panicNow() external view returns (uint256);
    function whoami() external payable returns (address, address, uint256);
    function allocate(uint256 kib) external view returns (uint256);
    function constructor(uint256 initial) external payable;
    event NumberSet(address indexed by, uint256 value);
    error Failed(uint256 code);
}

fn send(
    chain: &mut Chain,
    to: Address,
    data: Bytes,
) -> Result<crossnet_devnode::Receipt, ChainError> {
    chain.send_ok(TxRequest::call(DEV_ADDRESS, to, data))
}

fn call(chain: &mut Chain, to: Address, data: Bytes) -> Result<Bytes, ChainError> {
    chain.call(&TxRequest::call(DEV_ADDRESS, to, data))?.into_output()
}

// ----- format and activation -----

#[test]
fn prelude_deploy_yields_stylus_code_and_unactivated_call_burns_gas_reverts() {
    let mut chain = Chain::dev();
    let code = wat_code(OPS_WAT);
    let program = chain.deploy_stylus_code(DEV_ADDRESS, &code).expect("deploy");
    assert_eq!(&chain.code(program)[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    let receipt =
        chain.send(TxRequest::call(DEV_ADDRESS, program, op(23, &[])).gas(200_000)).expect("mined");
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 200_000, "an unactivated program burns all gas");
    let codehash = keccak256(chain.code(program));
    let err = chain
        .call_sol(ARB_WASM, &IArbWasm::codehashVersionCall { codehash })
        .expect_err("not activated");
    assert!(err.decode_revert::<IArbWasm::ProgramNotActivated>().is_some(), "{err:?}");

    let fee = chain.data_fee(program).expect("fee");
    let before = chain.balance(DEV_ADDRESS);
    let extra = U256::from(1_000_000_000_000u64);
    let (receipt, ret) = chain
        .send_sol_value(
            DEV_ADDRESS,
            ARB_WASM,
            &IArbWasm::activateProgramCall { program },
            fee + extra,
        )
        .expect("activate");
    assert_eq!(ret.version, 2);
    assert_eq!(ret.dataFee, fee);
    assert!(fee > U256::ZERO);
    let gas_cost = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert_eq!(before - chain.balance(DEV_ADDRESS), fee + gas_cost, "excess refunded");
    let events = receipt.events::<IArbWasm::ProgramActivated>();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].codehash, codehash);
    assert_eq!(events[0].program, program);
    let version = chain.call_sol(ARB_WASM, &IArbWasm::codehashVersionCall { codehash }).expect("v");
    assert_eq!(version, 2);
    assert_eq!(chain.call_sol(ARB_WASM, &IArbWasm::programVersionCall { program }).expect("pv"), 2);
    assert_eq!(chain.call_sol(ARB_WASM, &IArbWasm::stylusVersionCall {}).expect("sv"), 2);
    let err = chain.activate(DEV_ADDRESS, program).expect_err("up to date");
    assert!(
        err.decode_revert::<IArbWasm::ProgramUpToDate>().is_some()
            || matches!(err, ChainError::Reverted { .. })
    );
    // The same code at a second address is already active.
    let twin = chain.deploy_stylus_code(DEV_ADDRESS, &code).expect("twin");
    assert!(call(&mut chain, twin, op(13, &[])).is_ok());
}

#[test]
fn activate_errors_are_abi_revert_data_reverts() {
    let mut chain = Chain::dev();
    let evm = deploy_runtime(&mut chain, &STORE42);
    let err = chain
        .send_sol_value(
            DEV_ADDRESS,
            ARB_WASM,
            &IArbWasm::activateProgramCall { program: evm },
            U256::from(1),
        )
        .expect_err("not wasm");
    assert!(err.decode_revert::<IArbWasm::ProgramNotWasm>().is_some(), "{err:?}");
    let program = chain.deploy_stylus_code(DEV_ADDRESS, &wat_code(OPS_WAT)).expect("deploy");
    let err = chain
        .send_sol_value(
            DEV_ADDRESS,
            ARB_WASM,
            &IArbWasm::activateProgramCall { program },
            U256::from(1),
        )
        .expect_err("insufficient");
    let decoded = err.decode_revert::<IArbWasm::ProgramInsufficientValue>().expect("typed error");
    assert_eq!(decoded.have, U256::from(1));
    assert!(decoded.want > U256::from(1));
}

#[test]
fn activation_is_undone_by_revert_reverts() {
    let mut chain = Chain::dev();
    let program = chain.deploy_stylus_code(DEV_ADDRESS, &wat_code(OPS_WAT)).expect("deploy");
    let fee = chain.data_fee(program).expect("fee");
    let reverting = deploy_runtime(&mut chain, &proxy_runtime(0xf1, true));
    let mut data = ARB_WASM.to_vec();
    data.extend_from_slice(&IArbWasm::activateProgramCall { program }.abi_encode());
    let receipt =
        chain.send(TxRequest::call(DEV_ADDRESS, reverting, data).value(fee)).expect("mined");
    assert!(!receipt.status);
    let codehash = keccak256(chain.code(program));
    assert!(chain.call_sol(ARB_WASM, &IArbWasm::codehashVersionCall { codehash }).is_err());
}

#[test]
fn eip3541_rejects_non_stylus_ef_code_reverts() {
    let mut chain = Chain::dev();
    // Runtime `EF 00`: CREATE must fail.
    let err = chain.deploy_evm(DEV_ADDRESS, init_for(&[0xEF, 0x00])).expect_err("EF code");
    assert!(matches!(err, ChainError::Halted { .. }), "{err:?}");
    // `EF F0 00 ..` is the Stylus exception.
    assert!(chain.deploy_evm(DEV_ADDRESS, init_for(&[0xEF, 0xF0, 0x00, 0x00, 0x01])).is_ok());
}

fn activation_fails(chain: &mut Chain, code: Vec<u8>) -> bool {
    let program = chain.deploy_stylus_code(DEV_ADDRESS, &code).expect("deploy");
    matches!(
        chain.send_sol_value(
            DEV_ADDRESS,
            ARB_WASM,
            &IArbWasm::activateProgramCall { program },
            U256::from(10u64).pow(U256::from(18))
        ),
        Err(ChainError::Halted { .. })
    )
}

#[test]
fn validation_rejects_bad_modules_reverts() {
    let mut chain = Chain::new(ChainConfig { debug: false, ..ChainConfig::default() });
    let entry = r#"(func (export "user_entrypoint") (param i32) (result i32) i32.const 0)"#;
    let grow = r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))"#;
    let cases = [
        (
            "start fn",
            format!(
                r#"(module {grow} (memory (export "memory") 1 1) {entry} (func $s) (start $s))"#
            ),
        ),
        ("no memory export", format!(r#"(module (memory 1 1) {entry})"#)),
        (
            "bad entrypoint",
            r#"(module (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))"#
                .to_string(),
        ),
        (
            "unknown import",
            format!(
                r#"(module (import "vm_hooks" "steal" (func)) (memory (export "memory") 1 1) {entry})"#
            ),
        ),
        (
            "wrong signature",
            format!(
                r#"(module (import "vm_hooks" "read_args" (func (param i64))) (memory (export "memory") 1 1) {entry})"#
            ),
        ),
        ("too many pages", format!(r#"(module (memory (export "memory") 129 129) {entry})"#)),
        (
            "simd",
            format!(
                r#"(module (memory (export "memory") 1 1) {entry} (func (result v128) v128.const i64x2 0 0))"#
            ),
        ),
        (
            "reference types",
            format!(
                r#"(module (memory (export "memory") 1 1) {entry} (func (result externref) ref.null extern))"#
            ),
        ),
        (
            "growable without pay_for_memory_grow",
            format!(r#"(module (memory (export "memory") 1) {entry})"#),
        ),
        (
            "console on a non-debug chain",
            format!(
                r#"(module (import "console" "log_txt" (func (param i32 i32))) (memory (export "memory") 1 1) {entry})"#
            ),
        ),
    ];
    for (what, wat) in cases {
        assert!(activation_fails(&mut chain, wat_code(&wat)), "{what} must fail activation");
    }
    // Bad dictionary byte.
    let mut code = wat_code(&format!(r#"(module (memory (export "memory") 1 1) {entry})"#));
    code[3] = 7;
    assert!(activation_fails(&mut chain, code));
    // More than 128 KiB once decompressed.
    let big = format!(
        r#"(module (memory (export "memory") 3 3) (data (i32.const 0) "{}") {entry})"#,
        "\\00".repeat(140_000)
    );
    assert!(activation_fails(&mut chain, wat_code(&big)));
    // Multi-value is accepted before ArbOS 60 and rejected from it.
    let multi = format!(
        r#"(module (memory (export "memory") 1 1) {entry} (func (result i32 i32) i32.const 1 i32.const 2))"#
    );
    assert!(!activation_fails(&mut chain, wat_code(&multi)));
    let mut chain60 = Chain::new(ChainConfig { arbos_version: 60, ..ChainConfig::default() });
    assert!(activation_fails(&mut chain60, wat_code(&multi)));
}

// ----- entrypoint -----

#[test]
fn entrypoint_outcomes_match_nitro_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let err = call(&mut chain, p, op(5, &[b"nope"])).expect_err("status 1");
    assert_eq!(err.revert_data().expect("revert").as_ref(), b"nope");
    assert_eq!(
        call(&mut chain, p, op(20, &[b"xyz"])).expect("ok").as_ref(),
        b"x",
        "last write wins"
    );
    assert!(call(&mut chain, p, op(23, &[])).expect("ok").is_empty());
    assert_eq!(call(&mut chain, p, op(6, &[b"early"])).expect("exit").as_ref(), b"early");
    // A trap reverts with empty data and keeps the unused gas.
    let receipt =
        chain.send(TxRequest::call(DEV_ADDRESS, p, op(7, &[])).gas(1_000_000)).expect("mined");
    assert!(!receipt.status && receipt.output.is_empty() && receipt.halt.is_none());
    assert!(receipt.gas_used < 200_000, "gas kept: {}", receipt.gas_used);
    // Out of ink burns everything.
    let receipt =
        chain.send(TxRequest::call(DEV_ADDRESS, p, op(8, &[])).gas(1_000_000)).expect("mined");
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 1_000_000);
    // Deep recursion: out of stack, all gas burnt.
    let receipt =
        chain.send(TxRequest::call(DEV_ADDRESS, p, op(17, &[])).gas(5_000_000)).expect("mined");
    assert!(!receipt.status);
    assert_eq!(receipt.gas_used, 5_000_000);
}

// ----- storage -----

#[test]
fn storage_cache_rules_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let key = word(7);
    assert_eq!(call(&mut chain, p, op(4, &[&key, &word(5)])).expect("cached").as_ref(), &word(5));
    send(&mut chain, p, op(3, &[&key, &word(9)])).expect("unflushed");
    assert_eq!(chain.storage(p, U256::from(7)), U256::ZERO, "unflushed writes vanish");
    let receipt = send(&mut chain, p, op(2, &[&key, &word(9)])).expect("flushed");
    assert_eq!(chain.storage(p, U256::from(7)), U256::from(9));
    assert!(receipt.gas_used > 21_000 + 20_000, "SSTORE-equivalent gas: {}", receipt.gas_used);
    assert_eq!(call(&mut chain, p, op(1, &[&key])).expect("load").as_ref(), &word(9));
    // Clearing the slot earns the SSTORE refund.
    let receipt = send(&mut chain, p, op(2, &[&key, &word(0)])).expect("clear");
    assert!(receipt.gas_refunded > 0);
    // Static context: a dirty flush fails, a clean one is fine.
    let static_proxy = deploy_runtime(&mut chain, &proxy_runtime(0xfa, false));
    let mut data = p.to_vec();
    data.extend_from_slice(&op(2, &[&key, &word(1)]));
    assert!(call(&mut chain, static_proxy, data.into()).is_err());
    let mut data = p.to_vec();
    data.extend_from_slice(&op(22, &[&key]));
    assert!(call(&mut chain, static_proxy, data.into()).is_ok());
    // A revert after a flush rolls the write back.
    let reverting = deploy_runtime(&mut chain, &proxy_runtime(0xf1, true));
    let mut data = p.to_vec();
    data.extend_from_slice(&op(2, &[&key, &word(3)]));
    let receipt = chain.send(TxRequest::call(DEV_ADDRESS, reverting, data)).expect("mined");
    assert!(!receipt.status);
    assert_eq!(chain.storage(p, U256::from(7)), U256::ZERO);
    // Transient storage is per transaction.
    assert_eq!(call(&mut chain, p, op(16, &[&key, &word(4)])).expect("t").as_ref(), &word(4));
    let mut data = p.to_vec();
    data.extend_from_slice(&op(16, &[&key, &word(4)]));
    assert!(call(&mut chain, static_proxy, data.into()).is_err(), "tstore in static fails");
}

// ----- calls and creates -----

#[test]
fn calls_statuses_and_return_data_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let q = chain.deploy_stylus_code(DEV_ADDRESS, &wat_code(OPS_WAT)).expect("twin");
    let store42 = deploy_runtime(&mut chain, &STORE42);
    // Stylus -> EVM.
    let out = send(&mut chain, p, op(10, &[store42.as_slice()])).expect("call evm");
    assert_eq!(out.output[0], 0);
    assert_eq!(chain.storage(store42, U256::ZERO), U256::from(42));
    // Stylus -> Stylus revert data, status 2.
    let out = call(&mut chain, p, op(10, &[q.as_slice(), &op(5, &[b"why"])])).expect("call");
    assert_eq!(out.as_ref(), &[&[2u8][..], b"why"].concat());
    // EOA and precompile targets.
    let eoa = Address::repeat_byte(0x42);
    assert_eq!(call(&mut chain, p, op(10, &[eoa.as_slice(), b"hi"])).expect("eoa").as_ref(), &[0]);
    let identity = Address::with_last_byte(4);
    assert_eq!(
        call(&mut chain, p, op(10, &[identity.as_slice(), b"echo"])).expect("id").as_ref(),
        b"\0echo"
    );
    let out = call(
        &mut chain,
        p,
        op(10, &[ARB_SYS.as_slice(), &IArbSys::arbChainIDCall {}.abi_encode()]),
    )
    .expect("arbsys");
    assert_eq!(U256::from_be_slice(&out[1..]), U256::from(412_346));
    // read_return_data clips.
    let out = call(&mut chain, p, op(26, &[identity.as_slice(), b"abcdef"])).expect("rrd");
    assert_eq!(out.as_ref(), &[&3u32.to_le_bytes()[..], b"cde"].concat());
    // Value in a static context fails with status 2 without running the callee.
    let static_proxy = deploy_runtime(&mut chain, &proxy_runtime(0xfa, false));
    let mut data = p.to_vec();
    data.extend_from_slice(&op(19, &[eoa.as_slice()]));
    assert_eq!(call(&mut chain, static_proxy, data.into()).expect("static").as_ref(), &[2]);
    // Stylus -> EVM -> Stylus.
    let evm_proxy = deploy_runtime(&mut chain, &proxy_runtime(0xf1, false));
    let mut inner = q.to_vec();
    inner.extend_from_slice(&op(2, &[&word(1), &word(77)]));
    let out = send(&mut chain, p, op(10, &[evm_proxy.as_slice(), &inner])).expect("nested");
    assert_eq!(out.output[0], 0);
    assert_eq!(chain.storage(q, U256::from(1)), U256::from(77));
}

#[test]
fn delegatecall_keeps_sender_value_and_storage_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let q = chain.deploy_stylus_code(DEV_ADDRESS, &wat_code(OPS_WAT)).expect("twin");
    // Stylus -> Stylus delegate: q runs with p's identity.
    let out = call(&mut chain, p, op(11, &[q.as_slice(), &op(14, &[])])).expect("delegate");
    assert_eq!(out[0], 0);
    assert_eq!(Address::from_slice(&out[1..21]), DEV_ADDRESS);
    assert_eq!(Address::from_slice(&out[21..41]), p);
    // Stylus -> EVM delegate writes p's storage.
    let store42 = deploy_runtime(&mut chain, &STORE42);
    send(&mut chain, p, op(11, &[store42.as_slice()])).expect("delegate evm");
    assert_eq!(chain.storage(p, U256::ZERO), U256::from(42));
    assert_eq!(chain.storage(store42, U256::ZERO), U256::ZERO);
    // EVM -> Stylus delegate writes the proxy's storage.
    let delegate_proxy = deploy_runtime(&mut chain, &proxy_runtime(0xf4, false));
    let mut data = q.to_vec();
    data.extend_from_slice(&op(2, &[&word(5), &word(6)]));
    send(&mut chain, delegate_proxy, data.into()).expect("evm delegate");
    assert_eq!(chain.storage(delegate_proxy, U256::from(5)), U256::from(6));
}

#[test]
fn create2_address_follows_salt_and_init_code_and_collisions_fail_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let init = init_for(&STORE42);
    let salt = word(7);
    let receipt = send(&mut chain, p, op(28, &[&salt, &init])).expect("create2");
    let child = Address::from_slice(&receipt.output[..20]);
    assert_eq!(child, p.create2(salt, keccak256(&init)));
    assert_eq!(chain.code(child).as_ref(), &STORE42);
    // Another salt, another address; the same salt again collides: address zero.
    let receipt = send(&mut chain, p, op(28, &[&word(8), &init])).expect("create2 again");
    assert_eq!(Address::from_slice(&receipt.output[..20]), p.create2(word(8), keccak256(&init)));
    let out = call(&mut chain, p, op(28, &[&salt, &init])).expect("collision");
    assert_eq!(&out[..20], Address::ZERO.as_slice());
    // A reverting init code: address zero and its revert data.
    let revert_init = [0x60, 0x2a, 0x60, 0x00, 0x53, 0x60, 0x01, 0x60, 0x00, 0xfd];
    let out = call(&mut chain, p, op(28, &[&salt, &revert_init])).expect("create2 revert");
    assert_eq!(&out[..20], Address::ZERO.as_slice());
    assert_eq!(&out[20..24], &1u32.to_le_bytes());
    assert_eq!(&out[24..], &[0x2a]);
}

#[test]
fn create1_deploys_evm_and_stylus_children_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let receipt = send(&mut chain, p, op(15, &[&init_for(&STORE42)])).expect("create");
    let child = Address::from_slice(&receipt.output[..20]);
    assert_eq!(child, p.create(1));
    assert_eq!(chain.code(child).as_ref(), &STORE42);
    // A reverting init code: address zero and the revert data.
    let revert_init = [0x60, 0x00, 0x60, 0x00, 0xfd];
    let out = call(&mut chain, p, op(15, &[&revert_init])).expect("create revert");
    assert_eq!(&out[..20], Address::ZERO.as_slice());
    // A Stylus child via the prelude.
    let init = crossnet_wasm::deploy_prelude(&wat_code(OPS_WAT));
    let receipt = send(&mut chain, p, op(15, &[&init])).expect("stylus child");
    let child = Address::from_slice(&receipt.output[..20]);
    assert_eq!(&chain.code(child)[..3], &[0xEF, 0xF0, 0x00]);
}

// ----- queries -----

#[test]
fn queries_report_call_context_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let receipt = chain
        .send_ok(TxRequest::call(DEV_ADDRESS, p, op(14, &[])).value(U256::from(5)))
        .expect("query");
    let out = receipt.output;
    assert_eq!(Address::from_slice(&out[0..20]), DEV_ADDRESS);
    assert_eq!(Address::from_slice(&out[20..40]), p);
    assert_eq!(U256::from_be_slice(&out[40..72]), U256::from(5));
    assert_eq!(Address::from_slice(&out[72..92]), DEV_ADDRESS);
    let le = |r: std::ops::Range<usize>| u64::from_le_bytes(out[r].try_into().expect("8"));
    assert_eq!(le(92..100), 412_346);
    assert_eq!(le(100..108), receipt.block_number);
    assert_eq!(le(108..116), chain.timestamp());
    assert_eq!(u32::from_le_bytes(out[116..120].try_into().expect("4")), 10_000);
    // Account queries: code without padding, codehash of code-less vs absent accounts.
    let store42 = deploy_runtime(&mut chain, &STORE42);
    let out = call(&mut chain, p, op(21, &[store42.as_slice()])).expect("account");
    assert_eq!(B256::from_slice(&out[..32]), keccak256(STORE42));
    assert_eq!(u32::from_le_bytes(out[32..36].try_into().expect("4")), 6);
    assert_eq!(u32::from_le_bytes(out[68..72].try_into().expect("4")), 4);
    assert_eq!(&out[72..76], &STORE42[..4]);
    let out =
        call(&mut chain, p, op(21, &[Address::repeat_byte(0x99).as_slice()])).expect("absent");
    assert_eq!(B256::from_slice(&out[..32]), B256::ZERO);
    // keccak, math, gas/ink.
    assert_eq!(
        call(&mut chain, p, op(24, &[b"abc"])).expect("k").as_ref(),
        keccak256(b"abc").as_slice()
    );
    let out = call(&mut chain, p, op(18, &[&word(10), &word(0), &word(7), &word(9), &word(5)]))
        .expect("math");
    assert_eq!(&out[..32], &word(0), "div by 0 is 0");
    assert_eq!(&out[32..64], &word(0), "mod by 0 is 0");
    let out = call(&mut chain, p, op(25, &[])).expect("gas");
    let gas = u64::from_le_bytes(out[..8].try_into().expect("8"));
    let ink = u64::from_le_bytes(out[8..16].try_into().expect("8"));
    assert!(gas > 0 && ink / 10_000 <= gas + 1 && ink / 10_000 + 1 >= gas);
}

// ----- logs -----

#[test]
fn logs_topics_rules_and_order_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    for topics in 0u8..=4 {
        let mut data = vec![9, topics];
        for t in 0..topics {
            data.extend_from_slice(&[t + 1; 32]);
        }
        data.extend_from_slice(b"payload");
        let receipt = send(&mut chain, p, data.into()).expect("log");
        let log = &receipt.logs[0].log;
        assert_eq!(log.address, p);
        assert_eq!(log.topics().len(), usize::from(topics));
        assert_eq!(log.data.data.as_ref(), b"payload");
        assert!(receipt.logs_bloom.contains_input(alloy_primitives::BloomInput::Raw(p.as_slice())));
    }
    let mut five = vec![9, 5];
    five.extend_from_slice(&[1; 160]);
    assert!(send(&mut chain, p, five.into()).is_err(), "more than 4 topics fail");
    assert!(send(&mut chain, p, vec![9, 2, 1, 2].into()).is_err(), "short topic data fails");
    let static_proxy = deploy_runtime(&mut chain, &proxy_runtime(0xfa, false));
    let mut data = p.to_vec();
    data.extend_from_slice(&[9, 0, 1]);
    assert!(call(&mut chain, static_proxy, data.into()).is_err(), "log in static fails");
    // Stylus -> EVM logger: the EVM log is in the receipt.
    let logger = deploy_runtime(&mut chain, &logger_runtime());
    let receipt = send(&mut chain, p, op(10, &[logger.as_slice(), b"z"])).expect("nested log");
    assert_eq!(receipt.logs.len(), 1);
    assert_eq!(receipt.logs[0].log.address, logger);
    let all = chain.logs(0, chain.block_number(), Some(logger));
    assert_eq!(all.len(), 1);
}

// ----- reentrancy -----

#[test]
fn msg_reentrant_counts_non_delegate_frames_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    assert_eq!(call(&mut chain, p, op(13, &[])).expect("direct").as_ref(), &[0]);
    let out = call(&mut chain, p, op(10, &[p.as_slice(), &op(13, &[])])).expect("A -> A");
    assert_eq!(out.as_ref(), &[0, 1]);
    let out = call(&mut chain, p, op(11, &[p.as_slice(), &op(13, &[])])).expect("delegate");
    assert_eq!(out.as_ref(), &[0, 0], "delegate frames are not counted");
    // The SDK guard (built without `reentrant`) rejects a reentrant call with empty data.
    let guard = r#"(module
      (import "vm_hooks" "msg_reentrant" (func $r (result i32)))
      (import "vm_hooks" "read_args" (func $a (param i32)))
      (import "vm_hooks" "call_contract" (func $c (param i32 i32 i32 i32 i64 i32) (result i32)))
      (import "vm_hooks" "contract_address" (func $me (param i32)))
      (import "vm_hooks" "write_result" (func $w (param i32 i32)))
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param $len i32) (result i32)
        (if (call $r) (then (return (i32.const 1))))
        (call $a (i32.const 0))
        (if (i32.eqz (local.get $len)) (then (return (i32.const 0))))
        (call $me (i32.const 100))
        (i32.store8 (i32.const 200) (call $c (i32.const 100) (i32.const 0) (i32.const 0) (i32.const 300) (i64.const -1) (i32.const 400)))
        (call $w (i32.const 200) (i32.const 1))
        (i32.const 0)))"#;
    let g = chain.deploy_stylus(DEV_ADDRESS, &wat_code(guard)).expect("guard");
    assert_eq!(call(&mut chain, g, Bytes::from_static(b"x")).expect("outer").as_ref(), &[2]);
}

// ----- memory, gas, console -----

#[test]
fn sdk_counter_runs_and_memory_growth_costs_gas_succeeds() {
    let mut chain = Chain::dev();
    let counter = chain
        .deploy_stylus(DEV_ADDRESS, &fixture_code("devnode-stylus-counter"))
        .expect("deploy counter");
    assert_eq!(chain.call_sol(counter, &numberCall {}).expect("n"), U256::ZERO);
    let (receipt, ()) = chain
        .send_sol(DEV_ADDRESS, counter, &setNumberCall { value: U256::from(41) })
        .map(|(r, _)| (r, ()))
        .expect("set");
    let events = receipt.events::<NumberSet>();
    assert_eq!(events[0].value, U256::from(41));
    assert_eq!(events[0].by, DEV_ADDRESS);
    chain.send_sol(DEV_ADDRESS, counter, &incrementCall {}).expect("inc");
    assert_eq!(chain.call_sol(counter, &numberCall {}).expect("n"), U256::from(42));
    let err = chain
        .send_sol(DEV_ADDRESS, counter, &failCall { code: U256::from(7) })
        .map(|_| ())
        .expect_err("fail");
    assert_eq!(err.decode_revert::<Failed>().expect("typed").code, U256::from(7));
    let err = chain.call_sol(counter, &panicNowCall {}).expect_err("panic");
    assert_eq!(err.revert_data().map(|d| d.len()), Some(0), "a trap reverts with no data");
    // Memory growth is charged by the memory model.
    let small = chain
        .call(&TxRequest::call(
            DEV_ADDRESS,
            counter,
            allocateCall { kib: U256::from(1) }.abi_encode(),
        ))
        .expect("small");
    let large = chain
        .call(&TxRequest::call(
            DEV_ADDRESS,
            counter,
            allocateCall { kib: U256::from(1024) }.abi_encode(),
        ))
        .expect("large");
    assert!(small.success && large.success);
    assert!(large.gas_used > small.gas_used + 16_000, "{} vs {}", large.gas_used, small.gas_used);
    // More than 128 pages cannot be allocated.
    let huge = chain
        .call(&TxRequest::call(
            DEV_ADDRESS,
            counter,
            allocateCall { kib: U256::from(9_000) }.abi_encode(),
        ))
        .expect("huge");
    assert!(!huge.success);
    // estimate_gas is sufficient for the real transaction.
    let request =
        TxRequest::call(DEV_ADDRESS, counter, setNumberCall { value: U256::from(5) }.abi_encode());
    let estimate = chain.estimate_gas(&request).expect("estimate");
    assert!(chain.send_ok(request.gas(estimate)).is_ok());
}

#[test]
fn console_log_is_collected_on_debug_chains_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    send(&mut chain, p, op(27, &[b"hello devnode"])).expect("log");
    assert_eq!(chain.take_console(), vec!["hello devnode".to_string()]);
}

// ----- constructors through StylusDeployer -----

#[test]
fn stylus_deployer_deploys_activates_and_constructs_succeeds() {
    let mut chain = Chain::dev();
    let code = fixture_code("devnode-stylus-counter");
    // `stylus_constructor()` selector followed by the ABI-encoded constructor arguments.
    let mut init = crossnet_devnode::CONSTRUCTOR_SELECTOR.to_vec();
    init.extend_from_slice(&constructorCall { initial: U256::from(9) }.abi_encode()[4..]);
    let (receipt, address) = chain
        .deploy_stylus_with_constructor(
            DEV_ADDRESS,
            &code,
            init.clone().into(),
            U256::from(3),
            B256::ZERO,
        )
        .expect("deploy with constructor");
    let deployed = receipt.events::<IStylusDeployer::ContractDeployed>();
    assert_eq!(deployed[0].deployedContract, address);
    assert_eq!(chain.call_sol(address, &numberCall {}).expect("n"), U256::from(9));
    assert_eq!(chain.call_sol(address, &creatorCall {}).expect("creator"), STYLUS_DEPLOYER);
    assert_eq!(chain.balance(address), U256::from(3), "payable constructor got initValue");
    assert_eq!(chain.balance(STYLUS_DEPLOYER), U256::ZERO, "excess refunded");
    // The constructor runs once.
    let err = chain
        .send_ok(TxRequest::call(DEV_ADDRESS, address, Bytes::from(init.clone())))
        .expect_err("second constructor");
    assert_eq!(err.revert_data().map(|d| d.len()), Some(0));
    // Salted deployment: CREATE2 with keccak(salt ‖ initData ‖ initValue); code already active.
    let salt = B256::repeat_byte(3);
    let (_, salted) = chain
        .deploy_stylus_with_constructor(DEV_ADDRESS, &code, init.clone().into(), U256::ZERO, salt)
        .expect("salted");
    let init_salt = chain
        .call_sol(
            STYLUS_DEPLOYER,
            &IStylusDeployer::initSaltCall { salt, initData: init.clone().into() },
        )
        .expect("initSalt");
    let bytecode = crossnet_wasm::deploy_prelude(&code);
    let expected = STYLUS_DEPLOYER.create2(init_salt, keccak256(&bytecode));
    assert_eq!(salted, expected);
    // A failing constructor surfaces as ContractInitializationError.
    let bad = [0xde, 0xad, 0xbe, 0xef];
    let err = chain
        .deploy_stylus_with_constructor(
            DEV_ADDRESS,
            &code,
            bad.to_vec().into(),
            U256::ZERO,
            B256::repeat_byte(4),
        )
        .expect_err("bad init");
    assert!(
        err.decode_revert::<IStylusDeployer::ContractInitializationError>().is_some(),
        "{err:?}"
    );
}

#[test]
fn historic_call_sees_old_state_succeeds() {
    let mut chain = Chain::dev();
    let p = deploy_ops(&mut chain);
    let before = chain.block_number();
    send(&mut chain, p, op(2, &[&word(1), &word(2)])).expect("store");
    let old = chain
        .call_at(&TxRequest::call(DEV_ADDRESS, p, op(1, &[&word(1)])), BlockId::Number(before))
        .expect("old");
    assert_eq!(old.output.as_ref(), &word(0));
    let _ = (IArbWasm::ProgramNotWasm::SELECTOR, NumberSet::SIGNATURE_HASH);
}

#[test]
fn call_depth_limit_applies_across_mixed_stylus_and_evm_frames_succeeds() {
    let mut chain = Chain::dev();
    chain.set_balance(DEV_ADDRESS, U256::MAX >> 8);
    let p = deploy_ops(&mut chain);
    let proxy = deploy_runtime(&mut chain, &proxy_runtime(0xf1, false));
    // Four hops p -> (m EVM proxies) -> p; the innermost p stores `depth` in slot 1. Each
    // Stylus frame holds memory pages (128 per transaction), so most frames are EVM ones.
    let nested = |m: usize| -> (Bytes, u64) {
        let hops = 4;
        let depth = u64::try_from(hops * (m + 1)).expect("small");
        let mut data = op(2, &[&word(1), &word(depth)]).to_vec();
        for _ in 0..hops {
            let mut rest = proxy.as_slice().repeat(m - 1);
            rest.extend_from_slice(p.as_slice());
            rest.extend_from_slice(&data);
            data = op(10, &[proxy.as_slice(), &rest]).to_vec();
        }
        (data.into(), depth)
    };
    // The innermost frame at depth 1020 runs; at 1028 the call at the limit fails, the frames
    // above it carry on and the transaction succeeds. Gas is ample so that the 63/64 rule does
    // not end the recursion first.
    for (m, reached) in [(254usize, true), (256, false)] {
        let (data, depth) = nested(m);
        chain.set_storage(p, U256::from(1), U256::ZERO);
        let receipt = chain
            .send_ok(TxRequest::call(DEV_ADDRESS, p, data).gas(1 << 42))
            .expect("the outer frames succeed either way");
        assert!(receipt.status);
        let stored = chain.storage(p, U256::from(1)) == U256::from(depth);
        assert_eq!(stored, reached, "innermost frame at depth {depth}");
    }
}
