#!/usr/bin/env bash
# Installs what building and testing crossnet needs beyond the Rust toolchain in
# rust-toolchain.toml. Idempotent; safe to run on every test run.
#   - the wasm32 standard library: handled by script/build-wasm.sh (rustup, or Debian's
#     rustc-web + rust-web-src when rustup cannot download)
#   - npm packages pinned in package-lock.json (Foundry's cast/forge/anvil, solc), when present
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }

if [ -f package-lock.json ]; then
    if ! command -v npm >/dev/null; then
        echo "error: npm is required (Node.js 20+)" >&2
        exit 1
    fi
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        log "installing npm packages (package-lock.json)"
        npm install --no-audit --no-fund --no-save --loglevel=error
    fi
fi
