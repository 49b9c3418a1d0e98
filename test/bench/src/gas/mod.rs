//! Gas of every user-facing path, the same inputs every run: prints the table and rewrites
//! `test/snapshots/gas.json` (checked by `crossnet-bench check-snapshots` in the test command).

mod figure;
mod xdm;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args as ClapArgs, ValueEnum};

pub use figure::Figure;

/// Which system's paths to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum System {
    /// Both.
    All,
    /// System 1 (cross-domain messengers).
    Xdm,
}

/// Options of the gas benchmark.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Which paths.
    #[arg(long, value_enum, default_value = "all")]
    pub system: System,
    /// The snapshot to rewrite (only when measuring every path).
    #[arg(long, default_value = "test/snapshots/gas.json")]
    pub snapshot: PathBuf,
    /// Print only; leave the snapshot as it is.
    #[arg(long)]
    pub no_write: bool,
}

pub(crate) fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Runs the benchmark.
///
/// # Errors
/// Any deployment or transaction failure, or an unwritable snapshot.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let figures = xdm::figures()?;
    print!("{}", table(&figures));
    if args.system == System::All && !args.no_write {
        write_snapshot(&args.snapshot, &figures)?;
        crate::readme::sync(std::path::Path::new("."))?;
        println!("wrote {} and the README's tables", args.snapshot.display());
    }
    Ok(())
}

/// The snapshot: figures by path.
fn write_snapshot(path: &PathBuf, figures: &[Figure]) -> anyhow::Result<()> {
    let map: BTreeMap<&str, &Figure> = figures.iter().map(|f| (f.path.as_str(), f)).collect();
    let json = serde_json::to_string_pretty(&map)?;
    std::fs::write(path, format!("{json}\n")).with_context(|| format!("writing {}", path.display()))
}

/// The printed table.
#[must_use]
pub fn table(figures: &[Figure]) -> String {
    let width = figures.iter().map(|f| f.path.len()).max().unwrap_or(4);
    let mut out = format!(
        "{:<width$}  {:>9}  {:>9}  {:>9}  {:>8}  {:>7}  {:>6}  notes\n",
        "path", "gas used", "execution", "target", "Solidity", "ratio", "met"
    );
    for f in figures {
        let target = f.target_gas_used.or(f.target_execution_gas);
        let opt = |v: Option<u64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        let ratio = f
            .solidity
            .map_or_else(|| "-".to_string(), |s| format!("{:.2}x", f.gas_used as f64 / s as f64));
        let met = match f.meets_target() {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>9}  {:>9}  {:>8}  {:>7}  {:>6}  {}\n",
            f.path,
            f.gas_used,
            f.execution_gas,
            opt(target),
            opt(f.solidity),
            ratio,
            met,
            f.note
        ));
    }
    out
}
