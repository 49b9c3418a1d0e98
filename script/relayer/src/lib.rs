//! `crossnet-relayer`: the off-chain half of crossnet as a library. The `crossnet` binary is a
//! thin front end over it; benchmarks and tests drive it directly.
//!
//! * [`config`]: the deployment and relay configuration file;
//! * [`client`]: one chain over JSON-RPC with a signing key;
//! * [`bindings`]: Solidity bindings of the committed program interfaces;
//! * [`artifacts`]: the built programs (`<wasm_dir>/<name>.code`);
//! * [`deployment`]: the per-chain deployment records (`deployments/<chain-id>.json`);
//! * [`deploy`]: deploying, activating and wiring both systems;
//! * [`store`]: the relayer's SQLite store (cursors, batches, message lifecycles);
//! * [`edge`]: the edges of the deployed subnet tree;
//! * [`statement`]: the statements validators sign, built canonically from final chain data;
//! * [`validator`]: one validator: signs final statements once, publishes them over HTTP;
//! * [`signatures`] and [`quorum`]: collecting published signatures and certifying a
//!   statement signed by more than 2/3 of a subnet's weight, trusting none of it;
//! * [`roles`]: the relayer and proposer roles of both systems;
//! * [`daemon`]: the relay daemon running the roles of a config (no validator key).
//!
//! Nothing here reads the source tree at run time: programs come from the configured
//! `wasm_dir`, every other path is relative to the config file.

pub mod artifacts;
pub mod bindings;
pub mod client;
pub mod config;
pub mod daemon;
pub mod deploy;
pub mod deployment;
pub mod edge;
pub mod keys;
pub mod quorum;
pub mod roles;
pub mod signatures;
pub mod statement;
pub mod store;
pub mod validator;
