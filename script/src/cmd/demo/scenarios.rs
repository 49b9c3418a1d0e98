//! The demo's five scenarios, each a method that sends as a user, waits for the effect on the
//! destination chain and records a summary row with what the relay daemon stored.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use alloy::primitives::{keccak256, Address, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolValue};
use anyhow::{bail, Context as _};
use crossnet_relayer::bindings::{
    convert, to_binding, ICrossDomainGreeter as Greeter, IErc20, IGateway,
    ILinkedTokenController as Controller, ILinkedTokenReplica as Replica,
};
use crossnet_relayer::client::{receipt_events, Client, TxError};
use crossnet_relayer::config::Config;
use crossnet_relayer::deployment::{keys, Deployment};
use crossnet_relayer::store::{Status, Store};
use crossnet_sdk::ipc::{FvmAddress, NewBottomUpMessage, NewTopDownMessage};
use crossnet_sdk::xdm::{SentMessage, TransactionEnqueued};

/// A row of the summary table.
pub struct Row {
    /// Message id.
    pub id: String,
    /// Route (and system).
    pub route: String,
    /// Outcome at the destination.
    pub outcome: String,
    /// Gas of the delivery (or deliveries).
    pub gas: String,
    /// From the user's transaction to the effect on the destination.
    pub latency: Duration,
}

/// What the scenarios work with.
pub struct Scenarios<'a> {
    /// The demo's config.
    pub config: &'a Config,
    /// Parent, child and grandchild with the deployer key.
    pub clients: &'a [Client],
    /// Their deployment records, in the same order.
    pub records: [&'a Deployment; 3],
    /// Two users.
    pub alice: &'a PrivateKeySigner,
    /// The second user.
    pub bob: &'a PrivateKeySigner,
    /// The relay daemon's store.
    pub db: PathBuf,
    /// How long each step may take.
    pub timeout: Duration,
    /// The summary, filled as steps complete.
    pub rows: Vec<Row>,
}

fn step(n: usize, title: &str) {
    println!("\n[{n}/5] {title}");
}

fn info(line: &str) {
    println!("      {line}");
}

/// The first 10 characters of `id`, for tables.
pub fn short(id: &str) -> String {
    let head: String = id.chars().take(10).collect();
    format!("{head}…")
}

fn tx(what: &str) -> impl FnOnce(TxError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("{what}: {e}")
}

/// Polls `check` every 200 ms until it returns `Some`, or fails after `timeout`.
async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if Instant::now() > deadline {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Gas and outcome of the delivery of store id `id`, once the daemon has recorded it (the
/// effect can be visible on chain a moment before the daemon stores the receipt).
async fn delivery(db: &std::path::Path, id: &str) -> (String, String) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let store = Store::open(db).ok();
    loop {
        let found = store.as_ref().and_then(|s| s.get(id).ok().flatten());
        if let Some(m) = found.filter(|m| m.status == Status::Relayed) {
            return (
                m.gas_used.map_or_else(|| "-".to_owned(), |g| g.to_string()),
                m.outcome.unwrap_or_else(|| m.status.as_str().to_owned()),
            );
        }
        if Instant::now() > deadline {
            return ("-".to_owned(), "not recorded".to_owned());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

impl Scenarios<'_> {
    /// Runs the five scenarios in order.
    ///
    /// # Errors
    /// A step that fails or times out.
    pub async fn run(&mut self) -> anyhow::Result<()> {
        let (g_parent, g_child) = self.greeters().await?;
        self.child_to_parent(g_parent, g_child).await?;
        self.parent_to_child(g_parent, g_child).await?;
        self.linked_token().await?;
        self.actor_err().await?;
        self.three_chains().await
    }

    /// Chain `i` with `key` as the signer.
    async fn as_user(&self, i: usize, key: &PrivateKeySigner) -> anyhow::Result<Client> {
        self.clients[i].with_signer(key.clone()).await
    }

    async fn record(&mut self, id: String, route: &str, key: &str, started: Instant) {
        let latency = started.elapsed();
        let (gas, outcome) = delivery(&self.db, key).await;
        self.rows.push(Row { id, route: route.into(), outcome, gas, latency });
    }

    /// Greeters on both sides of system 1, each trusting the other.
    async fn greeters(&self) -> anyhow::Result<(Address, Address)> {
        let (parent, child) = (&self.clients[0], &self.clients[1]);
        let l1m = self.records[0].address(&keys::l1m("child"))?;
        let l2m = self.records[1].address(keys::L2M)?;
        let code = self.config.artifacts().code("xdomain-receiver")?;
        let owner = parent.from;
        let (g_parent, _) = parent
            .deploy_program(&code, Some(&(owner, l1m).abi_encode_params()))
            .await
            .map_err(tx("greeter on the parent"))?;
        let (g_child, _) = child
            .deploy_program(&code, Some(&(owner, l2m).abi_encode_params()))
            .await
            .map_err(tx("greeter on the child"))?;
        parent
            .send_sol(g_parent, &Greeter::setRemoteCall { remote: g_child })
            .await
            .map_err(tx("setRemote"))?;
        child
            .send_sol(g_child, &Greeter::setRemoteCall { remote: g_parent })
            .await
            .map_err(tx("setRemote"))?;
        Ok((g_parent, g_child))
    }

    async fn greeting(chain: &Client, greeter: Address) -> anyhow::Result<Option<String>> {
        let g = chain.call_sol(greeter, &Greeter::greetingCall {}).await.map_err(tx("greeting"))?;
        Ok((!g.is_empty()).then_some(g))
    }

    /// 1. A greeting child → parent: state batch, window, proof relay.
    async fn child_to_parent(&mut self, g_parent: Address, g_child: Address) -> anyhow::Result<()> {
        step(
            1,
            "child -> parent: a greeting through L2ToL1MessagePasser, a state batch and a proof",
        );
        let window = self.config.xdm.first().map_or(0, |x| x.fraud_proof_window);
        let alice = self.as_user(1, self.alice).await?;
        let t = Instant::now();
        let call = Greeter::sendGreetingCall {
            greeting: "hello parent, from the child".into(),
            gas_limit: 500_000,
        };
        let receipt = alice.send_sol(g_child, &call).await.map_err(tx("sendGreeting"))?;
        let sent = receipt_events::<SentMessage>(&receipt).pop().context("no SentMessage")?;
        let message = crossnet_sdk::client::XdmMessage {
            target: sent.target,
            sender: sent.sender,
            message: sent.message.clone(),
            nonce: sent.messageNonce,
        };
        let id = format!("{}", keccak256(message.bytes()));
        let block = receipt.block_number.unwrap_or_default();
        info(&format!("sent in child block {block} (message {})", short(&id)));
        info(&format!(
            "proposer appends the child state root; the {window}s fraud-proof window runs"
        ));
        let parent = &self.clients[0];
        let greeting = wait_for("the greeting on the parent", self.timeout, || {
            Self::greeting(parent, g_parent)
        })
        .await?;
        info(&format!(
            "relayed with an account + storage proof: parent greeter now says {greeting:?}"
        ));
        let key = format!("{id}@child->parent");
        self.record(id, "child->parent (xdm)", &key, t).await;
        Ok(())
    }

    /// 2. A greeting parent → child through the queue.
    async fn parent_to_child(&mut self, g_parent: Address, g_child: Address) -> anyhow::Result<()> {
        step(2, "parent -> child: a greeting through the transaction queue");
        let alice = self.as_user(0, self.alice).await?;
        let t = Instant::now();
        let call = Greeter::sendGreetingCall {
            greeting: "hello child, from the parent".into(),
            gas_limit: 500_000,
        };
        let receipt = alice.send_sol(g_parent, &call).await.map_err(tx("sendGreeting"))?;
        let enqueued = receipt_events::<TransactionEnqueued>(&receipt)
            .pop()
            .context("no TransactionEnqueued")?;
        let id = format!("{}", keccak256(&enqueued.data));
        info(&format!("enqueued at queue index {}", enqueued.queueIndex));
        let child = &self.clients[1];
        let greeting =
            wait_for("the greeting on the child", self.timeout, || Self::greeting(child, g_child))
                .await?;
        info(&format!("delivered by the sequencer: child greeter now says {greeting:?}"));
        let key = format!("{id}@parent->child");
        self.record(id, "parent->child (xdm)", &key, t).await;
        Ok(())
    }

    /// Alice's tokens on the parent, the controller's locked ones, Bob's replica tokens and
    /// the replica supply, printed under `label`.
    async fn balances(&self, label: &str) -> anyhow::Result<(U256, U256, U256, U256)> {
        let (parent, child) = (&self.clients[0], &self.clients[1]);
        let token = self.records[0].address(keys::ERC20)?;
        let controller = self.records[0].address(&keys::controller("child"))?;
        let replica = self.records[1].address(&keys::replica("parent"))?;
        let of = |account| IErc20::balanceOfCall { account };
        let pa =
            parent.call_sol(token, &of(self.alice.address())).await.map_err(tx("balanceOf"))?;
        let locked = parent.call_sol(token, &of(controller)).await.map_err(tx("balanceOf"))?;
        let cb = child
            .call_sol(replica, &Replica::balanceOfCall { account: self.bob.address() })
            .await
            .map_err(tx("balanceOf"))?;
        let supply = child
            .call_sol(replica, &Replica::totalSupplyCall {})
            .await
            .map_err(tx("totalSupply"))?;
        info(&format!(
            "{label}: parent alice {pa} XNT, locked {locked} | child bob {cb} lXNT (supply {supply})"
        ));
        Ok((pa, locked, cb, supply))
    }

    /// Alice's tokens on the parent.
    async fn alice_tokens(&self) -> anyhow::Result<U256> {
        let token = self.records[0].address(keys::ERC20)?;
        let of = IErc20::balanceOfCall { account: self.alice.address() };
        self.clients[0].call_sol(token, &of).await.map_err(tx("balanceOf"))
    }

    /// 3. A linked-token deposit parent → child and a withdrawal back, supply conserved.
    async fn linked_token(&mut self) -> anyhow::Result<()> {
        step(3, "linked token: deposit parent -> child, withdrawal child -> parent");
        let (parent, child) = (&self.clients[0], &self.clients[1]);
        let token = self.records[0].address(keys::ERC20)?;
        let controller = self.records[0].address(&keys::controller("child"))?;
        let replica = self.records[1].address(&keys::replica("parent"))?;
        let (alice, bob) = (self.alice.address(), self.bob.address());
        parent
            .send_sol(token, &IErc20::mintCall { to: alice, value: U256::from(1_000u64) })
            .await
            .map_err(tx("mint"))?;
        // Relative to what the accounts already hold (a rerun against the same chains).
        let (a0, locked0, b0, _) = self.balances("before").await?;
        let alice_parent = self.as_user(0, self.alice).await?;
        let approve = IErc20::approveCall { spender: controller, value: U256::from(400u64) };
        alice_parent.send_sol(token, &approve).await.map_err(tx("approve"))?;
        let t = Instant::now();
        let deposit = Controller::linkedTransferCall { recipient: bob, amount: U256::from(400u64) };
        let receipt = alice_parent.send_sol(controller, &deposit).await.map_err(tx("deposit"))?;
        let id = receipt_events::<NewTopDownMessage>(&receipt).pop().context("no message")?.id;
        wait_for("the deposit on the child", self.timeout, || async {
            let of = Replica::balanceOfCall { account: bob };
            let b = child.call_sol(replica, &of).await.map_err(tx("balanceOf"))?;
            Ok((b == b0 + U256::from(400u64)).then_some(()))
        })
        .await?;
        self.record(format!("{id}"), "parent->child (ipc)", &format!("{id}@parent->child"), t)
            .await;
        self.balances("deposited").await?;
        let bob_child = self.as_user(1, self.bob).await?;
        let t = Instant::now();
        let withdraw = Replica::linkedTransferCall { recipient: alice, amount: U256::from(150u64) };
        let receipt = bob_child.send_sol(replica, &withdraw).await.map_err(tx("withdraw"))?;
        let id = receipt_events::<NewBottomUpMessage>(&receipt).pop().context("no message")?.id;
        let expected = a0 - U256::from(250u64);
        wait_for("the withdrawal on the parent", self.timeout, || async {
            Ok((self.alice_tokens().await? == expected).then_some(()))
        })
        .await?;
        self.record(format!("{id}"), "child->parent (ipc)", &format!("{id}@child->parent"), t)
            .await;
        let (pa, locked, _, supply) = self.balances("withdrawn").await?;
        if locked != supply || pa + locked != a0 + locked0 {
            bail!("supply not conserved: locked {locked}, replica supply {supply}, alice {pa}");
        }
        info("supply conserved: locked on the parent == replica supply on the child");
        Ok(())
    }

    /// 4. A deposit through a controller the replica does not trust: `ActorErr`, refunded.
    async fn actor_err(&mut self) -> anyhow::Result<()> {
        step(4, "ActorErr: a deposit from a controller the replica does not trust is refunded");
        let parent = &self.clients[0];
        let token = self.records[0].address(keys::ERC20)?;
        let replica = self.records[1].address(&keys::replica("parent"))?;
        let home_gateway = self.records[0].address(keys::GATEWAY)?;
        let child_id = self.records[1].subnet_id()?;
        let code = self.config.artifacts().code("linked-token-controller")?;
        let args = (parent.from, home_gateway, token).abi_encode_params();
        let (rogue, _) =
            parent.deploy_program(&code, Some(&args)).await.map_err(tx("rogue controller"))?;
        let link = Controller::setLinkedContractCall { subnet: convert(&child_id), replica };
        parent.send_sol(rogue, &link).await.map_err(tx("setLinkedContract"))?;
        let alice = self.as_user(0, self.alice).await?;
        let approve = IErc20::approveCall { spender: rogue, value: U256::from(100u64) };
        alice.send_sol(token, &approve).await.map_err(tx("approve"))?;
        let before = self.alice_tokens().await?;
        let t = Instant::now();
        let deposit = Controller::linkedTransferCall {
            recipient: self.bob.address(),
            amount: U256::from(100u64),
        };
        let receipt = alice.send_sol(rogue, &deposit).await.map_err(tx("linkedTransfer"))?;
        let id = receipt_events::<NewTopDownMessage>(&receipt).pop().context("no message")?.id;
        info("alice sent 100 XNT through the untrusted controller");
        wait_for("the refund on the parent", self.timeout, || async {
            Ok((self.alice_tokens().await? == before).then_some(()))
        })
        .await?;
        self.record(format!("{id}"), "parent->child (ipc)", &format!("{id}@parent->child"), t)
            .await;
        let outcome = self.rows.last().map(|r| r.outcome.clone()).unwrap_or_default();
        info(&format!(
            "the replica refused it ({outcome}); the Result came back up and refunded alice ({before} XNT)"
        ));
        Ok(())
    }

    /// 5. A fund from the parent to the grandchild through the child's postbox.
    async fn three_chains(&mut self) -> anyhow::Result<()> {
        step(5, "three-chain route: parent -> child (postbox) -> grandchild");
        let grandchild = &self.clients[2];
        let g_id = self.records[2].subnet_id()?;
        let home_gateway = self.records[0].address(keys::GATEWAY)?;
        let recipient = keccak256("crossnet demo grandchild recipient");
        let recipient = Address::from_slice(&recipient[12..]);
        let amount = U256::from(5u64 * 10u64.pow(15));
        let alice = self.as_user(0, self.alice).await?;
        let before = grandchild.balance(recipient).await?;
        let t = Instant::now();
        let fund = IGateway::fundCall {
            subnet_id: to_binding(&g_id),
            to: convert(&FvmAddress::from_evm(recipient)),
        };
        let receipt =
            alice.send(home_gateway, fund.abi_encode(), amount).await.map_err(tx("fund"))?;
        let id = receipt_events::<NewTopDownMessage>(&receipt).pop().context("no message")?.id;
        info("0.005 ETH funded from the parent to a grandchild account");
        wait_for("the fund on the grandchild", self.timeout, || async {
            Ok((grandchild.balance(recipient).await? == before + amount).then_some(()))
        })
        .await?;
        let latency = t.elapsed();
        let (gas_a, _) = delivery(&self.db, &format!("{id}@parent->child")).await;
        let (gas_b, outcome) = delivery(&self.db, &format!("{id}@child->grandchild")).await;
        info("stored in the child's postbox, propagated, applied on the grandchild");
        self.rows.push(Row {
            id: format!("{id}"),
            route: "parent->child->grandchild".into(),
            outcome,
            gas: format!("{gas_a}+{gas_b}"),
            latency,
        });
        Ok(())
    }
}
