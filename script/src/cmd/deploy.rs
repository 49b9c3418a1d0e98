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
    /// `NAME=URL`: the RPC URL of chain NAME (overrides `chains.NAME.rpc_url`); repeat for
    /// more chains.
    #[arg(long = "rpc-url", value_name = "NAME=URL", value_parser = name_and_url)]
    pub rpc_urls: Vec<(String, String)>,
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
    for (name, url) in &args.rpc_urls {
        config.override_url(name, url)?;
    }
    if let Some(dir) = &args.wasm_dir {
        config.override_wasm_dir(dir);
    }
    let records = super::runtime()?.block_on(crossnet_relayer::deploy::deploy(&config))?;
    for record in &records {
        println!(
            "chain {} ({}): {} programs -> {}",
            record.chain_id,
            record.chain,
            record.contracts.len(),
            Deployment::path(&config.deployments_dir(), record.chain_id).display()
        );
        for (key, c) in &record.contracts {
            println!("  {key:<32} {}", c.address);
        }
    }
    Ok(())
}

fn name_and_url(arg: &str) -> Result<(String, String), String> {
    arg.split_once('=')
        .filter(|(name, url)| !name.is_empty() && !url.is_empty())
        .map(|(name, url)| (name.to_owned(), url.to_owned()))
        .ok_or_else(|| format!("expected NAME=URL, got {arg:?}"))
}
