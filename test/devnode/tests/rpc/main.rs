//! JSON-RPC compatibility of `crossnet_devnode::rpc`, driven by real clients: Foundry's
//! `cast` (from npm, `bash script/setup.sh`), an alloy provider, raw HTTP for bad input, and a
//! bounded concurrent load test. Needs the Stylus fixture (`bash script/build-wasm.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod alloy_provider;
mod bad_input;
mod cast;
mod common;
mod load;
