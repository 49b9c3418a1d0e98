#!/usr/bin/env bash
# Regenerates the committed Solidity interface of every contract crate
# (<crate dir>/I<Contract>.sol) from its `export-abi` binary.
#
#   bash script/export-abi.sh          rewrite the interfaces
#   bash script/export-abi.sh --check  fail if a committed interface is stale or missing
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[ "${1:-}" = "--check" ] && check=1

stale=()
for manifest in contracts/*/*/Cargo.toml examples/*/Cargo.toml; do
    [ -f "$manifest" ] || continue
    grep -q 'export-abi' "$manifest" || continue
    dir=$(dirname "$manifest")
    crate=$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -n1)
    out=$(cargo run -q -p "$crate" --features export-abi 2>/dev/null) || {
        echo "error: cannot export the ABI of $crate (cargo run -p $crate --features export-abi)" >&2
        exit 1
    }
    name=$(printf '%s\n' "$out" | sed -n 's/^interface \([A-Za-z0-9_]*\).*/\1/p' | head -n1)
    if [ -z "$name" ]; then
        echo "error: $crate printed no interface" >&2
        exit 1
    fi
    file="$dir/$name.sol"
    if [ $check = 1 ]; then
        if ! [ -f "$file" ] || ! diff -q <(printf '%s\n' "$out") "$file" >/dev/null; then
            stale+=("$file")
        fi
    else
        printf '%s\n' "$out" > "$file"
        echo "wrote $file"
    fi
done

if [ ${#stale[@]} -gt 0 ]; then
    echo "error: stale or missing Solidity interfaces (run: bash script/export-abi.sh):" >&2
    printf '  %s\n' "${stale[@]}" >&2
    exit 1
fi
if [ $check = 1 ]; then echo "ABI interfaces are up to date"; fi
