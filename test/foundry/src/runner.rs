//! Runs the test contracts of a build on the devnode, one fresh chain per contract, as forge
//! does: deploy the contract from forge's default sender (at forge's test address), run `setUp()`,
//! then every `test*` function from the state after `setUp` (a chain snapshot and a copy of the
//! cheatcode state per test).

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy_json_abi::Function;
use alloy_primitives::{Bytes, U256};
use crossnet_devnode::{Chain, ChainConfig, ChainError, Receipt, TxRequest};
use regex::Regex;

use crate::artifacts::Artifact;
use crate::cheatcodes::{
    Cheatcodes, Environment, DEFAULT_SENDER, FAILED_SLOT, HEVM_ADDRESS, TEST_CONTRACT_ADDRESS,
};

/// Gas limit of every test transaction (setUp deploys several Stylus programs).
pub const TEST_GAS_LIMIT: u64 = 1_000_000_000;
/// The test contract's balance, forge's `initial_balance` (`type(uint96).max`).
const INITIAL_BALANCE: u128 = (1 << 96) - 1;

/// How a test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Passed.
    Pass,
    /// Failed, with forge's reason (empty when there is none).
    Fail(String),
    /// Skipped (`vm.skip(true)`, or a test this runner cannot run), with the reason.
    Skip(String),
}

/// One test function's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    /// Signature, as forge prints it (`test_relay()`).
    pub name: String,
    /// Outcome.
    pub status: Status,
    /// Gas used by the test call (without the transaction's intrinsic gas).
    pub gas: u64,
    /// Lines the test printed with `console.log`.
    pub logs: Vec<String>,
}

/// One test contract's results.
#[derive(Debug, Clone)]
pub struct SuiteResult {
    /// `path:Contract`.
    pub id: String,
    /// Results, by test name.
    pub tests: Vec<TestResult>,
    /// Wall time of the suite.
    pub duration: Duration,
}

impl SuiteResult {
    fn count(&self, f: impl Fn(&Status) -> bool) -> usize {
        self.tests.iter().filter(|t| f(&t.status)).count()
    }

    /// Passed tests.
    #[must_use]
    pub fn passed(&self) -> usize {
        self.count(|s| matches!(s, Status::Pass))
    }

    /// Failed tests.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, Status::Fail(_)))
    }

    /// Skipped tests.
    #[must_use]
    pub fn skipped(&self) -> usize {
        self.count(|s| matches!(s, Status::Skip(_)))
    }
}

/// The line forge prints for a test.
#[must_use]
pub fn result_line(test: &TestResult) -> String {
    let tag = match &test.status {
        Status::Pass => "[PASS]".to_string(),
        Status::Fail(reason) if reason.is_empty() => "[FAIL]".to_string(),
        Status::Fail(reason) => format!("[FAIL: {reason}]"),
        Status::Skip(reason) if reason.is_empty() => "[SKIP]".to_string(),
        Status::Skip(reason) => format!("[SKIP: {reason}]"),
    };
    format!("{tag} {} (gas: {})", test.name, test.gas)
}

/// Prints a suite as forge does.
pub fn print_suite(suite: &SuiteResult) {
    let n = suite.tests.len();
    println!("Ran {n} test{} for {}", if n == 1 { "" } else { "s" }, suite.id);
    for test in &suite.tests {
        println!("{}", result_line(test));
        if matches!(test.status, Status::Fail(_)) && !test.logs.is_empty() {
            println!("Logs:");
            for line in &test.logs {
                println!("  {line}");
            }
            println!();
        }
    }
    let verdict = if suite.failed() == 0 { "ok" } else { "FAILED" };
    println!(
        "Suite result: {verdict}. {} passed; {} failed; {} skipped; finished in {:.2?}",
        suite.passed(),
        suite.failed(),
        suite.skipped(),
        suite.duration
    );
    println!();
}

/// Intrinsic gas of a call with `data` (what forge leaves out of a test's gas).
fn intrinsic_gas(data: &[u8]) -> u64 {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    21_000 + zeros * 4 + (data.len() as u64 - zeros) * 16
}

/// The outcome of a test (or setUp) transaction.
fn evaluate(
    receipt: &Result<Receipt, ChainError>,
    cheats: &Cheatcodes,
    chain: &Chain,
    env: &Environment,
) -> Status {
    let receipt = match receipt {
        Ok(receipt) => receipt,
        Err(e) => return Status::Fail(e.to_string()),
    };
    if let Some(reason) = &cheats.skipped {
        return Status::Skip(reason.clone());
    }
    if let Some(fatal) = &cheats.fatal {
        return Status::Fail(fatal.clone());
    }
    if !receipt.status {
        return Status::Fail(match &receipt.halt {
            Some(halt) => format!("EvmError: {halt}"),
            None => env.decoder.revert_reason(&receipt.output),
        });
    }
    if let Some(unmet) = cheats.unmet_expectation() {
        return Status::Fail(unmet);
    }
    if !chain.storage(HEVM_ADDRESS, U256::from_be_bytes(FAILED_SLOT.0)).is_zero() {
        return Status::Fail(String::new());
    }
    Status::Pass
}

fn call(
    chain: &mut Chain,
    cheats: &mut Cheatcodes,
    to: alloy_primitives::Address,
    data: Vec<u8>,
) -> (Result<Receipt, ChainError>, u64) {
    let gas_floor = intrinsic_gas(&data);
    let request = TxRequest::call(DEFAULT_SENDER, to, data).gas(TEST_GAS_LIMIT);
    let receipt = chain.send_with_hook(request, cheats);
    let gas = receipt.as_ref().map(|r| r.gas_used.saturating_sub(gas_floor)).unwrap_or_default();
    (receipt, gas)
}

/// A fresh chain set up as forge sets up its EVM for a test contract.
fn chain() -> Chain {
    let mut chain = Chain::new(ChainConfig::default());
    // Non-empty code, so Solidity's extcodesize check on `vm.*` calls passes (as in forge).
    chain.set_code(HEVM_ADDRESS, Bytes::from_static(&[0]));
    chain.set_balance(DEFAULT_SENDER, U256::from(u128::MAX));
    if let Some(nonce) = (0..64).find(|n| DEFAULT_SENDER.create(*n) == TEST_CONTRACT_ADDRESS) {
        chain.set_nonce(DEFAULT_SENDER, nonce);
    }
    chain
}

/// Runs the tests of `artifact` matching `match_test`.
#[must_use]
pub fn run_suite(
    artifact: &Artifact,
    env: &Arc<Environment>,
    match_test: Option<&Regex>,
) -> SuiteResult {
    let start = Instant::now();
    let mut tests: Vec<&Function> = artifact
        .abi
        .functions()
        .filter(|f| f.name.starts_with("test"))
        .filter(|f| match_test.is_none_or(|r| r.is_match(&f.name)))
        .collect();
    tests.sort_by_key(|f| f.signature());
    let mut suite = SuiteResult { id: artifact.id(), tests: Vec::new(), duration: Duration::ZERO };
    if tests.is_empty() {
        return suite;
    }
    let mut chain = chain();
    let mut cheats = Cheatcodes::new(env.clone());
    let setup_failure = |status: Status, gas: u64, cheats: &Cheatcodes| TestResult {
        name: "setUp()".into(),
        status: match status {
            Status::Fail(reason) => Status::Fail(format!("setUp() failed: {reason}")),
            other => other,
        },
        gas,
        logs: cheats.console.clone(),
    };
    let request = TxRequest::create(DEFAULT_SENDER, artifact.bytecode.clone()).gas(TEST_GAS_LIMIT);
    let deployed = chain.send_with_hook(request, &mut cheats);
    let status = evaluate(&deployed, &cheats, &chain, env);
    let address = match (&status, deployed.as_ref().ok().and_then(|r| r.contract_address)) {
        (Status::Pass, Some(address)) => address,
        (status, _) => {
            let status = match status {
                Status::Fail(reason) => Status::Fail(format!("constructor reverted: {reason}")),
                _ => Status::Fail("the test contract was not created".into()),
            };
            suite.tests.push(setup_failure(status, 0, &cheats));
            suite.duration = start.elapsed();
            return suite;
        }
    };
    chain.set_balance(address, U256::from(INITIAL_BALANCE));
    if artifact.abi.functions().any(|f| f.name == "setUp" && f.inputs.is_empty()) {
        let selector = alloy_json_abi::Function::parse("setUp()")
            .map(|f| f.selector().to_vec())
            .unwrap_or_default();
        let (receipt, gas) = call(&mut chain, &mut cheats, address, selector);
        let status = evaluate(&receipt, &cheats, &chain, env);
        if status != Status::Pass {
            suite.tests.push(setup_failure(status, gas, &cheats));
            suite.duration = start.elapsed();
            return suite;
        }
    }
    cheats.console.clear();
    for test in tests {
        let name = test.signature();
        let result = if test.name.starts_with("testFail") {
            TestResult {
                name,
                status: Status::Fail(
                    "`testFail*` has been removed. Consider changing to test_Revert[If|When]_Condition and expecting a revert"
                        .into(),
                ),
                gas: 0,
                logs: Vec::new(),
            }
        } else if !test.inputs.is_empty() {
            TestResult {
                name,
                status: Status::Skip(
                    "fuzz tests (with parameters) are not run on the devnode".into(),
                ),
                gas: 0,
                logs: Vec::new(),
            }
        } else {
            let snapshot = chain.snapshot();
            let mut cheats = cheats.clone();
            let (receipt, gas) = call(&mut chain, &mut cheats, address, test.selector().to_vec());
            let status = evaluate(&receipt, &cheats, &chain, env);
            chain.revert(snapshot);
            TestResult { name, status, gas, logs: cheats.console }
        };
        suite.tests.push(result);
    }
    suite.duration = start.elapsed();
    suite
}

/// Runs `suites` on up to `workers` threads, handing each finished suite to `done` in order.
pub fn run_all(
    suites: &[&Artifact],
    env: &Arc<Environment>,
    match_test: Option<&Regex>,
    workers: usize,
    mut done: impl FnMut(&SuiteResult),
) -> Vec<SuiteResult> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, SuiteResult)>();
    let mut results: Vec<Option<SuiteResult>> = vec![None; suites.len()];
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1).min(suites.len().max(1)) {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(artifact) = suites.get(i) else { break };
                let result = run_suite(artifact, env, match_test);
                if sender.send((i, result)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut printed = 0;
        for (i, result) in receiver {
            results[i] = Some(result);
            while let Some(Some(ready)) = results.get(printed) {
                done(ready);
                printed += 1;
            }
        }
    });
    results.into_iter().flatten().collect()
}
