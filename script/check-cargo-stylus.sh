#!/usr/bin/env bash
# Separate, documented check (not part of script/test.sh): `cargo stylus deploy` from crates.io
# deploys and activates a Stylus program on `crossnet devnode`, exactly as against a Nitro
# devnode.
#
#   bash script/check-cargo-stylus.sh            # installs cargo-stylus 0.10.10 if missing
#   CARGO_STYLUS=/path/to/cargo-stylus bash script/check-cargo-stylus.sh
#
# What it does:
#   1. `cargo install cargo-stylus --version =0.10.10 --locked` when `cargo stylus` is missing
#      (about 20 minutes on 2 cores);
#   2. builds the devnode CLI and the fixture (`target/wasm/devnode-stylus-counter.wasm`,
#      `bash script/build-wasm.sh` when missing), starts `crossnet devnode` on 127.0.0.1:8547
#      (override with PORT=...);
#   3. runs, in a scratch project (cargo-stylus 0.10 wants Cargo.toml, Stylus.toml and a pinned
#      rust-toolchain.toml even with --wasm-file):
#        cargo stylus deploy --no-verify --wasm-file target/wasm/devnode-stylus-counter.wasm \
#            -e http://127.0.0.1:8547 --private-key-path <file with the dev key>
#      which calls eth_chainId, eth_call (ArbWasm codehashVersion: code-3 ProgramNotActivated;
#      activateProgram with a state override to read the data fee), eth_estimateGas,
#      eth_feeHistory, eth_getTransactionCount(pending), eth_sendRawTransaction, receipts;
#   4. checks with cast that the program is activated (codehashVersion = 2) and answers
#      `number()`; stops the devnode with SIGINT.
# Constructors: with --wasm-file, cargo-stylus 0.10.10 ignores --constructor-* (it reads the
# constructor from the package's ABI export), so the StylusDeployer path is covered by the
# devnode's own tests instead.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${PORT:-8547}
URL=http://127.0.0.1:$PORT
DEV_KEY=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659

log() { printf '==> %s\n' "$*" >&2; }

if [ -n "${CARGO_STYLUS:-}" ]; then
    stylus=("$CARGO_STYLUS" stylus)
elif cargo stylus --version >/dev/null 2>&1; then
    stylus=(cargo stylus)
else
    log "installing cargo-stylus 0.10.10 (crates.io)"
    cargo install cargo-stylus --version =0.10.10 --locked
    stylus=(cargo stylus)
fi
log "$("${stylus[@]}" --version)"

bash script/setup.sh
cast=$ROOT/node_modules/.bin/cast
[ -x "$cast" ] || { echo "error: cast missing: run bash script/setup.sh" >&2; exit 1; }
wasm=$ROOT/target/wasm/devnode-stylus-counter.wasm
[ -f "$wasm" ] || bash script/build-wasm.sh

log "building crossnet"
cargo build -p crossnet-cli --locked
work=$(mktemp -d)
cleanup() {
    if [ -n "${node_pid:-}" ] && kill -0 "$node_pid" 2>/dev/null; then
        kill -INT "$node_pid" || true
        wait "$node_pid" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

"$ROOT/target/debug/crossnet" devnode --port "$PORT" >"$work/devnode.log" 2>&1 &
node_pid=$!
for _ in $(seq 100); do
    grep -q "Press Ctrl-C" "$work/devnode.log" 2>/dev/null && break
    kill -0 "$node_pid" 2>/dev/null || { cat "$work/devnode.log" >&2; exit 1; }
    sleep 0.1
done
log "crossnet devnode at $URL"

# A scratch project: cargo-stylus 0.10 needs a manifest, Stylus.toml and a pinned toolchain.
mkdir -p "$work/project/src"
cat >"$work/project/Cargo.toml" <<'TOML'
[package]
name = "cargo-stylus-check"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib", "lib"]

[workspace]
TOML
touch "$work/project/src/lib.rs"
printf '[workspace]\n\n[workspace.networks]\n\n[contract]\n' >"$work/project/Stylus.toml"
cp rust-toolchain.toml "$work/project/"
printf '%s' "$DEV_KEY" >"$work/key"

log "cargo stylus deploy --no-verify --wasm-file $wasm -e $URL --private-key-path <dev key>"
(cd "$work/project" && "${stylus[@]}" deploy --no-verify --wasm-file "$wasm" -e "$URL" \
    --private-key-path "$work/key") 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | tee "$work/deploy.log"
address=$(grep -o 'deployed code at address: 0x[0-9a-fA-F]*' "$work/deploy.log" | grep -o '0x.*')
grep -q 'successfully activated' "$work/deploy.log"

codehash=$("$cast" keccak "$("$cast" code "$address" -r "$URL")")
version=$("$cast" call -r "$URL" 0x0000000000000000000000000000000000000071 \
    "codehashVersion(bytes32)(uint16)" "$codehash")
number=$("$cast" call -r "$URL" "$address" "number()(uint256)")
[ "$version" = 2 ] && [ "$number" = 0 ] || {
    echo "error: unexpected state: version=$version number=$number" >&2
    exit 1
}
log "ok: cargo stylus deployed and activated $address (Stylus version $version)"
