#!/usr/bin/env bash
# Secrets-scanner throughput benchmark.
#
# Builds >= 1 GiB of mixed real text from what is on this machine (system docs, C headers, Python
# sources, Rust crate sources, logs), replicated as needed, in a temp dir (never committed),
# then scans it on one thread with the release build and prints throughput and prefilter hit
# rate. Usage: scripts/secrets/bench.sh [TARGET_MIB] [ROUNDS]
set -euo pipefail
target_mib=${1:-1100}
rounds=${2:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
# BENCH_CORPUS=DIR reuses (or keeps) a corpus between runs; by default it is a temp dir removed
# on exit.
if [[ -n "${BENCH_CORPUS:-}" ]]; then
  work=$BENCH_CORPUS
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/hullscan-secrets-bench.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
if ! ls "$work"/part*.txt >/dev/null 2>&1; then

# 1. Gather text files (NUL-free in their first 8 KiB) into 64 MiB parts.
list="$work/files.txt"
{
  find /usr/share/doc /usr/share/man /usr/include /usr/lib/python3* /var/log \
       "$HOME/.cargo/registry/src" "$HOME/.rustup" -type f -size -4M 2>/dev/null || true
} | grep -v -E '\.(gz|xz|bz2|zst|zip|png|jpg|gif|ico|so|a|rlib|pyc|whl|ttf|woff2?|pdf|crate)$' > "$list"
python3 - "$list" "$work" "$target_mib" <<'PY'
import sys, os
files, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 1024 * 1024
part_size = 64 * 1024 * 1024
data = []
unique = 0
for path in open(files, encoding="utf-8", errors="replace").read().splitlines():
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError:
        continue
    if b"\0" in b[:8192] or not b:
        continue
    data.append(b)
    unique += len(b)
# Replicate the unique text until the target size is reached.
written, part, n = 0, bytearray(), 0
i = 0
while written < target:
    b = data[i % len(data)]
    i += 1
    part += b
    written += len(b)
    if len(part) >= part_size:
        open(os.path.join(out, f"part{n:04}.txt"), "wb").write(part); n += 1; part = bytearray()
if part:
    open(os.path.join(out, f"part{n:04}.txt"), "wb").write(part)
print(f"corpus: {unique/2**20:.0f} MiB of unique text from {len(data)} files, replicated to {written/2**20:.0f} MiB")
PY
rm -f "$list"
fi

# 2. Scan it.
cd "$repo"
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-secrets} \
  cargo run --quiet --release -p hullscan_secrets --example throughput -- "$work" "$rounds"
