//! `crossnet deploy`: deploys, activates and wires the programs of a config on its chains and
//! records them in `deployments/<chain-id>.json` (re-running keeps what is verified).

use std::path::PathBuf;

use crossnet_relayer::config::Config;
use crossnet_relayer::deployment::Deployment;

/// `crossnet deploy` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (see `script/crossnet.example.toml`).
    #[arg(long)]
    pub config: PathBuf,
    /// RPC URL of the parent chain (overrides the config's `chains.parent.rpc_url`).
    #[arg(long)]
    pub rpc_url: Option<String>,
    /// RPC URL of the child chain (overrides `chains.child.rpc_url`).
    #[arg(long)]
    pub child_rpc_url: Option<String>,
    /// RPC URL of the grandchild chain (overrides `chains.grandchild.rpc_url`).
    #[arg(long)]
    pub grandchild_rpc_url: Option<String>,
    /// Directory of the built programs (overrides the config's `wasm_dir`; default
    /// `./target/wasm`).
    #[arg(long)]
    pub wasm_dir: Option<PathBuf>,
}

/// Runs `crossnet deploy`.
///
/// # Errors
/// Any failure.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let mut config = Config::load(&args.config)?;
    config.override_urls(
        args.rpc_url.as_deref(),
        args.child_rpc_url.as_deref(),
        args.grandchild_rpc_url.as_deref(),
    )?;
    if let Some(dir) = &args.wasm_dir {
        config.override_wasm_dir(dir);
    }
    let records = super::runtime()?.block_on(crossnet_relayer::deploy::deploy(&config))?;
    for record in &records {
        println!(
            "chain {} ({}): {} programs -> {}",
            record.chain_id,
            record.role,
            record.contracts.len(),
            Deployment::path(&config.deployments_dir(), record.chain_id).display()
        );
        for (key, c) in &record.contracts {
            println!("  {key:<32} {}", c.address);
        }
    }
    Ok(())
}
