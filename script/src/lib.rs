//! `crossnet-cli`: the library behind the `crossnet` command line (deploy, relay, status,
//! demo, devnode, forge-test), usable from benchmarks and tests.

pub mod bindings;
pub mod client;
pub mod config;
pub mod demo;
pub mod deploy;
pub mod devnode;
pub mod forge_test;
pub mod relay;
pub mod status;

use anyhow::Context as _;

/// Builds every program (`bash script/build-wasm.sh`).
///
/// # Errors
/// When the build fails.
pub fn build_wasm() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = std::process::Command::new("bash")
        .arg(root.join("script/build-wasm.sh"))
        .current_dir(&root)
        .status()
        .context("running script/build-wasm.sh")?;
    anyhow::ensure!(status.success(), "script/build-wasm.sh failed");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
///
/// # Errors
/// When the signal handlers cannot be installed.
pub async fn wait_for_stop() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.context("Ctrl-C handler")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.context("Ctrl-C handler")?;
    Ok(())
}
