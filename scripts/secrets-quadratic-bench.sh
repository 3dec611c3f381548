#!/usr/bin/env bash
# Issue 15 item 4: `hullscan secrets` on a file of repeated `-----BEGIN PRIVATE KEY-----`
# lines (every line opens a key block that never closes) used to cost ~8 s per MB, growing
# with the square of the size. Prints size and time at 1x, 2x and 4x: linear growth means
# the time roughly doubles per step.
#
#   scripts/secrets-quadratic-bench.sh [BASE_KIB]      (default 256)
#
# Env: HULLSCAN_BIN  use this binary instead of building `hullscan` in release mode
set -euo pipefail

BASE_KIB=${1:-256}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "${HULLSCAN_BIN:-}" ]]; then
    (cd "$ROOT" && cargo build --release -p hullscan >&2)
    HULLSCAN_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/hullscan"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

line='-----BEGIN PRIVATE KEY-----'
printf '%-10s %12s %10s\n' scale bytes seconds
for scale in 1 2 4; do
    file="$WORK/keys-$scale.pem"
    lines=$(( BASE_KIB * 1024 * scale / (${#line} + 1) ))
    head -n "$lines" < <(yes -- "$line") > "$file"
    bytes=$(stat -c %s "$file")
    start=$(date +%s.%N)
    "$HULLSCAN_BIN" secrets --no-config "$file" > /dev/null || true
    end=$(date +%s.%N)
    printf '%-10s %12d %10.3f\n' "${scale}x" "$bytes" "$(echo "$end - $start" | bc)"
done
