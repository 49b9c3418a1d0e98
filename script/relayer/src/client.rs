//! One chain seen over JSON-RPC with a signing key: what deploy, relay and demo need, with
//! errors a user can act on (unreachable endpoint, wrong chain id, too little balance, typed
//! reverts).

use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{
    EIP1186AccountProofResponse, Filter, Log, TransactionReceipt, TransactionRequest,
};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolEvent};
use alloy::transports::{RpcError, TransportErrorKind};
use anyhow::{bail, Context as _};
use std::future::IntoFuture as _;

use crate::bindings::{describe_revert, IArbWasm, IStylusDeployer};

/// ArbWasm precompile.
pub const ARB_WASM: Address =
    alloy::primitives::address!("0000000000000000000000000000000000000071");
/// StylusDeployer (Nitro devnode genesis address).
pub const STYLUS_DEPLOYER: Address =
    alloy::primitives::address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// Selector of the SDK's `stylus_constructor()` entry.
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];

/// Blocks per `eth_getLogs` request when scanning long ranges.
pub const LOG_RANGE: u64 = 10_000;

/// How long a submitted transaction may take to be mined.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// A failed transaction or call.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// The EVM reverted with this data (decoded in the message when it is a known error).
    #[error("{}", describe_revert(.0))]
    Reverted(Bytes),
    /// Mined but failed (status 0).
    #[error("transaction {0} was mined but failed")]
    Failed(B256),
    /// Anything else: transport, timeouts, node errors.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

fn from_rpc(e: RpcError<TransportErrorKind>) -> TxError {
    if let Some(data) = e.as_error_resp().and_then(|p| p.as_revert_data()) {
        return TxError::Reverted(data);
    }
    TxError::Other(anyhow::Error::new(e))
}

/// How often an idempotent read is retried after a transport failure (a dropped
/// connection, a reset), with 100 ms, 200 ms, ... between tries.
const READ_RETRIES: u32 = 4;

/// Runs the idempotent request `f` again after transport failures (never after a JSON-RPC
/// error answer, which is the node's verdict).
async fn retry<T, F, Fut>(mut f: F) -> Result<T, RpcError<TransportErrorKind>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RpcError<TransportErrorKind>>>,
{
    let mut attempt = 0;
    loop {
        match f().await {
            Err(RpcError::Transport(e)) if attempt < READ_RETRIES => {
                attempt += 1;
                tracing::debug!("transport error ({e}); retry {attempt}/{READ_RETRIES}");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            other => return other,
        }
    }
}

/// A block's header fields the roles use.
#[derive(Debug, Clone, Copy)]
pub struct BlockInfo {
    /// Number.
    pub number: u64,
    /// Hash.
    pub hash: B256,
    /// State root.
    pub state_root: B256,
    /// Timestamp.
    pub timestamp: u64,
}

/// A chain and the key that signs for it.
#[derive(Clone, Debug)]
pub struct Client {
    /// The provider (with the wallet).
    pub provider: DynProvider,
    /// Chain id (checked at connect).
    pub chain_id: u64,
    /// The signing account.
    pub from: Address,
    /// The endpoint.
    pub url: String,
    /// Signs transactions locally (so a transaction keeps its hash across resends).
    wallet: EthereumWallet,
}

impl Client {
    /// Connects to `url`, checks that it serves `chain_id`, and signs with `signer`.
    ///
    /// # Errors
    /// A malformed URL, an unreachable endpoint or another chain id.
    pub async fn connect(
        url: &str,
        chain_id: u64,
        signer: PrivateKeySigner,
    ) -> anyhow::Result<Self> {
        let parsed: alloy::transports::http::reqwest::Url =
            url.parse().with_context(|| format!("{url:?} is not a valid RPC URL"))?;
        let from = signer.address();
        let wallet = EthereumWallet::from(signer);
        // Transactions are filled and signed here (see `send_request`), so the provider only
        // reads and relays raw transactions.
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .wallet(wallet.clone())
            .connect_http(parsed)
            .erased();
        let actual = tokio::time::timeout(
            Duration::from_secs(10),
            retry(|| provider.get_chain_id().into_future()),
        )
        .await
        .map_err(|_| anyhow::anyhow!("RPC {url} did not answer within 10 s"))?
        .map_err(|e| anyhow::anyhow!("RPC {url} is unreachable: {e}"))?;
        if actual != chain_id {
            bail!("RPC {url} serves chain id {actual}, but the config expects {chain_id}");
        }
        Ok(Self { provider, chain_id, from, url: url.to_owned(), wallet })
    }

    /// The same chain, signing with `signer`.
    ///
    /// # Errors
    /// As [`Client::connect`].
    pub async fn with_signer(&self, signer: PrivateKeySigner) -> anyhow::Result<Self> {
        Self::connect(&self.url, self.chain_id, signer).await
    }

    /// Native balance of `account`.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn balance(&self, account: Address) -> anyhow::Result<U256> {
        Ok(retry(|| self.provider.get_balance(account).into_future()).await?)
    }

    /// Fails with a clear message when the signer holds less than `needed` wei.
    ///
    /// # Errors
    /// Too little balance, transport errors.
    pub async fn require_balance(&self, needed: U256, what: &str) -> anyhow::Result<()> {
        let have = self.balance(self.from).await?;
        if have < needed {
            bail!(
                "account {} on chain {} holds {have} wei, but {what} needs about {needed} wei",
                self.from,
                self.chain_id
            );
        }
        Ok(())
    }

    /// Sends `data` to `to` with `value` and waits for the receipt.
    ///
    /// # Errors
    /// [`TxError::Reverted`] when gas estimation reverts (nothing is sent then),
    /// [`TxError::Failed`] when it was mined but failed.
    pub async fn send(
        &self,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TransactionReceipt, TxError> {
        let hash = self.send_nowait(to, data, value, None).await?;
        self.wait(hash).await
    }

    /// Sends a typed call.
    ///
    /// # Errors
    /// As [`Client::send`].
    pub async fn send_sol<C: SolCall>(
        &self,
        to: Address,
        call: &C,
    ) -> Result<TransactionReceipt, TxError> {
        self.send(to, call.abi_encode(), U256::ZERO).await
    }

    /// Fills `tx` (gas estimate unless set, the pending nonce read from the node, EIP-1559
    /// fees, chain id), signs it once and sends the raw bytes; returns its hash once the node
    /// has it. A send whose answer was lost is retried with the same bytes (same hash), and a
    /// node that already holds the transaction counts as accepted, so a dropped connection
    /// never produces a second transaction.
    async fn send_request(&self, tx: TransactionRequest) -> Result<B256, TxError> {
        let mut tx = tx.with_chain_id(self.chain_id);
        if tx.gas.is_none() {
            let est = retry(|| self.provider.estimate_gas(tx.clone()).into_future())
                .await
                .map_err(from_rpc)?;
            tx.set_gas_limit(est);
        }
        let nonce =
            retry(|| self.provider.get_transaction_count(self.from).pending().into_future())
                .await
                .map_err(from_rpc)?;
        let fees = retry(|| self.provider.estimate_eip1559_fees()).await.map_err(from_rpc)?;
        let tx = tx
            .with_nonce(nonce)
            .with_max_fee_per_gas(fees.max_fee_per_gas)
            .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas);
        let envelope = tx.build(&self.wallet).await.context("signing the transaction")?;
        let hash = *envelope.tx_hash();
        let raw = alloy::eips::Encodable2718::encoded_2718(&envelope);
        match retry(|| self.provider.send_raw_transaction(&raw).into_future()).await {
            Ok(_) => Ok(hash),
            Err(e) => {
                let known = self.provider.get_transaction_by_hash(hash).await.ok().flatten();
                if known.is_some() {
                    Ok(hash)
                } else {
                    Err(from_rpc(e))
                }
            }
        }
    }

    /// Deploys EVM `init_code` (a creation transaction) and waits for the receipt.
    ///
    /// # Errors
    /// The creation's revert or failure.
    pub async fn deploy_code(&self, init_code: Bytes) -> Result<TransactionReceipt, TxError> {
        let tx = TransactionRequest::default().with_from(self.from).with_deploy_code(init_code);
        let hash = self.send_request(tx).await?;
        self.wait(hash).await
    }

    /// Sends `data` to `to` and returns the transaction hash once the node accepted it
    /// (gas estimated first: a revert sends nothing).
    ///
    /// # Errors
    /// [`TxError::Reverted`] when estimation reverts, transport errors.
    pub async fn send_nowait(
        &self,
        to: Address,
        data: Vec<u8>,
        value: U256,
        gas: Option<u64>,
    ) -> Result<B256, TxError> {
        let mut tx = TransactionRequest::default()
            .with_from(self.from)
            .with_to(to)
            .with_input(data)
            .with_value(value);
        if let Some(gas) = gas {
            tx = tx.with_gas_limit(gas);
        }
        self.send_request(tx).await
    }

    /// `eth_estimateGas` of `data` to `to` sent by `from`.
    ///
    /// # Errors
    /// The revert, transport errors.
    pub async fn estimate(
        &self,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<u64, TxError> {
        let tx = TransactionRequest::default().with_from(from).with_to(to).with_input(data);
        retry(|| self.provider.estimate_gas(tx.clone()).into_future()).await.map_err(from_rpc)
    }

    /// Waits for the receipt of `hash`.
    ///
    /// # Errors
    /// [`TxError::Failed`] when it failed, a timeout.
    pub async fn wait(&self, hash: B256) -> Result<TransactionReceipt, TxError> {
        let deadline = std::time::Instant::now() + RECEIPT_TIMEOUT;
        loop {
            if let Some(receipt) = self
                .provider
                .get_transaction_receipt(hash)
                .await
                .with_context(|| format!("waiting for transaction {hash}"))?
            {
                if !receipt.status() {
                    return Err(TxError::Failed(hash));
                }
                return Ok(receipt);
            }
            if std::time::Instant::now() > deadline {
                return Err(TxError::Other(anyhow::anyhow!(
                    "transaction {hash} not mined within {RECEIPT_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `eth_call` at the latest block.
    ///
    /// # Errors
    /// The revert, transport errors.
    pub async fn call(&self, to: Address, data: Vec<u8>) -> Result<Bytes, TxError> {
        self.call_from(self.from, to, data).await
    }

    /// `eth_call` at the latest block as `from` (any address).
    ///
    /// # Errors
    /// The revert, transport errors.
    pub async fn call_from(
        &self,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<Bytes, TxError> {
        let tx = TransactionRequest::default().with_from(from).with_to(to).with_input(data);
        retry(|| self.provider.call(tx.clone()).into_future()).await.map_err(from_rpc)
    }

    /// A typed `eth_call`.
    ///
    /// # Errors
    /// The revert, undecodable output.
    pub async fn call_sol<C: SolCall>(&self, to: Address, call: &C) -> Result<C::Return, TxError> {
        let out = self.call(to, call.abi_encode()).await?;
        C::abi_decode_returns(&out)
            .map_err(|e| TxError::Other(anyhow::anyhow!("decoding {}: {e}", C::SIGNATURE)))
    }

    /// Deploys the program `code` (`EF F0 00 ..` compressed WASM) and activates it; with
    /// `constructor_args` (ABI-encoded) a second deployment goes through StylusDeployer,
    /// which runs the constructor. Returns the address and the deploying transaction.
    ///
    /// # Errors
    /// Creation, activation or constructor failures.
    pub async fn deploy_program(
        &self,
        code: &[u8],
        constructor_args: Option<&[u8]>,
    ) -> Result<(Address, B256), TxError> {
        let init = Bytes::from(crossnet_wasm::deploy_prelude(code));
        let codehash = keccak256(code);
        let activated = self
            .call_sol(ARB_WASM, &IArbWasm::codehashVersionCall { codehash })
            .await
            .is_ok_and(|v| v > 0);
        let mut plain = None;
        if !activated || constructor_args.is_none() {
            let receipt = self.deploy_code(init.clone()).await?;
            let program =
                receipt.contract_address.context("the creation receipt has no contract address")?;
            if !activated {
                self.activate(program).await?;
            }
            plain = Some((program, receipt.transaction_hash));
        }
        let Some(args) = constructor_args else {
            return plain.context("deployed").map_err(TxError::Other);
        };
        let mut init_data = CONSTRUCTOR_SELECTOR.to_vec();
        init_data.extend_from_slice(args);
        let call = IStylusDeployer::deployCall {
            bytecode: init,
            initData: init_data.into(),
            initValue: U256::ZERO,
            salt: B256::ZERO,
        };
        let receipt = self.send_sol(STYLUS_DEPLOYER, &call).await?;
        let deployed = receipt
            .inner
            .logs()
            .iter()
            .find_map(|l| IStylusDeployer::ContractDeployed::decode_log_data(l.data()).ok())
            .context("StylusDeployer emitted no ContractDeployed")?;
        Ok((deployed.deployedContract, receipt.transaction_hash))
    }

    /// Activates the program at `program`, paying the data fee ArbWasm asks for (an
    /// `eth_call` first; ArbWasm refunds any excess).
    ///
    /// # Errors
    /// ArbWasm's refusal.
    pub async fn activate(&self, program: Address) -> Result<B256, TxError> {
        let probe = IArbWasm::activateProgramCall { program }.abi_encode();
        let budget = U256::from(10u64).pow(U256::from(17u64));
        let tx = TransactionRequest::default()
            .with_from(self.from)
            .with_to(ARB_WASM)
            .with_input(probe.clone())
            .with_value(budget);
        let out = self.provider.call(tx).await.map_err(from_rpc)?;
        let fee = IArbWasm::activateProgramCall::abi_decode_returns(&out)
            .map_err(|e| TxError::Other(anyhow::anyhow!("decoding activateProgram: {e}")))?
            .dataFee;
        let value = fee + fee / U256::from(10u64);
        self.require_balance(value, "activating a program").await?;
        let receipt = self.send(ARB_WASM, probe, value).await?;
        Ok(receipt.transaction_hash)
    }

    /// Code at `address`.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn code(&self, address: Address) -> anyhow::Result<Bytes> {
        Ok(retry(|| self.provider.get_code_at(address).into_future()).await?)
    }

    /// Latest block number.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn block_number(&self) -> anyhow::Result<u64> {
        Ok(retry(|| self.provider.get_block_number()).await?)
    }

    /// Header fields of block `number` (`None`: latest).
    ///
    /// # Errors
    /// Transport errors, an unknown block.
    pub async fn block(&self, number: Option<u64>) -> anyhow::Result<BlockInfo> {
        let tag = number.map_or(BlockNumberOrTag::Latest, BlockNumberOrTag::Number);
        let block = retry(|| self.provider.get_block_by_number(tag).into_future())
            .await?
            .with_context(|| format!("chain {} has no block {tag}", self.chain_id))?;
        Ok(BlockInfo {
            number: block.header.number,
            hash: block.header.hash,
            state_root: block.header.state_root,
            timestamp: block.header.timestamp,
        })
    }

    /// Logs of `address` (optionally only `event`) in blocks `from..=to`.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn logs(
        &self,
        address: Address,
        event: Option<B256>,
        from: u64,
        to: u64,
    ) -> anyhow::Result<Vec<Log>> {
        let mut filter = Filter::new().address(address).from_block(from).to_block(to);
        if let Some(topic) = event {
            filter = filter.event_signature(topic);
        }
        Ok(retry(|| self.provider.get_logs(&filter)).await?)
    }

    /// The number of the newest final block under `finality` (see
    /// [`crate::config::Finality`]).
    ///
    /// # Errors
    /// Transport errors, a chain without the tag.
    pub async fn final_head(&self, finality: crate::config::Finality) -> anyhow::Result<u64> {
        use crate::config::Finality;
        let tag = match finality {
            Finality::Finalized => BlockNumberOrTag::Finalized,
            Finality::Safe => BlockNumberOrTag::Safe,
            Finality::Confirmations(n) => return Ok(self.block_number().await?.saturating_sub(n)),
        };
        let block = retry(|| self.provider.get_block_by_number(tag).into_future())
            .await?
            .with_context(|| {
                format!(
                    "chain {} has no `{tag}` block (set `finality` to a number of confirmations)",
                    self.chain_id
                )
            })?;
        Ok(block.header.number)
    }

    /// Logs of `address` whose first topic is one of `events` (and second topic `topic1` when
    /// given) in blocks `from..=to`, in chain order, fetched in ranges of
    /// [`LOG_RANGE`] blocks.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn logs_matching(
        &self,
        address: Address,
        events: &[B256],
        topic1: Option<B256>,
        from: u64,
        to: u64,
    ) -> anyhow::Result<Vec<Log>> {
        let mut out = Vec::new();
        let mut start = from;
        while start <= to {
            let end = to.min(start.saturating_add(LOG_RANGE - 1));
            let mut filter = Filter::new()
                .address(address)
                .from_block(start)
                .to_block(end)
                .event_signature(events.to_vec());
            if let Some(topic) = topic1 {
                filter = filter.topic1(topic);
            }
            out.extend(retry(|| self.provider.get_logs(&filter)).await?);
            start = end + 1;
        }
        out.sort_by_key(|l| (l.block_number, l.log_index));
        Ok(out)
    }

    /// Decoded `E` events of `address` in blocks `from..=to`, with their logs.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn events<E: SolEvent>(
        &self,
        address: Address,
        from: u64,
        to: u64,
    ) -> anyhow::Result<Vec<(E, Log)>> {
        let logs = self.logs(address, Some(E::SIGNATURE_HASH), from, to).await?;
        Ok(logs
            .into_iter()
            .filter_map(|l| E::decode_log_data(l.data()).ok().map(|e| (e, l)))
            .collect())
    }

    /// `eth_getProof(address, slots, number)`.
    ///
    /// # Errors
    /// Transport errors, a pruned block.
    pub async fn proof(
        &self,
        address: Address,
        slots: Vec<B256>,
        number: u64,
    ) -> anyhow::Result<EIP1186AccountProofResponse> {
        Ok(retry(|| self.provider.get_proof(address, slots.clone()).number(number).into_future())
            .await?)
    }
}

/// The events `E` in `receipt`.
#[must_use]
pub fn receipt_events<E: SolEvent>(receipt: &TransactionReceipt) -> Vec<E> {
    receipt.inner.logs().iter().filter_map(|l| E::decode_log_data(l.data()).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genesis_addresses_match_the_devnode_succeeds() {
        assert_eq!(ARB_WASM, crossnet_devnode::precompiles::ARB_WASM);
        assert_eq!(STYLUS_DEPLOYER, crossnet_devnode::STYLUS_DEPLOYER);
        assert_eq!(CONSTRUCTOR_SELECTOR, crossnet_devnode::CONSTRUCTOR_SELECTOR);
    }
}
