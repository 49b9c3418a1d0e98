//! System 2 on WASM: gateways, subnet actors, parent-finality programs and the linked token on
//! a tree of devnode chains (root 412346, children A 412347 and B 412349, grandchild G 412348
//! under A), with the test playing the child validators (3 of 4 sign) and the relayer.
#![allow(clippy::unwrap_used, clippy::panic)]

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolValue};
use crossnet_e2e::{
    ipc::{
        balance,
        bindings::{
            IErc20, IGateway, ILinkedTokenController as Controller, ILinkedTokenReplica as Replica,
            ISubnetActor,
        },
        convert, fvm, Tree, COLLATERAL,
    },
    node::{Node, NodeExt, TxReceipt},
};
use crossnet_sdk::ipc::{
    CheckpointCommitted, DuplicateValidatorSignaturesFound, InvalidNonce, MessageExecuted,
    MessageStoredInPostbox, OutcomeType, ParentFinalityCommitted, PolicyRefused, PolicyRule,
    ResultExecuted, SubnetID, SubnetPolicy, TopDownMessagesApplied, WeightsSumLessThanThreshold,
};

const ROOT: usize = 0;

fn tree() -> (Tree, usize) {
    let mut tree = Tree::new(412_346).expect("root");
    let a = tree.add_child(ROOT, 412_347).expect("child A");
    (tree, a)
}

fn user(tree: &Tree) -> Address {
    tree.nets[ROOT].node.accounts()[4]
}

fn executed(receipts: &[TxReceipt]) -> Vec<MessageExecuted> {
    receipts.iter().flat_map(|r| r.events::<MessageExecuted>()).collect()
}

fn fund(tree: &mut Tree, from: Address, subnet: &SubnetID, to: Address, value: u64) -> TxReceipt {
    let root = &mut tree.nets[ROOT];
    let call = IGateway::fundCall { subnet_id: convert(subnet), to: fvm(to) };
    root.node.send(from, root.gateway, call.abi_encode(), U256::from(value)).expect("fund")
}

#[test]
fn register_locks_collateral_succeeds() {
    let (mut tree, a) = tree();
    let (status, collateral, supply, top_down, bottom_up) = tree.subnet(a);
    assert_eq!(
        (status, collateral, supply, top_down, bottom_up),
        (1, U256::from(COLLATERAL), U256::ZERO, 0, 0)
    );
    let id = {
        let net = &mut tree.nets[a];
        net.node.call_sol(net.gateway, &IGateway::getNetworkNameCall {}).unwrap()
    };
    let id: SubnetID = convert(&id);
    assert_eq!(id, tree.nets[a].id);
}

#[test]
fn fund_and_release_move_value_with_supply_accounting_succeeds() {
    let (mut tree, a) = tree();
    let user = user(&tree);
    let child_id = tree.nets[a].id.clone();
    let recipient = Address::repeat_byte(0x51);
    fund(&mut tree, user, &child_id, recipient, 700);
    assert_eq!(tree.subnet(a).2, U256::from(700));

    let receipt = tree.relay_down(a).expect("relay down");
    assert_eq!(receipt.event::<TopDownMessagesApplied>().numMsgs, 1);
    assert_eq!(receipt.event::<MessageExecuted>().outcome, OutcomeType::Ok as u8);
    assert_eq!(balance(&tree.nets[a].node, recipient), U256::from(700));

    // The Ok Result goes back up; the release of 300 follows it in the same checkpoint.
    let release = IGateway::releaseCall { to: fvm(user) };
    let net = &mut tree.nets[a];
    let gateway = net.gateway;
    net.node.chain.set_balance(recipient, U256::from(10u128.pow(20)));
    net.node.send(recipient, gateway, release.abi_encode(), U256::from(300)).expect("release");
    let before = balance(&tree.nets[ROOT].node, user);
    let receipts = tree.relay_up(a).expect("relay up");
    let results: Vec<ResultExecuted> =
        receipts.iter().flat_map(|r| r.events::<ResultExecuted>()).collect();
    assert_eq!(results.len(), 1, "the fund's Ok Result reached its EOA sender");
    assert!(!results[0].delivered, "an EOA takes no Result");
    assert_eq!(balance(&tree.nets[ROOT].node, user), before + U256::from(300));
    assert_eq!(tree.subnet(a).2, U256::from(400));
    assert_eq!(tree.subnet(a).4, 2);
}

/// The linked token between `home` (erc20 + controller) and `away` (replica).
struct Linked {
    token: Address,
    controller: Address,
    replica: Address,
}

fn linked_token(tree: &mut Tree, home: usize, away: usize, alice: Address, supply: u64) -> Linked {
    let owner = tree.owner;
    let home_id = tree.nets[home].id.clone();
    let away_id = tree.nets[away].id.clone();
    let h = &mut tree.nets[home];
    let token = h
        .node
        .deploy(
            owner,
            "erc20",
            Some((owner, "Test".to_string(), "TST".to_string()).abi_encode_params()),
        )
        .expect("erc20");
    h.node
        .send_sol(owner, token, &IErc20::mintCall { to: alice, value: U256::from(supply) })
        .expect("mint");
    let controller = h
        .node
        .deploy(
            owner,
            "linked-token-controller",
            Some((owner, h.gateway, token).abi_encode_params()),
        )
        .expect("controller");
    let a = &mut tree.nets[away];
    let replica = a
        .node
        .deploy(
            owner,
            "linked-token-replica",
            Some((owner, a.gateway, "Linked".to_string(), "LTST".to_string()).abi_encode_params()),
        )
        .expect("replica");
    a.node
        .send_sol(
            owner,
            replica,
            &Replica::setLinkedContractCall { subnet: convert(&home_id), controller },
        )
        .expect("link replica");
    tree.nets[home]
        .node
        .send_sol(
            owner,
            controller,
            &Controller::setLinkedContractCall { subnet: convert(&away_id), replica },
        )
        .expect("link controller");
    Linked { token, controller, replica }
}

fn token_balance(tree: &mut Tree, net: usize, token: Address, account: Address) -> U256 {
    tree.nets[net].node.call_sol(token, &IErc20::balanceOfCall { account }).unwrap()
}

fn replica_supply(tree: &mut Tree, net: usize, replica: Address) -> U256 {
    tree.nets[net].node.call_sol(replica, &Replica::totalSupplyCall {}).unwrap()
}

/// ALICE deposits `amount` (approve + linkedTransfer) for `recipient`; returns the receipt.
fn deposit(
    tree: &mut Tree,
    home: usize,
    l: &Linked,
    alice: Address,
    recipient: Address,
    amount: u64,
) -> TxReceipt {
    let h = &mut tree.nets[home];
    h.node
        .send_sol(
            alice,
            l.token,
            &IErc20::approveCall { spender: l.controller, value: U256::from(amount) },
        )
        .expect("approve");
    h.node
        .send_sol(
            alice,
            l.controller,
            &Controller::linkedTransferCall { recipient, amount: U256::from(amount) },
        )
        .expect("linked transfer")
}

#[test]
fn linked_token_deposit_and_withdrawal_conserve_supply_succeeds() {
    let (mut tree, a) = tree();
    let alice = tree.nets[ROOT].node.accounts()[5];
    let bob = tree.nets[a].node.accounts()[6];
    let l = linked_token(&mut tree, ROOT, a, alice, 1_000);

    let sent = deposit(&mut tree, ROOT, &l, alice, bob, 400);
    eprintln!("gas: linked transfer (top-down Call) = {}", sent.gas_used);
    assert_eq!(token_balance(&mut tree, ROOT, l.token, l.controller), U256::from(400));
    let applied = tree.relay_down(a).expect("relay down");
    eprintln!("gas: commitParentFinality, 1 Call, 3-of-4 = {}", applied.gas_used);
    assert_eq!(applied.event::<MessageExecuted>().outcome, OutcomeType::Ok as u8);
    assert_eq!(replica_supply(&mut tree, a, l.replica), U256::from(400));
    let ups = tree.relay_up(a).expect("Ok Result up");
    for receipt in &ups {
        let n = receipt.event::<CheckpointCommitted>().numMsgs;
        eprintln!(
            "gas: submitCheckpoint, {n} Results (to the controller), 3-of-4 = {}",
            receipt.gas_used
        );
    }
    let delivered: Vec<ResultExecuted> =
        ups.iter().flat_map(|r| r.events::<ResultExecuted>()).collect();
    assert!(delivered[0].delivered);

    // Withdraw 150 to alice on the root.
    let net = &mut tree.nets[a];
    net.node
        .send_sol(
            bob,
            l.replica,
            &Replica::linkedTransferCall { recipient: alice, amount: U256::from(150) },
        )
        .expect("withdraw");
    tree.relay_up(a).expect("withdrawal up");
    assert_eq!(token_balance(&mut tree, ROOT, l.token, alice), U256::from(750));
    tree.relay_down(a).expect("Ok Result down");
    // Supply conserved: locked in the controller == replica supply.
    let locked = token_balance(&mut tree, ROOT, l.token, l.controller);
    assert_eq!(locked, U256::from(250));
    assert_eq!(replica_supply(&mut tree, a, l.replica), locked);
    assert_eq!(token_balance(&mut tree, ROOT, l.token, alice) + locked, U256::from(1_000));
}

#[test]
fn actor_err_refunds_sender_succeeds() {
    let (mut tree, a) = tree();
    let alice = tree.nets[ROOT].node.accounts()[5];
    let bob = tree.nets[a].node.accounts()[6];
    let l = linked_token(&mut tree, ROOT, a, alice, 1_000);
    // A second controller the replica is not linked to: its deposits are refused there.
    let owner = tree.owner;
    let away_id = tree.nets[a].id.clone();
    let rogue = {
        let h = &mut tree.nets[ROOT];
        let c = h
            .node
            .deploy(
                owner,
                "linked-token-controller",
                Some((owner, h.gateway, l.token).abi_encode_params()),
            )
            .unwrap();
        h.node
            .send_sol(
                owner,
                c,
                &Controller::setLinkedContractCall {
                    subnet: convert(&away_id),
                    replica: l.replica,
                },
            )
            .unwrap();
        c
    };
    let l2 = Linked { token: l.token, controller: rogue, replica: l.replica };
    deposit(&mut tree, ROOT, &l2, alice, bob, 100);
    assert_eq!(token_balance(&mut tree, ROOT, l.token, alice), U256::from(900));
    let applied = tree.relay_down(a).unwrap();
    assert_eq!(applied.event::<MessageExecuted>().outcome, OutcomeType::ActorErr as u8);
    assert_eq!(replica_supply(&mut tree, a, l.replica), U256::ZERO);
    tree.relay_up(a).unwrap();
    assert_eq!(token_balance(&mut tree, ROOT, l.token, alice), U256::from(1_000));
}

#[test]
fn system_err_from_destination_policy_refunds_and_origin_policy_refuses_succeeds() {
    let (mut tree, a) = tree();
    let alice = tree.nets[ROOT].node.accounts()[5];
    let bob = tree.nets[a].node.accounts()[6];
    let l = linked_token(&mut tree, ROOT, a, alice, 1_000);
    deposit(&mut tree, ROOT, &l, alice, bob, 100);
    // The subnet pauses before the deposit is delivered: the child adopts the policy with the
    // same finality, then refuses the Call.
    let edge = tree.edge(a);
    let owner = tree.owner;
    let paused = SubnetPolicy { paused: true, ..SubnetPolicy::default() };
    tree.nets[ROOT]
        .node
        .send_sol(owner, edge.actor, &ISubnetActor::setPolicyCall { policy: convert(&paused) })
        .unwrap();
    let applied = tree.relay_down(a).unwrap();
    let outcome = applied.event::<MessageExecuted>();
    assert_eq!(outcome.outcome, OutcomeType::SystemErr as u8);
    let refusal = PolicyRefused { subnet: edge.actor, rule: PolicyRule::Paused as u8 };
    assert_eq!(outcome.ret.to_vec(), alloy_sol_types::SolError::abi_encode(&refusal));
    tree.relay_up(a).unwrap();
    assert_eq!(token_balance(&mut tree, ROOT, l.token, alice), U256::from(1_000));
    // At origin the paused subnet refuses new deposits synchronously.
    let h = &mut tree.nets[ROOT];
    h.node
        .send_sol(
            alice,
            l.token,
            &IErc20::approveCall { spender: l.controller, value: U256::from(1) },
        )
        .unwrap();
    let err = h
        .node
        .send_sol(
            alice,
            l.controller,
            &Controller::linkedTransferCall { recipient: bob, amount: U256::from(1) },
        )
        .unwrap_err();
    assert_eq!(err.decode::<PolicyRefused>(), Some(refusal));
}

#[test]
fn reverting_result_handler_does_not_block_stream_succeeds() {
    let (mut tree, a) = tree();
    let alice = tree.nets[ROOT].node.accounts()[5];
    let bob = tree.nets[a].node.accounts()[6];
    let l = linked_token(&mut tree, ROOT, a, alice, 1_000);
    // Bob holds bridged value on A (what a release may take back).
    let a_id = tree.nets[a].id.clone();
    fund(&mut tree, alice, &a_id, bob, 10);
    tree.relay_down(a).unwrap();
    tree.relay_up(a).unwrap(); // the fund's Result
    let sent = deposit(&mut tree, ROOT, &l, alice, bob, 100);
    let id = sent.event::<crossnet_sdk::ipc::NewTopDownMessage>().id;
    tree.relay_down(a).unwrap();
    // The owner forgets the transfer: its Result will be refused by the controller.
    let owner = tree.owner;
    tree.nets[ROOT]
        .node
        .send_sol(owner, l.controller, &Controller::dropMessagesCall { ids: vec![id] })
        .unwrap();
    // A release rides in the same checkpoint, after the Result.
    let release = IGateway::releaseCall { to: fvm(alice) };
    let net = &mut tree.nets[a];
    let gateway = net.gateway;
    net.node.send(bob, gateway, release.abi_encode(), U256::from(5)).unwrap();
    let before = balance(&tree.nets[ROOT].node, alice);
    let receipts = tree.relay_up(a).unwrap();
    let last = receipts.last().unwrap();
    let result = last.event::<ResultExecuted>();
    assert!(!result.delivered, "the controller refused the Result");
    assert_eq!(last.event::<CheckpointCommitted>().numMsgs, 2);
    assert_eq!(balance(&tree.nets[ROOT].node, alice), before + U256::from(5));
}

#[test]
fn sibling_to_sibling_route_goes_through_root_postbox_succeeds() {
    let (mut tree, a) = tree();
    let b = tree.add_child(ROOT, 412_349).expect("child B");
    let alice = tree.nets[a].node.accounts()[5];
    let bob = tree.nets[b].node.accounts()[6];
    let l = linked_token(&mut tree, a, b, alice, 500);
    deposit(&mut tree, a, &l, alice, bob, 80);
    // A -> root: stored in the root's postbox.
    let up = tree.relay_up(a).unwrap();
    let stored: Vec<MessageStoredInPostbox> =
        up.iter().flat_map(|r| r.events::<MessageStoredInPostbox>()).collect();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].message.to.subnetId, tree.nets[b].id);
    // root -> B.
    let propagated = tree.propagate(ROOT).unwrap().expect("postbox");
    assert_eq!(propagated.events::<crossnet_sdk::ipc::NewTopDownMessage>().len(), 1);
    assert_eq!(tree.propagate(ROOT).unwrap().map(|r| r.gas_used), None);
    tree.relay_down(b).unwrap();
    assert_eq!(replica_supply(&mut tree, b, l.replica), U256::from(80));
    // The Ok Result: B -> root postbox -> A.
    tree.relay_up(b).unwrap();
    tree.propagate(ROOT).unwrap().expect("result in postbox");
    let down = tree.relay_down(a).unwrap();
    assert!(down.event::<ResultExecuted>().delivered);
    // B's supply came from A through the root: the root accounts it to B, not A.
    assert_eq!(tree.subnet(b).2, U256::ZERO);
}

#[test]
fn fund_reaches_grandchild_through_child_postbox_succeeds() {
    let (mut tree, a) = tree();
    let g = tree.add_child(a, 412_348).expect("grandchild");
    let user = user(&tree);
    let recipient = Address::repeat_byte(0x77);
    let g_id = tree.nets[g].id.clone();
    fund(&mut tree, user, &g_id, recipient, 50);
    // root -> A: kept in A's postbox, then forwarded into G's queue.
    let applied = tree.relay_down(a).unwrap();
    assert_eq!(applied.events::<MessageStoredInPostbox>().len(), 1);
    tree.propagate(a).unwrap().expect("postbox");
    assert_eq!(tree.subnet(g).2, U256::from(50));
    tree.relay_down(g).unwrap();
    assert_eq!(balance(&tree.nets[g].node, recipient), U256::from(50));
    // The Ok Result climbs G -> A (postbox) -> root.
    tree.relay_up(g).unwrap();
    tree.propagate(a).unwrap().expect("result");
    let ups = tree.relay_up(a).unwrap();
    let results: Vec<ResultExecuted> =
        ups.iter().flat_map(|r| r.events::<ResultExecuted>()).collect();
    assert_eq!(results.len(), 1);
}

#[test]
fn nonce_gap_rejected_then_recovered_reverts() {
    let (mut tree, a) = tree();
    let user = user(&tree);
    let child_id = tree.nets[a].id.clone();
    fund(&mut tree, user, &child_id, user, 1);
    fund(&mut tree, user, &child_id, user, 2);
    let mut finality = tree.next_finality(a);
    assert_eq!(finality.msgs.len(), 2);
    finality.msgs.remove(0);
    let relayer = tree.owner;
    let err = tree.submit_finality(a, &finality, &[0, 1, 3], relayer).unwrap_err();
    assert_eq!(err.decode::<InvalidNonce>(), Some(InvalidNonce { expected: 0, got: 1 }));
    // Nothing was applied; the right submission goes through.
    assert_eq!(tree.nonces(a).1, 0);
    let receipt = tree.relay_down(a).unwrap();
    assert_eq!(receipt.event::<ParentFinalityCommitted>().numMsgs, 2);
    assert_eq!(tree.nonces(a).1, 2);
}

#[test]
fn checkpoint_with_too_little_weight_or_duplicate_signers_reverts() {
    let (mut tree, a) = tree();
    let net = &mut tree.nets[a];
    let gateway = net.gateway;
    let user = net.node.accounts()[4];
    net.node
        .send(user, gateway, IGateway::releaseCall { to: fvm(user) }.abi_encode(), U256::ZERO)
        .unwrap_err(); // a release needs value
    let checkpoint = tree.next_checkpoint(a);
    let relayer = tree.owner;
    let err = tree.submit_checkpoint(a, &checkpoint, &[0, 3], relayer).unwrap_err();
    assert_eq!(
        err.decode::<WeightsSumLessThanThreshold>(),
        Some(WeightsSumLessThanThreshold { weight: U256::from(2), total: U256::from(4) })
    );
    let err = tree.submit_checkpoint(a, &checkpoint, &[0, 0, 1], relayer).unwrap_err();
    assert_eq!(
        err.decode::<DuplicateValidatorSignaturesFound>(),
        Some(DuplicateValidatorSignaturesFound {})
    );
    let ok = tree.submit_checkpoint(a, &checkpoint, &[1, 2, 3], relayer).unwrap();
    eprintln!("gas: submitCheckpoint, empty batch, 3-of-4 = {}", ok.gas_used);
    let _ = B256::ZERO;
}

#[test]
fn fund_gas_succeeds() {
    let (mut tree, a) = tree();
    let user = user(&tree);
    let child_id = tree.nets[a].id.clone();
    let first = fund(&mut tree, user, &child_id, user, 1);
    let second = fund(&mut tree, user, &child_id, user, 1);
    eprintln!(
        "gas: fund (top-down Transfer) first = {}, next = {}",
        first.gas_used, second.gas_used
    );
    let applied = tree.relay_down(a).unwrap();
    eprintln!("gas: commitParentFinality, 2 Transfers, 3-of-4 = {}", applied.gas_used);
    let ups = tree.relay_up(a).unwrap();
    for receipt in &ups {
        let n = receipt.event::<CheckpointCommitted>().numMsgs;
        eprintln!("gas: submitCheckpoint, {n} Results (to an EOA), 3-of-4 = {}", receipt.gas_used);
    }
    assert_eq!(executed(&ups).len(), 0, "Results are not answered");
}
