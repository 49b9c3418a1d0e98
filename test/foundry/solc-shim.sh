#!/usr/bin/env bash
# forge -> solcjs adapter: lets forge (foundry.toml `solc`) compile with the solc 0.8.30 of npm
# (`node_modules/solc`, the Emscripten build) when no native solc can be installed.
#   * `--version` answers like native solc ("Version: 0.8.30+commit....").
#   * Options solcjs does not know (`--allow-paths DIR,...`, `--no-import-callback`) are dropped:
#     forge passes every source inline in the standard JSON, so no import callback is needed.
#   * solcjs's stray ">>>" lines on stdout are filtered so stdout stays valid JSON.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
solcjs="$root/node_modules/solc/solc.js"
if [ ! -f "$solcjs" ]; then
    echo "solc-shim: $solcjs is missing; run \`bash script/setup.sh\` (npm install)" >&2
    exit 1
fi
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --version | -V | --version=*)
            printf 'solc, the solidity compiler commandline interface\nVersion: %s\n' \
                "$(node "$solcjs" --version)"
            exit 0
            ;;
        --allow-paths) shift ;;
        --allow-paths=* | --no-import-callback) ;;
        *) args+=("$1") ;;
    esac
    shift
done
if [ -n "${CROSSNET_SOLC_SHIM_LOG:-}" ]; then
    printf '%s\n' "${args[*]-}" >>"$CROSSNET_SOLC_SHIM_LOG"
fi
# solcjs reads its standard JSON with one readFileSync(stdin), which fails on a pipe the writer
# has not finished, and exits before a large stdout drains into a pipe: go through files (node
# writes files synchronously).
tmp="$(mktemp -d "${TMPDIR:-/tmp}/crossnet-solc.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/input.json"
status=0
node "$solcjs" ${args[@]+"${args[@]}"} <"$tmp/input.json" >"$tmp/output.json" || status=$?
# `grep -v` exits 1 when it filters everything; solc's own status is what counts.
grep -v '^>>>' "$tmp/output.json" || true
exit "$status"
