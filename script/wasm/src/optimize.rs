//! Binaryen's `wasm-opt` as a size pass after rustc (Debian package `binaryen`).
//!
//! It runs on the stripped module with the same WebAssembly features the build enables, so it
//! cannot introduce an instruction Stylus refuses; the result is validated like any module.
//! The stack bound ([`crate::stack`]) is taken from the module before this pass: binaryen
//! inlines functions (merging their frames into one body) but never changes the shadow-stack
//! arithmetic rustc emitted, so the bound of the input holds for the output.

use std::path::Path;
use std::process::Command;

/// The `wasm-opt` arguments: optimise for size, with the features of the build.
pub const WASM_OPT_ARGS: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
];

/// Runs `wasm_opt` (the binary) over `wasm`, using `scratch` for its input and output files.
///
/// # Errors
/// When the binary cannot run or fails; the message names it.
pub fn wasm_opt(wasm_opt: &Path, wasm: &[u8], scratch: &Path) -> Result<Vec<u8>, String> {
    let input = scratch.with_extension("in.wasm");
    let output = scratch.with_extension("opt.wasm");
    std::fs::write(&input, wasm).map_err(|e| format!("cannot write {}: {e}", input.display()))?;
    let run = Command::new(wasm_opt)
        .args(WASM_OPT_ARGS)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", wasm_opt.display()))?;
    if !run.status.success() {
        return Err(format!(
            "{} failed: {}",
            wasm_opt.display(),
            String::from_utf8_lossy(&run.stderr).trim()
        ));
    }
    let optimized =
        std::fs::read(&output).map_err(|e| format!("cannot read {}: {e}", output.display()))?;
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
    Ok(optimized)
}
