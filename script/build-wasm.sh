#!/usr/bin/env bash
# Builds every contract crate (a cdylib under contracts/ or examples/) to
# wasm32-unknown-unknown, then packs, validates and size-checks them:
#
#   target/wasm/<name>.wasm   stripped module
#   target/wasm/<name>.code   deployable code: EF F0 00 00 + brotli (quality 11, window 22)
#   target/wasm/sizes.json    [{name, wasm_bytes, compressed_bytes, ...}]
#   test/snapshots/sizes.json the committed size snapshot (every contract, build-std route)
#
# Toolchain routes, first that works:
#   1. rustup's wasm32-unknown-unknown target (installed, or `rustup target add`);
#      with rust-src present the standard library is rebuilt (-Z build-std) so
#      -Cpanic=immediate-abort applies.
#   2. offline: Debian's rustc-web + rust-web-src (installed here if missing) with
#      -Z build-std and rustup's rust-lld as the linker.
#
# Every program gets a 32 KiB shadow stack (-zstack-size=32768; Rust's default is 1 MiB):
# one initial memory page instead of 17, ~15k gas less per Stylus call. `crossnet-wasm pack`
# proves the bound: it sums the frames along every call path and fails a program that could
# use more (or that recurses).
#
# Flags: --compare-panic  also build with plain panic=abort and report both sizes.
#        --only NAME      build one contract crate.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

compare=0
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --compare-panic) compare=1 ;;
        --only) only="$2"; shift ;;
        *) echo "usage: $0 [--compare-panic] [--only CRATE]" >&2; exit 2 ;;
    esac
    shift
done

log() { printf '==> %s\n' "$*" >&2; }

# Contract crates: every workspace crate that builds a cdylib.
contracts=()
for manifest in contracts/*/*/Cargo.toml examples/*/Cargo.toml examples/*/*/Cargo.toml test/devnode/fixtures/*/Cargo.toml; do
    [ -f "$manifest" ] || continue
    grep -q 'cdylib' "$manifest" || continue
    name=$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n1)
    if [ -z "$only" ] || [ "$only" = "$name" ]; then contracts+=("$name"); fi
done
if [ ${#contracts[@]} -eq 0 ]; then
    echo "error: no contract crate found${only:+ named $only}" >&2
    exit 1
fi

host_sysroot=$(rustc --print sysroot)
rust_lld="$host_sysroot/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
# Stylus rejects reference-types, SIMD and (from ArbOS 60) multi-value; keep the MVP
# feature set plus what Nitro enables. The stack size: see the header.
target_flags="-Ctarget-cpu=mvp -Ctarget-feature=+bulk-memory,+sign-ext,+mutable-globals,+nontrapping-fptoint -Clink-arg=-zstack-size=32768"

route=""
build_std=0
rustc_bin=$(rustup which rustc 2>/dev/null || command -v rustc)
have_target=0
have_src=0
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    have_target=1
fi
if [ -d "$host_sysroot/lib/rustlib/src/rust/library" ] \
    || timeout 120 rustup component add rust-src >/dev/null 2>&1; then
    have_src=1
fi
debian_ready() {
    [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/src/rust/library ] \
        && /usr/bin/rustc --version | grep -qE 'rustc 1\.(9[0-9]|[1-9][0-9][0-9])'
}
if [ $have_target = 1 ] && [ $have_src = 1 ]; then
    route="rustup"
    build_std=1
else
    if ! debian_ready && command -v apt-get >/dev/null; then
        log "wasm32 standard library source not available from rustup; installing Debian rustc-web + rust-web-src"
        sudo_cmd=""
        if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
        $sudo_cmd apt-get update -qq >/dev/null || true
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq rustc-web rust-web-src >/dev/null || true
    fi
    if debian_ready && [ -x "$rust_lld" ]; then
        route="debian"
        build_std=1
        rustc_bin=/usr/bin/rustc
    elif [ $have_target = 1 ]; then
        route="rustup"
    else
        echo "error: no way to build wasm32-unknown-unknown: rustup cannot add the target and" >&2
        echo "       Debian's rustc-web/rust-web-src (1.90+) plus rust-lld are not available" >&2
        exit 1
    fi
fi

# build_variant <target-dir> <panic flags>
build_variant() {
    local target_dir=$1 panic_flags=$2
    local args=(build --release --lib --target wasm32-unknown-unknown --target-dir "$target_dir")
    for c in "${contracts[@]}"; do args+=(-p "$c"); done
    local env_vars=(RUSTFLAGS="$target_flags $panic_flags")
    if [ $build_std = 1 ]; then
        args+=(-Z build-std=std,panic_abort)
        env_vars+=(RUSTC_BOOTSTRAP=1)
    fi
    if [ "$route" = "debian" ]; then
        env_vars+=(RUSTC=/usr/bin/rustc CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$rust_lld")
    fi
    env "${env_vars[@]}" cargo "${args[@]}"
}

if [ $build_std = 1 ]; then
    panic_flags="-Zunstable-options -Cpanic=immediate-abort"
    log "route: $route ($($rustc_bin --version)), build-std, panic=immediate-abort"
else
    panic_flags=""
    log "route: $route ($($rustc_bin --version)), prebuilt std, panic=abort (no rust-src for immediate-abort)"
fi
log "building ${#contracts[@]} contracts: ${contracts[*]}"
build_variant "$ROOT/target/wasm-build" "$panic_flags"

pack_args=(pack --out-dir "$ROOT/target/wasm")
# binaryen's wasm-opt -Oz after rustc (2-4% smaller, fewer instructions to pay ink for);
# Debian's `binaryen`, installed here when missing. CROSSNET_NO_WASM_OPT=1 skips it.
if [ -z "${CROSSNET_NO_WASM_OPT:-}" ]; then
    if ! command -v wasm-opt >/dev/null && command -v apt-get >/dev/null; then
        log "installing Debian's binaryen (wasm-opt)"
        sudo_cmd=""
        if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
        $sudo_cmd apt-get update -qq >/dev/null || true
        DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq binaryen >/dev/null || true
    fi
    if command -v wasm-opt >/dev/null; then
        pack_args+=(--wasm-opt "$(command -v wasm-opt)")
        log "wasm-opt: $(wasm-opt --version)"
    else
        log "warning: wasm-opt not available; programs are larger than the committed snapshot"
    fi
fi
# The committed size snapshot (checked by `crossnet-bench check-snapshots`), when building all.
if [ -z "$only" ] && [ $build_std = 1 ] && [ -z "${CROSSNET_NO_WASM_OPT:-}" ]; then
    pack_args+=(--snapshot "$ROOT/test/snapshots/sizes.json")
fi
if [ $compare = 1 ] && [ -n "$panic_flags" ]; then
    log "building again with plain panic=abort for comparison"
    build_variant "$ROOT/target/wasm-build-abort" ""
    pack_args+=(--panic-abort-dir "$ROOT/target/wasm-build-abort/wasm32-unknown-unknown/release")
fi
for c in "${contracts[@]}"; do
    pack_args+=("$c=$ROOT/target/wasm-build/wasm32-unknown-unknown/release/${c//-/_}.wasm")
done
cargo run -q -p crossnet-wasm -- "${pack_args[@]}"
