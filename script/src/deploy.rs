//! `crossnet deploy`: deploys, activates and wires the programs of system 1 and/or system 2 on
//! the chains of a config, and records them in `deployments/<chain-id>.json`.
//!
//! Re-running is safe: a recorded program whose on-chain code still hashes to the recorded
//! code hash, is activated, and was deployed with the same constructor arguments is kept; a
//! recorded wiring step (initialise, register, link) is skipped when the chain shows it done.
//! The record is written after every transaction, so an interrupted run resumes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::sol_types::{SolCall, SolValue};
use anyhow::{bail, Context as _};
use crossnet_sdk::ipc::SubnetID;
use serde::{Deserialize, Serialize};

use crate::bindings::{
    IArbWasm, IGateway, IL1CrossDomainMessenger, IL2CrossDomainMessenger, ILinkedTokenController,
    ILinkedTokenReplica,
};
use crate::client::{Client, ARB_WASM};
use crate::config::{key_from_env, Config, IpcConfig, XdmConfig};

/// Largest deployable compressed program (Stylus limit).
pub const MAX_CODE_BYTES: usize = 24 * 1024;

/// `crossnet deploy` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (see `script/crossnet.example.toml`).
    #[arg(long)]
    pub config: PathBuf,
    /// RPC URL of the parent chain (overrides the config's `chains.parent.rpc_url`).
    #[arg(long)]
    pub rpc_url: Option<String>,
    /// RPC URL of the child chain (overrides `chains.child.rpc_url`).
    #[arg(long)]
    pub child_rpc_url: Option<String>,
    /// RPC URL of the grandchild chain (overrides `chains.grandchild.rpc_url`).
    #[arg(long)]
    pub grandchild_rpc_url: Option<String>,
    /// Build the programs first (`bash script/build-wasm.sh`).
    #[arg(long)]
    pub build: bool,
}

/// One deployed program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    /// The program (`target/wasm/<program>.code`).
    pub program: String,
    /// Its address.
    pub address: Address,
    /// keccak256 of its code (what `eth_getCode` returns).
    pub codehash: B256,
    /// The deploying transaction.
    pub tx_hash: B256,
    /// ABI-encoded constructor arguments (empty: none).
    pub args: Bytes,
}

/// A wiring transaction (initialise, register, link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// keccak256 of its calldata.
    pub input_hash: B256,
    /// Its transaction.
    pub tx_hash: B256,
}

/// `deployments/<chain-id>.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deployment {
    /// The chain.
    pub chain_id: u64,
    /// Its role in the config (`parent`, `child`, `grandchild`).
    pub role: String,
    /// System 2: this chain's subnet id (root / route), when deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<SubnetRecord>,
    /// Programs by key (`gateway`, `subnet-actor:child`, ...).
    pub contracts: BTreeMap<String, Contract>,
    /// Wiring steps by key.
    pub steps: BTreeMap<String, Step>,
}

/// A subnet id in JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetRecord {
    /// Root chain id.
    pub root: u64,
    /// Actor addresses from the root down.
    pub route: Vec<Address>,
}

impl From<&SubnetID> for SubnetRecord {
    fn from(id: &SubnetID) -> Self {
        Self { root: id.root, route: id.route.clone() }
    }
}

impl From<&SubnetRecord> for SubnetID {
    fn from(r: &SubnetRecord) -> Self {
        Self { root: r.root, route: r.route.clone() }
    }
}

impl Deployment {
    /// The path of chain `chain_id`'s record in `dir`.
    #[must_use]
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// Reads the record of `chain_id` (empty when there is none).
    ///
    /// # Errors
    /// An unreadable or malformed file.
    pub fn load(dir: &Path, chain_id: u64, role: &str) -> anyhow::Result<Self> {
        let path = Self::path(dir, chain_id);
        if !path.exists() {
            return Ok(Self { chain_id, role: role.to_owned(), ..Self::default() });
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let record: Self =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        if record.chain_id != chain_id {
            bail!("{} records chain {}, not {chain_id}", path.display(), record.chain_id);
        }
        Ok(record)
    }

    /// Writes the record atomically.
    ///
    /// # Errors
    /// I/O errors.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = Self::path(dir, self.chain_id);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        Ok(())
    }

    /// The address of the program recorded under `key`.
    ///
    /// # Errors
    /// When it was not deployed.
    pub fn address(&self, key: &str) -> anyhow::Result<Address> {
        self.contracts.get(key).map(|c| c.address).with_context(|| {
            format!("chain {} has no {key} in its deployment record", self.chain_id)
        })
    }
}

/// One chain being deployed to.
pub struct Target {
    /// The client (deployer key).
    pub client: Client,
    /// Its record.
    pub record: Deployment,
    dir: PathBuf,
    wasm_dir: PathBuf,
    /// What happened, for the summary.
    pub log: Vec<String>,
}

impl Target {
    /// Loads the record of `client`'s chain.
    ///
    /// # Errors
    /// A malformed record.
    pub fn new(client: Client, role: &str, config: &Config) -> anyhow::Result<Self> {
        let dir = config.deployments_dir();
        let record = Deployment::load(&dir, client.chain_id, role)?;
        Ok(Self { client, record, dir, wasm_dir: config.wasm_dir(), log: Vec::new() })
    }

    fn note(&mut self, line: String) {
        tracing::info!(chain = self.client.chain_id, "{line}");
        self.log.push(line);
    }

    /// Reads `target/wasm/<program>.code`, checking the size limit.
    fn code(&self, program: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.wasm_dir.join(format!("{program}.code"));
        let code = std::fs::read(&path).with_context(|| {
            format!(
                "reading {}: build the programs with `bash script/build-wasm.sh` (or pass --build)",
                path.display()
            )
        })?;
        if code.len() > MAX_CODE_BYTES {
            bail!(
                "{program} is {} bytes compressed, over the {MAX_CODE_BYTES}-byte Stylus limit",
                code.len()
            );
        }
        Ok(code)
    }

    /// Deploys `program` under `key` with `args` (ABI-encoded constructor arguments, `None`
    /// for programs without a constructor), unless the record holds a verified deployment of
    /// the same code and arguments. Returns the address.
    ///
    /// # Errors
    /// Missing code, deployment failures.
    pub async fn program(
        &mut self,
        key: &str,
        program: &str,
        args: Option<Vec<u8>>,
    ) -> anyhow::Result<Address> {
        let code = self.code(program)?;
        let codehash = keccak256(&code);
        let args_bytes = Bytes::from(args.clone().unwrap_or_default());
        if let Some(existing) = self.record.contracts.get(key).cloned() {
            if existing.codehash == codehash && existing.args == args_bytes {
                if self.verify(&existing).await? {
                    self.note(format!("{key}: kept {} (verified)", existing.address));
                    return Ok(existing.address);
                }
                self.note(format!("{key}: recorded {} no longer verifies", existing.address));
            } else {
                self.note(format!("{key}: code or arguments changed, redeploying"));
            }
        }
        let (address, tx_hash) = self
            .client
            .deploy_program(&code, args.as_deref())
            .await
            .map_err(|e| anyhow::anyhow!("deploying {key} ({program}): {e}"))?;
        self.record.contracts.insert(
            key.to_owned(),
            Contract { program: program.to_owned(), address, codehash, tx_hash, args: args_bytes },
        );
        self.record.save(&self.dir)?;
        self.note(format!("{key}: deployed {address} ({} bytes, tx {tx_hash})", code.len()));
        Ok(address)
    }

    /// Whether `contract` is on chain with its code, activated.
    async fn verify(&self, contract: &Contract) -> anyhow::Result<bool> {
        let code = self.client.code(contract.address).await?;
        if keccak256(&code) != contract.codehash {
            return Ok(false);
        }
        let version = self
            .client
            .call_sol(ARB_WASM, &IArbWasm::codehashVersionCall { codehash: contract.codehash })
            .await;
        Ok(version.is_ok_and(|v| v > 0))
    }

    /// Runs the wiring call `call` on `to` with `value` under `key`, unless `done` says the
    /// chain already shows it (a record alone is not trusted).
    ///
    /// # Errors
    /// The call's revert.
    pub async fn step<C: SolCall>(
        &mut self,
        key: &str,
        to: Address,
        call: &C,
        value: U256,
        done: bool,
    ) -> anyhow::Result<()> {
        let input = call.abi_encode();
        let input_hash = keccak256(&input);
        if done {
            self.note(format!("{key}: already done"));
            return Ok(());
        }
        let receipt =
            self.client.send(to, input, value).await.map_err(|e| anyhow::anyhow!("{key}: {e}"))?;
        self.record
            .steps
            .insert(key.to_owned(), Step { input_hash, tx_hash: receipt.transaction_hash });
        self.record.save(&self.dir)?;
        self.note(format!("{key}: done (tx {})", receipt.transaction_hash));
        Ok(())
    }

    /// Saves the record.
    ///
    /// # Errors
    /// I/O errors.
    pub fn save(&self) -> anyhow::Result<()> {
        self.record.save(&self.dir)
    }
}

/// Deploys system 1 on `parent` and `child`.
///
/// # Errors
/// Any deployment or wiring failure.
pub async fn deploy_xdm(
    parent: &mut Target,
    child: &mut Target,
    xdm: &XdmConfig,
    relayer: Address,
) -> anyhow::Result<()> {
    let owner = parent.client.from;
    let proposer = xdm.proposer.unwrap_or(relayer);
    let challenger = xdm.challenger.unwrap_or(owner);
    let sequencer = xdm.sequencer.unwrap_or(relayer);
    let passer = child.program("l2-to-l1-message-passer", "l2-to-l1-message-passer", None).await?;
    let l2m = child
        .program("l2-cross-domain-messenger", "l2-cross-domain-messenger", Some(owner.abi_encode()))
        .await?;
    let scc = parent
        .program(
            "state-commitment-chain",
            "state-commitment-chain",
            Some((proposer, challenger, U256::from(xdm.fraud_proof_window)).abi_encode_params()),
        )
        .await?;
    let ctc = parent
        .program(
            "canonical-transaction-chain",
            "canonical-transaction-chain",
            Some(U256::from(xdm.max_gas).abi_encode()),
        )
        .await?;
    let l1m = parent
        .program("l1-cross-domain-messenger", "l1-cross-domain-messenger", Some(owner.abi_encode()))
        .await?;
    let wired = parent
        .client
        .call_sol(l1m, &IL1CrossDomainMessenger::l2CrossDomainMessengerCall {})
        .await
        .map_err(|e| anyhow::anyhow!("reading the parent messenger: {e}"))?;
    if wired != Address::ZERO && wired != l2m {
        bail!("the parent messenger {l1m} is wired to another child messenger {wired}");
    }
    let init = IL1CrossDomainMessenger::initializeCall {
        l2_messenger: l2m,
        l2_message_passer: passer,
        state_commitment_chain: scc,
        transaction_queue: ctc,
    };
    parent
        .step("l1-cross-domain-messenger.initialize", l1m, &init, U256::ZERO, wired == l2m)
        .await?;
    let wired = child
        .client
        .call_sol(l2m, &IL2CrossDomainMessenger::l1CrossDomainMessengerCall {})
        .await
        .map_err(|e| anyhow::anyhow!("reading the child messenger: {e}"))?;
    if wired != Address::ZERO && wired != l1m {
        bail!("the child messenger {l2m} is wired to another parent messenger {wired}");
    }
    let init = IL2CrossDomainMessenger::initializeCall {
        l1_messenger: l1m,
        message_passer: passer,
        sequencer,
        allow_all_senders: xdm.allow_all_senders,
    };
    child.step("l2-cross-domain-messenger.initialize", l2m, &init, U256::ZERO, wired == l1m).await
}

/// Deploys a gateway (and its executor) for `id` on `target`.
async fn gateway(target: &mut Target, ipc: &IpcConfig, id: &SubnetID) -> anyhow::Result<Address> {
    let owner = target.client.from;
    let executor = target.program("gateway-executor", "gateway-executor", None).await?;
    let args = (
        owner,
        id.clone(),
        ipc.checkpoint_period,
        ipc.max_msgs_per_batch,
        ipc.execution_gas,
        executor,
    );
    target.record.subnet = Some(id.into());
    target.program("gateway", "gateway", Some(args.abi_encode_params())).await
}

/// Deploys system 2 on the tree `nets[0]` (root) → `nets[1]` → `nets[2]`.
///
/// # Errors
/// Any deployment or wiring failure.
pub async fn deploy_ipc(nets: &mut [&mut Target], ipc: &IpcConfig) -> anyhow::Result<()> {
    let (set, weights) = ipc.validator_set();
    let root_id = SubnetID::new_root(nets[0].client.chain_id);
    let mut parent_id = root_id;
    let mut parent_gateway = gateway(nets[0], ipc, &parent_id).await?;
    for i in 1..nets.len() {
        let (above, below) = nets.split_at_mut(i);
        let parent = &mut *above[i - 1];
        let child = &mut *below[0];
        let owner = parent.client.from;
        let actor_key = format!("subnet-actor:{}", child.record.role);
        let args = (
            owner,
            parent_gateway,
            ipc.checkpoint_period,
            ipc.max_msgs_per_batch,
            set.clone(),
            weights.clone(),
        );
        let actor =
            parent.program(&actor_key, "subnet-actor", Some(args.abi_encode_params())).await?;
        let status = parent
            .client
            .call_sol(parent_gateway, &IGateway::getSubnetCall { actor })
            .await
            .map_err(|e| anyhow::anyhow!("reading the gateway: {e}"))?
            ._0;
        parent.client.require_balance(ipc.collateral, "registering a subnet").await?;
        let register =
            crate::bindings::ISubnetActor::registerCall { genesis_circ_supply: U256::ZERO };
        parent
            .step(&format!("{actor_key}.register"), actor, &register, ipc.collateral, status != 0)
            .await?;
        let id = parent_id.child(actor);
        let child_gateway = gateway(child, ipc, &id).await?;
        fund_reserve(child, child_gateway, ipc.child_reserve).await?;
        let finality = child
            .program(
                "top-down-finality",
                "top-down-finality",
                Some((child_gateway, actor, set.clone(), weights.clone()).abi_encode_params()),
            )
            .await?;
        let wired = child
            .client
            .call_sol(child_gateway, &IGateway::getConfigCall {})
            .await
            .map_err(|e| anyhow::anyhow!("reading the child gateway: {e}"))?;
        let init = IGateway::initializeCall { top_down_finality: finality };
        child
            .step("gateway.initialize", child_gateway, &init, U256::ZERO, wired._3 == finality)
            .await?;
        parent.save()?;
        parent_id = id;
        parent_gateway = child_gateway;
    }
    if ipc.linked_token && nets.len() >= 2 {
        linked_token(nets, ipc).await?;
    }
    Ok(())
}

/// The child gateway pays funds out of a reserve (its genesis supply). On a devnode the
/// deployer sets it with `anvil_setBalance`; elsewhere the chain's genesis must provide it.
async fn fund_reserve(child: &mut Target, gateway: Address, reserve: U256) -> anyhow::Result<()> {
    use alloy::providers::Provider as _;
    let have = child.client.balance(gateway).await?;
    if have >= reserve {
        return Ok(());
    }
    let set: Result<serde_json::Value, _> =
        child.client.provider.raw_request("anvil_setBalance".into(), (gateway, reserve)).await;
    match set {
        Ok(_) => {
            child.note(format!("gateway reserve: set to {reserve} wei (devnode anvil_setBalance)"));
            Ok(())
        }
        Err(_) => {
            child.note(format!(
                "gateway reserve: {gateway} holds {have} wei; this chain has no anvil_setBalance, \
                 so its genesis must allocate the {reserve}-wei reserve"
            ));
            Ok(())
        }
    }
}

/// The linked-token example between the root (`nets[0]`) and the child (`nets[1]`).
async fn linked_token(nets: &mut [&mut Target], _ipc: &IpcConfig) -> anyhow::Result<()> {
    let (home, rest) = nets.split_at_mut(1);
    let home = &mut *home[0];
    let away = &mut *rest[0];
    let owner = home.client.from;
    let home_id: SubnetID =
        home.record.subnet.as_ref().map(Into::into).context("root subnet not recorded")?;
    let away_id: SubnetID =
        away.record.subnet.as_ref().map(Into::into).context("child subnet not recorded")?;
    let home_gateway = home.record.address("gateway")?;
    let away_gateway = away.record.address("gateway")?;
    let token = home
        .program(
            "erc20",
            "erc20",
            Some((owner, "Crossnet Token".to_owned(), "XNT".to_owned()).abi_encode_params()),
        )
        .await?;
    let controller = home
        .program(
            "linked-token-controller",
            "linked-token-controller",
            Some((owner, home_gateway, token).abi_encode_params()),
        )
        .await?;
    let replica = away
        .program(
            "linked-token-replica",
            "linked-token-replica",
            Some(
                (owner, away_gateway, "Linked Crossnet Token".to_owned(), "lXNT".to_owned())
                    .abi_encode_params(),
            ),
        )
        .await?;
    let linked = away
        .client
        .call_sol(replica, &ILinkedTokenReplica::linkedContractCall {})
        .await
        .is_ok_and(|r| r._1 == controller);
    let call = ILinkedTokenReplica::setLinkedContractCall {
        subnet: crate::relay::ipc::convert(&home_id),
        controller,
    };
    away.step("linked-token-replica.link", replica, &call, U256::ZERO, linked).await?;
    let linked = home
        .client
        .call_sol(controller, &ILinkedTokenController::linkedContractCall {})
        .await
        .is_ok_and(|r| r._1 == replica);
    let call = ILinkedTokenController::setLinkedContractCall {
        subnet: crate::relay::ipc::convert(&away_id),
        replica,
    };
    home.step("linked-token-controller.link", controller, &call, U256::ZERO, linked).await?;
    Ok(())
}

/// Connects to every chain of `config` with `key`.
///
/// # Errors
/// Unreachable RPC, wrong chain id.
pub async fn connect_all(
    config: &Config,
    key: &alloy::signers::local::PrivateKeySigner,
) -> anyhow::Result<Vec<(String, Client)>> {
    let mut clients = Vec::new();
    for role in crate::config::ROLES {
        let Some(chain) = config.chains.get(role) else { continue };
        let client = Client::connect(&chain.rpc_url, chain.chain_id, key.clone())
            .await
            .with_context(|| format!("chain {role}"))?;
        clients.push((role.to_owned(), client));
    }
    Ok(clients)
}

/// Deploys everything `config` asks for with the keys named in the config; returns the
/// records.
///
/// # Errors
/// Missing keys, any failure, with the chain and program named.
pub async fn deploy(config: &Config) -> anyhow::Result<Vec<Deployment>> {
    let key = key_from_env(&config.deployer_key_env)?;
    let relayer = key_from_env(&config.relay.key_env).map_or(key.address(), |k| k.address());
    deploy_with(config, &key, relayer).await
}

/// Deploys everything `config` asks for, signing with `key`; `relayer` becomes the
/// proposer and the child messenger's origin unless the config names others.
///
/// # Errors
/// Any failure, with the chain and program named.
pub async fn deploy_with(
    config: &Config,
    key: &alloy::signers::local::PrivateKeySigner,
    relayer: Address,
) -> anyhow::Result<Vec<Deployment>> {
    let clients = connect_all(config, key).await?;
    let mut targets: Vec<Target> = clients
        .into_iter()
        .map(|(role, client)| Target::new(client, &role, config))
        .collect::<anyhow::Result<_>>()?;
    for t in &targets {
        t.client.require_balance(U256::from(10u64).pow(U256::from(16u64)), "deploying").await?;
    }
    if let Some(xdm) = &config.xdm {
        let (parent, rest) = targets.split_at_mut(1);
        deploy_xdm(&mut parent[0], &mut rest[0], xdm, relayer).await?;
    }
    if let Some(ipc) = &config.ipc {
        let mut refs: Vec<&mut Target> = targets.iter_mut().collect();
        deploy_ipc(&mut refs, ipc).await?;
    }
    for t in &targets {
        t.save()?;
    }
    Ok(targets.into_iter().map(|t| t.record).collect())
}

/// Loads the records of every chain of `config` (for relay and status).
///
/// # Errors
/// Malformed records.
pub fn records(config: &Config) -> anyhow::Result<BTreeMap<String, Deployment>> {
    let dir = config.deployments_dir();
    let mut out = BTreeMap::new();
    for (role, chain) in &config.chains {
        out.insert(role.clone(), Deployment::load(&dir, chain.chain_id, role)?);
    }
    Ok(out)
}

/// Runs `crossnet deploy`.
///
/// # Errors
/// Any failure.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let mut config = Config::load(&args.config)?;
    config.override_urls(
        args.rpc_url.as_deref(),
        args.child_rpc_url.as_deref(),
        args.grandchild_rpc_url.as_deref(),
    )?;
    if args.build {
        crate::build_wasm()?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let records = runtime.block_on(deploy(&config))?;
    for record in &records {
        println!(
            "chain {} ({}): {} programs -> {}",
            record.chain_id,
            record.role,
            record.contracts.len(),
            Deployment::path(&config.deployments_dir(), record.chain_id).display()
        );
        for (key, c) in &record.contracts {
            println!("  {key:<32} {}", c.address);
        }
    }
    Ok(())
}
