//! The HTTP endpoint where a validator publishes what it signed, read-only:
//!
//! * `GET /v1/signatures/<kind>/<verifier>?after=<height>&limit=<n>`: its signed statements of
//!   `kind` (`checkpoint` or `finality`) for the verifying program `verifier`, above
//!   `after`, by height, at most `limit` (and [`MAX_PAGE`]) — a [`Page`];
//! * `GET /v1/health`: its address and how many statements it signed and refused — a
//!   [`Health`].
//!
//! Everything served is signed, so the transport needs no trust: a relayer checks each
//! signature against the validator's configured address (see [`crate::quorum`]).

use std::net::SocketAddr;
use std::sync::Arc;

use alloy::primitives::Address;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use super::log::SigningLog;
use crate::signatures::{Health, Page, MAX_PAGE};
use crate::statement::Kind;

/// What the handlers share.
#[derive(Clone)]
struct Shared {
    log: Arc<SigningLog>,
    validator: Address,
    subnets: Arc<Vec<String>>,
}

/// Query of a page.
#[derive(Debug, Deserialize)]
struct PageQuery {
    #[serde(default)]
    after: u64,
    #[serde(default)]
    limit: Option<usize>,
}

fn error(status: StatusCode, message: String) -> Response {
    (status, message).into_response()
}

async fn signatures(
    State(shared): State<Shared>,
    Path((kind, verifier)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Response {
    let Some(kind) = Kind::parse(&kind) else {
        return error(StatusCode::NOT_FOUND, format!("unknown kind {kind:?}"));
    };
    let Ok(verifier) = verifier.parse::<Address>() else {
        return error(StatusCode::BAD_REQUEST, format!("not an address: {verifier:?}"));
    };
    let limit = query.limit.unwrap_or(MAX_PAGE).min(MAX_PAGE);
    match shared.log.page(kind, verifier, query.after, limit) {
        Ok(signatures) => Json(Page { validator: shared.validator, signatures }).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")),
    }
}

async fn health(State(shared): State<Shared>) -> Response {
    match shared.log.counts() {
        Ok((signed, refused)) => Json(Health {
            validator: shared.validator,
            signed,
            refused,
            subnets: shared.subnets.to_vec(),
        })
        .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")),
    }
}

/// A bound listener, serving once [`Server::serve`] runs.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Server {
    /// Binds `addr` (port 0: any free port) for the log of `validator`, which signs for
    /// `subnets`.
    ///
    /// # Errors
    /// When the address cannot be bound.
    pub async fn bind(
        addr: SocketAddr,
        log: Arc<SigningLog>,
        validator: Address,
        subnets: Vec<String>,
    ) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("binding {addr}: {e}"))?;
        let shared = Shared { log, validator, subnets: Arc::new(subnets) };
        let router = Router::new()
            .route("/v1/signatures/{kind}/{verifier}", get(signatures))
            .route("/v1/health", get(health))
            .with_state(shared);
        Ok(Self { listener, router })
    }

    /// The bound address.
    ///
    /// # Errors
    /// When the socket has none.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `stop` resolves.
    ///
    /// # Errors
    /// I/O errors of the listener.
    pub async fn serve(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router).with_graceful_shutdown(stop).await?;
        Ok(())
    }
}
