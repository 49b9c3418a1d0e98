//! The [`Node`] of a chain reached over JSON-RPC only: `crossnet devnode`, a Nitro devnode or
//! any Stylus chain. It signs with its own funded accounts and uses the same client code as
//! `crossnet deploy` and `crossnet relay`.

use std::sync::{Arc, Mutex};

use alloy::primitives::{keccak256, Address, Bytes, Log, B256, U256};
use alloy::providers::Provider as _;
use alloy::rpc::types::{EIP1186AccountProofResponse, TransactionReceipt};
use alloy::signers::local::PrivateKeySigner;
use crossnet_devnode::rpc::ServerHandle;
use crossnet_relayer::client::{Client, TxError as ClientError};

use crate::node::{Node, TxError, TxReceipt};

/// Accounts a suite may send from (the funder first).
const ACCOUNTS: usize = 10;
/// Gas added to every estimate.
const EXTRA_GAS: u64 = 2_000_000;
/// Most gas a transaction gets.
const MAX_GAS: u64 = 30_000_000;

/// A chain over JSON-RPC.
pub struct Rpc {
    runtime: tokio::runtime::Runtime,
    clients: Vec<Client>,
    chain_id: u64,
    _server: Option<ServerHandle>,
}

fn from_client(e: ClientError) -> TxError {
    match e {
        ClientError::Reverted(data) => TxError::Reverted(data),
        other => TxError::Failed(other.to_string()),
    }
}

fn failed(e: impl std::fmt::Display) -> TxError {
    TxError::Failed(e.to_string())
}

impl Rpc {
    /// Connects to `url`; `funder` (default: `CROSSNET_E2E_FUNDER_KEY` or the Nitro dev key)
    /// funds nine more accounts.
    ///
    /// # Errors
    /// An unreachable endpoint, a funding failure.
    pub fn connect(url: &str, funder: Option<PrivateKeySigner>) -> Result<Self, TxError> {
        Self::connect_with(url, funder, None)
    }

    /// Serves a fresh devnode chain `chain_id` on loopback and connects to it.
    ///
    /// # Errors
    /// When the server cannot start.
    pub fn spawn_devnode(chain_id: u64) -> Result<Self, TxError> {
        let config = crossnet_devnode::ChainConfig::with_chain_id(chain_id);
        let chain = Arc::new(Mutex::new(crossnet_devnode::Chain::new(config)));
        let addr = "127.0.0.1:0".parse().map_err(failed)?;
        let server = crossnet_devnode::rpc::spawn(chain, addr).map_err(failed)?;
        let url = server.url();
        Self::connect_with(&url, None, Some(server))
    }

    fn connect_with(
        url: &str,
        funder: Option<PrivateKeySigner>,
        server: Option<ServerHandle>,
    ) -> Result<Self, TxError> {
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(failed)?;
        let funder = match funder {
            Some(k) => k,
            None => match std::env::var("CROSSNET_E2E_FUNDER_KEY") {
                Ok(k) => k.trim().parse().map_err(failed)?,
                Err(_) => PrivateKeySigner::from_bytes(&crossnet_devnode::DEV_PRIVATE_KEY)
                    .map_err(failed)?,
            },
        };
        let clients = runtime.block_on(async {
            let probe =
                alloy::providers::ProviderBuilder::new().connect_http(url.parse().map_err(failed)?);
            let chain_id = probe.get_chain_id().await.map_err(failed)?;
            let first = Client::connect(url, chain_id, funder).await.map_err(failed)?;
            let mut clients = vec![first.clone()];
            for i in 1..ACCOUNTS {
                let key = PrivateKeySigner::from_bytes(&keccak256(format!("crossnet e2e {i}")))
                    .map_err(failed)?;
                let client = first.with_signer(key).await.map_err(failed)?;
                let want = U256::from(10u128.pow(20));
                let have = client.balance(client.from).await.map_err(failed)?;
                if have < want {
                    first.send(client.from, Vec::new(), want - have).await.map_err(from_client)?;
                }
                clients.push(client);
            }
            Ok::<_, TxError>(clients)
        })?;
        let chain_id = clients[0].chain_id;
        Ok(Self { runtime, clients, chain_id, _server: server })
    }

    /// Sends from `from` with exactly `gas` and waits for the receipt.
    fn transact(
        &self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
        gas: u64,
    ) -> Result<TxReceipt, TxError> {
        let client = self.client(from)?.clone();
        self.runtime
            .block_on(async {
                let hash = client.send_nowait(to, data, value, Some(gas)).await?;
                client.wait(hash).await
            })
            .map(|r| convert(&r))
            .map_err(from_client)
    }

    fn client(&self, from: Address) -> Result<&Client, TxError> {
        self.clients
            .iter()
            .find(|c| c.from == from)
            .ok_or_else(|| TxError::Failed(format!("{from} is not an account of this node")))
    }
}

fn convert(receipt: &TransactionReceipt) -> TxReceipt {
    TxReceipt {
        hash: receipt.transaction_hash,
        block_number: receipt.block_number.unwrap_or_default(),
        gas_used: receipt.gas_used,
        logs: receipt.inner.logs().iter().map(|l| l.inner.clone()).collect::<Vec<Log>>(),
    }
}

impl Node for Rpc {
    fn chain_id(&self) -> u64 {
        self.chain_id
    }

    fn accounts(&self) -> Vec<Address> {
        self.clients.iter().map(|c| c.from).collect()
    }

    fn deploy(
        &mut self,
        from: Address,
        name: &str,
        constructor_args: Option<Vec<u8>>,
    ) -> Result<Address, TxError> {
        let code = crossnet_devnode::load_code(&crossnet_devnode::wasm_artifact(name))?;
        let client = self.client(from)?.clone();
        self.runtime
            .block_on(client.deploy_program(&code, constructor_args.as_deref()))
            .map(|(address, _)| address)
            .map_err(from_client)
    }

    fn deploy_evm(&mut self, from: Address, init_code: Vec<u8>) -> Result<Address, TxError> {
        let client = self.client(from)?.clone();
        let receipt =
            self.runtime.block_on(client.deploy_code(init_code.into())).map_err(from_client)?;
        receipt.contract_address.ok_or_else(|| TxError::Failed("no contract address".into()))
    }

    fn send(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TxReceipt, TxError> {
        // Like the embedded node, give transactions ample gas: a bare estimate is the least gas
        // that does not revert, and messengers record a target that ran out of gas as failed
        // instead of reverting. The estimate still surfaces reverts.
        let client = self.client(from)?.clone();
        let est = self.runtime.block_on(client.estimate(from, to, data.clone()));
        let gas = est.map_err(from_client)?.saturating_add(EXTRA_GAS).min(MAX_GAS);
        self.transact(from, to, data, value, gas)
    }

    fn send_with_gas(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        gas: u64,
    ) -> Result<TxReceipt, TxError> {
        self.transact(from, to, data, U256::ZERO, gas)
    }

    fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<Bytes, TxError> {
        let client = self.clients[0].clone();
        self.runtime.block_on(client.call_from(from, to, data)).map_err(from_client)
    }

    fn estimate_gas(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<u64, TxError> {
        let client = self.clients[0].clone();
        self.runtime.block_on(client.estimate(from, to, data)).map_err(from_client)
    }

    fn block_number(&mut self) -> u64 {
        let client = self.clients[0].clone();
        self.runtime.block_on(client.block_number()).unwrap_or_default()
    }

    fn timestamp(&mut self) -> u64 {
        let client = self.clients[0].clone();
        self.runtime.block_on(client.block(None)).map(|b| b.timestamp).unwrap_or_default()
    }

    fn state_root(&mut self, number: u64) -> B256 {
        let client = self.clients[0].clone();
        self.runtime.block_on(client.block(Some(number))).map(|b| b.state_root).unwrap_or_default()
    }

    fn proof(
        &mut self,
        address: Address,
        slots: &[B256],
        number: u64,
    ) -> Result<EIP1186AccountProofResponse, TxError> {
        let client = self.clients[0].clone();
        self.runtime.block_on(client.proof(address, slots.to_vec(), number)).map_err(failed)
    }

    fn advance_time(&mut self, seconds: u64) {
        let client = self.clients[0].clone();
        self.runtime.block_on(async {
            let warped: Result<serde_json::Value, _> =
                client.provider.raw_request("evm_increaseTime".into(), (seconds,)).await;
            if warped.is_err() {
                // A chain without test helpers (Nitro): wait for real.
                tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
            }
            let mined: Result<serde_json::Value, _> =
                client.provider.raw_request("evm_mine".into(), ()).await;
            if mined.is_err() {
                let _ = client.send(client.from, Vec::new(), U256::ZERO).await;
            }
        });
    }
}
