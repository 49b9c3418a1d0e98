//! System 1 gas on the devnode: sends, relays, and the parent-chain relay with its proof depth
//! (the passer's storage is filled with more messages to deepen the storage trie).

use std::time::Instant;

use alloy::primitives::{Address, U256};
use alloy::sol_types::SolValue;
use clap::Args as ClapArgs;
use crossnet_e2e::{
    bindings::{ICrossDomainGreeter as Greeter, IL2ToL1MessagePasser as Passer},
    node::{Embedded, Node, NodeExt},
    xdm::{relay_calldata, sent_message, CrossDomain, Options, Roles},
};

/// Options of the system 1 gas benchmark.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Passer storage sizes (messages already sent) at which the parent relay is measured.
    #[arg(long, value_delimiter = ',', default_value = "1,16,256")]
    pub depths: Vec<usize>,
    /// Extra funded accounts in the child state, to give the account proof a realistic depth.
    #[arg(long, default_value_t = 4_000)]
    pub accounts: u64,
}

fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Runs the benchmark and prints the table.
///
/// # Errors
/// Any deployment or transaction failure.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let window = 60;
    let parent = Embedded::new(412_346);
    let child = Embedded::new(412_347);
    let a = parent.accounts();
    let roles = Roles { owner: a[0], proposer: a[1], challenger: a[2], sequencer: a[3] };
    let user = a[4];
    let mut xdm =
        CrossDomain::deploy(parent, child, roles, Options { window, ..Options::default() })
            .map_err(fail)?;
    let greeter = xdm
        .parent
        .deploy(
            roles.owner,
            "xdomain-receiver",
            Some((roles.owner, xdm.l1_messenger).abi_encode_params()),
        )
        .map_err(fail)?;
    let child_greeter = xdm
        .child
        .deploy(
            roles.owner,
            "xdomain-receiver",
            Some((roles.owner, xdm.l2_messenger).abi_encode_params()),
        )
        .map_err(fail)?;
    xdm.parent
        .send_sol(roles.owner, greeter, &Greeter::setRemoteCall { remote: child_greeter })
        .map_err(fail)?;
    xdm.child
        .send_sol(roles.owner, child_greeter, &Greeter::setRemoteCall { remote: greeter })
        .map_err(fail)?;
    let deployed = started.elapsed();

    let mut rows: Vec<(String, u64, String)> = Vec::new();
    let payload = vec![0xab; 100];

    let r = xdm
        .child
        .send_sol(
            user,
            xdm.passer,
            &Passer::passMessageToL1Call { message: payload.clone().into() },
        )
        .map_err(fail)?;
    rows.push(("passMessageToL1 (100-byte message)".into(), r.gas_used, "child".into()));

    let (_, r) =
        xdm.send_to_parent(user, Address::repeat_byte(0x77), payload.clone()).map_err(fail)?;
    rows.push(("L2 sendMessage (100 bytes)".into(), r.gas_used, "child, via passer".into()));

    let (message, r) = xdm
        .send_to_child(user, Address::repeat_byte(0x77), payload.clone(), 200_000)
        .map_err(fail)?;
    rows.push(("L1 sendMessage (100 bytes)".into(), r.gas_used, "parent, via queue".into()));

    let r = xdm.deliver_to_child(roles.sequencer, &message).map_err(fail)?;
    rows.push(("L2 relayMessage (EOA target)".into(), r.gas_used, "child, sequencer".into()));

    let r = xdm
        .parent
        .send_sol(
            user,
            greeter,
            &Greeter::sendGreetingCall { greeting: "hello".into(), gas_limit: 500_000 },
        )
        .map_err(fail)?;
    let greet_message = sent_message(&r);
    let r = xdm.deliver_to_child(roles.sequencer, &greet_message).map_err(fail)?;
    rows.push((
        "L2 relayMessage (greeter, checks sender)".into(),
        r.gas_used,
        "child, sequencer".into(),
    ));

    for i in 0..args.accounts {
        let account = Address::from_word(alloy::primitives::keccak256(i.to_be_bytes()));
        xdm.child.chain.set_balance(account, U256::from(i + 1));
    }
    xdm.child.chain.mine(1);

    let mut filled = 0usize;
    for depth in &args.depths {
        while filled < *depth {
            xdm.send_to_parent(user, Address::repeat_byte(0x66), U256::from(filled).abi_encode())
                .map_err(fail)?;
            filled += 1;
        }
        let r = xdm
            .child
            .send_sol(
                user,
                child_greeter,
                &Greeter::sendGreetingCall {
                    greeting: format!("depth {depth}"),
                    gas_limit: 500_000,
                },
            )
            .map_err(fail)?;
        let message = sent_message(&r);
        let batch = xdm.propose(&[r.block_number]).map_err(fail)?;
        let proof = xdm.proof_for(&message, &batch, 0).map_err(fail)?;
        xdm.parent.advance_time(window + 1);
        let calldata = relay_calldata(&message, &proof);
        let bytes = calldata.len();
        let r = xdm.parent.send(a[5], xdm.l1_messenger, calldata, U256::ZERO).map_err(fail)?;
        rows.push((
            format!(
                "L1 relayMessage with proof ({filled} msgs in passer, {} accounts)",
                args.accounts
            ),
            r.gas_used,
            format!(
                "account proof {} nodes, storage proof {} nodes, {bytes} B calldata",
                proof.stateTrieWitness.len(),
                proof.storageTrieWitness.len()
            ),
        ));
    }

    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(10);
    println!("system 1 gas on the devnode (Nitro-like ink; see crossnet-devnode docs)");
    println!("{:<width$}  {:>9}  notes", "operation", "gas");
    for (name, gas, notes) in &rows {
        println!("{name:<width$}  {gas:>9}  {notes}");
    }
    println!("deploy + wire 5 programs and 2 greeters: {:.2?}", deployed);
    println!("whole benchmark: {:.2?}", started.elapsed());
    Ok(())
}
