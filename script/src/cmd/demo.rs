//! `crossnet demo`: both systems end to end, with progress output and a summary table.
//!
//! By default it starts three embedded devnode chains (parent 412346, child 412347,
//! grandchild 412348) served over JSON-RPC on loopback, deploys both systems with `crossnet
//! deploy`'s code (programs from `--wasm-dir`, default `./target/wasm`), runs the `crossnet relay` daemon (relayer, proposer,
//! signer) on its own thread, and shows:
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

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolValue;
use anyhow::{bail, Context as _};
use crossnet_devnode::rpc::{self, RpcOptions, ServerHandle};
use crossnet_devnode::{Chain, ChainConfig, DEV_PRIVATE_KEY};
use crossnet_sdk::ipc::{FvmAddress, SubnetID};

use crossnet_relayer::artifacts::Artifacts;
use crossnet_relayer::bindings::{convert, to_binding};
use crossnet_relayer::bindings::{
    ICrossDomainGreeter as Greeter, IErc20, IGateway, ILinkedTokenController as Controller,
    ILinkedTokenReplica as Replica,
};
use crossnet_relayer::client::{receipt_events, Client};
use crossnet_relayer::config::{
    ChainConfig as ChainEntry, Config, IpcConfig, LinkedToken, SubnetConfig, XdmPair,
};
use crossnet_relayer::daemon::Daemon;
use crossnet_relayer::deploy;
use crossnet_relayer::deployment::keys;
use crossnet_relayer::deployment::Deployment;
use crossnet_relayer::store::{Status, Store};
use crossnet_relayer::validator::local::LocalValidators;

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

/// A row of the summary table.
struct Row {
    id: String,
    route: String,
    outcome: String,
    gas: String,
    latency: Duration,
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

fn step(n: usize, title: &str) {
    println!("\n[{n}/5] {title}");
}

fn info(line: &str) {
    println!("      {line}");
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

/// Polls `check` every 200 ms until it returns `Some`, or fails after `timeout`.
async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Gas and outcome of the delivery of store id `id`, once the daemon has recorded it (the
/// effect can be visible on chain a moment before the daemon stores the receipt).
async fn delivery(db: &std::path::Path, id: &str) -> (String, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = Store::open(db).ok();
    loop {
        let found = store.as_ref().and_then(|s| s.get(id).ok().flatten());
        if let Some(m) = found.filter(|m| m.status == Status::Relayed) {
            return (
                m.gas_used.map_or_else(|| "-".to_owned(), |g| g.to_string()),
                m.outcome.unwrap_or_else(|| m.status.as_str().to_owned()),
            );
        }
        if Instant::now() > deadline {
            return ("-".to_owned(), "not recorded".to_owned());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn short(id: &str) -> String {
    let head: String = id.chars().take(10).collect();
    format!("{head}…")
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

#[allow(clippy::too_many_lines)]
async fn demo(args: &Args, urls: &[String], embedded: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let timeout = Duration::from_secs(args.timeout_secs);
    let deployer = match std::env::var("CROSSNET_DEPLOYER_KEY") {
        Ok(k) => k.trim().parse::<PrivateKeySigner>().context("CROSSNET_DEPLOYER_KEY")?,
        Err(_) => PrivateKeySigner::from_bytes(&DEV_PRIVATE_KEY)?,
    };
    let relayer = demo_key("relayer")?;
    let validators: Vec<PrivateKeySigner> =
        (1..=3).map(|i| demo_key(&format!("validator {i}"))).collect::<anyhow::Result<_>>()?;
    let alice = demo_key("alice")?;
    let bob = demo_key("bob")?;

    // Chain ids from the endpoints themselves.
    let mut chains = std::collections::BTreeMap::new();
    for (role, url) in CHAINS.iter().zip(urls) {
        let probe = alloy::providers::ProviderBuilder::new()
            .connect_http(url.parse().with_context(|| format!("bad RPC URL {url}"))?);
        let chain_id = alloy::providers::Provider::get_chain_id(&probe)
            .await
            .with_context(|| format!("RPC {url} is unreachable"))?;
        chains.insert((*role).to_owned(), ChainEntry::new(url.clone(), chain_id));
    }
    let dir = absolute(&args.dir)?;
    if embedded && dir.exists() {
        // Fresh chains: yesterday's deployments and relay state mean nothing.
        std::fs::remove_dir_all(&dir).with_context(|| format!("cleaning {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let validator_set: Vec<Address> = validators.iter().map(PrivateKeySigner::address).collect();
    let mut config = Config::local(chains, &dir);
    config.xdm = vec![XdmPair::new("parent", "child", args.window)];
    let mut ipc = IpcConfig::default();
    ipc.subnets.insert("child".into(), SubnetConfig::new("parent", &validator_set));
    ipc.subnets.insert("grandchild".into(), SubnetConfig::new("child", &validator_set));
    ipc.linked_token.push(LinkedToken { controller: "parent".into(), replica: "child".into() });
    config.ipc = Some(ipc);
    config.wasm_dir = Some(absolute(&args.wasm_dir)?);
    config.relay.poll_interval_ms = 200;

    println!("crossnet demo");
    for (role, c) in &config.chains {
        println!("  {role:<10} chain {:<7} {}", c.chain_id, c.rpc_url);
    }

    // Fund the off-chain roles and the users from the deployer.
    let mut clients = Vec::new();
    for role in CHAINS {
        let Ok(c) = config.chain(role) else { continue };
        let client = Client::connect(&c.rpc_url, c.chain_id, deployer.clone()).await?;
        for account in [relayer.address(), alice.address(), bob.address()] {
            if client.balance(account).await? < U256::from(10u128.pow(18)) {
                client
                    .send(account, Vec::new(), U256::from(10u128.pow(19)))
                    .await
                    .map_err(|e| anyhow::anyhow!("funding {account}: {e}"))?;
            }
        }
        clients.push(client);
    }
    if clients.len() < 3 {
        bail!("the demo needs three chains (parent, child, grandchild)");
    }

    println!("\nDeploying both systems (deployments in {})", config.deployments_dir().display());
    let t = Instant::now();
    let records = deploy::deploy_with(&config, &deployer, relayer.address()).await?;
    let programs: usize = records.iter().map(|r| r.contracts.len()).sum();
    println!("  {programs} programs ready (deployed, activated, wired; recorded ones verified) in {:.1?}", t.elapsed());
    let rec = |role: &str| -> anyhow::Result<&Deployment> {
        records.iter().find(|r| r.chain == role).with_context(|| format!("no {role} record"))
    };
    let (p_rec, c_rec, g_rec) = (rec("parent")?, rec("child")?, rec("grandchild")?);

    // The validators: one task each, with its own key, signing log and endpoint; they read
    // the chains themselves and share nothing.
    let local =
        LocalValidators::start(&config, &validators, &dir, Duration::from_millis(200)).await?;
    local.publish_to(&mut config);
    for (address, url) in &local.urls {
        println!("  validator {address} signs final statements, serves them at {url}");
    }

    // The relay daemon on its own thread (its SQLite connection stays there), with the
    // relayer's key only: it collects the validators' signatures.
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let daemon_config = config.clone();
    let daemon_key = relayer.clone();
    let daemon = std::thread::spawn(move || -> anyhow::Result<()> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        rt.block_on(async move {
            let d = Daemon::with_key(daemon_config, daemon_key).await?;
            d.run_until(async {
                let _ = stop_rx.await;
            })
            .await
        })
    });
    println!("  relay daemon started (relayer {}, no validator key)", relayer.address());

    let db = config.database();
    let as_user = |i: usize, key: &PrivateKeySigner| {
        let c = clients[i].clone();
        let key = key.clone();
        async move { c.with_signer(key).await }
    };
    let mut rows = Vec::new();
    let outcome = run_scenarios(
        &config, &clients, p_rec, c_rec, g_rec, &alice, &bob, &db, timeout, &mut rows, as_user,
    )
    .await;
    let _ = stop_tx.send(());
    let joined = daemon.join();
    local.stop().await;
    match joined {
        Ok(r) => r?,
        Err(_) => bail!("the relay daemon panicked"),
    }
    outcome?;

    println!("\nSummary");
    println!("  {:<12} {:<22} {:<28} {:>9} {:>9}", "message", "route", "outcome", "gas", "latency");
    for r in &rows {
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
    std::fs::write(dir.join("crossnet.toml"), demo_config_text(&config))?;
    Ok(())
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

#[allow(clippy::too_many_arguments, clippy::too_many_lines)]
async fn run_scenarios<F, Fut>(
    config: &Config,
    clients: &[Client],
    p_rec: &Deployment,
    c_rec: &Deployment,
    g_rec: &Deployment,
    alice: &PrivateKeySigner,
    bob: &PrivateKeySigner,
    db: &std::path::Path,
    timeout: Duration,
    rows: &mut Vec<Row>,
    as_user: F,
) -> anyhow::Result<()>
where
    F: Fn(usize, &PrivateKeySigner) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Client>>,
{
    let (parent, child, grandchild) = (&clients[0], &clients[1], &clients[2]);
    let l1m = p_rec.address(&keys::l1m("child"))?;
    let l2m = c_rec.address(keys::L2M)?;
    let window = config.xdm.first().map_or(0, |x| x.fraud_proof_window);

    // Greeters on both sides of system 1.
    let greeter_code = config.artifacts().code("xdomain-receiver")?;
    let owner = parent.from;
    let (g_parent, _) = parent
        .deploy_program(&greeter_code, Some(&(owner, l1m).abi_encode_params()))
        .await
        .map_err(|e| anyhow::anyhow!("greeter on the parent: {e}"))?;
    let (g_child, _) = child
        .deploy_program(&greeter_code, Some(&(owner, l2m).abi_encode_params()))
        .await
        .map_err(|e| anyhow::anyhow!("greeter on the child: {e}"))?;
    parent
        .send_sol(g_parent, &Greeter::setRemoteCall { remote: g_child })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    child
        .send_sol(g_child, &Greeter::setRemoteCall { remote: g_parent })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    // 1. child -> parent.
    step(1, "child -> parent: a greeting through L2ToL1MessagePasser, a state batch and a proof");
    let alice_child = as_user(1, alice).await?;
    let t = Instant::now();
    let receipt = alice_child
        .send_sol(
            g_child,
            &Greeter::sendGreetingCall {
                greeting: "hello parent, from the child".into(),
                gas_limit: 500_000,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("sendGreeting on the child: {e}"))?;
    let sent = receipt_events::<crossnet_sdk::xdm::SentMessage>(&receipt)
        .pop()
        .context("no SentMessage")?;
    let message = crossnet_sdk::client::XdmMessage {
        target: sent.target,
        sender: sent.sender,
        message: sent.message.clone(),
        nonce: sent.messageNonce,
    };
    let id = format!("{}", keccak256(message.bytes()));
    info(&format!(
        "sent in child block {} (message {})",
        receipt.block_number.unwrap_or_default(),
        short(&id)
    ));
    info(&format!("proposer appends the child state root; the {window}s fraud-proof window runs"));
    let greeting = wait_for("the greeting on the parent", timeout, || async {
        let g = parent
            .call_sol(g_parent, &Greeter::greetingCall {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((!g.is_empty()).then_some(g))
    })
    .await?;
    let latency = t.elapsed();
    let (gas, outcome) = delivery(db, &format!("{id}@child->parent")).await;
    info(&format!("relayed with an account + storage proof: parent greeter now says {greeting:?}"));
    rows.push(Row { id, route: "child->parent (xdm)".into(), outcome, gas, latency });

    // 2. parent -> child.
    step(2, "parent -> child: a greeting through the transaction queue");
    let alice_parent = as_user(0, alice).await?;
    let t = Instant::now();
    let receipt = alice_parent
        .send_sol(
            g_parent,
            &Greeter::sendGreetingCall {
                greeting: "hello child, from the parent".into(),
                gas_limit: 500_000,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("sendGreeting on the parent: {e}"))?;
    let enqueued = receipt_events::<crossnet_sdk::xdm::TransactionEnqueued>(&receipt)
        .pop()
        .context("no TransactionEnqueued")?;
    let id = format!("{}", keccak256(&enqueued.data));
    info(&format!("enqueued at queue index {}", enqueued.queueIndex));
    let greeting = wait_for("the greeting on the child", timeout, || async {
        let g = child
            .call_sol(g_child, &Greeter::greetingCall {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((!g.is_empty()).then_some(g))
    })
    .await?;
    let latency = t.elapsed();
    let (gas, outcome) = delivery(db, &format!("{id}@parent->child")).await;
    info(&format!("delivered by the sequencer: child greeter now says {greeting:?}"));
    rows.push(Row { id, route: "parent->child (xdm)".into(), outcome, gas, latency });

    // 3. linked token.
    step(3, "linked token: deposit parent -> child, withdrawal child -> parent");
    let token = p_rec.address(keys::ERC20)?;
    let controller = p_rec.address(&keys::controller("child"))?;
    let replica = c_rec.address(&keys::replica("parent"))?;
    parent
        .send_sol(token, &IErc20::mintCall { to: alice.address(), value: U256::from(1_000u64) })
        .await
        .map_err(|e| anyhow::anyhow!("mint: {e}"))?;
    let balances = |label: &'static str| {
        let (parent, child) = (parent.clone(), child.clone());
        let (a, b) = (alice.address(), bob.address());
        async move {
            let pa = parent
                .call_sol(token, &IErc20::balanceOfCall { account: a })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let locked = parent
                .call_sol(token, &IErc20::balanceOfCall { account: controller })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let cb = child
                .call_sol(replica, &Replica::balanceOfCall { account: b })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let supply = child
                .call_sol(replica, &Replica::totalSupplyCall {})
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            info(&format!("{label}: parent alice {pa} XNT, locked {locked} | child bob {cb} lXNT (supply {supply})"));
            anyhow::Ok((pa, locked, cb, supply))
        }
    };
    // Relative to what the accounts already hold (a rerun against the same chains).
    let (a0, locked0, b0, _) = balances("before").await?;
    alice_parent
        .send_sol(token, &IErc20::approveCall { spender: controller, value: U256::from(400u64) })
        .await
        .map_err(|e| anyhow::anyhow!("approve: {e}"))?;
    let t = Instant::now();
    let receipt = alice_parent
        .send_sol(
            controller,
            &Controller::linkedTransferCall {
                recipient: bob.address(),
                amount: U256::from(400u64),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("linkedTransfer: {e}"))?;
    let id = receipt_events::<crossnet_sdk::ipc::NewTopDownMessage>(&receipt)
        .pop()
        .context("no NewTopDownMessage")?
        .id;
    wait_for("the deposit on the child", timeout, || async {
        let b = child
            .call_sol(replica, &Replica::balanceOfCall { account: bob.address() })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((b == b0 + U256::from(400u64)).then_some(()))
    })
    .await?;
    let latency = t.elapsed();
    let key = format!("{id}@parent->child");
    let (gas, outcome) = delivery(db, &key).await;
    rows.push(Row {
        id: format!("{id}"),
        route: "parent->child (ipc)".into(),
        outcome,
        gas,
        latency,
    });
    balances("deposited").await?;
    let bob_child = as_user(1, bob).await?;
    let t = Instant::now();
    let receipt = bob_child
        .send_sol(
            replica,
            &Replica::linkedTransferCall { recipient: alice.address(), amount: U256::from(150u64) },
        )
        .await
        .map_err(|e| anyhow::anyhow!("withdraw: {e}"))?;
    let id = receipt_events::<crossnet_sdk::ipc::NewBottomUpMessage>(&receipt)
        .pop()
        .context("no NewBottomUpMessage")?
        .id;
    wait_for("the withdrawal on the parent", timeout, || async {
        let a = parent
            .call_sol(token, &IErc20::balanceOfCall { account: alice.address() })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((a == a0 - U256::from(250u64)).then_some(()))
    })
    .await?;
    let latency = t.elapsed();
    let (gas, outcome) = delivery(db, &format!("{id}@child->parent")).await;
    rows.push(Row {
        id: format!("{id}"),
        route: "child->parent (ipc)".into(),
        outcome,
        gas,
        latency,
    });
    let (pa, locked, _, supply) = balances("withdrawn").await?;
    if locked != supply || pa + locked != a0 + locked0 {
        bail!("supply not conserved: locked {locked}, replica supply {supply}, alice {pa}");
    }
    info("supply conserved: locked on the parent == replica supply on the child");

    // 4. ActorErr refund: a controller the replica does not know.
    step(4, "ActorErr: a deposit from a controller the replica does not trust is refunded");
    let home_gateway = p_rec.address(keys::GATEWAY)?;
    let child_id: SubnetID = c_rec.subnet.as_ref().map(Into::into).context("child subnet")?;
    let controller_code = config.artifacts().code("linked-token-controller")?;
    let (rogue, _) = parent
        .deploy_program(&controller_code, Some(&(owner, home_gateway, token).abi_encode_params()))
        .await
        .map_err(|e| anyhow::anyhow!("rogue controller: {e}"))?;
    parent
        .send_sol(rogue, &Controller::setLinkedContractCall { subnet: convert(&child_id), replica })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    alice_parent
        .send_sol(token, &IErc20::approveCall { spender: rogue, value: U256::from(100u64) })
        .await
        .map_err(|e| anyhow::anyhow!("approve: {e}"))?;
    let t = Instant::now();
    let receipt = alice_parent
        .send_sol(
            rogue,
            &Controller::linkedTransferCall {
                recipient: bob.address(),
                amount: U256::from(100u64),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("linkedTransfer: {e}"))?;
    let id = receipt_events::<crossnet_sdk::ipc::NewTopDownMessage>(&receipt)
        .pop()
        .context("no NewTopDownMessage")?
        .id;
    info("alice sent 100 XNT through the untrusted controller");
    wait_for("the refund on the parent", timeout, || async {
        let a = parent
            .call_sol(token, &IErc20::balanceOfCall { account: alice.address() })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok((a == a0 - U256::from(250u64)).then_some(()))
    })
    .await?;
    let latency = t.elapsed();
    let (gas, outcome) = delivery(db, &format!("{id}@parent->child")).await;
    info(&format!(
        "the replica refused it ({outcome}); the Result came back up and refunded alice ({} XNT)",
        a0 - U256::from(250u64)
    ));
    rows.push(Row {
        id: format!("{id}"),
        route: "parent->child (ipc)".into(),
        outcome,
        gas,
        latency,
    });

    // 5. Three chains.
    step(5, "three-chain route: parent -> child (postbox) -> grandchild");
    let g_id: SubnetID = g_rec.subnet.as_ref().map(Into::into).context("grandchild subnet")?;
    let recipient = keccak256("crossnet demo grandchild recipient");
    let recipient = Address::from_slice(&recipient[12..]);
    let t = Instant::now();
    let fund = IGateway::fundCall {
        subnet_id: to_binding(&g_id),
        to: convert(&FvmAddress::from_evm(recipient)),
    };
    let receipt = alice_parent
        .send(
            home_gateway,
            alloy::sol_types::SolCall::abi_encode(&fund),
            U256::from(5u64 * 10u64.pow(15)),
        )
        .await
        .map_err(|e| anyhow::anyhow!("fund: {e}"))?;
    let id = receipt_events::<crossnet_sdk::ipc::NewTopDownMessage>(&receipt)
        .pop()
        .context("no NewTopDownMessage")?
        .id;
    info("0.005 ETH funded from the parent to a grandchild account");
    let before = grandchild.balance(recipient).await?;
    wait_for("the fund on the grandchild", timeout, || async {
        let b = grandchild.balance(recipient).await?;
        Ok((b == before + U256::from(5u64 * 10u64.pow(15))).then_some(()))
    })
    .await?;
    let latency = t.elapsed();
    let (gas_a, _) = delivery(db, &format!("{id}@parent->child")).await;
    let (gas_b, outcome) = delivery(db, &format!("{id}@child->grandchild")).await;
    info("stored in the child's postbox, propagated, applied on the grandchild");
    rows.push(Row {
        id: format!("{id}"),
        route: "parent->child->grandchild".into(),
        outcome,
        gas: format!("{gas_a}+{gas_b}"),
        latency,
    });
    Ok(())
}
