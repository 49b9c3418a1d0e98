//! JSON-RPC figures on loopback: requests per second for `eth_call` (a Stylus view) and
//! `eth_sendRawTransaction` (signed transfers, each mined in its own block), and the time to
//! deploy + activate one Stylus program over JSON-RPC (alloy provider, receipts awaited).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::Encodable2718;
use alloy::network::{EthereumWallet, TransactionBuilder, TxSignerSync};
use alloy::primitives::{address, Address, Bytes, TxKind, B256, U256};
use alloy::providers::{Provider, ProviderBuilder, RootProvider};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::transports::http::reqwest::Url;
use anyhow::Context as _;
use crossnet_devnode::chain::DEFAULT_BASEFEE;
use crossnet_devnode::{rpc, Chain, DEV_ADDRESS, DEV_PRIVATE_KEY};

sol! {
    #[sol(rpc)]
    interface Counter {
        function number() external view returns (uint256);
    }
    #[sol(rpc)]
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    }
}

const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");

/// `crossnet-bench rpc` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// `eth_call` requests in all.
    #[arg(long, default_value_t = 20_000)]
    calls: usize,
    /// `eth_sendRawTransaction` requests in all.
    #[arg(long, default_value_t = 5_000)]
    transactions: usize,
    /// Deploy + activate runs (each on a fresh chain).
    #[arg(long, default_value_t = 5)]
    deploys: usize,
}

struct Server {
    chain: Arc<Mutex<Chain>>,
    handle: rpc::ServerHandle,
    url: Url,
}

fn server() -> anyhow::Result<Server> {
    let chain = Arc::new(Mutex::new(Chain::dev()));
    let handle = rpc::spawn(chain.clone(), "127.0.0.1:0".parse()?)?;
    let url = handle.url().parse()?;
    Ok(Server { chain, handle, url })
}

fn counter_code() -> anyhow::Result<Vec<u8>> {
    let path = crossnet_devnode::target_dir().join("wasm/devnode-stylus-counter.code");
    std::fs::read(&path).with_context(|| {
        format!("reading {}: build the fixtures with `bash script/build-wasm.sh`", path.display())
    })
}

/// Deploys (prelude) and activates the counter over JSON-RPC; returns its address.
async fn deploy_and_activate(url: &Url, code: &[u8]) -> anyhow::Result<Address> {
    let signer: PrivateKeySigner = PrivateKeySigner::from_bytes(&DEV_PRIVATE_KEY)?;
    let provider =
        ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url.clone());
    let init = Bytes::from(crossnet_wasm::deploy_prelude(code));
    let deploy = TransactionRequest::default().with_deploy_code(init);
    let receipt = provider.send_transaction(deploy).await?.get_receipt().await?;
    let program = receipt.contract_address.context("no contract address")?;
    let arb_wasm = ArbWasm::new(ARB_WASM, &provider);
    let fee = arb_wasm
        .activateProgram(program)
        .from(DEV_ADDRESS)
        .value(U256::from(10).pow(U256::from(18)))
        .call()
        .await?
        .dataFee;
    let receipt = arb_wasm.activateProgram(program).value(fee).send().await?.get_receipt().await?;
    anyhow::ensure!(receipt.status(), "activation failed");
    Ok(program)
}

/// Runs `job(provider, client, i)` `total / clients` times in each of `clients` concurrent
/// tasks, each with its own provider (one HTTP connection pool per client).
async fn rps<F, Fut>(
    url: &Url,
    clients: usize,
    total: usize,
    job: F,
) -> anyhow::Result<(Duration, f64)>
where
    F: Fn(RootProvider, usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let per_client = total / clients.max(1);
    let providers: Vec<RootProvider> =
        (0..clients).map(|_| ProviderBuilder::default().connect_http(url.clone())).collect();
    // Warm the connections up.
    for provider in &providers {
        provider.get_chain_id().await?;
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (client, provider) in providers.into_iter().enumerate() {
        let job = job.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per_client {
                job(provider.clone(), client, i).await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = started.elapsed();
    Ok((elapsed, (per_client * clients) as f64 / elapsed.as_secs_f64()))
}

/// Runs the benchmark and prints its table.
///
/// # Errors
/// A missing fixture, a server that cannot start, or a failed request.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: &Args) -> anyhow::Result<()> {
    let code = counter_code()?;
    let clients = args.clients.max(1);

    // Deploy + activate, each on a fresh chain.
    let mut deploys = Vec::new();
    for _ in 0..args.deploys.max(1) {
        let server = server()?;
        let started = Instant::now();
        deploy_and_activate(&server.url, &code).await?;
        deploys.push(started.elapsed());
        server.handle.shutdown().await;
    }
    deploys.sort();
    let deploy_median = deploys[deploys.len() / 2];

    // eth_call of a Stylus view.
    let server = server()?;
    let program = deploy_and_activate(&server.url, &code).await?;
    let (call_time, call_rps) =
        rps(&server.url, clients, args.calls, move |provider, _, _| async move {
            let n = Counter::new(program, &provider).number().call().await?;
            anyhow::ensure!(n == U256::ZERO);
            Ok(())
        })
        .await?;

    // The same over a code-less account: transport and dispatch alone.
    let (plain_time, plain_rps) =
        rps(&server.url, clients, args.calls, move |provider, _, _| async move {
            let call = TransactionRequest::default().to(Address::repeat_byte(0x11));
            anyhow::ensure!(provider.call(call).await?.is_empty());
            Ok(())
        })
        .await?;

    // eth_sendRawTransaction: signed transfers from one key per client, signed up front.
    let signers: Vec<PrivateKeySigner> = (1..=clients)
        .map(|i| PrivateKeySigner::from_bytes(&B256::from(U256::from(1000 + i))))
        .collect::<Result<_, _>>()?;
    {
        let mut chain = server.chain.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        for s in &signers {
            chain.set_balance(s.address(), U256::from(10).pow(U256::from(21)));
        }
    }
    let per_client = args.transactions / clients;
    let raws: Arc<Vec<Vec<Bytes>>> = Arc::new(
        signers
            .iter()
            .map(|signer| {
                (0..per_client)
                    .map(|nonce| {
                        let mut tx = TxEip1559 {
                            chain_id: crossnet_devnode::DEFAULT_CHAIN_ID,
                            nonce: nonce as u64,
                            gas_limit: 21_000,
                            max_fee_per_gas: u128::from(DEFAULT_BASEFEE) * 2,
                            max_priority_fee_per_gas: 0,
                            to: TxKind::Call(Address::repeat_byte(0x5e)),
                            value: U256::from(1),
                            ..TxEip1559::default()
                        };
                        let signature = signer.sign_transaction_sync(&mut tx)?;
                        Ok(Bytes::from(TxEnvelope::from(tx.into_signed(signature)).encoded_2718()))
                    })
                    .collect::<anyhow::Result<Vec<Bytes>>>()
            })
            .collect::<anyhow::Result<_>>()?,
    );
    let blocks_before =
        server.chain.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.block_number();
    let (tx_time, tx_rps) =
        rps(&server.url, clients, per_client * clients, move |provider, client, i| {
            let raw = raws[client][i].clone();
            async move {
                let _pending = provider.send_raw_transaction(&raw).await?;
                Ok(())
            }
        })
        .await?;
    let mined = server.chain.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.block_number()
        - blocks_before;
    server.handle.shutdown().await;

    let profile = if cfg!(debug_assertions) { "dev" } else { "release" };
    println!("JSON-RPC on loopback ({clients} clients, {profile} build)");
    println!("| measure                           | requests | time      | figure         |");
    println!("|-----------------------------------|---------:|----------:|---------------:|");
    println!(
        "| eth_call (Stylus view)            | {:>8} | {:>8.2}s | {:>9.0} req/s |",
        args.calls / clients * clients,
        call_time.as_secs_f64(),
        call_rps
    );
    println!(
        "| eth_call (account without code)   | {:>8} | {:>8.2}s | {:>9.0} req/s |",
        args.calls / clients * clients,
        plain_time.as_secs_f64(),
        plain_rps
    );
    println!(
        "| eth_sendRawTransaction (transfer) | {:>8} | {:>8.2}s | {:>9.0} req/s |",
        per_client * clients,
        tx_time.as_secs_f64(),
        tx_rps
    );
    println!(
        "| deploy + activate (median of {})  | {:>8} | {:>8.1}ms | {:>11.1} ms |",
        deploys.len(),
        deploys.len(),
        deploy_median.as_secs_f64() * 1e3,
        deploy_median.as_secs_f64() * 1e3
    );
    println!("({mined} transactions mined, one block each)");
    Ok(())
}
