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

printf '\n==> all checks passed in %ss\n' "$(( $(date +%s) - start ))" >&2
