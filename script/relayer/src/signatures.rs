//! Validator signatures as published and collected: the JSON a validator serves at
//! `GET /v1/signatures/<kind>/<verifier>?after=<height>&limit=<n>` (see
//! [`crate::validator::server`]), and the relayer's side that fetches them from every
//! validator of a subnet. Nothing here is trusted: the relayer recomputes every digest from
//! the statement bytes and recovers every signer (see [`crate::quorum`]).

use std::time::Duration;

use alloy::primitives::{Address, Bytes, B256};
use serde::{Deserialize, Serialize};

use crate::statement::Kind;

/// Most statements one page holds.
pub const MAX_PAGE: usize = 256;

/// One signed statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedStatement {
    /// `checkpoint` or `finality`.
    pub kind: String,
    /// Chain id of the verifying program.
    pub chain_id: u64,
    /// The verifying program (the child's actor, or its parent-finality program).
    pub verifier: Address,
    /// The statement's height.
    pub height: u64,
    /// The statement's ABI encoding.
    pub statement: Bytes,
    /// Its digest as the validator computed it (informational: receivers recompute it).
    pub digest: B256,
    /// The validator's address.
    pub signer: Address,
    /// The 65-byte signature of the digest.
    pub signature: Bytes,
}

/// A page of a validator's signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// The validator's address.
    pub validator: Address,
    /// Its signed statements, by height.
    pub signatures: Vec<SignedStatement>,
}

/// What a validator reports about itself at `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// The validator's address.
    pub validator: Address,
    /// Statements signed so far.
    pub signed: u64,
    /// Statements it refused to sign because it had signed another one for the same slot.
    pub refused: u64,
    /// The subnets it signs for (chain names).
    pub subnets: Vec<String>,
}

/// One validator's answer, with the address the config expects it to sign as.
#[derive(Debug, Clone)]
pub struct Collected {
    /// The configured address.
    pub validator: Address,
    /// What it served (empty when it did not answer).
    pub signatures: Vec<SignedStatement>,
}

/// Fetches the statements of `kind` for `verifier` above `after` from every validator in
/// `validators` (address, base URL), concurrently, each within `timeout`. A validator that
/// does not answer, or answers garbage, contributes nothing (logged at debug level).
pub async fn collect(
    http: &alloy::transports::http::reqwest::Client,
    validators: &[(Address, String)],
    kind: Kind,
    verifier: Address,
    after: u64,
    timeout: Duration,
) -> Vec<Collected> {
    let mut tasks = tokio::task::JoinSet::new();
    for (validator, url) in validators {
        let url = format!(
            "{}/v1/signatures/{}/{verifier}?after={after}&limit={MAX_PAGE}",
            url.trim_end_matches('/'),
            kind.as_str()
        );
        let (http, validator) = (http.clone(), *validator);
        tasks.spawn(async move {
            let page = async {
                let response = http.get(&url).timeout(timeout).send().await?;
                response.error_for_status()?.json::<Page>().await
            }
            .await;
            match page {
                Ok(page) => Collected { validator, signatures: page.signatures },
                Err(e) => {
                    tracing::debug!(%validator, %url, "no signatures: {e}");
                    Collected { validator, signatures: Vec::new() }
                }
            }
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Ok(collected) = done {
            out.push(collected);
        }
    }
    out.sort_by_key(|c| c.validator);
    out
}
