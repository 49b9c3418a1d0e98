//! Validators run as tasks of one process, each with its own key, signing log and HTTP
//! endpoint (no shared state but the chains): what `crossnet demo` and the benchmarks use
//! instead of one `crossnet validator` process per key.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::server::Server;
use super::Validator;
use crate::config::Config;

/// Validators running as tasks.
pub struct LocalValidators {
    /// Each validator's address and the URL it serves its signatures at.
    pub urls: Vec<(Address, String)>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl LocalValidators {
    /// Starts one validator per key of `keys` on `config` (deployed), each with its signing log
    /// `dir/validator-<address>.sqlite` and an endpoint on a free loopback port, polling every
    /// `poll`.
    ///
    /// # Errors
    /// As [`Validator::with_key`], a port that cannot be bound.
    pub async fn start(
        config: &Config,
        keys: &[PrivateKeySigner],
        dir: &Path,
        poll: Duration,
    ) -> anyhow::Result<Self> {
        let (stop, _) = watch::channel(false);
        let mut urls = Vec::new();
        let mut tasks = Vec::new();
        for key in keys {
            let database = dir.join(format!("validator-{}.sqlite", key.address()));
            let validator = Validator::with_key(config, key.clone(), &database, poll).await?;
            let addr = SocketAddr::from(([127, 0, 0, 1], 0));
            let server =
                Server::bind(addr, validator.log(), validator.address(), validator.subnets())
                    .await?;
            urls.push((validator.address(), format!("http://{}", server.local_addr()?)));
            let serving = until(stop.subscribe());
            tasks.push(tokio::spawn(async move {
                if let Err(e) = server.serve(serving).await {
                    tracing::warn!("validator endpoint stopped: {e:#}");
                }
            }));
            tasks.push(tokio::spawn(validator.run_until(until(stop.subscribe()))));
        }
        Ok(Self { urls, stop, tasks })
    }

    /// Gives every validator of `config`'s subnets the URL it serves at.
    pub fn publish_to(&self, config: &mut Config) {
        let Some(ipc) = config.ipc.as_mut() else { return };
        for subnet in ipc.subnets.values_mut() {
            for entry in &mut subnet.validators {
                if let Some((_, url)) = self.urls.iter().find(|(a, _)| *a == entry.address) {
                    entry.url = Some(url.clone());
                }
            }
        }
    }

    /// Stops every validator and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Resolves once `true` is sent (or the sender is gone).
async fn until(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}
