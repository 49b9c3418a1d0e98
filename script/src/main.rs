//! `crossnet`: the crossnet command line, a thin front end over the `crossnet-relayer`
//! library (one module per command under [`cmd`], as Foundry's `cast` is laid out).
//!
//! `devnode` serves Stylus-capable devnode chains over HTTP JSON-RPC; `deploy` deploys and
//! wires both systems; `validator` runs one validator; `relay` runs the relayer and proposer;
//! `status` shows every message's state; `demo` runs the whole thing end to end on embedded devnode chains;
//! `forge-test` runs the Foundry-compatible Solidity suite on the devnode.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cmd::{demo, deploy, devnode, forge_test, relay, status, validator};
use tracing_subscriber::EnvFilter;

/// The crossnet command line.
#[derive(Debug, Parser)]
#[command(name = "crossnet", version, about = "Cross-chain messaging for Arbitrum Stylus")]
struct Cli {
    /// Log filter (`RUST_LOG` syntax, e.g. `info` or `crossnet_devnode=debug`).
    #[arg(long, global = true, default_value = "info")]
    log: String,
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Serve Stylus-capable devnode chains over HTTP JSON-RPC, like `nitro --dev`.
    Devnode(devnode::Args),
    /// Deploy, activate and wire the programs of a config on its chains.
    Deploy(deploy::Args),
    /// Run one validator (one key): sign final checkpoints and parent finalities, serve them.
    Validator(validator::Args),
    /// Run the relayer / proposer daemon of a config (it holds no validator key).
    Relay(relay::Args),
    /// Show every message the relay daemon knows and its state.
    Status(status::Args),
    /// Start devnode chains, deploy both systems and show messages crossing them.
    Demo(demo::Args),
    /// Build the Foundry-compatible Solidity tests with forge and run them on the devnode.
    ForgeTest(forge_test::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default = if matches!(cli.command, Command::Demo(_)) && cli.log == "info" {
        "warn"
    } else {
        cli.log.as_str()
    };
    let filter = EnvFilter::try_new(default).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only on a terminal: log files and collectors get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
    let result = match cli.command {
        Command::Devnode(args) => devnode::run(args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Validator(args) => validator::run(&args),
        Command::Relay(args) => relay::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::ForgeTest(args) => forge_test::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
