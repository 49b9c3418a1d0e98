//! `crossnet validator`: the one validator a config's `[validator]` section names, with its one
//! key: it signs final checkpoints and parent finalities of the subnets whose sets hold its
//! address, each slot once, and serves its signatures over HTTP for relayers to collect.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use crossnet_relayer::config::Config;
use crossnet_relayer::validator::server::Server;
use crossnet_relayer::validator::Validator;

/// `crossnet validator` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The config file: the topology and a `[validator]` section (see
    /// `script/crossnet.example.toml`).
    #[arg(long)]
    pub config: PathBuf,
    /// Sign what is final now and exit (default: run until Ctrl-C / SIGTERM).
    #[arg(long)]
    pub once: bool,
}

/// Runs `crossnet validator`.
///
/// # Errors
/// Bad config, a missing key, unreachable chains, a signing log in use.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let config = Config::load(&args.config)?;
    let section = config.validator.clone().context("the config has no [validator] section")?;
    super::runtime()?.block_on(async {
        let mut validator = Validator::new(&config).await?;
        if args.once {
            let signed = validator.pass().await?;
            for s in &signed {
                println!("signed {} {} {}", s.kind.as_str(), s.subnet, s.height);
            }
            println!("validator {} signed {} statements", validator.address(), signed.len());
            return Ok(());
        }
        let server =
            Server::bind(section.listen, validator.log(), validator.address(), validator.subnets())
                .await?;
        let url = format!("http://{}", server.local_addr()?);
        println!(
            "validator {} signing for {} listening on {url}",
            validator.address(),
            validator.subnets().join(", ")
        );
        let _ = std::io::stdout().flush();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.serve(async {
            let _ = stopped.await;
        }));
        validator
            .run_until(async {
                let _ = super::wait_for_stop().await;
            })
            .await;
        let _ = stop.send(());
        serving.await.context("the endpoint task")??;
        tracing::info!("validator stopped");
        Ok(())
    })
}
