//! `crossnet status`: every message the relay daemon knows, per system and route, with its
//! state (pending / relayable / submitting / relayed / failed), from the relay database.

use std::path::PathBuf;

use crossnet_relayer::config::Config;
use crossnet_relayer::store::{Message, Status, Store};

/// `crossnet status` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (its `relay.database` is read).
    #[arg(long)]
    pub config: PathBuf,
    /// Only messages in this state.
    #[arg(long)]
    pub only: Option<String>,
}

/// The table `crossnet status` prints.
#[must_use]
pub fn render(messages: &[Message]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let statuses =
        [Status::Pending, Status::Relayable, Status::Submitting, Status::Relayed, Status::Failed];
    let _ = writeln!(
        out,
        "{:<6} {:<22} {:>8} {:>10} {:>11} {:>8} {:>7}",
        "system", "route", "pending", "relayable", "submitting", "relayed", "failed"
    );
    let mut groups: Vec<(String, String)> =
        messages.iter().map(|m| (m.system.clone(), m.route.clone())).collect();
    groups.sort();
    groups.dedup();
    for (system, route) in &groups {
        let count = |s: Status| {
            messages
                .iter()
                .filter(|m| &m.system == system && &m.route == route && m.status == s)
                .count()
        };
        let c: Vec<usize> = statuses.iter().map(|s| count(*s)).collect();
        let _ = writeln!(
            out,
            "{system:<6} {route:<22} {:>8} {:>10} {:>11} {:>8} {:>7}",
            c[0], c[1], c[2], c[3], c[4]
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<12} {:<6} {:<22} {:<10} {:>8} {:<24} tx / last error",
        "id", "system", "route", "status", "gas", "outcome"
    );
    for m in messages {
        let short: String = m.id.chars().take(12).collect();
        let detail = match (m.status, &m.tx_hash, &m.last_error) {
            (Status::Failed | Status::Relayable, _, Some(err)) => {
                format!("{err} (attempts {})", m.attempts)
            }
            (_, Some(tx), _) => tx.clone(),
            _ => String::new(),
        };
        let gas = m.gas_used.map(|g| g.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "{short:<12} {:<6} {:<22} {:<10} {gas:>8} {:<24} {detail}",
            m.system,
            m.route,
            m.status.as_str(),
            m.outcome.clone().unwrap_or_default()
        );
    }
    out
}

/// The validator faults table (statements the relayer did not use, per validator and
/// reason); empty when there are none.
#[must_use]
pub fn render_faults(faults: &[(String, String, u64)]) -> String {
    use std::fmt::Write as _;
    if faults.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nvalidator faults (statements ignored)\n");
    let _ = writeln!(out, "{:<42} {:>6}  reason", "validator", "count");
    for (validator, reason, count) in faults {
        let _ = writeln!(out, "{validator:<42} {count:>6}  {reason}");
    }
    out
}

/// Runs `crossnet status`.
///
/// # Errors
/// A missing or unreadable database, a bad config.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = Config::load(&args.config)?;
    let store = Store::open_existing(&config.database())?;
    let mut messages = store.all()?;
    if let Some(only) = &args.only {
        let known = ["pending", "relayable", "submitting", "relayed", "failed"];
        if !known.contains(&only.as_str()) {
            anyhow::bail!("--only {only:?}: expected one of {known:?}");
        }
        messages.retain(|m| m.status.as_str() == only);
    }
    print!("{}", render(&messages));
    print!("{}", render_faults(&store.faults()?));
    Ok(())
}
