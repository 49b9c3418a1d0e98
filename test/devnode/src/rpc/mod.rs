//! HTTP JSON-RPC for devnode chains (feature `rpc`): what Foundry's `cast`, alloy providers and
//! `cargo stylus` need from a Nitro devnode, plus the anvil/hardhat test helpers.
//!
//! ```no_run
//! use std::sync::{Arc, Mutex};
//! use crossnet_devnode::{rpc, Chain};
//!
//! let chain = Arc::new(Mutex::new(Chain::dev()));
//! // Its own thread and runtime: usable from sync and async code alike.
//! let server = rpc::spawn(chain.clone(), "127.0.0.1:0".parse().expect("addr")).expect("bind");
//! println!("cast block-number --rpc-url {}", server.url());
//! server.stop();
//! ```
//!
//! # Methods
//! * node: `web3_clientVersion`, `web3_sha3`, `net_version`, `net_listening`, `net_peerCount`,
//!   `eth_chainId`, `eth_syncing`, `eth_mining`, `eth_hashrate`, `eth_coinbase`,
//!   `eth_accounts`;
//! * fees: `eth_gasPrice`, `eth_maxPriorityFeePerGas` (0: Arbitrum drops priority fees),
//!   `eth_feeHistory` (`baseFeePerGas` with n+1 entries, zero `reward`s);
//! * blocks: `eth_blockNumber`, `eth_getBlockByNumber`, `eth_getBlockByHash`,
//!   `eth_getBlockReceipts`, `eth_getBlockTransactionCountBy{Number,Hash}`,
//!   `eth_getUncle*` (none);
//! * state (block tag, number, hash or EIP-1898 object): `eth_getBalance`,
//!   `eth_getTransactionCount` (`pending` counts pooled transactions), `eth_getCode`,
//!   `eth_getStorageAt`, `eth_getProof`;
//! * execution: `eth_call` and `eth_estimateGas` (block + state overrides: `balance`,
//!   `nonce`, `code`, `state`, `stateDiff`), `eth_sendRawTransaction`, `eth_sendTransaction`
//!   (from unlocked keys, signed; from impersonated accounts, unsigned);
//! * transactions: `eth_getTransactionReceipt` (with Nitro's `gasUsedForL1`,
//!   `l1BlockNumber`), `eth_getTransactionByHash`, `eth_getTransactionByBlock{Number,Hash}AndIndex`,
//!   `eth_getRawTransactionByHash`;
//! * logs: `eth_getLogs`, `eth_newFilter`, `eth_newBlockFilter`,
//!   `eth_newPendingTransactionFilter`, `eth_getFilterChanges`, `eth_getFilterLogs`,
//!   `eth_uninstallFilter`;
//! * test helpers: `evm_snapshot`, `evm_revert`, `evm_mine`, `evm_increaseTime`,
//!   `evm_setNextBlockTimestamp`, `evm_setAutomine`, `anvil_mine`, `anvil_setBalance`,
//!   `anvil_setCode`, `anvil_setNonce`, `anvil_setStorageAt`, `anvil_impersonateAccount`,
//!   `anvil_stopImpersonatingAccount`, `anvil_getAutomine` (and the `hardhat_*` / `anvil_*`
//!   aliases of each);
//! * `crossnet_dumpState` / `crossnet_loadState`: the chain as a [`crate::ChainDump`].
//!
//! Errors follow geth: a revert is `{code: 3, message: "execution reverted[: reason]", data}`;
//! an invalid transaction (nonce, balance, signature, chain id) is `-32000` with the reason;
//! malformed JSON `-32700`, not a request `-32600`, unknown method `-32601`, wrong params
//! `-32602`. Requests may be batched. Requests send `input`, `data` or both.
//!
//! # Mining
//! By default every transaction is mined at once in its own block (automine). With
//! [`RpcOptions::automine`] off, transactions wait in a pool (a nonce must follow the sender's
//! pending nonce: gaps are refused) until `evm_mine`, or the next tick of
//! [`RpcOptions::block_time`]; each pooled transaction still gets its own block, as on
//! Arbitrum, and a tick with an empty pool mines an empty block.

mod convert;
mod error;
mod methods;
mod node;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alloy_primitives::B256;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::{oneshot, watch, Semaphore};

pub use error::RpcError;

use crate::{Chain, DEV_PRIVATE_KEY};
use methods::Params;
use node::Node;

/// Oversized bodies up to this many times the limit are read and dropped before the 413.
const DRAIN_FACTOR: usize = 4;

/// Reads and drops up to `cap` bytes of `body`, frame by frame (never buffered).
async fn drain(body: Body, cap: usize) {
    use axum::body::HttpBody as _;
    let mut body = std::pin::pin!(body);
    let mut seen = 0usize;
    while let Some(Ok(frame)) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        seen += frame.data_ref().map_or(0, |d| d.len());
        if seen >= cap {
            break;
        }
    }
}

/// How long a graceful shutdown waits for open requests before closing connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Server settings.
#[derive(Debug, Clone)]
pub struct RpcOptions {
    /// Mine every transaction as it arrives (default `true`). When off, transactions wait in
    /// a pool for `evm_mine` or the [`Self::block_time`] tick.
    pub automine: bool,
    /// Mine the pool (or an empty block) at this interval.
    pub block_time: Option<Duration>,
    /// Largest request body in bytes (default 8 MiB); larger ones get a JSON-RPC error and
    /// HTTP 413.
    pub max_body_bytes: usize,
    /// Most requests in one batch (default 1 000).
    pub max_batch: usize,
    /// Most request bodies handled at once (default 64); more wait.
    pub max_concurrency: usize,
    /// Private keys of the unlocked accounts (`eth_accounts`, `eth_sendTransaction`);
    /// default: the Nitro dev key.
    pub unlocked: Vec<B256>,
    /// `web3_clientVersion`.
    pub client_version: String,
}

impl Default for RpcOptions {
    fn default() -> Self {
        Self {
            automine: true,
            block_time: None,
            max_body_bytes: 8 << 20,
            max_batch: 1_000,
            max_concurrency: 64,
            unlocked: vec![DEV_PRIVATE_KEY],
            client_version: format!("crossnet-devnode/v{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A running server. Dropping it asks the server to stop (without waiting).
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    done: Option<oneshot::Receiver<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ServerHandle {
    /// The bound address (the real port when bound to port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, lets open ones finish (up to 5 s) and waits for the server
    /// to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }

    /// [`Self::shutdown`] for synchronous code. For a server started with [`serve`], call it
    /// from outside that server's runtime (or use [`Self::shutdown`]).
    pub fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        } else if let Some(done) = self.done.take() {
            let _ = done.blocking_recv();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// Serves `chain` at `addr` on the current tokio runtime, with default options.
///
/// # Errors
/// When `addr` cannot be bound.
pub async fn serve(chain: Arc<Mutex<Chain>>, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    serve_with(chain, addr, RpcOptions::default()).await
}

/// Serves `chain` at `addr` on the current tokio runtime.
///
/// # Errors
/// When `addr` cannot be bound.
pub async fn serve_with(
    chain: Arc<Mutex<Chain>>,
    addr: SocketAddr,
    options: RpcOptions,
) -> std::io::Result<ServerHandle> {
    let (addr, shutdown, done) = start(chain, addr, options).await?;
    Ok(ServerHandle { addr, shutdown, done: Some(done), thread: None })
}

/// Binds and spawns the server on the current runtime: its address, the shutdown switch and
/// the end signal.
async fn start(
    chain: Arc<Mutex<Chain>>,
    addr: SocketAddr,
    options: RpcOptions,
) -> std::io::Result<(SocketAddr, watch::Sender<bool>, oneshot::Receiver<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (done_tx, done) = oneshot::channel();
    let permits = Arc::new(Semaphore::new(options.max_concurrency.max(1)));
    let block_time = options.block_time;
    let node = Arc::new(Node::new(chain, options));
    if let Some(interval) = block_time {
        tokio::spawn(mine_every(node.clone(), interval, shutdown_rx.clone()));
    }
    let app = Router::new().fallback(handle).with_state(AppState { node, permits });
    tokio::spawn(async move {
        let mut graceful_rx = shutdown_rx.clone();
        let mut force_rx = shutdown_rx;
        let graceful = async move {
            let _ = graceful_rx.wait_for(|stop| *stop).await;
        };
        let server = axum::serve(listener, app).with_graceful_shutdown(graceful);
        tokio::select! {
            result = server => {
                if let Err(e) = result {
                    tracing::warn!("JSON-RPC server at {addr} failed: {e}");
                }
            }
            () = async {
                let _ = force_rx.wait_for(|stop| *stop).await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => tracing::warn!("JSON-RPC server at {addr}: closing lingering connections"),
        }
        let _ = done_tx.send(());
    });
    tracing::debug!("JSON-RPC server listening on http://{addr}");
    Ok((addr, shutdown, done))
}

/// Serves `chain` at `addr` on a new thread with its own tokio runtime, with default
/// options; works from synchronous and asynchronous code.
///
/// # Errors
/// When `addr` cannot be bound or the runtime cannot start.
pub fn spawn(chain: Arc<Mutex<Chain>>, addr: SocketAddr) -> std::io::Result<ServerHandle> {
    spawn_with(chain, addr, RpcOptions::default())
}

/// [`spawn`] with options.
///
/// # Errors
/// When `addr` cannot be bound or the runtime cannot start.
pub fn spawn_with(
    chain: Arc<Mutex<Chain>>,
    addr: SocketAddr,
    options: RpcOptions,
) -> std::io::Result<ServerHandle> {
    let (tx, rx) = std::sync::mpsc::channel();
    let thread =
        std::thread::Builder::new().name(format!("devnode-rpc-{addr}")).spawn(move || {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("devnode-rpc")
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                match start(chain, addr, options).await {
                    Ok((addr, shutdown, done)) => {
                        let _ = tx.send(Ok((addr, shutdown)));
                        let _ = done.await;
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })?;
    let (addr, shutdown) = rx
        .recv()
        .map_err(|_| std::io::Error::other("JSON-RPC server thread ended before binding"))??;
    Ok(ServerHandle { addr, shutdown, done: None, thread: Some(thread) })
}

async fn mine_every(node: Arc<Node>, interval: Duration, mut stop: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(interval);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let node = node.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    let mut chain = node.chain();
                    let mut extra = node.extra();
                    node::mine_pool(&mut chain, &mut extra);
                })
                .await;
            }
            () = async { let _ = stop.wait_for(|s| *s).await; } => return,
        }
    }
}

#[derive(Clone)]
struct AppState {
    node: Arc<Node>,
    permits: Arc<Semaphore>,
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn error_response(status: StatusCode, error: &RpcError) -> Response {
    let body = json!({ "jsonrpc": "2.0", "id": Value::Null, "error": error.to_json() });
    json_response(status, body.to_string().into_bytes())
}

async fn handle(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &RpcError::invalid_request("JSON-RPC requests are POSTed"),
        );
    }
    let limit = state.node.options.max_body_bytes;
    let too_large =
        RpcError::invalid_request(format!("request body too large (limit {limit} bytes)"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(n) = declared.filter(|n| *n > limit) {
        // Read (and drop) a moderately oversized body first, so the client has finished
        // sending when the 413 arrives instead of hitting a closed connection mid-write.
        if n <= limit.saturating_mul(DRAIN_FACTOR) {
            drain(body, n).await;
        }
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, &too_large);
    }
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return error_response(StatusCode::PAYLOAD_TOO_LARGE, &too_large);
    };
    let Ok(_permit) = state.permits.acquire().await else {
        return error_response(StatusCode::SERVICE_UNAVAILABLE, &RpcError::server("shutting down"));
    };
    let node = state.node.clone();
    match tokio::task::spawn_blocking(move || process(&node, &bytes)).await {
        Ok(Some(body)) => json_response(StatusCode::OK, body),
        Ok(None) => StatusCode::OK.into_response(),
        Err(e) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &RpcError::internal(format!("request failed: {e}")),
        ),
    }
}

/// Handles one HTTP body: a request or a batch. `None` when nothing is to be answered (only
/// notifications).
fn process(node: &Node, body: &[u8]) -> Option<Vec<u8>> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Some(response(Value::Null, Err(RpcError::parse(e))).to_string().into_bytes())
        }
    };
    let answer = match value {
        Value::Array(items) if items.is_empty() => {
            response(Value::Null, Err(RpcError::invalid_request("empty batch")))
        }
        Value::Array(items) if items.len() > node.options.max_batch => response(
            Value::Null,
            Err(RpcError::invalid_request(format!(
                "batch too large (at most {} requests)",
                node.options.max_batch
            ))),
        ),
        Value::Array(items) => {
            let answers: Vec<Value> = items.into_iter().filter_map(|r| one(node, r)).collect();
            if answers.is_empty() {
                return None;
            }
            Value::Array(answers)
        }
        request => one(node, request)?,
    };
    Some(answer.to_string().into_bytes())
}

fn response(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(error) => json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() }),
    }
}

/// Handles one request object; `None` for a notification (no `id`).
fn one(node: &Node, request: Value) -> Option<Value> {
    let Value::Object(mut request) = request else {
        return Some(response(
            Value::Null,
            Err(RpcError::invalid_request("not a JSON-RPC request")),
        ));
    };
    let id = request.remove("id");
    let id_value = match &id {
        None | Some(Value::Null | Value::Number(_) | Value::String(_)) => {
            id.clone().unwrap_or(Value::Null)
        }
        Some(_) => {
            return Some(response(Value::Null, Err(RpcError::invalid_request("invalid id"))));
        }
    };
    if request.get("jsonrpc").is_some_and(|v| v != "2.0") {
        return Some(response(id_value, Err(RpcError::invalid_request("jsonrpc must be \"2.0\""))));
    }
    let Some(Value::String(method)) = request.remove("method") else {
        return Some(response(id_value, Err(RpcError::invalid_request("missing method"))));
    };
    let result = Params::new(request.remove("params")).and_then(|params| {
        let started = std::time::Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            methods::dispatch(node, &method, &params)
        }))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!("{method} panicked: {what}");
            Err(RpcError::internal(format!("internal error in {method}: {what}")))
        });
        tracing::debug!(%method, elapsed = ?started.elapsed(), ok = result.is_ok());
        result
    });
    id.map(|_| response(id_value, result))
}
