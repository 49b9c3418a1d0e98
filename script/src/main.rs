//! `crossnet`: the crossnet command line.
//!
//! Each subcommand is a module with an `Args` struct (clap derive) and a `run` function:
//! `devnode` serves Stylus-capable devnode chains over HTTP JSON-RPC; `deploy` deploys and
//! wires both systems; `relay` runs the relayer, proposer and signer; `status` shows every
//! message's state; `demo` runs the whole thing end to end on embedded devnode chains.

mod bindings;
mod client;
mod config;
mod demo;
mod deploy;
mod devnode;
mod relay;
mod status;

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
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
    /// Run the relayer / proposer / signer daemon of a config.
    Relay(relay::Args),
    /// Show every message the relay daemon knows and its state.
    Status(status::Args),
    /// Start devnode chains, deploy both systems and show messages crossing them.
    Demo(demo::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default = if matches!(cli.command, Command::Demo(_)) && cli.log == "info" {
        "warn"
    } else {
        cli.log.as_str()
    };
    let filter = EnvFilter::try_new(default).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let result = match cli.command {
        Command::Devnode(args) => devnode::run(args),
        Command::Deploy(args) => deploy::run(&args),
        Command::Relay(args) => relay::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Demo(args) => demo::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Builds every program (`bash script/build-wasm.sh`).
///
/// # Errors
/// When the build fails.
pub fn build_wasm() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = std::process::Command::new("bash")
        .arg(root.join("script/build-wasm.sh"))
        .current_dir(&root)
        .status()
        .context("running script/build-wasm.sh")?;
    anyhow::ensure!(status.success(), "script/build-wasm.sh failed");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
///
/// # Errors
/// When the signal handlers cannot be installed.
pub async fn wait_for_stop() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("Ctrl-C handler")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.context("Ctrl-C handler")?;
    Ok(())
}
