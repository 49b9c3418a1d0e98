#!/usr/bin/env bash
# The crossnet test command (README, CI): formatting, lints, the WASM build with its size and
# validation checks, Solidity interface freshness, and every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }
start=$(date +%s)

step "setup"
bash script/setup.sh

step "rustfmt"
cargo fmt --all --check

step "clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "WASM build: validation and size budget"
bash script/build-wasm.sh

step "Solidity interfaces are fresh"
bash script/export-abi.sh --check

step "tests"
cargo test --workspace --locked

step "system 1 end-to-end suite again, over JSON-RPC only (crossnet devnode served on loopback)"
CROSSNET_E2E_BACKEND=rpc cargo test --locked -p crossnet-e2e --test xdm

step "gas of every user-facing path (rewrites test/snapshots/gas.json)"
cargo run --locked -q -p crossnet-bench -- gas

step "snapshots: no gas or size figure moved more than 2% from the committed one"
cargo run --locked -q -p crossnet-bench -- check-snapshots

printf '\n==> all checks passed in %ss\n' "$(( $(date +%s) - start ))" >&2
