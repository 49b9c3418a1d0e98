//! The `crossnet` binary works away from its source checkout: the checkout is copied, `cargo
//! install --path <copy>/script` builds from the copy, the copy is deleted, and the installed
//! binary runs `crossnet demo` in a directory of its own, with only the built programs shipped
//! beside it and a cleared environment. Anything the binary took from the source tree at
//! compile time (`env!("CARGO_MANIFEST_DIR")` paths) or at run time (the working directory,
//! cargo's environment) would point at nothing and fail.
//!
//! The install uses `--debug` and a target directory of its own under the workspace's
//! (`target/install-check`), kept between runs, so only the first run compiles from scratch.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Top-level entries of the checkout that are not sources.
const NOT_SOURCES: [&str; 6] =
    ["target", "node_modules", ".git", ".crossnet", "deployments", "out"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The workspace target directory (integration tests get `<target>/tmp`).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_path_buf()
}

fn copy_tree(from: &Path, to: &Path, top: bool) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if top && NOT_SOURCES.iter().any(|n| name == *n) {
            continue;
        }
        let kind = entry.file_type().unwrap();
        let dest = to.join(&name);
        if kind.is_dir() {
            if name == "target" {
                continue; // a nested crate's build output
            }
            copy_tree(&entry.path(), &dest, false);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The installed binary with nothing of cargo's or the test's environment.
fn installed(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir)
        .output()
        .expect("run the installed crossnet")
}

#[test]
fn installed_crossnet_runs_the_demo_away_from_its_checkout_succeeds() {
    let tmp = std::env::temp_dir().join(format!("crossnet-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let checkout = tmp.join("checkout");
    copy_tree(&workspace(), &checkout, true);
    let root = tmp.join("root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let install = Command::new(cargo)
        .args(["install", "--debug", "--locked", "--offline", "--bin", "crossnet", "--path"])
        .arg(checkout.join("script"))
        .arg("--root")
        .arg(&root)
        .arg("--target-dir")
        .arg(target_dir().join("install-check"))
        .current_dir(&checkout)
        .output()
        .expect("run cargo install");
    assert!(install.status.success(), "cargo install failed:\n{}", text(&install));
    std::fs::remove_dir_all(&checkout).unwrap();
    let bin = root.join("bin/crossnet");

    // An operator's directory: the built programs and nothing else.
    let operator = tmp.join("operator");
    let wasm = operator.join("target/wasm");
    std::fs::create_dir_all(&wasm).unwrap();
    for entry in std::fs::read_dir(workspace().join("target/wasm")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "code") {
            std::fs::copy(&path, wasm.join(path.file_name().unwrap())).unwrap();
        }
    }

    let missing = installed(&bin, &operator, &["demo", "--wasm-dir", "nowhere"]);
    assert!(!missing.status.success());
    let message = text(&missing);
    assert!(message.contains("bash script/build-wasm.sh"), "{message}");
    assert!(message.contains("nowhere"), "{message}");

    let demo = installed(&bin, &operator, &["demo"]);
    let out = text(&demo);
    assert!(demo.status.success(), "crossnet demo failed:\n{out}");
    assert!(out.contains("Summary") && out.contains("messages crossed"), "{out}");
    assert!(operator.join(".crossnet/demo/crossnet.toml").is_file(), "{out}");
    let _ = std::fs::remove_dir_all(&tmp);
}
