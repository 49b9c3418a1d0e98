//! End-to-end relay figures on the devnode over JSON-RPC: system 1 deployed by `crossnet
//! deploy`'s code on two chains served on loopback, `n` messages sent in each direction, then
//! the `crossnet relay` daemon (in-process, its real passes) delivers them. Prints messages per
//! second per direction, proof build time per child→parent message, and the p50 / p95 time
//! from relayable to relayed (from the daemon's SQLite store).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::SolCall;
use anyhow::Context as _;
use crossnet_devnode::rpc::{self, RpcOptions, ServerHandle};
use crossnet_devnode::{Chain, DEV_PRIVATE_KEY};
use crossnet_relayer::client::Client;
use crossnet_relayer::config::{ChainConfig, Config, IpcConfig, SubnetConfig, XdmPair};
use crossnet_relayer::daemon::Daemon;
use crossnet_relayer::deployment::keys;
use crossnet_relayer::store::{Status, Store};
use crossnet_relayer::validator::local::LocalValidators;

sol! {
    function sendMessage(address target, bytes message, uint32 gas_limit) external;
    struct SubnetID { uint64 root; address[] route; }
    struct FvmAddress { uint8 addrType; bytes payload; }
    function fund(SubnetID subnet_id, FvmAddress to) external payable;
    function release(FvmAddress to) external payable;
}

/// `crossnet-bench relay` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Messages per direction.
    #[arg(long, default_value_t = 40)]
    messages: usize,
    /// Fraud-proof window in seconds.
    #[arg(long, default_value_t = 1)]
    window: u64,
}

fn serve(chain_id: u64) -> anyhow::Result<ServerHandle> {
    let chain =
        Arc::new(Mutex::new(Chain::new(crossnet_devnode::ChainConfig::with_chain_id(chain_id))));
    let options = RpcOptions {
        automine: true,
        block_time: Some(Duration::from_millis(500)),
        ..RpcOptions::default()
    };
    let addr: SocketAddr = "127.0.0.1:0".parse()?;
    Ok(rpc::spawn_with(chain, addr, options)?)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64)).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

struct Figures {
    system: &'static str,
    route: &'static str,
    messages: usize,
    elapsed: Duration,
    latencies: Vec<f64>,
}

/// Runs the benchmark.
///
/// # Errors
/// Any failure.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let servers = [serve(412_346)?, serve(412_347)?];
    let dir = std::env::temp_dir().join(format!("crossnet-bench-relay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let result = runtime.block_on(bench(args, &servers, &dir));
    for s in servers {
        s.stop();
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn bench(
    args: &Args,
    servers: &[ServerHandle; 2],
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let deployer = PrivateKeySigner::from_bytes(&DEV_PRIVATE_KEY)?;
    let relayer = PrivateKeySigner::from_bytes(&keccak256("crossnet bench relayer"))?;
    let validators: Vec<PrivateKeySigner> = (1..=3)
        .map(|i| PrivateKeySigner::from_bytes(&keccak256(format!("crossnet bench validator {i}"))))
        .collect::<Result<_, _>>()?;
    let mut chains = std::collections::BTreeMap::new();
    for (role, (server, id)) in
        ["parent", "child"].iter().zip(servers.iter().zip([412_346u64, 412_347]))
    {
        chains.insert((*role).to_owned(), ChainConfig::new(server.url(), id));
    }
    let validator_set: Vec<Address> = validators.iter().map(PrivateKeySigner::address).collect();
    let mut config = Config::local(chains, dir);
    config.xdm = vec![XdmPair::new("parent", "child", args.window)];
    let mut ipc = IpcConfig::default();
    ipc.subnets.insert("child".into(), SubnetConfig::new("parent", &validator_set));
    config.ipc = Some(ipc);
    config.relay.poll_interval_ms = 50;
    config.wasm_dir = Some(crossnet_devnode::target_dir().join("wasm"));
    let parent = Client::connect(&servers[0].url(), 412_346, deployer.clone()).await?;
    let child = Client::connect(&servers[1].url(), 412_347, deployer.clone()).await?;
    for c in [&parent, &child] {
        c.send(relayer.address(), Vec::new(), U256::from(10u128.pow(20)))
            .await
            .map_err(|e| anyhow::anyhow!("funding the relayer: {e}"))?;
    }
    let t = Instant::now();
    let records =
        crossnet_relayer::deploy::deploy_with(&config, &deployer, relayer.address()).await?;
    let deploy_time = t.elapsed();
    let find = |name: &str| records.iter().find(|r| r.chain == name).context("record");
    let l1m = find("parent")?.address(&keys::l1m("child"))?;
    let l2m = find("child")?.address(keys::L2M)?;
    let parent_gateway = find("parent")?.address(keys::GATEWAY)?;
    let child_gateway = find("child")?.address(keys::GATEWAY)?;
    let child_id = find("child")?.subnet.clone().context("child subnet")?;
    // Validators as tasks (own keys, logs and endpoints); the daemon collects their signatures.
    let local =
        LocalValidators::start(&config, &validators, dir, Duration::from_millis(50)).await?;
    local.publish_to(&mut config);
    let daemon = Daemon::with_key(config, relayer).await?;
    let target = Address::repeat_byte(0x7a);
    let fvm = crossnet_sdk::ipc::FvmAddress::from_evm(target);
    let to = FvmAddress { addrType: fvm.addrType, payload: fvm.payload };
    let mut figures = Vec::new();
    let mut proof_times = Vec::new();
    for (system, route) in [
        ("xdm", "parent->child"),
        ("xdm", "child->parent"),
        ("ipc", "parent->child"),
        ("ipc", "child->parent"),
    ] {
        for i in 0..args.messages {
            let (client, to_addr, data, value) = match (system, route) {
                ("xdm", _) => {
                    let call = sendMessageCall {
                        target,
                        message: format!("bench {i}").into_bytes().into(),
                        gas_limit: 100_000,
                    };
                    let (c, m) =
                        if route == "parent->child" { (&parent, l1m) } else { (&child, l2m) };
                    (c, m, call.abi_encode(), U256::ZERO)
                }
                (_, "parent->child") => {
                    let call = fundCall {
                        subnet_id: SubnetID { root: child_id.root, route: child_id.route.clone() },
                        to: to.clone(),
                    };
                    (&parent, parent_gateway, call.abi_encode(), U256::from(1_000u64))
                }
                _ => {
                    let call = releaseCall { to: to.clone() };
                    (&child, child_gateway, call.abi_encode(), U256::from(1_000u64))
                }
            };
            client
                .send(to_addr, data, value)
                .await
                .map_err(|e| anyhow::anyhow!("{system} {route} send: {e}"))?;
        }
        let started = Instant::now();
        let deadline = started + Duration::from_secs(180);
        loop {
            for d in daemon.pass().await? {
                if let Some(p) = d.proof_time {
                    proof_times.push(p.as_secs_f64() * 1e3);
                }
            }
            let relayed = daemon.store.with_status(system, route, Status::Relayed)?;
            if relayed.len() >= args.messages {
                let mut latencies: Vec<f64> = relayed
                    .iter()
                    .filter_map(|m| Some(m.relayed_at? - m.relayable_at?))
                    .map(|s| s * 1e3)
                    .collect();
                latencies.sort_by(f64::total_cmp);
                figures.push(Figures {
                    system,
                    route,
                    messages: relayed.len(),
                    elapsed: started.elapsed(),
                    latencies,
                });
                break;
            }
            if Instant::now() > deadline {
                let stuck: Vec<String> = daemon
                    .store
                    .all()?
                    .into_iter()
                    .filter(|m| m.system == system && m.route == route)
                    .filter(|m| m.status != Status::Relayed)
                    .map(|m| {
                        format!("{} {:?} {}", m.id, m.status, m.last_error.unwrap_or_default())
                    })
                    .take(3)
                    .collect();
                anyhow::bail!("{route}: not all messages relayed: {stuck:#?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let failed = Store::open(&daemon.config.database())?
        .all()?
        .iter()
        .filter(|m| m.status == Status::Failed)
        .count();
    proof_times.sort_by(f64::total_cmp);
    println!(
        "crossnet relay, end to end on the devnode over JSON-RPC (window {}s, checkpoint period 5 \
         blocks, a block every 0.5 s)",
        args.window
    );
    println!("deploy (both systems, 11 programs + wiring): {:.2}s", deploy_time.as_secs_f64());
    println!();
    println!("| system | route          | messages | wall (s) | msgs/s | relayable->relayed p50 | p95        |");
    println!("|--------|----------------|---------:|---------:|-------:|-----------------------:|-----------:|");
    for f in &figures {
        println!(
            "| {:<6} | {:<14} | {:>8} | {:>8.2} | {:>6.1} | {:>19.1} ms | {:>7.1} ms |",
            f.system,
            f.route,
            f.messages,
            f.elapsed.as_secs_f64(),
            f.messages as f64 / f.elapsed.as_secs_f64(),
            percentile(&f.latencies, 50.0),
            percentile(&f.latencies, 95.0),
        );
    }
    println!();
    println!(
        "proof build per system 1 child->parent message (eth_getProof + batch proof): p50 {:.1} ms, \
         p95 {:.1} ms",
        percentile(&proof_times, 50.0),
        percentile(&proof_times, 95.0)
    );
    println!("failed deliveries: {failed}");
    println!(
        "(wall time runs from the first pass after the sends; system 1 child->parent includes the \
         {}s window, system 2 child->parent waits for checkpoint boundaries)",
        args.window
    );
    local.stop().await;
    Ok(())
}
