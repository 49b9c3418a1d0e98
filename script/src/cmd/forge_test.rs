//! `crossnet forge-test`: the Foundry-compatible Solidity suite (`test/foundry/*.t.sol`) built
//! with real `forge build` and run on the devnode with a cheatcode precompile (see
//! `crossnet-foundry`).

use std::path::PathBuf;

use anyhow::Context as _;

/// `crossnet forge-test` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Project root (the directory of `foundry.toml`); default: the nearest directory from
    /// the working directory up that has one.
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
    let root = match &args.root {
        Some(root) => root.clone(),
        None => project_root()?,
    };
    let options = crossnet_foundry::Options {
        root,
        match_test: args.match_test.clone(),
        match_contract: args.match_contract.clone(),
    };
    let summary = crossnet_foundry::run(&options)?;
    anyhow::ensure!(summary.success(), "{} failed, {} passed", summary.failed, summary.passed);
    Ok(())
}

/// The nearest directory from the working directory up that holds a `foundry.toml`.
fn project_root() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("reading the working directory")?;
    cwd.ancestors().find(|dir| dir.join("foundry.toml").is_file()).map(PathBuf::from).with_context(
        || {
            format!(
                "no foundry.toml in {} or above: run from a Foundry project or pass --root",
                cwd.display()
            )
        },
    )
}
