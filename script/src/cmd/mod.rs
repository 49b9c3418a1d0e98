//! One module per `crossnet` subcommand, each an `Args` struct (clap derive) and a `run`
//! function over the `crossnet-relayer` library.

pub mod demo;
pub mod deploy;
pub mod devnode;
pub mod forge_test;
pub mod relay;
pub mod status;
pub mod validator;

use anyhow::Context as _;

/// A multi-threaded runtime for a command.
///
/// # Errors
/// When the runtime cannot start.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
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
