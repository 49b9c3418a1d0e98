//! The README's gas and size tables, rendered from the snapshots.
//!
//! Each table sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `README.md`.
//! `crossnet-bench gas` rewrites them from the snapshots it and the WASM build wrote;
//! `crossnet-bench check-snapshots` fails when the committed README does not show the
//! committed snapshots.

use std::path::Path;

use anyhow::{bail, Context as _};
use serde_json::Value;

use crate::snapshot::committed_text;

/// The size budget the tables compare with.
const SIZE_BUDGET: u64 = 20_480;

/// A table of the README: its marker name, the snapshot it shows and its renderer.
pub struct Table {
    /// Marker name.
    pub name: &'static str,
    /// Snapshot file, relative to the workspace root.
    pub snapshot: &'static str,
    render: fn(&Value) -> String,
}

/// The README's tables.
pub const TABLES: &[Table] = &[
    Table { name: "gas-table", snapshot: "test/snapshots/gas.json", render: gas_table },
    Table { name: "size-table", snapshot: "test/snapshots/sizes.json", render: size_table },
];

impl Table {
    /// The table's markdown for `snapshot`.
    #[must_use]
    pub fn render(&self, snapshot: &Value) -> String {
        (self.render)(snapshot)
    }
}

fn num(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64)
}

fn show(v: Option<u64>) -> String {
    v.map_or_else(|| "-".to_string(), |n| n.to_string())
}

/// Gas by path: measured, execution, cached, target, Solidity and the ratio.
fn gas_table(snapshot: &Value) -> String {
    let mut out = String::from(
        "| path | gas used | execution gas | cached | target | met | Solidity (OVM 1.0) | ratio |\n\
         |---|---:|---:|---:|---:|:-:|---:|---:|\n",
    );
    for (path, f) in snapshot.as_object().into_iter().flatten() {
        let used = num(f, "gas_used").unwrap_or_default();
        let execution = num(f, "execution_gas").unwrap_or_default();
        let (target, met) = match (num(f, "target_gas_used"), num(f, "target_execution_gas")) {
            (Some(t), _) => (format!("{t}"), used <= t),
            (None, Some(t)) => (format!("{t} (execution)"), execution <= t),
            (None, None) => ("-".to_string(), true),
        };
        let met = if target == "-" {
            ""
        } else if met {
            "yes"
        } else {
            "**no**"
        };
        let solidity = num(f, "solidity");
        let ratio =
            solidity.map_or_else(|| "-".to_string(), |s| format!("{:.2}x", used as f64 / s as f64));
        out.push_str(&format!(
            "| {path} | {used} | {execution} | {} | {target} | {met} | {} | {ratio} |\n",
            show(num(f, "cached_gas_used")),
            show(solidity),
        ));
    }
    out
}

/// Size by program: code bytes against the budget, before wasm-opt, pages and stack bound.
fn size_table(snapshot: &Value) -> String {
    let mut out = format!(
        "| program | code bytes | under {SIZE_BUDGET} | before wasm-opt | pages | stack bound |\n\
         |---|---:|:-:|---:|---:|---:|\n"
    );
    for (name, e) in snapshot.as_object().into_iter().flatten() {
        let code = num(e, "compressed_bytes").unwrap_or_default();
        let under = if code <= SIZE_BUDGET { "yes" } else { "**no**" };
        out.push_str(&format!(
            "| {name} | {code} | {under} | {} | {} | {} |\n",
            show(num(e, "compressed_bytes_without_wasm_opt")),
            show(num(e, "initial_pages")),
            show(num(e, "stack_bytes")),
        ));
    }
    out
}

fn markers(name: &str) -> (String, String) {
    (format!("<!-- {name}:start -->\n"), format!("<!-- {name}:end -->"))
}

/// The text between `name`'s markers in `readme`.
///
/// # Errors
/// When the markers are missing.
pub fn section<'a>(readme: &'a str, name: &str) -> anyhow::Result<&'a str> {
    let (start, end) = markers(name);
    let Some(from) = readme.find(&start).map(|i| i + start.len()) else {
        bail!("README.md has no `{}` marker", start.trim());
    };
    let to = readme[from..].find(&end).context("README.md: section has no end marker")?;
    Ok(&readme[from..from + to])
}

/// `readme` with `name`'s section replaced by `body`.
///
/// # Errors
/// When the markers are missing.
pub fn replace_section(readme: &str, name: &str, body: &str) -> anyhow::Result<String> {
    let old = section(readme, name)?;
    let from = old.as_ptr() as usize - readme.as_ptr() as usize;
    Ok(format!("{}{body}{}", &readme[..from], &readme[from + old.len()..]))
}

fn parse(text: &str, what: &str) -> anyhow::Result<Value> {
    serde_json::from_str(text).with_context(|| format!("{what} is not JSON"))
}

/// Rewrites the README's tables under `root` from the snapshots on disk.
///
/// # Errors
/// When a file cannot be read or written, or a marker is missing.
pub fn sync(root: &Path) -> anyhow::Result<()> {
    let path = root.join("README.md");
    let mut readme = std::fs::read_to_string(&path).context("reading README.md")?;
    for table in TABLES {
        let file = root.join(table.snapshot);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        readme =
            replace_section(&readme, table.name, &table.render(&parse(&text, table.snapshot)?))?;
    }
    std::fs::write(&path, readme).context("writing README.md")
}

/// Checks that the committed README shows the committed snapshots.
///
/// # Errors
/// When a table differs from its snapshot, or a file is not committed.
pub fn check_committed(root: &Path) -> anyhow::Result<()> {
    let readme = committed_text(root, "README.md")?.context("README.md is not committed")?;
    for table in TABLES {
        let Some(text) = committed_text(root, table.snapshot)? else {
            bail!("{} is not committed", table.snapshot);
        };
        if section(&readme, table.name)? != table.render(&parse(&text, table.snapshot)?) {
            bail!(
                "README.md's `{}` does not show the committed {}: run `cargo run -p \
                 crossnet-bench -- gas` and commit README.md with the snapshot",
                table.name,
                table.snapshot
            );
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sections_are_replaced_between_markers() {
        let readme = "a\n<!-- t:start -->\nold\n<!-- t:end -->\nb\n";
        assert_eq!(section(readme, "t").unwrap(), "old\n");
        let new = replace_section(readme, "t", "new\n").unwrap();
        assert_eq!(new, "a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb\n");
        assert!(section(readme, "missing").is_err());
    }

    #[test]
    fn tables_show_targets_and_budgets() {
        let gas = json!({"p": {"gas_used": 120, "execution_gas": 90, "target_gas_used": 100,
                               "solidity": 60}});
        let table = gas_table(&gas);
        assert!(table.contains("| p | 120 | 90 | - | 100 | **no** | 60 | 2.00x |"), "{table}");
        let sizes = json!({"c": {"compressed_bytes": 20481, "wasm_bytes": 1, "initial_pages": 1,
                                  "stack_bytes": 4096}});
        assert!(size_table(&sizes).contains("| c | 20481 | **no** | - | 1 | 4096 |"));
    }
}
