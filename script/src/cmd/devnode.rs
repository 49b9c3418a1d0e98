//! `crossnet devnode`: one or more devnode chains served over HTTP JSON-RPC, as cast, alloy
//! and cargo-stylus expect from a Nitro devnode (`nitro --dev`).
//!
//! ```text
//! crossnet devnode                                  # chain 412346 at 127.0.0.1:8547
//! crossnet devnode --chain-id 412346 --chain-id 412347   # ports 8547 and 8548
//! crossnet devnode --port 0                         # ephemeral ports (printed)
//! crossnet devnode --block-time 2                   # interval mining instead of automine
//! crossnet devnode --state .crossnet/devnode.json   # resume from / save to a state file
//! ```
//!
//! The state file is JSON: `{"format": "crossnet-devnode-state/1", "chains": [ChainDump...]}`
//! with one [`crossnet_devnode::ChainDump`] per chain (format in `crossnet_devnode::chain`'s
//! dump module). It is written on a clean stop (Ctrl-C or SIGTERM).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context as _};
use crossnet_devnode::precompiles::{ARB_DEBUG, ARB_OWNER, ARB_SYS, ARB_WASM, ARB_WASM_CACHE};
use crossnet_devnode::rpc::{self, RpcOptions, ServerHandle};
use crossnet_devnode::{
    Chain, ChainConfig, ChainDump, CACHE_MANAGER, CREATE2_FACTORY, DEFAULT_CHAIN_ID, DEV_ADDRESS,
    DEV_PRIVATE_KEY, STYLUS_DEPLOYER,
};
use serde::{Deserialize, Serialize};

/// The `format` tag of a devnode state file.
pub const STATE_FORMAT: &str = "crossnet-devnode-state/1";

/// `crossnet devnode` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port of the first chain; the next chains take the following ports (0: ephemeral
    /// ports, printed at start).
    #[arg(long, short, default_value_t = 8547)]
    port: u16,
    /// Chain id of a chain to serve; repeat for more chains.
    #[arg(long = "chain-id", default_values_t = [DEFAULT_CHAIN_ID])]
    chain_ids: Vec<u64>,
    /// Mine every N seconds (transactions wait in a pool) instead of mining each
    /// transaction as it arrives.
    #[arg(long, value_name = "SECONDS")]
    block_time: Option<f64>,
    /// Do not mine at all until `evm_mine` (transactions wait in a pool).
    #[arg(long, conflicts_with = "block_time")]
    no_mining: bool,
    /// Load the chains from FILE when it exists, and save them to FILE on a clean stop.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["load_state", "dump_state"])]
    state: Option<PathBuf>,
    /// Load the chains from FILE (it must exist).
    #[arg(long, value_name = "FILE")]
    load_state: Option<PathBuf>,
    /// Save the chains to FILE on a clean stop.
    #[arg(long, value_name = "FILE")]
    dump_state: Option<PathBuf>,
    /// ArbOS version of new chains.
    #[arg(long)]
    arbos_version: Option<u64>,
    /// Genesis timestamp of new chains (unix seconds; default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// Largest JSON-RPC request body, in bytes.
    #[arg(long, default_value_t = 8 << 20)]
    max_body_bytes: usize,
}

/// A state file: every chain of a devnode.
#[derive(Debug, Serialize, Deserialize)]
struct StateFile {
    /// Always [`STATE_FORMAT`].
    format: String,
    /// The chains.
    chains: Vec<ChainDump>,
}

fn read_state(path: &Path) -> anyhow::Result<Vec<ChainDump>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: StateFile =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    if file.format != STATE_FORMAT {
        bail!("{}: unknown format {:?} (expected {STATE_FORMAT:?})", path.display(), file.format);
    }
    Ok(file.chains)
}

fn write_state(path: &Path, chains: &[Arc<Mutex<Chain>>]) -> anyhow::Result<()> {
    let dumps = chains
        .iter()
        .map(|c| c.lock().map(|c| c.dump()).map_err(|_| anyhow::anyhow!("chain lock poisoned")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let file = StateFile { format: STATE_FORMAT.to_owned(), chains: dumps };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // Write next to the target and rename, so a crash never leaves half a file.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(&file)?)
        .with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Runs `crossnet devnode` until Ctrl-C / SIGTERM.
///
/// # Errors
/// Bad options, an unreadable state file, a port that cannot be bound, or a failed dump.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut ids = args.chain_ids.clone();
    ids.dedup();
    if ids.len() != args.chain_ids.len() || {
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        sorted.len() != ids.len()
    } {
        bail!("each --chain-id must be different");
    }
    let block_time = match args.block_time {
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => bail!("--block-time must be a positive number of seconds, got {s}"),
        None => None,
    };
    let load = args.load_state.clone().or_else(|| args.state.clone().filter(|p| p.exists()));
    let dump_to = args.dump_state.clone().or_else(|| args.state.clone());
    let mut dumps = match &load {
        Some(path) => read_state(path)?,
        None => Vec::new(),
    };
    let mut chains = Vec::new();
    for &chain_id in &ids {
        let chain = match dumps.iter().position(|d| d.config.chain_id == chain_id) {
            Some(i) => Chain::from_dump(dumps.swap_remove(i))
                .map_err(|e| anyhow::anyhow!("loading chain {chain_id}: {e}"))?,
            None => {
                let mut config = ChainConfig::with_chain_id(chain_id);
                config.genesis_timestamp = args.timestamp;
                if let Some(v) = args.arbos_version {
                    config.arbos_version = v;
                }
                Chain::new(config)
            }
        };
        chains.push(Arc::new(Mutex::new(chain)));
    }
    for dump in &dumps {
        tracing::warn!(
            "state file has chain {} but it is not served (add --chain-id {})",
            dump.config.chain_id,
            dump.config.chain_id
        );
    }
    let options = RpcOptions {
        automine: block_time.is_none() && !args.no_mining,
        block_time,
        max_body_bytes: args.max_body_bytes,
        ..RpcOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let mut servers: Vec<ServerHandle> = Vec::new();
        for (i, chain) in chains.iter().enumerate() {
            let port = match args.port {
                0 => 0,
                p => u16::try_from(usize::from(p) + i).context("port out of range")?,
            };
            let addr = SocketAddr::new(args.host, port);
            let server = rpc::serve_with(chain.clone(), addr, options.clone())
                .await
                .with_context(|| format!("binding {addr}"))?;
            servers.push(server);
        }
        print_banner(&chains, &servers, &options, load.as_deref());
        super::wait_for_stop().await?;
        tracing::info!("stopping");
        for server in servers {
            server.shutdown().await;
        }
        anyhow::Ok(())
    })?;
    if let Some(path) = dump_to {
        write_state(&path, &chains)?;
        println!("State saved to {}", path.display());
    }
    Ok(())
}

fn print_banner(
    chains: &[Arc<Mutex<Chain>>],
    servers: &[ServerHandle],
    options: &RpcOptions,
    loaded: Option<&Path>,
) {
    use std::io::Write as _;
    let mining = match (options.automine, options.block_time) {
        (true, _) => "automine".to_owned(),
        (false, Some(t)) => format!("a block every {}s", t.as_secs_f64()),
        (false, None) => "no mining (evm_mine)".to_owned(),
    };
    let mut out = String::new();
    out.push_str(&format!("crossnet devnode v{}\n\n", env!("CARGO_PKG_VERSION")));
    out.push_str("Dev account (prefunded, chain owner)\n");
    out.push_str(&format!("  address      {DEV_ADDRESS}\n  private key  {DEV_PRIVATE_KEY}\n\n"));
    out.push_str("Genesis contracts\n");
    for (name, address) in [
        ("CREATE2 factory", CREATE2_FACTORY),
        ("StylusDeployer", STYLUS_DEPLOYER),
        ("CacheManager", CACHE_MANAGER),
        ("ArbSys", ARB_SYS),
        ("ArbOwner", ARB_OWNER),
        ("ArbWasm", ARB_WASM),
        ("ArbWasmCache", ARB_WASM_CACHE),
        ("ArbDebug", ARB_DEBUG),
    ] {
        out.push_str(&format!("  {name:<16} {address}\n"));
    }
    if let Some(path) = loaded {
        out.push_str(&format!("\nState loaded from {}\n", path.display()));
    }
    out.push_str(&format!("\nChains ({mining})\n"));
    for (chain, server) in chains.iter().zip(servers) {
        let (id, block) = chain.lock().map(|c| (c.chain_id(), c.block_number())).unwrap_or((0, 0));
        out.push_str(&format!("  chain {id} {} (block {block})\n", server.url()));
    }
    out.push_str("\nPress Ctrl-C to stop.\n");
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}
