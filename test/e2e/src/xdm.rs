//! System 1 harness: deploys the five programs on a parent and a child chain and plays the
//! off-chain roles (proposer, relayer, sequencer) the way `crossnet relay` does.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolType, SolValue};
use crossnet_sdk::{
    client::{relay_proof, XdmMessage},
    xdm::{ChainBatchHeader, L2MessageInclusionProof},
};

use crate::{
    bindings::{
        IL1CrossDomainMessenger as L1, IL2CrossDomainMessenger as L2, IStateCommitmentChain as Scc,
    },
    node::{Node, NodeExt, TxError, TxReceipt},
};

/// Who plays which role (accounts of the nodes).
#[derive(Debug, Clone, Copy)]
pub struct Roles {
    /// Owner of the messengers (deploys everything).
    pub owner: Address,
    /// Appends state batches.
    pub proposer: Address,
    /// Deletes state batches inside the window.
    pub challenger: Address,
    /// Relays parent-to-child queue entries (queue mode) and child-to-parent proofs.
    pub sequencer: Address,
}

/// Deployment options.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Fraud-proof window in seconds.
    pub window: u64,
    /// Whether every child account may send.
    pub allow_all_senders: bool,
    /// Maximum child gas per queue entry.
    pub max_gas: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self { window: 3600, allow_all_senders: true, max_gas: 15_000_000 }
    }
}

/// A committed state batch the harness proposed.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The header as stored (from `StateBatchAppended`).
    pub header: ChainBatchHeader,
    /// The child blocks whose state roots it holds, in order.
    pub blocks: Vec<u64>,
    /// Those state roots.
    pub roots: Vec<B256>,
}

/// System 1 deployed on two nodes.
pub struct CrossDomain<P: Node, C: Node> {
    /// Parent chain ("L1").
    pub parent: P,
    /// Child chain ("L2").
    pub child: C,
    /// Roles.
    pub roles: Roles,
    /// Child: `L2ToL1MessagePasser`.
    pub passer: Address,
    /// Child: `L2CrossDomainMessenger`.
    pub l2_messenger: Address,
    /// Parent: `L1CrossDomainMessenger`.
    pub l1_messenger: Address,
    /// Parent: `StateCommitmentChain`.
    pub scc: Address,
    /// Parent: `CanonicalTransactionChain`.
    pub ctc: Address,
    /// Batches proposed so far.
    pub batches: Vec<Batch>,
}

fn owner_args(owner: Address) -> Vec<u8> {
    owner.abi_encode()
}

impl<P: Node, C: Node> CrossDomain<P, C> {
    /// Deploys and wires the five programs: passer and child messenger (queue mode, the
    /// sequencer as origin) on `child`; state-commitment chain, queue and parent messenger on
    /// `parent`.
    ///
    /// # Errors
    /// Any deployment or initialisation failure.
    pub fn deploy(
        mut parent: P,
        mut child: C,
        roles: Roles,
        options: Options,
    ) -> Result<Self, TxError> {
        let owner = roles.owner;
        let passer = child.deploy(owner, "l2-to-l1-message-passer", None)?;
        let l2_messenger =
            child.deploy(owner, "l2-cross-domain-messenger", Some(owner_args(owner)))?;
        let scc = parent.deploy(
            owner,
            "state-commitment-chain",
            Some(
                (roles.proposer, roles.challenger, U256::from(options.window)).abi_encode_params(),
            ),
        )?;
        let ctc = parent.deploy(
            owner,
            "canonical-transaction-chain",
            Some(U256::from(options.max_gas).abi_encode()),
        )?;
        let l1_messenger =
            parent.deploy(owner, "l1-cross-domain-messenger", Some(owner_args(owner)))?;
        parent.send_sol(
            owner,
            l1_messenger,
            &L1::initializeCall {
                l2_messenger,
                l2_message_passer: passer,
                state_commitment_chain: scc,
                transaction_queue: ctc,
            },
        )?;
        child.send_sol(
            owner,
            l2_messenger,
            &L2::initializeCall {
                l1_messenger,
                message_passer: passer,
                sequencer: roles.sequencer,
                allow_all_senders: options.allow_all_senders,
            },
        )?;
        Ok(Self {
            parent,
            child,
            roles,
            passer,
            l2_messenger,
            l1_messenger,
            scc,
            ctc,
            batches: vec![],
        })
    }

    /// Sends a child-to-parent message from `from` and returns it with the child block it was
    /// mined in.
    ///
    /// # Errors
    /// The child messenger's refusal.
    pub fn send_to_parent(
        &mut self,
        from: Address,
        target: Address,
        message: Vec<u8>,
    ) -> Result<(XdmMessage, TxReceipt), TxError> {
        let receipt = self.child.send_sol(
            from,
            self.l2_messenger,
            &L2::sendMessageCall { target, message: message.into(), gas_limit: 1_000_000 },
        )?;
        Ok((sent_message(&receipt), receipt))
    }

    /// Sends a parent-to-child message from `from`; returns the queue entry's calldata for the
    /// child messenger (what the sequencer submits) and the receipt.
    ///
    /// # Errors
    /// The parent messenger's (or queue's) refusal.
    pub fn send_to_child(
        &mut self,
        from: Address,
        target: Address,
        message: Vec<u8>,
        gas_limit: u32,
    ) -> Result<(XdmMessage, TxReceipt), TxError> {
        let receipt = self.parent.send_sol(
            from,
            self.l1_messenger,
            &L1::sendMessageCall { target, message: message.into(), gas_limit },
        )?;
        Ok((sent_message(&receipt), receipt))
    }

    /// The sequencer delivers the queue entry of `message` to the child messenger.
    ///
    /// # Errors
    /// The child messenger's refusal.
    pub fn deliver_to_child(
        &mut self,
        from: Address,
        message: &XdmMessage,
    ) -> Result<TxReceipt, TxError> {
        self.child.send(from, self.l2_messenger, message.bytes(), U256::ZERO)
    }

    /// The proposer appends the state roots of child `blocks` as one batch.
    ///
    /// # Errors
    /// The state-commitment chain's refusal.
    pub fn propose(&mut self, blocks: &[u64]) -> Result<Batch, TxError> {
        let roots: Vec<B256> = blocks.iter().map(|b| self.child.state_root(*b)).collect();
        let start = self.parent.call_sol(self.scc, &Scc::getTotalElementsCall {})?;
        let receipt = self.parent.send_sol(
            self.roles.proposer,
            self.scc,
            &Scc::appendStateBatchCall { batch: roots.clone(), should_start_at_element: start },
        )?;
        let event = receipt.event::<crossnet_sdk::xdm::StateBatchAppended>();
        let batch = Batch {
            header: ChainBatchHeader {
                batchIndex: event.batchIndex,
                batchRoot: event.batchRoot,
                batchSize: event.batchSize,
                prevTotalElements: event.prevTotalElements,
                extraData: event.extraData,
            },
            blocks: blocks.to_vec(),
            roots,
        };
        self.batches.push(batch.clone());
        Ok(batch)
    }

    /// Builds the relay proof of `message` from `batch` at root `index`, with the proofs taken
    /// from the child at that root's block.
    ///
    /// # Errors
    /// When the child cannot prove the block (pruned).
    pub fn proof_for(
        &mut self,
        message: &XdmMessage,
        batch: &Batch,
        index: usize,
    ) -> Result<L2MessageInclusionProof, TxError> {
        let block =
            *batch.blocks.get(index).ok_or_else(|| TxError::Failed("no such root".into()))?;
        let slot = message.passer_slot(self.l2_messenger);
        let proof = self.child.proof(self.passer, &[slot], block)?;
        let storage = proof.storage_proof.first().map(|s| s.proof.clone()).unwrap_or_default();
        relay_proof(batch.header.clone(), &batch.roots, index, proof.account_proof, storage)
            .ok_or_else(|| TxError::Failed("index outside the batch".into()))
    }

    /// Relays `message` on the parent with `proof`, from `from`.
    ///
    /// # Errors
    /// The parent messenger's refusal.
    pub fn relay_to_parent(
        &mut self,
        from: Address,
        message: &XdmMessage,
        proof: &L2MessageInclusionProof,
    ) -> Result<TxReceipt, TxError> {
        self.parent.send(from, self.l1_messenger, relay_calldata(message, proof), U256::ZERO)
    }

    /// Enqueued entries of the parent's queue in `receipt`.
    #[must_use]
    pub fn enqueued(receipt: &TxReceipt) -> Vec<crossnet_sdk::xdm::TransactionEnqueued> {
        receipt.events::<crossnet_sdk::xdm::TransactionEnqueued>()
    }
}

/// Calldata of `relayMessage(target, sender, message, nonce, proof)` on the parent messenger.
#[must_use]
pub fn relay_calldata(message: &XdmMessage, proof: &L2MessageInclusionProof) -> Vec<u8> {
    // The sdk type and the interface's struct have the same ABI.
    let proof = <L1::L2MessageInclusionProof as SolType>::abi_decode(&proof.abi_encode())
        .unwrap_or_else(|_| unreachable_proof());
    L1::relayMessage_0Call {
        target: message.target,
        sender: message.sender,
        message: message.message.clone(),
        message_nonce: message.nonce,
        proof,
    }
    .abi_encode()
}

#[allow(clippy::panic)]
fn unreachable_proof() -> L1::L2MessageInclusionProof {
    panic!("L2MessageInclusionProof of the sdk and of IL1CrossDomainMessenger.sol differ")
}

/// The message announced by the `SentMessage` event in `receipt`.
///
/// # Panics
/// When the receipt has no `SentMessage` (a test failure).
#[must_use]
pub fn sent_message(receipt: &TxReceipt) -> XdmMessage {
    let event = receipt.event::<crossnet_sdk::xdm::SentMessage>();
    XdmMessage {
        target: event.target,
        sender: event.sender,
        message: Bytes::from(event.message.to_vec()),
        nonce: event.messageNonce,
    }
}
