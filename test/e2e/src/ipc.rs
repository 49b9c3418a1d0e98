//! System 2 harness: gateways, subnet actors and parent-finality programs deployed on a tree of
//! devnode chains, with the test playing the child validators (4 keys, signing with 3) and the
//! relayer (reading gateway events, building and submitting parent finalities and checkpoints,
//! propagating postboxes).
//!
//! Bindings come from the committed interfaces (`contracts/ipc/**/I*.sol`,
//! `examples/*/I*.sol`); sdk structs are converted to the binding structs through their ABI
//! encoding, which also checks that the interfaces describe the programs.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolEvent, SolValue};
use crossnet_sdk::ipc::{
    digest::{checkpoint_digest, finality_digest},
    testing::{addresses, equal_weights, sign_quorum, validators, TestValidator},
    BottomUpCheckpoint, IpcEnvelope, MessageStoredInPostbox, NewBottomUpMessage, NewTopDownMessage,
    ParentFinality, SubnetConfig, SubnetConfigured, SubnetID,
};

use crate::node::{Embedded, Node, NodeExt, TxError, TxReceipt};

/// Bindings generated from the committed Solidity interfaces of system 2.
#[allow(missing_docs, clippy::all)]
pub mod bindings {
    alloy_sol_types::sol!("../../contracts/ipc/gateway/IGateway.sol");
    alloy_sol_types::sol!("../../contracts/ipc/gateway-executor/IGatewayExecutor.sol");
    alloy_sol_types::sol!("../../contracts/ipc/subnet-actor/ISubnetActor.sol");
    alloy_sol_types::sol!("../../contracts/ipc/top-down-finality/ITopDownFinality.sol");
    alloy_sol_types::sol!("../../examples/erc20/IErc20.sol");
    alloy_sol_types::sol!("../../examples/linked-token-controller/ILinkedTokenController.sol");
    alloy_sol_types::sol!("../../examples/linked-token-replica/ILinkedTokenReplica.sol");
}

use bindings::{IGateway, IGatewayExecutor, ISubnetActor, ITopDownFinality};

/// A struct converted through its ABI encoding (sdk type <-> binding type).
///
/// # Panics
/// When the encodings differ (an interface that does not describe the program).
#[must_use]
pub fn convert<
    A: SolValue,
    B: SolValue + From<<B::SolType as alloy_sol_types::SolType>::RustType>,
>(
    value: &A,
) -> B {
    B::abi_decode(&value.abi_encode()).expect("same ABI type")
}

/// Blocks between checkpoints.
pub const PERIOD: u64 = 5;
/// Messages per checkpoint.
pub const MAX_MSGS: u64 = 10;
/// Gas each executed message gets.
pub const EXECUTION_GAS: u64 = 3_000_000;
/// Collateral locked at registration.
pub const COLLATERAL: u64 = 1_000;
/// Un-issued supply a child gateway holds at genesis.
pub const RESERVE: u128 = 1_000_000_000_000_000_000_000;

/// One chain of the tree and its gateway.
pub struct Net {
    /// The chain.
    pub node: Embedded,
    /// Its subnet.
    pub id: SubnetID,
    /// Its gateway.
    pub gateway: Address,
    /// Its parent-finality program (children only).
    pub finality: Address,
}

/// A parent-child edge: the child's subnet actor on the parent chain.
#[derive(Debug, Clone, Copy)]
pub struct Edge {
    /// Index of the parent in [`Tree::nets`].
    pub parent: usize,
    /// Index of the child in [`Tree::nets`].
    pub child: usize,
    /// The child's actor on the parent chain.
    pub actor: Address,
}

/// A tree of subnets with one validator set for every child.
pub struct Tree {
    /// The chains, the root first.
    pub nets: Vec<Net>,
    /// The edges.
    pub edges: Vec<Edge>,
    /// The validators of every child (sorted).
    pub validators: Vec<TestValidator>,
    /// Deployer and owner of everything (`accounts()[0]` of every chain).
    pub owner: Address,
}

/// The gateway's view of a child: status, collateral, circulating supply, next top-down
/// nonce, next applied bottom-up nonce.
pub type SubnetInfo = (u8, U256, U256, u64, u64);

impl Tree {
    /// A root chain (`root_chain_id`) with its gateway.
    ///
    /// # Errors
    /// Deployment failures.
    pub fn new(root_chain_id: u64) -> Result<Self, TxError> {
        let mut node = Embedded::new(root_chain_id);
        let owner = node.accounts()[0];
        let id = SubnetID::new_root(root_chain_id);
        let gateway = deploy_gateway(&mut node, owner, &id)?;
        let validators = validators(4);
        Ok(Self {
            nets: vec![Net { node, id, gateway, finality: Address::ZERO }],
            edges: Vec::new(),
            validators,
            owner,
        })
    }

    /// Adds a child of net `parent` on a new chain `chain_id`: its actor on the parent
    /// (registered with [`COLLATERAL`]), its gateway (holding [`RESERVE`]) and parent-finality
    /// program. Returns the child's index.
    ///
    /// # Errors
    /// Deployment failures.
    pub fn add_child(&mut self, parent: usize, chain_id: u64) -> Result<usize, TxError> {
        let owner = self.owner;
        let set = addresses(&self.validators);
        let weights = equal_weights(&self.validators);
        let parent_net = &mut self.nets[parent];
        let args = (owner, parent_net.gateway, PERIOD, MAX_MSGS, set.clone(), weights.clone());
        let actor =
            parent_net.node.deploy(owner, "subnet-actor", Some(args.abi_encode_params()))?;
        parent_net.node.send(
            owner,
            actor,
            ISubnetActor::registerCall { genesis_circ_supply: U256::ZERO }.abi_encode(),
            U256::from(COLLATERAL),
        )?;
        let id = parent_net.id.child(actor);
        let mut node = Embedded::new(chain_id);
        let gateway = deploy_gateway(&mut node, owner, &id)?;
        node.chain.set_balance(gateway, U256::from(RESERVE));
        let finality = node.deploy(
            owner,
            "top-down-finality",
            Some((gateway, actor, set, weights).abi_encode_params()),
        )?;
        node.send_sol(owner, gateway, &IGateway::initializeCall { top_down_finality: finality })?;
        self.nets.push(Net { node, id, gateway, finality });
        let child = self.nets.len() - 1;
        self.edges.push(Edge { parent, child, actor });
        Ok(child)
    }

    /// The edge into `child`.
    ///
    /// # Panics
    /// For the root.
    #[must_use]
    pub fn edge(&self, child: usize) -> Edge {
        *self.edges.iter().find(|e| e.child == child).expect("a child")
    }

    /// The parent gateway's view of `child`.
    ///
    /// # Panics
    /// When the view fails.
    pub fn subnet(&mut self, child: usize) -> SubnetInfo {
        let edge = self.edge(child);
        let net = &mut self.nets[edge.parent];
        let ret = net
            .node
            .call_sol(net.gateway, &IGateway::getSubnetCall { actor: edge.actor })
            .expect("getSubnet");
        (ret._0, ret._1, ret._2, ret._3, ret._4)
    }

    /// `getNonces()` of the gateway of `net`.
    ///
    /// # Panics
    /// When the view fails.
    pub fn nonces(&mut self, net: usize) -> (u64, u64, u64, u64, u64, u64) {
        let n = &mut self.nets[net];
        let r = n.node.call_sol(n.gateway, &IGateway::getNoncesCall {}).expect("getNonces");
        (r._0, r._1, r._2, r._3, r._4, r._5)
    }

    /// Configurations the actor of `child` published that its finality program has not adopted.
    fn pending_configs(&mut self, edge: Edge) -> Vec<SubnetConfig> {
        let adopted = {
            let c = &mut self.nets[edge.child];
            c.node
                .call_sol(c.finality, &ITopDownFinality::configurationNumberCall {})
                .expect("configurationNumber")
        };
        let p = &self.nets[edge.parent];
        let head = p.node.chain.block_number();
        p.node
            .chain
            .logs(0, head, Some(edge.actor))
            .iter()
            .filter_map(|l| SubnetConfigured::decode_log_data(&l.log.data).ok())
            .filter(|e| e.configurationNumber > adopted)
            .map(|e| e.config)
            .collect()
    }

    /// The top-down messages queued for `child` from nonce `from` on.
    fn queued_top_down(&self, edge: Edge, from: u64) -> Vec<IpcEnvelope> {
        let p = &self.nets[edge.parent];
        let head = p.node.chain.block_number();
        p.node
            .chain
            .logs(0, head, Some(p.gateway))
            .iter()
            .filter_map(|l| NewTopDownMessage::decode_log_data(&l.log.data).ok())
            .filter(|e| e.subnet == edge.actor && e.message.localNonce >= from)
            .map(|e| e.message)
            .collect()
    }

    /// The parent finality the validators of `child` would certify now: the parent's latest
    /// block, the pending configurations and every queued top-down message not applied yet.
    ///
    /// # Panics
    /// When a view fails.
    pub fn next_finality(&mut self, child: usize) -> ParentFinality {
        let edge = self.edge(child);
        let applied = self.nonces(child).1;
        let configs = self.pending_configs(edge);
        let msgs = self.queued_top_down(edge, applied);
        let p = &mut self.nets[edge.parent];
        let height = p.node.block_number();
        ParentFinality { height, blockHash: p.node.state_root(height), configs, msgs }
    }

    /// Submits `finality` to `child`'s parent-finality program, signed by `signers`
    /// (validator indices).
    ///
    /// # Errors
    /// The program's (or the gateway's) revert.
    pub fn submit_finality(
        &mut self,
        child: usize,
        finality: &ParentFinality,
        signers: &[usize],
        relayer: Address,
    ) -> Result<TxReceipt, TxError> {
        let c = &mut self.nets[child];
        let digest = finality_digest(c.node.chain_id(), c.finality, finality);
        let signers: Vec<&TestValidator> = signers.iter().map(|&i| &self.validators[i]).collect();
        let (signatories, signatures) = sign_quorum(&signers, digest);
        let call = ITopDownFinality::commitParentFinalityCall {
            finality: finality.abi_encode().into(),
            signatories,
            signatures,
        };
        c.node.send_sol(relayer, c.finality, &call)
    }

    /// Relays every pending top-down message (and configuration) into `child`, signed by 3 of
    /// the 4 validators; the parent mines a block first when its height was already committed.
    ///
    /// # Errors
    /// The revert.
    pub fn relay_down(&mut self, child: usize) -> Result<TxReceipt, TxError> {
        let edge = self.edge(child);
        let last = {
            let c = &mut self.nets[child];
            c.node.call_sol(c.finality, &ITopDownFinality::lastFinalityCall {}).expect("last")._0
        };
        if self.nets[edge.parent].node.block_number() <= last {
            self.nets[edge.parent].node.chain.mine(1);
        }
        let finality = self.next_finality(child);
        let relayer = self.owner;
        self.submit_finality(child, &finality, &[0, 1, 2], relayer)
    }

    /// The next checkpoint of `child` (mining child blocks up to its height when needed): the
    /// bottom-up messages of the child's blocks after the last checkpoint, up to the next
    /// period boundary.
    ///
    /// # Panics
    /// When a view fails.
    pub fn next_checkpoint(&mut self, child: usize) -> BottomUpCheckpoint {
        let edge = self.edge(child);
        let last = {
            let p = &mut self.nets[edge.parent];
            p.node.call_sol(edge.actor, &ISubnetActor::lastCheckpointCall {}).expect("last")._0
        };
        let height = (last / PERIOD + 1) * PERIOD;
        let c = &mut self.nets[child];
        let head = c.node.block_number();
        if head < height {
            c.node.chain.mine(height - head);
        }
        let configuration = c
            .node
            .call_sol(c.finality, &ITopDownFinality::configurationNumberCall {})
            .expect("configuration");
        let msgs = c
            .node
            .chain
            .logs(last + 1, height, Some(c.gateway))
            .iter()
            .filter_map(|l| NewBottomUpMessage::decode_log_data(&l.log.data).ok())
            .map(|e| e.message)
            .collect();
        BottomUpCheckpoint {
            subnetID: c.id.clone(),
            blockHeight: height,
            blockHash: c.node.state_root(height),
            nextConfigurationNumber: configuration,
            msgs,
        }
    }

    /// Submits `checkpoint` of `child` to its actor, signed by `signers`.
    ///
    /// # Errors
    /// The actor's (or the gateway's) revert.
    pub fn submit_checkpoint(
        &mut self,
        child: usize,
        checkpoint: &BottomUpCheckpoint,
        signers: &[usize],
        relayer: Address,
    ) -> Result<TxReceipt, TxError> {
        let edge = self.edge(child);
        let p = &mut self.nets[edge.parent];
        let digest = checkpoint_digest(p.node.chain_id(), edge.actor, checkpoint);
        let signers: Vec<&TestValidator> = signers.iter().map(|&i| &self.validators[i]).collect();
        let (signatories, signatures) = sign_quorum(&signers, digest);
        let call = ISubnetActor::submitCheckpointCall {
            checkpoint: checkpoint.abi_encode().into(),
            signatories,
            signatures,
        };
        p.node.send_sol(relayer, edge.actor, &call)
    }

    /// Relays `child`'s bottom-up messages to its parent, checkpoint after checkpoint, until
    /// the last checkpoint holds the latest one (each signed by 3 of the 4 validators).
    /// Returns the receipts.
    ///
    /// # Errors
    /// The revert.
    pub fn relay_up(&mut self, child: usize) -> Result<Vec<TxReceipt>, TxError> {
        let mut receipts = Vec::new();
        loop {
            let pending = self.nonces(child).0;
            let edge = self.edge(child);
            let applied = self.subnet(child).4;
            if applied >= pending && !receipts.is_empty() {
                return Ok(receipts);
            }
            let checkpoint = self.next_checkpoint(child);
            let relayer = self.owner;
            receipts.push(self.submit_checkpoint(child, &checkpoint, &[0, 1, 2], relayer)?);
            let _ = edge;
            if self.subnet(child).4 >= pending {
                return Ok(receipts);
            }
        }
    }

    /// Forwards every message waiting in the postbox of `net` (anyone may). Returns the
    /// receipt, `None` when the postbox is empty.
    ///
    /// # Errors
    /// The revert.
    pub fn propagate(&mut self, net: usize) -> Result<Option<TxReceipt>, TxError> {
        let n = &mut self.nets[net];
        let head = n.node.chain.block_number();
        let stored: Vec<IpcEnvelope> = n
            .node
            .chain
            .logs(0, head, Some(n.gateway))
            .iter()
            .filter_map(|l| MessageStoredInPostbox::decode_log_data(&l.log.data).ok())
            .map(|e| e.message)
            .collect();
        let mut waiting = Vec::new();
        for envelope in stored {
            let id = envelope.tracing_id();
            let kept = n.node.call_sol(n.gateway, &IGateway::postboxCall { id }).expect("postbox");
            if kept != B256::ZERO && !waiting.contains(&envelope) {
                waiting.push(envelope);
            }
        }
        if waiting.is_empty() {
            return Ok(None);
        }
        let envelopes = waiting.iter().map(convert).collect();
        let call = IGatewayExecutor::propagateAllCall { envelopes };
        let owner = self.owner;
        n.node.send_sol(owner, n.gateway, &call).map(Some)
    }
}

/// Deploys a gateway (and its executor) for `id`.
fn deploy_gateway(node: &mut Embedded, owner: Address, id: &SubnetID) -> Result<Address, TxError> {
    let executor = node.deploy(owner, "gateway-executor", None)?;
    let args = (owner, id.clone(), PERIOD, MAX_MSGS, EXECUTION_GAS, executor);
    node.deploy(owner, "gateway", Some(args.abi_encode_params()))
}

/// The native balance of `account` on `node`.
#[must_use]
pub fn balance(node: &Embedded, account: Address) -> U256 {
    node.chain.balance(account)
}

/// ABI-encoded `FvmAddress` of an EVM account, as the binding type.
#[must_use]
pub fn fvm(account: Address) -> IGateway::FvmAddress {
    convert(&crossnet_sdk::ipc::FvmAddress::from_evm(account))
}

/// Bytes, for binding fields.
#[must_use]
pub fn bytes(data: Vec<u8>) -> Bytes {
    data.into()
}
