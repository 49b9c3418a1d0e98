#!/usr/bin/env bash
# The main job for a newcomer: installs what is needed, builds every contract to WASM, then
# `crossnet demo` starts three embedded devnode chains, deploys both systems, runs the relay
# daemon and shows messages crossing (child->parent with proofs, parent->child, linked token,
# ActorErr refund, a three-chain route), ending with a summary table.
# Extra arguments go to `crossnet demo` (e.g. --rpc-url URL --child-rpc-url URL ...).
set -euo pipefail
cd "$(dirname "$0")/.."

bash script/setup.sh
bash script/build-wasm.sh
cargo run -q --locked -p crossnet-cli --bin crossnet -- demo "$@"
