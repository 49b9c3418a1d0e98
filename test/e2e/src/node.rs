//! The chain a suite runs on: one trait, implemented by the embedded devnode (default) and,
//! through JSON-RPC, by `crossnet devnode` or a Nitro devnode.

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use crossnet_devnode::{BlockId, Chain, ChainConfig, ChainError, TxRequest};

/// A mined transaction.
#[derive(Debug, Clone)]
pub struct TxReceipt {
    /// Transaction hash.
    pub hash: B256,
    /// Block it was mined in.
    pub block_number: u64,
    /// Gas used.
    pub gas_used: u64,
    /// Logs, in order.
    pub logs: Vec<Log>,
}

impl TxReceipt {
    /// The logs decoded as `E` (others skipped).
    #[must_use]
    pub fn events<E: SolEvent>(&self) -> Vec<E> {
        self.logs.iter().filter_map(|l| E::decode_log_data(&l.data).ok()).collect()
    }

    /// The one `E` event of this receipt.
    ///
    /// # Panics
    /// When there is not exactly one (a test failure).
    #[must_use]
    #[allow(clippy::panic)]
    pub fn event<E: SolEvent>(&self) -> E {
        let mut events = self.events::<E>();
        assert_eq!(events.len(), 1, "expected one {} event", E::SIGNATURE);
        events.pop().unwrap_or_else(|| panic!("no {} event", E::SIGNATURE))
    }
}

/// Why a transaction or call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxError {
    /// Execution reverted with this data.
    Reverted(Bytes),
    /// Anything else (invalid transaction, out of gas, transport).
    Failed(String),
}

impl TxError {
    /// The revert decoded as `E`, if it is one.
    #[must_use]
    pub fn decode<E: SolError>(&self) -> Option<E> {
        match self {
            Self::Reverted(data) => E::abi_decode(data).ok(),
            Self::Failed(_) => None,
        }
    }
}

impl From<ChainError> for TxError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::Reverted { data, .. } => Self::Reverted(data),
            other => Self::Failed(other.to_string()),
        }
    }
}

impl std::fmt::Display for TxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Reverted(data) => write!(f, "reverted with {data}"),
            Self::Failed(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TxError {}

/// A chain the suites can deploy to and transact on.
pub trait Node {
    /// Chain id.
    fn chain_id(&self) -> u64;
    /// Funded accounts the node can send from; `accounts()[0]` deploys.
    fn accounts(&self) -> Vec<Address>;
    /// Deploys and activates the built contract `target/wasm/<name>`; with `constructor_args`
    /// (ABI-encoded arguments) it deploys through StylusDeployer and runs the constructor.
    ///
    /// # Errors
    /// Deployment, activation or constructor failures.
    fn deploy(
        &mut self,
        from: Address,
        name: &str,
        constructor_args: Option<Vec<u8>>,
    ) -> Result<Address, TxError>;
    /// Deploys EVM init code.
    ///
    /// # Errors
    /// The creation's failure.
    fn deploy_evm(&mut self, from: Address, init_code: Vec<u8>) -> Result<Address, TxError>;
    /// Sends a transaction and waits for it.
    ///
    /// # Errors
    /// [`TxError::Reverted`] when it was mined but reverted.
    fn send(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TxReceipt, TxError>;
    /// Sends a transaction with a gas limit.
    ///
    /// # Errors
    /// As [`Node::send`].
    fn send_with_gas(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        gas: u64,
    ) -> Result<TxReceipt, TxError>;
    /// Calls without a transaction (`eth_call` at the latest block).
    ///
    /// # Errors
    /// The revert.
    fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<Bytes, TxError>;
    /// Estimates gas (`eth_estimateGas`).
    ///
    /// # Errors
    /// The revert.
    fn estimate_gas(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<u64, TxError>;
    /// Latest block number.
    fn block_number(&mut self) -> u64;
    /// Timestamp of the latest block.
    fn timestamp(&mut self) -> u64;
    /// State root of block `number`.
    fn state_root(&mut self, number: u64) -> B256;
    /// `eth_getProof(address, slots, number)`.
    ///
    /// # Errors
    /// Unknown or pruned block.
    fn proof(
        &mut self,
        address: Address,
        slots: &[B256],
        number: u64,
    ) -> Result<EIP1186AccountProofResponse, TxError>;
    /// Moves time forward by at least `seconds` (and mines a block).
    fn advance_time(&mut self, seconds: u64);
}

/// Typed helpers over any [`Node`].
pub trait NodeExt: Node {
    /// Sends a typed call.
    ///
    /// # Errors
    /// As [`Node::send`].
    fn send_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<TxReceipt, TxError> {
        self.send(from, to, call.abi_encode(), U256::ZERO)
    }

    /// Calls a typed view.
    ///
    /// # Errors
    /// The revert, or undecodable output.
    fn call_sol<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, TxError> {
        let from = self.accounts().first().copied().unwrap_or_default();
        let output = self.call(from, to, call.abi_encode())?;
        C::abi_decode_returns(&output).map_err(|e| TxError::Failed(e.to_string()))
    }
}

impl<N: Node + ?Sized> NodeExt for N {}

/// The embedded devnode: one in-process chain.
pub struct Embedded {
    /// The chain.
    pub chain: Chain,
    accounts: Vec<Address>,
}

impl Embedded {
    /// A devnode chain with `chain_id` and ten funded accounts (the dev account first).
    #[must_use]
    pub fn new(chain_id: u64) -> Self {
        let mut chain = Chain::new(ChainConfig::with_chain_id(chain_id));
        let mut accounts = vec![crossnet_devnode::DEV_ADDRESS];
        for i in 1..10u8 {
            let account = Address::repeat_byte(0xa0 + i);
            chain.set_balance(account, U256::from(10u128.pow(21)));
            accounts.push(account);
        }
        Self { chain, accounts }
    }
}

impl Node for Embedded {
    fn chain_id(&self) -> u64 {
        self.chain.chain_id()
    }

    fn accounts(&self) -> Vec<Address> {
        self.accounts.clone()
    }

    fn deploy(
        &mut self,
        from: Address,
        name: &str,
        constructor_args: Option<Vec<u8>>,
    ) -> Result<Address, TxError> {
        let code = crossnet_devnode::load_code(&crossnet_devnode::wasm_artifact(name))?;
        match constructor_args {
            None => Ok(self.chain.deploy_stylus(from, &code)?),
            Some(args) => {
                let mut init = crossnet_devnode::CONSTRUCTOR_SELECTOR.to_vec();
                init.extend_from_slice(&args);
                let (_, address) = self.chain.deploy_stylus_with_constructor(
                    from,
                    &code,
                    init.into(),
                    U256::ZERO,
                    B256::ZERO,
                )?;
                Ok(address)
            }
        }
    }

    fn deploy_evm(&mut self, from: Address, init_code: Vec<u8>) -> Result<Address, TxError> {
        Ok(self.chain.deploy_evm(from, init_code)?)
    }

    fn send(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TxReceipt, TxError> {
        let receipt = self.chain.send_ok(TxRequest::call(from, to, data).value(value))?;
        Ok(convert(&receipt))
    }

    fn send_with_gas(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        gas: u64,
    ) -> Result<TxReceipt, TxError> {
        let receipt = self.chain.send_ok(TxRequest::call(from, to, data).gas(gas))?;
        Ok(convert(&receipt))
    }

    fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<Bytes, TxError> {
        Ok(self.chain.call(&TxRequest::call(from, to, data))?.into_output()?)
    }

    fn estimate_gas(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<u64, TxError> {
        Ok(self.chain.estimate_gas(&TxRequest::call(from, to, data))?)
    }

    fn block_number(&mut self) -> u64 {
        self.chain.block_number()
    }

    fn timestamp(&mut self) -> u64 {
        self.chain.timestamp()
    }

    fn state_root(&mut self, number: u64) -> B256 {
        self.chain.state_root(number).unwrap_or_default()
    }

    fn proof(
        &mut self,
        address: Address,
        slots: &[B256],
        number: u64,
    ) -> Result<EIP1186AccountProofResponse, TxError> {
        Ok(self.chain.proof(address, slots, BlockId::Number(number))?)
    }

    fn advance_time(&mut self, seconds: u64) {
        self.chain.warp(seconds);
        self.chain.mine(1);
    }
}

fn convert(receipt: &crossnet_devnode::Receipt) -> TxReceipt {
    TxReceipt {
        hash: receipt.transaction_hash,
        block_number: receipt.block_number,
        gas_used: receipt.gas_used,
        logs: receipt.raw_logs().cloned().collect(),
    }
}

impl Node for Box<dyn Node> {
    fn chain_id(&self) -> u64 {
        (**self).chain_id()
    }
    fn accounts(&self) -> Vec<Address> {
        (**self).accounts()
    }
    fn deploy(
        &mut self,
        from: Address,
        name: &str,
        constructor_args: Option<Vec<u8>>,
    ) -> Result<Address, TxError> {
        (**self).deploy(from, name, constructor_args)
    }
    fn deploy_evm(&mut self, from: Address, init_code: Vec<u8>) -> Result<Address, TxError> {
        (**self).deploy_evm(from, init_code)
    }
    fn send(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        value: U256,
    ) -> Result<TxReceipt, TxError> {
        (**self).send(from, to, data, value)
    }
    fn send_with_gas(
        &mut self,
        from: Address,
        to: Address,
        data: Vec<u8>,
        gas: u64,
    ) -> Result<TxReceipt, TxError> {
        (**self).send_with_gas(from, to, data, gas)
    }
    fn call(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<Bytes, TxError> {
        (**self).call(from, to, data)
    }
    fn estimate_gas(&mut self, from: Address, to: Address, data: Vec<u8>) -> Result<u64, TxError> {
        (**self).estimate_gas(from, to, data)
    }
    fn block_number(&mut self) -> u64 {
        (**self).block_number()
    }
    fn timestamp(&mut self) -> u64 {
        (**self).timestamp()
    }
    fn state_root(&mut self, number: u64) -> B256 {
        (**self).state_root(number)
    }
    fn proof(
        &mut self,
        address: Address,
        slots: &[B256],
        number: u64,
    ) -> Result<EIP1186AccountProofResponse, TxError> {
        (**self).proof(address, slots, number)
    }
    fn advance_time(&mut self, seconds: u64) {
        (**self).advance_time(seconds);
    }
}

/// The chain `chain_id` of a suite, on the backend the environment selects:
///
/// * `CROSSNET_E2E_RPC_URLS=parent_url,child_url[,...]`: existing JSON-RPC endpoints (a Nitro
///   devnode, `crossnet devnode`), by position: chain 412346 takes the first URL, 412347 the
///   second, 412348 the third; accounts are funded from `CROSSNET_E2E_FUNDER_KEY` (default:
///   the Nitro dev key);
/// * `CROSSNET_E2E_BACKEND=rpc`: a fresh in-process devnode chain served over JSON-RPC on
///   loopback, driven only through JSON-RPC;
/// * otherwise the embedded devnode ([`Embedded`]).
///
/// # Panics
/// When the selected endpoint cannot be reached (a test failure).
#[must_use]
#[allow(clippy::panic)]
pub fn node(chain_id: u64) -> Box<dyn Node> {
    if let Ok(urls) = std::env::var("CROSSNET_E2E_RPC_URLS") {
        let index = usize::try_from(chain_id.saturating_sub(412_346)).unwrap_or(usize::MAX);
        let url = urls
            .split(',')
            .map(str::trim)
            .nth(index)
            .unwrap_or_else(|| panic!("CROSSNET_E2E_RPC_URLS has no URL #{index}"))
            .to_owned();
        return Box::new(
            crate::rpc::Rpc::connect(&url, None).unwrap_or_else(|e| panic!("RPC {url}: {e}")),
        );
    }
    if std::env::var("CROSSNET_E2E_BACKEND").is_ok_and(|b| b == "rpc") {
        return Box::new(
            crate::rpc::Rpc::spawn_devnode(chain_id)
                .unwrap_or_else(|e| panic!("devnode over JSON-RPC: {e}")),
        );
    }
    Box::new(Embedded::new(chain_id))
}
