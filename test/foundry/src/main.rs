//! `crossnet-forge-test`: runs the Foundry-compatible Solidity tests of a project on the crossnet
//! devnode (see the `crossnet_foundry` crate docs). Exits with 1 when a test fails.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Runs `test/foundry/*.t.sol` (forge build + the devnode with Foundry's cheatcodes).
#[derive(Debug, Parser)]
#[command(name = "crossnet-forge-test", version, about)]
struct Cli {
    /// Project root (the directory of foundry.toml).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Only run tests whose function name matches this regex.
    #[arg(long = "match-test", visible_alias = "mt")]
    match_test: Option<String>,
    /// Only run contracts whose name matches this regex.
    #[arg(long = "match-contract", visible_alias = "mc")]
    match_contract: Option<String>,
    /// Print the supported cheatcodes and exit.
    #[arg(long)]
    list_cheatcodes: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.list_cheatcodes {
        for signature in crossnet_foundry::supported_cheatcodes() {
            println!("{signature}");
        }
        return ExitCode::SUCCESS;
    }
    let options = crossnet_foundry::Options {
        root: cli.root,
        match_test: cli.match_test,
        match_contract: cli.match_contract,
    };
    match crossnet_foundry::run(&options) {
        Ok(summary) if summary.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
