//! The statements validators sign, built the one canonical way from final chain data, so that
//! independent validators reading their own nodes sign the same bytes and a relayer can
//! gather a quorum without any coordination.
//!
//! * **Bottom-up checkpoints** of a child subnet follow the child gateway's own batching: a
//!   message belongs to the epoch the gateway computes (the sdk's `batch_epoch`, shared),
//!   a `NewBottomUpMsgBatch(block)` event closes the open batch early at `block`. The
//!   checkpoint heights are every period boundary and every early cut; the checkpoint at
//!   height `h` carries the batch closed at `h` (empty at a boundary nothing was sent in).
//!   [`CheckpointBatcher`] replays the gateway's events into that sequence.
//! * **Parent finalities** of a child subnet cover the parent's top-down messages for it (by
//!   nonce) and the actor's `SubnetConfigured` events, in order: each finality commits the
//!   first parent block `H` after the previous finality's, on the grid of `period` blocks, at
//!   or after the first uncovered item, and carries the configurations emitted up to `H` and
//!   at most `max_msgs` messages emitted up to `H`; what does not fit goes into the next one.
//!   Grid points with nothing to cover get no finality. [`FinalitySequence`] builds that
//!   sequence.
//!
//! Both depend only on blocks at or below the chain's final head, so a statement never covers
//! data a reorganisation can take back.

use std::collections::BTreeMap;

use alloy::primitives::B256;
use crossnet_sdk::ipc::call::batch_epoch;
use crossnet_sdk::ipc::{IpcEnvelope, SubnetConfig};

/// What a statement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A bottom-up checkpoint, verified by the child's actor on the parent.
    Checkpoint,
    /// A parent finality, verified by the child's parent-finality program.
    Finality,
}

impl Kind {
    /// The name used in stores and URLs.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Checkpoint => "checkpoint",
            Self::Finality => "finality",
        }
    }

    /// The kind named `name`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "checkpoint" => Some(Self::Checkpoint),
            "finality" => Some(Self::Finality),
            _ => None,
        }
    }
}

/// Replays a child gateway's bottom-up events into checkpoint batches.
#[derive(Debug, Clone)]
pub struct CheckpointBatcher {
    period: u64,
    last_cut: u64,
    open: Vec<IpcEnvelope>,
    open_epoch: u64,
    /// Closed batches by checkpoint height.
    closed: BTreeMap<u64, Vec<IpcEnvelope>>,
    /// Heights of early cuts (checkpoint heights besides the period boundaries).
    cuts: Vec<u64>,
}

impl CheckpointBatcher {
    /// A batcher for a gateway cutting every `period` blocks.
    #[must_use]
    pub fn new(period: u64) -> Self {
        Self {
            period: period.max(1),
            last_cut: 0,
            open: Vec::new(),
            open_epoch: 0,
            closed: BTreeMap::new(),
            cuts: Vec::new(),
        }
    }

    /// A `NewBottomUpMessage` of `block` (events must come in log order).
    pub fn message(&mut self, block: u64, envelope: IpcEnvelope) {
        let epoch = batch_epoch(block, self.last_cut, self.period);
        if !self.open.is_empty() && epoch != self.open_epoch {
            let batch = std::mem::take(&mut self.open);
            self.closed.entry(self.open_epoch).or_default().extend(batch);
        }
        self.open_epoch = epoch;
        self.open.push(envelope);
    }

    /// A `NewBottomUpMsgBatch(block)`: the open batch is cut at `block`.
    pub fn cut(&mut self, block: u64) {
        let batch = std::mem::take(&mut self.open);
        self.closed.entry(block).or_default().extend(batch);
        self.cuts.push(block);
        self.last_cut = block;
    }

    /// The checkpoint heights in `(after, up_to]`, in order: every period boundary and every
    /// early cut.
    #[must_use]
    pub fn heights(&self, after: u64, up_to: u64) -> Vec<u64> {
        let mut out: Vec<u64> =
            self.cuts.iter().copied().filter(|h| *h > after && *h <= up_to).collect();
        let mut boundary = (after / self.period + 1) * self.period;
        while boundary <= up_to {
            out.push(boundary);
            boundary += self.period;
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The messages of the checkpoint at `height`, once every event up to `height` was fed
    /// (the open batch belongs to its epoch when that is `height`).
    #[must_use]
    pub fn batch(&self, height: u64) -> Vec<IpcEnvelope> {
        let mut out = self.closed.get(&height).cloned().unwrap_or_default();
        if self.open_epoch == height {
            out.extend(self.open.iter().cloned());
        }
        out
    }

    /// Forgets the batches of heights at or below `height` (already checkpointed on chain).
    pub fn prune(&mut self, height: u64) {
        self.closed = self.closed.split_off(&(height + 1));
        self.cuts.retain(|c| *c > height);
    }
}

/// One parent finality of the canonical sequence, before its block hash is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalityDraft {
    /// The parent block it commits.
    pub height: u64,
    /// The configurations it carries.
    pub configs: Vec<SubnetConfig>,
    /// The top-down messages it carries, by nonce.
    pub msgs: Vec<IpcEnvelope>,
}

/// Builds the canonical sequence of parent finalities of one child.
#[derive(Debug, Clone, Default)]
pub struct FinalitySequence {
    max_msgs: usize,
    period: u64,
    /// Top-down messages for the child: (parent block, envelope), by nonce.
    msgs: Vec<(u64, IpcEnvelope)>,
    /// Configurations: (parent block, config), in order.
    configs: Vec<(u64, SubnetConfig)>,
    /// The height of the last finality pruned away (the next one is above it).
    pruned: u64,
}

impl FinalitySequence {
    /// A sequence carrying at most `max_msgs` messages per finality, committing parent
    /// blocks that are multiples of `period`.
    #[must_use]
    pub fn new(max_msgs: usize, period: u64) -> Self {
        Self {
            max_msgs: max_msgs.max(1),
            period: period.max(1),
            msgs: Vec::new(),
            configs: Vec::new(),
            pruned: 0,
        }
    }

    /// A `NewTopDownMessage` for the child, sent at parent block `block` (in nonce order).
    pub fn message(&mut self, block: u64, envelope: IpcEnvelope) {
        self.msgs.push((block, envelope));
    }

    /// A `SubnetConfigured` of the child's actor at parent block `block`.
    pub fn config(&mut self, block: u64, config: SubnetConfig) {
        self.configs.push((block, config));
    }

    /// The finalities whose height is at most `up_to`, in order.
    #[must_use]
    pub fn drafts(&self, up_to: u64) -> Vec<FinalityDraft> {
        let (mut i, mut j, mut previous) = (0usize, 0usize, self.pruned);
        let mut out = Vec::new();
        loop {
            let next = match (self.msgs.get(i), self.configs.get(j)) {
                (None, None) => break,
                (Some((m, _)), None) => *m,
                (None, Some((c, _))) => *c,
                (Some((m, _)), Some((c, _))) => (*m).min(*c),
            };
            let height = next.max(previous + 1).div_ceil(self.period) * self.period;
            if height > up_to {
                break;
            }
            let mut draft = FinalityDraft { height, configs: Vec::new(), msgs: Vec::new() };
            while let Some((_, config)) = self.configs.get(j).filter(|(b, _)| *b <= height) {
                draft.configs.push(config.clone());
                j += 1;
            }
            while let Some((_, envelope)) =
                self.msgs.get(i).filter(|(b, _)| *b <= height && draft.msgs.len() < self.max_msgs)
            {
                draft.msgs.push(envelope.clone());
                i += 1;
            }
            previous = height;
            out.push(draft);
        }
        out
    }
}

impl FinalitySequence {
    /// Forgets the finalities at or below `height` (committed on the child) and what they
    /// carried; the ones after are unchanged.
    pub fn prune(&mut self, height: u64) {
        let done = self.drafts(height);
        let Some(last) = done.last() else { return };
        let msgs: usize = done.iter().map(|d| d.msgs.len()).sum();
        let configs: usize = done.iter().map(|d| d.configs.len()).sum();
        self.msgs.drain(..msgs);
        self.configs.drain(..configs);
        self.pruned = last.height;
    }
}

/// A statement's identity: the chain and program that verify it, its kind and its height.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    /// Chain id of the verifying program.
    pub chain_id: u64,
    /// The verifying program (subnet actor or parent-finality program).
    pub verifier: alloy::primitives::Address,
    /// What is verified.
    pub kind: Kind,
    /// The statement's height (child block of a checkpoint, parent block of a finality).
    pub height: u64,
}

/// A statement as signed: its slot, its ABI encoding and the digest of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Where it belongs.
    pub slot: Slot,
    /// `abi.encode(BottomUpCheckpoint)` or `abi.encode(ParentFinality)`.
    pub encoded: alloy::primitives::Bytes,
    /// The EIP-712 digest validators sign.
    pub digest: B256,
}

impl Statement {
    /// The statement of `kind` encoded as `encoded` for `verifier` on chain `chain_id`, with
    /// its digest computed here (never taken from anyone). Its height is read from the
    /// encoding.
    ///
    /// # Errors
    /// Bytes that do not decode as the kind's statement.
    pub fn new(
        kind: Kind,
        chain_id: u64,
        verifier: alloy::primitives::Address,
        encoded: alloy::primitives::Bytes,
    ) -> anyhow::Result<Self> {
        use alloy::sol_types::SolValue as _;
        use crossnet_sdk::ipc::digest::{typed_digest, CHECKPOINT_TYPE, FINALITY_TYPE};
        let (height, struct_type) = match kind {
            Kind::Checkpoint => {
                let checkpoint = crossnet_sdk::ipc::BottomUpCheckpoint::abi_decode(&encoded)
                    .map_err(|e| anyhow::anyhow!("not a checkpoint: {e}"))?;
                (checkpoint.blockHeight, CHECKPOINT_TYPE)
            }
            Kind::Finality => {
                let finality = crossnet_sdk::ipc::ParentFinality::abi_decode(&encoded)
                    .map_err(|e| anyhow::anyhow!("not a parent finality: {e}"))?;
                (finality.height, FINALITY_TYPE)
            }
        };
        let digest = typed_digest(struct_type, chain_id, verifier, &encoded);
        Ok(Self { slot: Slot { chain_id, verifier, kind, height }, encoded, digest })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn env(nonce: u64) -> IpcEnvelope {
        IpcEnvelope { localNonce: nonce, ..Default::default() }
    }

    fn nonces(batch: &[IpcEnvelope]) -> Vec<u64> {
        batch.iter().map(|e| e.localNonce).collect()
    }

    #[test]
    fn checkpoints_follow_boundaries_and_early_cuts_succeeds() {
        // Period 5, batches of 3: messages at blocks 2, 3, 3 (full: cut at 3), 3 (after the
        // cut: epoch 5), 7, and 12.
        let mut b = CheckpointBatcher::new(5);
        b.message(2, env(0));
        b.message(3, env(1));
        b.message(3, env(2));
        b.cut(3);
        b.message(3, env(3));
        b.message(7, env(4));
        b.message(12, env(5));
        assert_eq!(b.heights(0, 15), vec![3, 5, 10, 15]);
        assert_eq!(nonces(&b.batch(3)), vec![0, 1, 2]);
        assert_eq!(nonces(&b.batch(5)), vec![3]);
        assert_eq!(nonces(&b.batch(10)), vec![4]);
        assert_eq!(nonces(&b.batch(15)), vec![5]);
        assert_eq!(b.heights(3, 9), vec![5]);
        b.prune(5);
        assert!(b.batch(3).is_empty() && b.heights(0, 4).is_empty());
        assert_eq!(nonces(&b.batch(10)), vec![4]);
    }

    #[test]
    fn a_cut_on_a_boundary_sends_later_messages_a_period_on_succeeds() {
        let mut b = CheckpointBatcher::new(5);
        b.message(5, env(0));
        b.message(5, env(1));
        b.cut(5);
        b.message(5, env(2));
        assert_eq!(b.heights(0, 10), vec![5, 10]);
        assert_eq!(nonces(&b.batch(5)), vec![0, 1]);
        assert_eq!(nonces(&b.batch(10)), vec![2]);
    }

    #[test]
    fn finalities_cover_items_in_order_and_carry_overflow_succeeds() {
        let mut s = FinalitySequence::new(2, 1);
        for (block, nonce) in [(4, 0), (4, 1), (4, 2), (9, 3)] {
            s.message(block, env(nonce));
        }
        s.config(6, SubnetConfig { configurationNumber: 1, ..Default::default() });
        let drafts = s.drafts(100);
        let summary: Vec<(u64, Vec<u64>, usize)> =
            drafts.iter().map(|d| (d.height, nonces(&d.msgs), d.configs.len())).collect();
        assert_eq!(
            summary,
            vec![(4, vec![0, 1], 0), (5, vec![2], 0), (6, vec![], 1), (9, vec![3], 0)]
        );
        // Only final blocks: nothing past `up_to`, and the prefix is the same.
        assert_eq!(s.drafts(5), drafts[..2].to_vec());
        assert!(FinalitySequence::new(2, 1).drafts(100).is_empty());
        // Pruning what the child committed leaves the rest as it was.
        let mut pruned = s.clone();
        pruned.prune(5);
        assert_eq!(pruned.drafts(100), drafts[2..].to_vec());
        pruned.prune(6);
        pruned.prune(6);
        assert_eq!(pruned.drafts(100), drafts[3..].to_vec());
        // On a grid of 5 blocks: two messages at 5; the overflow, the config and message 3 at 10.
        let mut grid = FinalitySequence::new(2, 5);
        for (block, nonce) in [(4, 0), (4, 1), (4, 2), (9, 3)] {
            grid.message(block, env(nonce));
        }
        grid.config(6, SubnetConfig { configurationNumber: 1, ..Default::default() });
        let summary: Vec<(u64, Vec<u64>, usize)> =
            grid.drafts(100).iter().map(|d| (d.height, nonces(&d.msgs), d.configs.len())).collect();
        assert_eq!(summary, vec![(5, vec![0, 1], 0), (10, vec![2, 3], 1)]);
        assert_eq!(grid.drafts(9).len(), 1, "a grid point above the final head waits");
    }

    #[test]
    fn statements_take_height_and_digest_from_their_bytes_succeeds() {
        use alloy::sol_types::SolValue as _;
        let checkpoint =
            crossnet_sdk::ipc::BottomUpCheckpoint { blockHeight: 15, ..Default::default() };
        let verifier = alloy::primitives::Address::repeat_byte(7);
        let encoded = alloy::primitives::Bytes::from(checkpoint.abi_encode());
        let s = Statement::new(Kind::Checkpoint, 5, verifier, encoded.clone()).unwrap();
        assert_eq!(s.slot.height, 15);
        assert_eq!(
            s.digest,
            crossnet_sdk::ipc::digest::checkpoint_digest(5, verifier, &checkpoint)
        );
        assert!(Statement::new(Kind::Finality, 5, verifier, vec![1, 2, 3].into()).is_err());
    }
}
