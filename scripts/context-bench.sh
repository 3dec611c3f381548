#!/usr/bin/env bash
# Benchmark: `hullscan context` on a generated tree of >= 200,000 files, beside
# `find DIR -type f | wc -l` on the same tree, in one run.
#
#   scripts/context-bench.sh [FILES]        (default 200000)
#
# Env: HULLSCAN_BIN   use this binary instead of building `hullscan` in release mode
#      BENCH_DIR      where to generate the tree (default /tmp/hullscan-context-bench)
#      RUNS           timed runs of each command; the best is reported (default 5)
#      CARGO_TARGET_DIR  as usual
set -euo pipefail

FILES=${1:-200000}
BENCH_DIR=${BENCH_DIR:-/tmp/hullscan-context-bench}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [[ -z "${HULLSCAN_BIN:-}" ]]; then
    (cd "$ROOT" && cargo build --release -p hullscan >&2)
    HULLSCAN_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/hullscan"
fi

# The tree: 100 files per directory in a 3-level layout, plus a node_modules and a .git
# that the .dockerignore excludes (with an exception inside), so the run applies patterns.
marker="$BENCH_DIR/.generated-$FILES"
if [[ ! -f "$marker" ]]; then
    rm -rf "$BENCH_DIR"
    mkdir -p "$BENCH_DIR"
    python3 - "$BENCH_DIR" "$FILES" <<'PY'
import os, sys
root, total = sys.argv[1], int(sys.argv[2])
made = 0
payload = b"x" * 100
d = 0
while made < total:
    top = ("node_modules" if d % 10 == 0 else ".git" if d % 10 == 1 else "src") + f"/pkg{d // 100}"
    path = os.path.join(root, top, f"mod{d}")
    os.makedirs(path, exist_ok=True)
    for f in range(min(100, total - made)):
        ext = ".log" if f % 20 == 0 else ".js"
        with open(os.path.join(path, f"file{f}{ext}"), "wb") as fh:
            fh.write(payload[: 1 + (f * 7) % 100])
        made += 1
    d += 1
with open(os.path.join(root, ".dockerignore"), "w") as fh:
    fh.write(".git\nnode_modules\n!node_modules/pkg0/mod0/file1.js\n**/*.log\n!src/pkg0/mod2/file0.log\n*.tmp\n")
with open(os.path.join(root, "Dockerfile"), "w") as fh:
    fh.write("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"src\"]\n")
PY
    touch "$marker"
fi

count=$(find "$BENCH_DIR" -type f | wc -l)   # also warms the page cache
echo "tree: $BENCH_DIR ($count files)"

best() { # best wall time in seconds of RUNS runs of "$@"
    local best_ns=""
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null
        end=$(date +%s%N)
        local ns=$((end - start))
        if [[ -z "$best_ns" || $ns -lt $best_ns ]]; then best_ns=$ns; fi
    done
    echo "$best_ns"
}

find_ns=$(best bash -c "find '$BENCH_DIR' -type f | wc -l")
hullscan_ns=$(best "$HULLSCAN_BIN" context "$BENCH_DIR")
"$HULLSCAN_BIN" context "$BENCH_DIR" | sed -n '1,6p'

awk -v f="$find_ns" -v h="$hullscan_ns" 'BEGIN {
    printf "find -type f | wc -l : %8.1f ms\n", f / 1e6
    printf "hullscan context     : %8.1f ms\n", h / 1e6
    printf "ratio (hullscan/find): %8.2f  (target <= 1.50)\n", h / f
}'
