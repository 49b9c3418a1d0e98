//! `crossnet-wasm`: packs built contract modules into deployable Stylus code.
//!
//! ```text
//! crossnet-wasm pack --out-dir target/wasm [--panic-abort-dir DIR] [--snapshot FILE] [--wasm-opt BIN] NAME=PATH.wasm ...
//! crossnet-wasm check PATH.wasm|PATH.code ...
//! ```
//!
//! `pack` strips custom sections, validates each module with the build profile of
//! [`crossnet_wasm::Rules::build`], bounds its stack ([`crossnet_wasm::stack`]), writes
//! `NAME.wasm`, `NAME.code` and `sizes.json` (and the committed size snapshot with
//! `--snapshot`), prints the size table and exits non-zero when a module breaks a rule or a
//! contract is over budget.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crossnet_wasm::optimize;
use crossnet_wasm::report::{table, SizeEntry, Stack};
use crossnet_wasm::stack::{stack_bound, StackBound};
use crossnet_wasm::{decode_code, encode_code, strip_custom_sections, validate, Rules};

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  crossnet-wasm pack --out-dir DIR [--panic-abort-dir DIR] [--snapshot FILE] \
         [--wasm-opt BIN] NAME=PATH.wasm ...\n  \
         crossnet-wasm check FILE.wasm|FILE.code ..."
    );
    ExitCode::from(2)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A packed module: the stripped module, its code, its pages and its stack bound.
struct Packed {
    wasm: Vec<u8>,
    code: Vec<u8>,
    initial_pages: u32,
    stack: Stack,
    /// Code size before `wasm-opt`, when it ran.
    code_without_wasm_opt: Option<usize>,
}

/// Strips, bounds the stack of, optimises (with `wasm_opt`), validates and encodes one module.
fn pack_one(name: &str, path: &Path, wasm_opt: Option<&Path>) -> Result<Packed, String> {
    let raw = read(path)?;
    let stripped = strip_custom_sections(&raw).map_err(|e| format!("{name}: {e}"))?;
    let stack = bound(name, &stripped)?;
    let (wasm, code_without_wasm_opt) = match wasm_opt {
        Some(bin) => {
            let scratch = path.with_extension("pack");
            let optimized =
                optimize::wasm_opt(bin, &stripped, &scratch).map_err(|e| format!("{name}: {e}"))?;
            (optimized, Some(encode_code(&stripped).len()))
        }
        None => (stripped, None),
    };
    let info = validate(&wasm, &Rules::build()).map_err(|e| format!("{name}: {e}"))?;
    let code = encode_code(&wasm);
    Ok(Packed { wasm, code, initial_pages: info.initial_pages, stack, code_without_wasm_opt })
}

/// The stack bound of a module as rustc emitted it.
fn bound(name: &str, wasm: &[u8]) -> Result<Stack, String> {
    Ok(match stack_bound(wasm).map_err(|e| format!("{name}: {e}"))? {
        StackBound::NoStack => Stack { used: 0, size: 0 },
        StackBound::Bytes { bytes, top } if bytes <= top => Stack { used: bytes, size: top },
        StackBound::Bytes { bytes, top } => {
            return Err(format!("{name}: a call path uses {bytes} bytes of stack, over its {top}"))
        }
        StackBound::Recursive { cycle, .. } => {
            return Err(format!("{name}: no stack bound: call cycle through functions {cycle:?}"))
        }
    })
}

fn pack(args: &[String]) -> Result<bool, String> {
    let mut out_dir: Option<PathBuf> = None;
    let mut abort_dir: Option<PathBuf> = None;
    let mut snapshot: Option<PathBuf> = None;
    let mut wasm_opt: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--out-dir" => out_dir = it.next().map(PathBuf::from),
            "--panic-abort-dir" => abort_dir = it.next().map(PathBuf::from),
            "--snapshot" => snapshot = it.next().map(PathBuf::from),
            "--wasm-opt" => wasm_opt = it.next().map(PathBuf::from),
            other => {
                let (name, path) = other
                    .split_once('=')
                    .ok_or_else(|| format!("expected NAME=PATH, got `{other}`"))?;
                inputs.push((name.to_string(), PathBuf::from(path)));
            }
        }
    }
    let out_dir = out_dir.ok_or("--out-dir is required")?;
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;

    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (name, path) in &inputs {
        match pack_one(name, path, wasm_opt.as_deref()) {
            Ok(Packed { wasm, code, initial_pages, stack, code_without_wasm_opt }) => {
                write(&out_dir.join(format!("{name}.wasm")), &wasm)?;
                write(&out_dir.join(format!("{name}.code")), &code)?;
                let compressed_bytes_panic_abort = match &abort_dir {
                    Some(dir) => {
                        let file = path.file_name().ok_or("input path has no file name")?;
                        let other = read(&dir.join(file))?;
                        let stripped =
                            strip_custom_sections(&other).map_err(|e| format!("{name}: {e}"))?;
                        Some(encode_code(&stripped).len())
                    }
                    None => None,
                };
                entries.push(SizeEntry {
                    name: name.clone(),
                    wasm_bytes: wasm.len(),
                    compressed_bytes: code.len(),
                    compressed_bytes_panic_abort,
                    initial_pages,
                    stack,
                    compressed_bytes_without_wasm_opt: code_without_wasm_opt,
                });
            }
            Err(e) => errors.push(e),
        }
    }
    let json = serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?;
    write(&out_dir.join("sizes.json"), format!("{json}\n").as_bytes())?;
    if let Some(path) = snapshot.filter(|_| errors.is_empty()) {
        let json = serde_json::to_string_pretty(&crossnet_wasm::report::snapshot(&entries))
            .map_err(|e| e.to_string())?;
        write(&path, format!("{json}\n").as_bytes())?;
    }
    print!("{}", table(&entries));
    for e in &errors {
        eprintln!("error: {e}");
    }
    let over: Vec<_> =
        entries.iter().filter(|e| e.over_budget()).map(|e| e.name.as_str()).collect();
    if !over.is_empty() {
        eprintln!(
            "error: over the {}-byte build budget: {}",
            crossnet_wasm::report::BUILD_BUDGET,
            over.join(", ")
        );
    }
    Ok(errors.is_empty() && over.is_empty())
}

fn check(args: &[String]) -> Result<bool, String> {
    let mut ok = true;
    for file in args {
        let bytes = read(Path::new(file))?;
        let wasm = if bytes.starts_with(b"\0asm") {
            bytes
        } else {
            decode_code(&bytes, crossnet_wasm::MAX_WASM_SIZE).map_err(|e| format!("{file}: {e}"))?
        };
        match validate(&wasm, &Rules::build()) {
            Ok(info) => println!(
                "{file}: ok ({} bytes, {} functions, {} pages)",
                info.wasm_bytes, info.functions, info.initial_pages
            ),
            Err(e) => {
                eprintln!("error: {file}: {e}");
                ok = false;
            }
        }
    }
    Ok(ok)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        return usage();
    };
    let result = match command.as_str() {
        "pack" => pack(rest),
        "check" => check(rest),
        _ => return usage(),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
