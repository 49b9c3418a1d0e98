//! Committed snapshots (`test/snapshots/*.json`) and their check.
//!
//! The WASM build rewrites `sizes.json` and `crossnet-bench gas` rewrites `gas.json` on every
//! run. `crossnet-bench check-snapshots` compares each file as it is now with the version
//! committed (the git index, which is `HEAD` on a clean clone): every number must be within
//! [`TOLERANCE_PERCENT`] of the committed one, and both must have the same keys. So a change
//! that moves a figure passes the test command only when its commit updates the snapshot too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _};
use clap::Args as ClapArgs;
use serde_json::Value;

/// How far a figure may move from its snapshot, in percent.
pub const TOLERANCE_PERCENT: f64 = 2.0;

/// Where the snapshots live, relative to the workspace root.
pub const SNAPSHOT_DIR: &str = "test/snapshots";

/// Options of `check-snapshots`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Workspace root (default: the current directory).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// One figure that moved (or appeared, or went away).
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    /// `file: key.path`.
    pub key: String,
    /// The committed value (`None`: new).
    pub committed: Option<f64>,
    /// The value now (`None`: gone).
    pub now: Option<f64>,
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.committed, self.now) {
            (Some(c), Some(n)) => {
                let pct = if c == 0.0 { f64::INFINITY } else { (n - c) / c * 100.0 };
                write!(f, "{}: {c} -> {n} ({pct:+.2}%)", self.key)
            }
            (None, Some(n)) => write!(f, "{}: new figure {n}", self.key),
            (Some(c), None) => write!(f, "{}: figure {c} is gone", self.key),
            (None, None) => write!(f, "{}", self.key),
        }
    }
}

/// Every numeric leaf of `value`, keyed by its dotted path.
fn numbers(value: &Value, prefix: &str, out: &mut BTreeMap<String, f64>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                numbers(v, &key, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                numbers(v, &format!("{prefix}[{i}]"), out);
            }
        }
        Value::Number(n) => {
            out.insert(prefix.to_string(), n.as_f64().unwrap_or_default());
        }
        _ => {}
    }
}

/// The figures of `now` that moved more than the tolerance from `committed`.
#[must_use]
pub fn drifts(file: &str, committed: &Value, now: &Value) -> Vec<Drift> {
    let (mut old, mut new) = (BTreeMap::new(), BTreeMap::new());
    numbers(committed, "", &mut old);
    numbers(now, "", &mut new);
    let mut out = Vec::new();
    for (key, &c) in &old {
        let n = new.get(key).copied();
        let moved = n.is_none_or(|n| (n - c).abs() > c.abs() * TOLERANCE_PERCENT / 100.0);
        if moved {
            out.push(Drift { key: format!("{file}: {key}"), committed: Some(c), now: n });
        }
    }
    for (key, &n) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
        out.push(Drift { key: format!("{file}: {key}"), committed: None, now: Some(n) });
    }
    out
}

/// The committed text of `path` (relative to `root`): the git index, or `None` outside git or
/// for a file git does not know.
pub(crate) fn committed_text(root: &Path, path: &str) -> anyhow::Result<Option<String>> {
    let output = Command::new("git")
        .args(["show", &format!(":{path}")])
        .current_dir(root)
        .output()
        .context("running git")?;
    Ok(output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// Checks every `test/snapshots/*.json` under `args.root`.
///
/// # Errors
/// When a figure moved more than [`TOLERANCE_PERCENT`], or a snapshot cannot be read.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let dir = args.root.join(SNAPSHOT_DIR);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for file in &files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let rel = format!("{SNAPSHOT_DIR}/{name}");
        let Some(committed) = committed_text(&args.root, &rel)? else {
            bail!("{rel} is not committed: `git add` it with the change that produced it");
        };
        let now = std::fs::read_to_string(file).with_context(|| format!("reading {rel}"))?;
        let parse = |text: &str, what: &str| -> anyhow::Result<Value> {
            serde_json::from_str(text).with_context(|| format!("{rel} ({what}) is not JSON"))
        };
        let found = drifts(&rel, &parse(&committed, "committed")?, &parse(&now, "now")?);
        println!("{rel}: {}", if found.is_empty() { "matches" } else { "MOVED" });
        all.extend(found);
    }
    crate::readme::check_committed(&args.root)?;
    println!("README.md: its gas and size tables show the committed snapshots");
    if !all.is_empty() {
        for d in &all {
            eprintln!("  {d}");
        }
        bail!(
            "{} figure(s) moved more than {TOLERANCE_PERCENT}% from the committed snapshots; \
             if the change is intended, commit the rewritten test/snapshots/*.json with it",
            all.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn figures_within_tolerance_match() {
        let c = json!({"a": {"gas": 1000, "name": "x"}, "b": [1, 2]});
        let n = json!({"a": {"gas": 1019, "name": "y"}, "b": [1, 2]});
        assert!(drifts("f", &c, &n).is_empty());
    }

    #[test]
    fn moved_new_and_gone_figures_are_reported() {
        let c = json!({"a": {"gas": 1000}, "gone": 5});
        let n = json!({"a": {"gas": 1021}, "new": 7});
        let d = drifts("f", &c, &n);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].key, "f: a.gas");
        assert!(d[0].to_string().contains("+2.10%"));
        assert_eq!((d[1].committed, d[1].now), (Some(5.0), None));
        assert_eq!((d[2].committed, d[2].now), (None, Some(7.0)));
    }
}
