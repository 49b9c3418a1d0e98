//! `crossnet demo`: both systems end to end, with progress output and a summary table.
//!
//! By default it starts three embedded devnode chains (parent 412346, child 412347,
//! grandchild 412348) served over JSON-RPC on loopback, deploys both systems with `crossnet
//! deploy`'s code (programs from `--wasm-dir`, default `./target/wasm`), runs three
//! validators as tasks (each its own key, signing log and endpoint) and the relay daemon
//! (relayer and proposer, no validator key) on its own thread, and shows:
//!
//! 1. a child→parent message through the passer: state-root batch, window, proof relay;
//! 2. a parent→child message through the queue;
//! 3. a linked-token deposit and withdrawal, with balances on both chains;
//! 4. an `ActorErr` refund;
//! 5. a three-chain route: a fund from the parent to the grandchild through the child's
//!    postbox.
//!
//! With `--rpc-url` / `--child-rpc-url` / `--grandchild-rpc-url` it runs the same against
//! external chains (a Nitro devnode, say) with the deployer key from `CROSSNET_DEPLOYER_KEY`
//! (the Nitro dev key when unset).

mod scenarios;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, U256};
use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context as _};
use crossnet_devnode::rpc::{self, RpcOptions, ServerHandle};
use crossnet_devnode::{Chain, ChainConfig, DEV_PRIVATE_KEY};
use crossnet_relayer::artifacts::Artifacts;
use crossnet_relayer::client::Client;
use crossnet_relayer::config::{
    ChainConfig as ChainEntry, Config, IpcConfig, LinkedToken, SubnetConfig, XdmPair,
};
use crossnet_relayer::daemon::Daemon;
use crossnet_relayer::deploy;
use crossnet_relayer::deployment::Deployment;
use crossnet_relayer::validator::local::LocalValidators;
use scenarios::{short, Row, Scenarios};

/// `crossnet demo` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Parent chain RPC (default: an embedded devnode chain).
    #[arg(long, requires = "child_rpc_url")]
    pub rpc_url: Option<String>,
    /// Child chain RPC.
    #[arg(long, requires = "rpc_url")]
    pub child_rpc_url: Option<String>,
    /// Grandchild chain RPC (three-chain route).
    #[arg(long, requires = "rpc_url")]
    pub grandchild_rpc_url: Option<String>,
    /// Directory of the built programs (`bash script/build-wasm.sh` writes them to the
    /// checkout's `target/wasm`).
    #[arg(long, default_value = "target/wasm")]
    pub wasm_dir: PathBuf,
    /// Fraud-proof window in seconds.
    #[arg(long, default_value_t = 3)]
    pub window: u64,
    /// Where the demo keeps its config, deployments and relay database (emptied first when
    /// the demo starts its own chains).
    #[arg(long, default_value = ".crossnet/demo")]
    pub dir: PathBuf,
    /// How long to wait for each step.
    #[arg(long, default_value_t = 120)]
    pub timeout_secs: u64,
}

/// The demo's chains, in the order of the RPC URLs: system 1 between `parent` and `child`,
/// system 2 on the tree `parent` → `child` → `grandchild`.
const CHAINS: [&str; 3] = ["parent", "child", "grandchild"];

/// Every program the demo deploys (checked before anything starts).
const PROGRAMS: [&str; 13] = [
    "l2-to-l1-message-passer",
    "l2-cross-domain-messenger",
    "l1-cross-domain-messenger",
    "state-commitment-chain",
    "canonical-transaction-chain",
    "gateway",
    "gateway-executor",
    "subnet-actor",
    "top-down-finality",
    "erc20",
    "linked-token-controller",
    "linked-token-replica",
    "xdomain-receiver",
];

/// `path` made absolute against the working directory.
fn absolute(path: &std::path::Path) -> anyhow::Result<PathBuf> {
    Ok(std::env::current_dir().context("reading the working directory")?.join(path))
}

/// Demo keys (deterministic, for throwaway chains only).
fn demo_key(label: &str) -> anyhow::Result<PrivateKeySigner> {
    let secret = keccak256(format!("crossnet demo {label}"));
    PrivateKeySigner::from_bytes(&secret).map_err(|e| anyhow::anyhow!("demo key: {e}"))
}

/// Embedded devnode chains served on loopback.
struct Embedded {
    servers: Vec<ServerHandle>,
    urls: Vec<String>,
}

fn start_embedded() -> anyhow::Result<Embedded> {
    let mut servers = Vec::new();
    let mut urls = Vec::new();
    for chain_id in [412_346u64, 412_347, 412_348] {
        let chain = Arc::new(Mutex::new(Chain::new(ChainConfig::with_chain_id(chain_id))));
        // Every transaction mined at once, plus an empty block every second, so child heights
        // reach checkpoint boundaries and time passes on every chain.
        let options = RpcOptions {
            automine: true,
            block_time: Some(Duration::from_secs(1)),
            ..RpcOptions::default()
        };
        let addr: SocketAddr = "127.0.0.1:0".parse()?;
        let server = rpc::spawn_with(chain, addr, options)?;
        urls.push(server.url());
        servers.push(server);
    }
    Ok(Embedded { servers, urls })
}

/// Runs `crossnet demo`.
///
/// # Errors
/// Any step that fails or times out.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let artifacts = Artifacts::new(absolute(&args.wasm_dir)?);
    for program in PROGRAMS {
        artifacts.code(program)?;
    }
    let embedded = match &args.rpc_url {
        Some(_) => None,
        None => Some(start_embedded()?),
    };
    let urls: Vec<String> = match &embedded {
        Some(e) => e.urls.clone(),
        None => [&args.rpc_url, &args.child_rpc_url, &args.grandchild_rpc_url]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(demo(args, &urls, embedded.is_some()));
    if let Some(e) = embedded {
        for s in e.servers {
            s.stop();
        }
    }
    result
}

async fn demo(args: &Args, urls: &[String], embedded: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let deployer = match std::env::var("CROSSNET_DEPLOYER_KEY") {
        Ok(k) => k.trim().parse::<PrivateKeySigner>().context("CROSSNET_DEPLOYER_KEY")?,
        Err(_) => PrivateKeySigner::from_bytes(&DEV_PRIVATE_KEY)?,
    };
    let relayer = demo_key("relayer")?;
    let validators: Vec<PrivateKeySigner> =
        (1..=3).map(|i| demo_key(&format!("validator {i}"))).collect::<anyhow::Result<_>>()?;
    let (alice, bob) = (demo_key("alice")?, demo_key("bob")?);
    let dir = absolute(&args.dir)?;
    if embedded && dir.exists() {
        // Fresh chains: yesterday's deployments and relay state mean nothing.
        std::fs::remove_dir_all(&dir).with_context(|| format!("cleaning {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let mut config = demo_config(args, urls, &dir, &validators).await?;
    println!("crossnet demo");
    for name in CHAINS {
        let c = config.chain(name)?;
        println!("  {name:<10} chain {:<7} {}", c.chain_id, c.rpc_url);
    }
    let funded = [relayer.address(), alice.address(), bob.address()];
    let clients = fund(&config, &deployer, &funded).await?;

    println!("\nDeploying both systems (deployments in {})", config.deployments_dir().display());
    let t = Instant::now();
    let records = deploy::deploy_with(&config, &deployer, relayer.address()).await?;
    let programs: usize = records.iter().map(|r| r.contracts.len()).sum();
    println!(
        "  {programs} programs ready (deployed, activated, wired; recorded ones verified) in {:.1?}",
        t.elapsed()
    );
    let record = |name: &str| -> anyhow::Result<&Deployment> {
        records.iter().find(|r| r.chain == name).with_context(|| format!("no {name} record"))
    };

    // The validators: one task each, with its own key, signing log and endpoint; they read
    // the chains themselves and share nothing.
    let local =
        LocalValidators::start(&config, &validators, &dir, Duration::from_millis(200)).await?;
    local.publish_to(&mut config);
    for (address, url) in &local.urls {
        println!("  validator {address} signs final statements, serves them at {url}");
    }
    let (stop, daemon) = spawn_daemon(&config, &relayer);
    println!("  relay daemon started (relayer {}, no validator key)", relayer.address());

    let mut scenarios = Scenarios {
        config: &config,
        clients: &clients,
        records: [record("parent")?, record("child")?, record("grandchild")?],
        alice: &alice,
        bob: &bob,
        db: config.database(),
        timeout: Duration::from_secs(args.timeout_secs),
        rows: Vec::new(),
    };
    let outcome = scenarios.run().await;
    let rows = std::mem::take(&mut scenarios.rows);
    let _ = stop.send(());
    let joined = daemon.join();
    local.stop().await;
    match joined {
        Ok(r) => r?,
        Err(_) => bail!("the relay daemon panicked"),
    }
    outcome?;
    print_summary(&rows, started, &dir);
    std::fs::write(dir.join("crossnet.toml"), demo_config_text(&config))?;
    Ok(())
}

/// The demo's config: chain ids read from the endpoints, system 1 between parent and child,
/// the subnet tree parent → child → grandchild with `validators`, the linked token.
async fn demo_config(
    args: &Args,
    urls: &[String],
    dir: &std::path::Path,
    validators: &[PrivateKeySigner],
) -> anyhow::Result<Config> {
    let mut chains = std::collections::BTreeMap::new();
    for (name, url) in CHAINS.iter().zip(urls) {
        let probe = alloy::providers::ProviderBuilder::new()
            .connect_http(url.parse().with_context(|| format!("bad RPC URL {url}"))?);
        let chain_id = alloy::providers::Provider::get_chain_id(&probe)
            .await
            .with_context(|| format!("RPC {url} is unreachable"))?;
        chains.insert((*name).to_owned(), ChainEntry::new(url.clone(), chain_id));
    }
    if chains.len() < CHAINS.len() {
        bail!("the demo needs three chains (parent, child, grandchild)");
    }
    let set: Vec<Address> = validators.iter().map(PrivateKeySigner::address).collect();
    let mut config = Config::local(chains, dir);
    config.xdm = vec![XdmPair::new("parent", "child", args.window)];
    let mut ipc = IpcConfig::default();
    ipc.subnets.insert("child".into(), SubnetConfig::new("parent", &set));
    ipc.subnets.insert("grandchild".into(), SubnetConfig::new("child", &set));
    ipc.linked_token.push(LinkedToken { controller: "parent".into(), replica: "child".into() });
    config.ipc = Some(ipc);
    config.wasm_dir = Some(absolute(&args.wasm_dir)?);
    config.relay.poll_interval_ms = 200;
    Ok(config)
}

/// Funds `accounts` on every chain from the deployer; returns the deployer's clients in
/// [`CHAINS`] order.
async fn fund(
    config: &Config,
    deployer: &PrivateKeySigner,
    accounts: &[Address],
) -> anyhow::Result<Vec<Client>> {
    let mut clients = Vec::new();
    for name in CHAINS {
        let c = config.chain(name)?;
        let client = Client::connect(&c.rpc_url, c.chain_id, deployer.clone()).await?;
        for account in accounts {
            if client.balance(*account).await? < U256::from(10u128.pow(18)) {
                client
                    .send(*account, Vec::new(), U256::from(10u128.pow(19)))
                    .await
                    .map_err(|e| anyhow::anyhow!("funding {account}: {e}"))?;
            }
        }
        clients.push(client);
    }
    Ok(clients)
}

/// The relay daemon on its own thread (its SQLite connection stays there), with the relayer's
/// key only: it collects the validators' signatures. Send on the channel to stop it.
fn spawn_daemon(
    config: &Config,
    relayer: &PrivateKeySigner,
) -> (tokio::sync::oneshot::Sender<()>, std::thread::JoinHandle<anyhow::Result<()>>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (config, key) = (config.clone(), relayer.clone());
    let daemon = std::thread::spawn(move || -> anyhow::Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(async move {
            let d = Daemon::with_key(config, key).await?;
            d.run_until(async {
                let _ = stopped.await;
            })
            .await
        })
    });
    (stop, daemon)
}

fn print_summary(rows: &[Row], started: Instant, dir: &std::path::Path) {
    println!("\nSummary");
    println!("  {:<12} {:<22} {:<28} {:>9} {:>9}", "message", "route", "outcome", "gas", "latency");
    for r in rows {
        println!(
            "  {:<12} {:<22} {:<28} {:>9} {:>8.1}s",
            short(&r.id),
            r.route,
            r.outcome,
            r.gas,
            r.latency.as_secs_f64()
        );
    }
    println!(
        "\nAll {} messages crossed in {:.1?}. Relay state: crossnet status --config {}",
        rows.len(),
        started.elapsed(),
        dir.join("crossnet.toml").display()
    );
}

fn demo_config_text(config: &Config) -> String {
    use std::fmt::Write as _;
    let mut out =
        String::from("# Written by `crossnet demo` (its chains are gone when it ends).\n");
    out.push_str("deployments_dir = \"deployments\"\n\n");
    for (name, c) in &config.chains {
        let _ = writeln!(
            out,
            "[chains.{name}]\nrpc_url = \"{}\"\nchain_id = {}\n",
            c.rpc_url, c.chain_id
        );
    }
    for pair in &config.xdm {
        let _ = writeln!(
            out,
            "[[xdm]]\nparent = \"{}\"\nchild = \"{}\"\nfraud_proof_window = {}\n",
            pair.parent, pair.child, pair.fraud_proof_window
        );
    }
    if let Some(ipc) = &config.ipc {
        for (name, subnet) in &ipc.subnets {
            let set: Vec<String> = subnet
                .validators
                .iter()
                .map(|v| format!("{{ address = \"{}\" }}", v.address))
                .collect();
            let _ = writeln!(
                out,
                "[ipc.subnets.{name}]\nparent = \"{}\"\nvalidators = [{}]\n",
                subnet.parent,
                set.join(", ")
            );
        }
    }
    out.push_str("[relay]\ndatabase = \"relay.sqlite\"\n");
    out
}
