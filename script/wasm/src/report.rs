//! The size report of the WASM build (`target/wasm/sizes.json` and the printed table).

use serde::{Deserialize, Serialize};

/// Nitro's limit on deployable code, prefix included (EIP-170).
pub const CODE_LIMIT: usize = 24_576;

/// Our build fails above this many compressed bytes, keeping 2 KiB of headroom.
pub const BUILD_BUDGET: usize = 22_528;

/// One contract's sizes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeEntry {
    /// Contract (crate) name.
    pub name: String,
    /// Size of the stripped module.
    pub wasm_bytes: usize,
    /// Size of the deployable code (`EF F0 00 00` + brotli), what counts against the limit.
    pub compressed_bytes: usize,
    /// Compressed size of the same contract built with plain `panic=abort`, when measured.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub compressed_bytes_panic_abort: Option<usize>,
    /// Compressed size before `wasm-opt`, when it ran.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub compressed_bytes_without_wasm_opt: Option<usize>,
    /// Initial memory pages the module declares (each costs gas on every call).
    #[serde(default)]
    pub initial_pages: u32,
    /// The static bound of its shadow stack ([`crate::stack`]).
    #[serde(default)]
    pub stack: Stack,
}

/// A module's shadow stack: its size and the static bound of its deepest use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stack {
    /// Deepest use along any call path from the entrypoint, in bytes.
    pub used: u32,
    /// Size of the stack region (the initial stack pointer), in bytes.
    pub size: u32,
}

impl SizeEntry {
    /// Bytes left under [`CODE_LIMIT`] (negative when over).
    #[must_use]
    pub fn headroom(&self) -> i64 {
        i64::try_from(CODE_LIMIT).unwrap_or(i64::MAX)
            - i64::try_from(self.compressed_bytes).unwrap_or(i64::MAX)
    }

    /// Whether the contract is over [`BUILD_BUDGET`].
    #[must_use]
    pub fn over_budget(&self) -> bool {
        self.compressed_bytes > BUILD_BUDGET
    }
}

/// One contract's line in the committed size snapshot (`test/snapshots/sizes.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// Deployable code bytes (what counts against the limit).
    pub compressed_bytes: usize,
    /// The same before `wasm-opt`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub compressed_bytes_without_wasm_opt: Option<usize>,
    /// Stripped module bytes.
    pub wasm_bytes: usize,
    /// Initial memory pages.
    pub initial_pages: u32,
    /// Static bound of the shadow stack, in bytes.
    pub stack_bytes: u32,
}

/// The size snapshot of `entries`, by contract name.
#[must_use]
pub fn snapshot(entries: &[SizeEntry]) -> std::collections::BTreeMap<String, SnapshotEntry> {
    entries
        .iter()
        .map(|e| {
            let line = SnapshotEntry {
                compressed_bytes: e.compressed_bytes,
                compressed_bytes_without_wasm_opt: e.compressed_bytes_without_wasm_opt,
                wasm_bytes: e.wasm_bytes,
                initial_pages: e.initial_pages,
                stack_bytes: e.stack.used,
            };
            (e.name.clone(), line)
        })
        .collect()
}

/// Renders the report table.
#[must_use]
pub fn table(entries: &[SizeEntry]) -> String {
    let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(8).max(8);
    let compare = entries.iter().any(|e| e.compressed_bytes_panic_abort.is_some());
    let optimized = entries.iter().any(|e| e.compressed_bytes_without_wasm_opt.is_some());
    let mut out = format!(
        "{:<width$}  {:>10}  {:>10}  {:>9}  {:>5}  {:>13}",
        "contract", "wasm", "code", "headroom", "pages", "stack used"
    );
    if optimized {
        out.push_str(&format!("  {:>16}", "without wasm-opt"));
    }
    if compare {
        out.push_str(&format!("  {:>15}", "panic=abort code"));
    }
    out.push('\n');
    for e in entries {
        out.push_str(&format!(
            "{:<width$}  {:>10}  {:>10}  {:>9}  {:>5}  {:>13}",
            e.name,
            e.wasm_bytes,
            e.compressed_bytes,
            e.headroom(),
            e.initial_pages,
            format!("{}/{}", e.stack.used, e.stack.size),
        ));
        if let Some(before) = e.compressed_bytes_without_wasm_opt {
            out.push_str(&format!("  {before:>16}"));
        }
        if let Some(abort) = e.compressed_bytes_panic_abort {
            out.push_str(&format!("  {abort:>15}"));
        }
        if e.over_budget() {
            out.push_str(&format!("  OVER BUDGET ({BUILD_BUDGET})"));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "limit {CODE_LIMIT} bytes of code (EF F0 00 00 + brotli 11/22); build budget {BUILD_BUDGET}\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headroom_and_budget() {
        let e = SizeEntry {
            name: "x".into(),
            wasm_bytes: 40_000,
            compressed_bytes: 22_529,
            compressed_bytes_panic_abort: None,
            compressed_bytes_without_wasm_opt: None,
            initial_pages: 1,
            stack: Stack { used: 2_000, size: 32_768 },
        };
        assert_eq!(e.headroom(), 24_576 - 22_529);
        assert!(e.over_budget());
        assert!(table(&[e]).contains("OVER BUDGET"));
    }
}
