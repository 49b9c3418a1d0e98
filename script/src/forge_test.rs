//! `crossnet forge-test`: the Foundry-compatible Solidity suite (`test/foundry/*.t.sol`) built
//! with real `forge build` and run on the devnode with a cheatcode precompile (see
//! `crossnet-foundry`).

use std::path::PathBuf;

/// `crossnet forge-test` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project root (the directory of `foundry.toml`); default: the workspace root.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Only tests whose function name matches this regex.
    #[arg(long)]
    pub match_test: Option<String>,
    /// Only contracts whose name matches this regex.
    #[arg(long)]
    pub match_contract: Option<String>,
}

/// Runs the suite; fails when a test fails.
///
/// # Errors
/// Build failures, failing tests.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    let options = crossnet_foundry::Options {
        root,
        match_test: args.match_test.clone(),
        match_contract: args.match_contract.clone(),
    };
    let summary = crossnet_foundry::run(&options)?;
    anyhow::ensure!(summary.success(), "{} failed, {} passed", summary.failed, summary.passed);
    Ok(())
}
