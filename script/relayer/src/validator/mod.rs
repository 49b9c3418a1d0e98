//! One validator: one key, run by its own operator, for every subnet of the config whose
//! validator set holds the key's address. It reads its own view of the chains, builds the
//! canonical statements (see [`crate::statement`]) from blocks at or below each chain's
//! final head only (the chain's `finality`: the `finalized` / `safe` tag or a number of
//! confirmations), signs each slot at most once (its [`log::SigningLog`] refuses a second,
//! different statement for a slot, across restarts) and publishes the signatures over HTTP
//! ([`server`]) for any relayer to collect. It sends no transaction and trusts no relayer.
//!
//! It signs bottom-up checkpoints of a subnet above the parent's last checkpoint and parent
//! finalities above the child's last finality, up to [`MAX_AHEAD`] of each per pass.

pub mod local;
pub mod log;
pub mod server;

use std::sync::Arc;
use std::time::Duration;

use alloy::primitives::{Address, Bytes, B256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync as _;
use alloy::sol_types::{SolEvent, SolValue};
use anyhow::Context as _;
use crossnet_sdk::ipc::{
    BottomUpCheckpoint, ConfigurationApplied, NewBottomUpMessage, NewBottomUpMsgBatch,
    NewTopDownMessage, ParentFinality, SubnetConfigured,
};

use self::log::{Recorded, SigningLog};
use crate::bindings::{ISubnetActor, ITopDownFinality};
use crate::client::Client;
use crate::config::{Config, Finality};
use crate::edge::Edge;
use crate::statement::{CheckpointBatcher, FinalitySequence, Kind, Statement};

/// Most statements of each kind one pass signs per subnet.
pub const MAX_AHEAD: usize = 64;

/// A statement signed in a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Its kind.
    pub kind: Kind,
    /// The subnet (chain name).
    pub subnet: String,
    /// Its height.
    pub height: u64,
}

/// What the validator does for one subnet.
struct Duty {
    edge: Edge,
    parent: Client,
    child: Client,
    parent_finality: Finality,
    child_finality: Finality,
    /// Bottom-up: the batches replayed from the child gateway's events.
    batcher: CheckpointBatcher,
    /// Bottom-up: configuration numbers the child adopted, with their blocks.
    adopted: Vec<(u64, u64)>,
    /// Next child block to scan.
    child_cursor: u64,
    /// Top-down: the finality sequence replayed from the parent's events.
    sequence: FinalitySequence,
    /// Next parent block to scan.
    parent_cursor: u64,
}

/// A running validator.
pub struct Validator {
    key: PrivateKeySigner,
    log: Arc<SigningLog>,
    duties: Vec<Duty>,
    poll: Duration,
}

impl Validator {
    /// The validator of `config`'s `[validator]` section.
    ///
    /// # Errors
    /// No section, a missing key, unreachable chains, missing deployments, a log held by
    /// another process.
    pub async fn new(config: &Config) -> anyhow::Result<Self> {
        let section = config.validator.as_ref().context("the config has no [validator] section")?;
        let key = config.validator_key()?;
        let database = config.resolve(&section.database);
        let poll = Duration::from_millis(section.poll_interval_ms.max(10));
        Self::with_key(config, key, &database, poll).await
    }

    /// A validator signing with `key`, its log at `database`, polling every `poll`.
    ///
    /// # Errors
    /// As [`Validator::new`]; a key in no subnet's validator set.
    pub async fn with_key(
        config: &Config,
        key: PrivateKeySigner,
        database: &std::path::Path,
        poll: Duration,
    ) -> anyhow::Result<Self> {
        let me = key.address();
        let ipc = config.ipc.as_ref().context("the config has no [ipc] subnets to validate")?;
        let records = crate::deployment::records(config)?;
        let mut duties = Vec::new();
        for edge in crate::edge::edges(&records, ipc)? {
            if !edge.has_validator(me) {
                continue;
            }
            let connect = |name: &str| {
                let chain = config.chain(name).cloned();
                let key = key.clone();
                let name = name.to_owned();
                async move {
                    let chain = chain?;
                    let client = Client::connect(&chain.rpc_url, chain.chain_id, key)
                        .await
                        .with_context(|| format!("chain {name}"))?;
                    anyhow::Ok((client, chain.finality))
                }
            };
            let (parent, parent_finality) = connect(&edge.parent).await?;
            let (child, child_finality) = connect(&edge.child).await?;
            let max = usize::try_from(edge.max_finality_msgs).unwrap_or(usize::MAX);
            duties.push(Duty {
                batcher: CheckpointBatcher::new(edge.period),
                sequence: FinalitySequence::new(max, edge.finality_period),
                edge,
                parent,
                child,
                parent_finality,
                child_finality,
                adopted: Vec::new(),
                child_cursor: 0,
                parent_cursor: 0,
            });
        }
        anyhow::ensure!(
            !duties.is_empty(),
            "validator {me} is in no subnet's validator set of this config"
        );
        let log = Arc::new(SigningLog::open(database, me)?);
        Ok(Self { key, log, duties, poll })
    }

    /// The validator's address.
    #[must_use]
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// The subnets it signs for (chain names).
    #[must_use]
    pub fn subnets(&self) -> Vec<String> {
        self.duties.iter().map(|d| d.edge.child.clone()).collect()
    }

    /// Its signing log (what the HTTP endpoint serves).
    #[must_use]
    pub fn log(&self) -> Arc<SigningLog> {
        self.log.clone()
    }

    /// One pass over every subnet; returns the statements signed in it.
    ///
    /// # Errors
    /// RPC or log errors.
    pub async fn pass(&mut self) -> anyhow::Result<Vec<Signed>> {
        let mut signed = Vec::new();
        for i in 0..self.duties.len() {
            signed.extend(self.checkpoints(i).await?);
            signed.extend(self.finalities(i).await?);
        }
        Ok(signed)
    }

    /// Runs passes until `stop` resolves (failed passes are logged and retried).
    pub async fn run_until(mut self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut backoff = self.poll;
        loop {
            match self.pass().await {
                Ok(_) => backoff = self.poll,
                Err(e) => {
                    tracing::warn!("validator pass failed (retrying in {backoff:?}): {e:#}");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(backoff) => {}
            }
        }
    }

    /// Signs `statements` of `subnet` whose slots hold no other statement, in one batch
    /// off the async threads (the log syncs to disk); returns those signed now.
    async fn sign(&self, statements: Vec<Statement>, subnet: &str) -> anyhow::Result<Vec<Signed>> {
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let (log, key) = (self.log.clone(), self.key.clone());
        let batch = statements.clone();
        let recorded = tokio::task::spawn_blocking(move || {
            log.sign_all(&batch, |digest| {
                let signature = key.sign_hash_sync(digest).context("signing")?;
                Ok(Bytes::from(signature.as_bytes().to_vec()))
            })
        })
        .await
        .context("the signing task")??;
        let mut signed = Vec::new();
        for (statement, recorded) in statements.iter().zip(recorded) {
            let slot = &statement.slot;
            match recorded {
                Recorded::New(_) => {
                    tracing::info!(
                        %subnet, kind = slot.kind.as_str(), height = slot.height,
                        digest = %statement.digest, "signed"
                    );
                    signed.push(Signed {
                        kind: slot.kind,
                        subnet: subnet.to_owned(),
                        height: slot.height,
                    });
                }
                Recorded::Again(_) => {}
                Recorded::Refused { signed } => tracing::error!(
                    %subnet, kind = slot.kind.as_str(), height = slot.height,
                    signed = %signed, offered = %statement.digest,
                    "refusing to sign a second, different statement for a slot"
                ),
            }
        }
        Ok(signed)
    }

    /// Checkpoints of duty `i` above the parent's last one, up to the child's final head.
    async fn checkpoints(&mut self, i: usize) -> anyhow::Result<Vec<Signed>> {
        let head = {
            let duty = &mut self.duties[i];
            let head = duty.child.final_head(duty.child_finality).await?;
            scan_child(duty, head).await?;
            head
        };
        let duty = &self.duties[i];
        let (edge, parent, child) = (&duty.edge, &duty.parent, &duty.child);
        let last = parent
            .call_sol(edge.actor, &ISubnetActor::lastCheckpointCall {})
            .await
            .map_err(|e| anyhow::anyhow!("lastCheckpoint: {e}"))?
            ._0;
        let mut statements = Vec::new();
        for height in duty.batcher.heights(last, head).into_iter().take(MAX_AHEAD) {
            let slot = crate::statement::Slot {
                chain_id: parent.chain_id,
                verifier: edge.actor,
                kind: Kind::Checkpoint,
                height,
            };
            if self.log.signed(&slot)?.is_some() {
                continue;
            }
            let block = child.block(Some(height)).await?;
            let configuration =
                duty.adopted.iter().filter(|(b, _)| *b <= height).map(|(_, n)| *n).max();
            let checkpoint = BottomUpCheckpoint {
                subnetID: edge.child_id.clone(),
                blockHeight: height,
                blockHash: block.hash,
                nextConfigurationNumber: configuration.unwrap_or(0),
                msgs: duty.batcher.batch(height),
            };
            statements.push(Statement::new(
                Kind::Checkpoint,
                parent.chain_id,
                edge.actor,
                checkpoint.abi_encode().into(),
            )?);
        }
        let signed = self.sign(statements, &edge.child).await?;
        self.duties[i].batcher.prune(last);
        Ok(signed)
    }

    /// Parent finalities of duty `i` above the child's last one, up to the parent's final
    /// head.
    async fn finalities(&mut self, i: usize) -> anyhow::Result<Vec<Signed>> {
        let head = {
            let duty = &mut self.duties[i];
            let head = duty.parent.final_head(duty.parent_finality).await?;
            scan_parent(duty, head).await?;
            head
        };
        let duty = &self.duties[i];
        let (edge, parent, child) = (&duty.edge, &duty.parent, &duty.child);
        let last = child
            .call_sol(edge.finality, &ITopDownFinality::lastFinalityCall {})
            .await
            .map_err(|e| anyhow::anyhow!("lastFinality: {e}"))?
            ._0;
        let drafts: Vec<_> = duty
            .sequence
            .drafts(head)
            .into_iter()
            .filter(|d| d.height > last)
            .take(MAX_AHEAD)
            .collect();
        let mut statements = Vec::new();
        for draft in drafts {
            let slot = crate::statement::Slot {
                chain_id: child.chain_id,
                verifier: edge.finality,
                kind: Kind::Finality,
                height: draft.height,
            };
            if self.log.signed(&slot)?.is_some() {
                continue;
            }
            let block = parent.block(Some(draft.height)).await?;
            let finality = ParentFinality {
                height: draft.height,
                blockHash: block.hash,
                configs: draft.configs,
                msgs: draft.msgs,
            };
            statements.push(Statement::new(
                Kind::Finality,
                child.chain_id,
                edge.finality,
                finality.abi_encode().into(),
            )?);
        }
        let signed = self.sign(statements, &edge.child).await?;
        self.duties[i].sequence.prune(last);
        Ok(signed)
    }
}

/// Feeds the child gateway's bottom-up events and the adopted configurations up to `head`.
async fn scan_child(duty: &mut Duty, head: u64) -> anyhow::Result<()> {
    if duty.child_cursor > head {
        return Ok(());
    }
    let (from, edge) = (duty.child_cursor, &duty.edge);
    let events = [NewBottomUpMessage::SIGNATURE_HASH, NewBottomUpMsgBatch::SIGNATURE_HASH];
    let logs = duty.child.logs_matching(edge.child_gateway, &events, None, from, head).await?;
    for log in logs {
        let block = log.block_number.context("a log without its block")?;
        if let Ok(e) = NewBottomUpMessage::decode_log_data(log.data()) {
            duty.batcher.message(block, e.message);
        } else if NewBottomUpMsgBatch::decode_log_data(log.data()).is_ok() {
            duty.batcher.cut(block);
        }
    }
    let applied = [ConfigurationApplied::SIGNATURE_HASH];
    for log in duty.child.logs_matching(edge.finality, &applied, None, from, head).await? {
        let block = log.block_number.context("a log without its block")?;
        if let Ok(e) = ConfigurationApplied::decode_log_data(log.data()) {
            duty.adopted.push((block, e.configurationNumber));
        }
    }
    duty.child_cursor = head + 1;
    Ok(())
}

/// Feeds the parent's top-down messages for the child and the actor's new configurations up
/// to `head`.
async fn scan_parent(duty: &mut Duty, head: u64) -> anyhow::Result<()> {
    if duty.parent_cursor > head {
        return Ok(());
    }
    let (from, edge) = (duty.parent_cursor, &duty.edge);
    let actor = B256::left_padding_from(edge.actor.as_slice());
    let messages = [NewTopDownMessage::SIGNATURE_HASH];
    for log in
        duty.parent.logs_matching(edge.parent_gateway, &messages, Some(actor), from, head).await?
    {
        let block = log.block_number.context("a log without its block")?;
        if let Ok(e) = NewTopDownMessage::decode_log_data(log.data()) {
            duty.sequence.message(block, e.message);
        }
    }
    let configured = [SubnetConfigured::SIGNATURE_HASH];
    for log in duty.parent.logs_matching(edge.actor, &configured, None, from, head).await? {
        let block = log.block_number.context("a log without its block")?;
        // Configuration 0 is the genesis set the child was deployed with.
        if let Ok(e) = SubnetConfigured::decode_log_data(log.data()) {
            if e.configurationNumber > 0 {
                duty.sequence.config(block, e.config);
            }
        }
    }
    duty.parent_cursor = head + 1;
    Ok(())
}
