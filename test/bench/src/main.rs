//! `crossnet-bench`: benchmarks that print tables. Each benchmark is a module with an `Args`
//! struct and a `run` function.
//!
//! ```text
//! cargo run -p crossnet-bench --release -- rpc
//! cargo run -p crossnet-bench --release -- xdm
//! cargo run -p crossnet-bench --release -- relay
//! cargo run -p crossnet-bench -- gas              # rewrites test/snapshots/gas.json
//! cargo run -p crossnet-bench -- check-snapshots  # figures vs the committed snapshots
//! ```

mod gas;
mod readme;
mod relay;
mod rpc;
mod snapshot;
mod xdm;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// crossnet benchmarks.
#[derive(Debug, Parser)]
#[command(name = "crossnet-bench", version, about = "crossnet benchmarks (print tables)")]
struct Cli {
    /// Which benchmark.
    #[command(subcommand)]
    bench: Bench,
}

/// The benchmarks.
#[derive(Debug, Subcommand)]
enum Bench {
    /// JSON-RPC throughput on loopback (eth_call, eth_sendRawTransaction) and the time to
    /// deploy + activate a Stylus program.
    Rpc(rpc::Args),
    /// System 1 gas: passer, sends, relays (parent relay by proof depth).
    Xdm(xdm::Args),
    /// End-to-end relay throughput and latency per direction (the `crossnet relay` daemon).
    Relay(relay::Args),
    /// Gas of every user-facing path; rewrites `test/snapshots/gas.json`.
    Gas(gas::Args),
    /// Fails when a figure of `test/snapshots/*.json` moved more than 2% from the committed one.
    CheckSnapshots(snapshot::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.bench {
        Bench::Rpc(args) => rpc::run(&args),
        Bench::Xdm(args) => xdm::run(&args),
        Bench::Relay(args) => relay::run(&args),
        Bench::Gas(args) => gas::run(&args),
        Bench::CheckSnapshots(args) => snapshot::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
