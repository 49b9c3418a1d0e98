//! `crossnet relay`: the relay daemon of a config (relayer and proposer roles; it collects
//! validator signatures, it holds no validator key) until Ctrl-C / SIGTERM, or one pass with
//! `--once`.

use std::path::PathBuf;

use crossnet_relayer::config::Config;
use crossnet_relayer::daemon::Daemon;

/// `crossnet relay` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file (see `script/crossnet.example.toml`).
    #[arg(long)]
    pub config: PathBuf,
    /// Run one pass of every role and exit (default: run until Ctrl-C / SIGTERM).
    #[arg(long)]
    pub once: bool,
    /// Put failed deliveries back in the queue before starting.
    #[arg(long)]
    pub retry_failed: bool,
}

/// Runs `crossnet relay`.
///
/// # Errors
/// Bad config, missing keys or deployments.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = Config::load(&args.config)?;
    super::runtime()?.block_on(async {
        let daemon = Daemon::new(config).await?;
        if args.retry_failed {
            let n = daemon.store.retry_failed()?;
            tracing::info!("{n} failed deliveries queued again");
        }
        tracing::info!(
            roles = ?daemon.config.relay.roles,
            database = %daemon.config.database().display(),
            "relay started"
        );
        if args.once {
            daemon.pass().await?;
            return Ok(());
        }
        daemon
            .run_until(async {
                let _ = super::wait_for_stop().await;
            })
            .await?;
        tracing::info!("relay stopped");
        Ok(())
    })
}
