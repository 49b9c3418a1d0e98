//! # crossnet-foundry
//!
//! Runs Foundry-compatible Solidity tests (`test/foundry/*.t.sol`, forge-std) on the crossnet
//! devnode, where the Stylus programs run for real: no Stylus-aware forge is needed.
//!
//! [`run`] compiles the project with the real `forge build` (forge and solc from npm, solc
//! behind `test/foundry/solc-shim.sh`), loads the artifacts, and for every test contract
//! deploys it on a fresh devnode chain from forge's default sender, runs `setUp()` and then
//! every `test*` function in isolation (a chain snapshot per test), with a cheatcode handler at
//! Foundry's HEVM address ([`cheatcodes`]). It prints forge's report (`[PASS] test_x() (gas: N)`,
//! `[FAIL: reason] test_y() (gas: N)`, suite and total lines) and returns a [`Summary`].
//!
//! The same files run unchanged under arbos-forge (the Stylus-aware Foundry fork): they use only
//! forge-std and arbos-forge's cheatcode signatures (`vm.deployStylusCode`,
//! `vm.getStylusCode`).
//!
//! ## Cheatcodes
//!
//! | group | cheatcodes |
//! |---|---|
//! | caller | `prank(address[,address])`, `startPrank(address[,address])`, `stopPrank()` |
//! | environment | `deal`, `warp`, `roll`, `getBlockTimestamp`, `getBlockNumber`, `chainId`, `getNonce`, `setNonce`, `etch`, `store`, `load` |
//! | expectations | `expectRevert()` and its `(bytes4)`, `(bytes)`, `(address)`, `(bytes4,address)`, `(bytes,address)` forms, each with a `uint64` count too; `expectPartialRevert(bytes4[,address])`; `expectEmit()`, `expectEmit(address)`, `expectEmit(bool,bool,bool,bool[,address])` |
//! | logs | `recordLogs()`, `getRecordedLogs()`, `console.log` (every overload, printed for failing tests) |
//! | keys | `addr(uint256)`, `sign(uint256,bytes32)`, `signCompact(uint256,bytes32)`, `label`, `getLabel` |
//! | state | `snapshot()` / `snapshotState()`, `revertTo` / `revertToState` (and `AndDelete`), `deleteSnapshot` / `deleteStateSnapshot` (within one test) |
//! | environment variables | `envOr` (scalars and delimited arrays), `envExists`, `envBool`, `envUint`, `envInt`, `envAddress`, `envBytes32`, `envString`, `envBytes` |
//! | assertions | forge-std's `vm.assert*`: `assertTrue`, `assertFalse`, `assertEq` / `assertNotEq` (scalars and arrays), `assertGt` / `Ge` / `Lt` / `Le`, `assertApproxEqAbs` / `Rel`, the `Decimal` variants |
//! | misc | `toString` (scalars), `skip(bool[,string])` |
//! | Stylus (arbos-forge) | `deployStylusCode(string[,bytes][,uint256][,bytes32])` (all eight overloads), `getStylusCode(string)` |
//!
//! Any other cheatcode fails the test with a message naming it (`vm.ffi(string[])`, by its
//! forge-std signature when the build has forge-std's `Vm`). `testFail*` functions fail as in
//! current forge; functions with parameters (fuzz tests) are skipped.

pub mod artifacts;
mod assertions;
pub mod cheatcodes;
mod console;
pub mod format;
pub mod runner;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

pub use runner::{Status, SuiteResult, TestResult};

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Project root: the directory of `foundry.toml`.
    pub root: PathBuf,
    /// Only tests whose function name matches this regex (forge's `--match-test`).
    pub match_test: Option<String>,
    /// Only contracts whose name matches this regex (forge's `--match-contract`).
    pub match_contract: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self { root: PathBuf::from("."), match_test: None, match_contract: None }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Every suite (test contract) that had tests to run, in order.
    pub suites: Vec<SuiteResult>,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed (a failing `setUp` counts once).
    pub failed: usize,
    /// Tests skipped.
    pub skipped: usize,
    /// Wall time of the tests (without the build).
    pub duration: Duration,
}

impl Summary {
    /// True when tests ran and none failed.
    #[must_use]
    pub fn success(&self) -> bool {
        self.failed == 0 && self.passed > 0
    }

    /// The result of `contract`'s (`path:Name` or `Name`) test `name` (`test_x()` or `test_x`).
    #[must_use]
    pub fn test(&self, contract: &str, name: &str) -> Option<&TestResult> {
        self.suites
            .iter()
            .filter(|s| s.id == contract || s.id.ends_with(&format!(":{contract}")))
            .flat_map(|s| s.tests.iter())
            .find(|t| t.name == name || t.name.strip_suffix("()") == Some(name))
    }
}

/// Every cheatcode signature the runner serves.
#[must_use]
pub fn supported_cheatcodes() -> Vec<String> {
    cheatcodes::supported()
}

/// Builds the project at `options.root` with `forge build`, runs its tests on the devnode and
/// prints forge's report. Check [`Summary::success`] for the verdict.
///
/// # Errors
/// When forge cannot build the project, or a filter is not a valid regex.
pub fn run(options: &Options) -> Result<Summary> {
    let compile = |pattern: &Option<String>| {
        pattern
            .as_deref()
            .map(regex::Regex::new)
            .transpose()
            .context("invalid --match-test / --match-contract pattern")
    };
    let match_test = compile(&options.match_test)?;
    let match_contract = compile(&options.match_contract)?;
    let project = artifacts::build(&options.root)?;
    let env = Arc::new(cheatcodes::Environment::new(
        project.root.clone(),
        true,
        project.vm_names(),
        format::Decoder::new(project.errors()),
    ));
    let contracts = project.test_contracts(match_contract.as_ref());
    let start = Instant::now();
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let suites = runner::run_all(&contracts, &env, match_test.as_ref(), workers, |suite| {
        if !suite.tests.is_empty() {
            runner::print_suite(suite);
        }
    });
    let suites: Vec<SuiteResult> = suites.into_iter().filter(|s| !s.tests.is_empty()).collect();
    let mut summary = Summary { duration: start.elapsed(), ..Summary::default() };
    for suite in &suites {
        summary.passed += suite.passed();
        summary.failed += suite.failed();
        summary.skipped += suite.skipped();
    }
    summary.suites = suites;
    print_summary(&summary);
    Ok(summary)
}

fn print_summary(summary: &Summary) {
    let total = summary.passed + summary.failed + summary.skipped;
    if total == 0 {
        println!("No tests match the provided pattern");
        return;
    }
    println!(
        "Ran {} test suite{} in {:.2?}: {} tests passed, {} failed, {} skipped ({total} total tests)",
        summary.suites.len(),
        if summary.suites.len() == 1 { "" } else { "s" },
        summary.duration,
        summary.passed,
        summary.failed,
        summary.skipped,
    );
    if summary.failed == 0 {
        return;
    }
    println!();
    println!("Failing tests:");
    for suite in summary.suites.iter().filter(|s| s.failed() > 0) {
        let n = suite.failed();
        println!("Encountered {n} failing test{} in {}", if n == 1 { "" } else { "s" }, suite.id);
        for test in suite.tests.iter().filter(|t| matches!(t.status, Status::Fail(_))) {
            println!("{}", runner::result_line(test));
        }
        println!();
    }
    println!(
        "Encountered a total of {} failing tests, {} tests succeeded",
        summary.failed, summary.passed
    );
}
