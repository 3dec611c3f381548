#!/usr/bin/env bash
# Benchmark: `hullscan sbom` beside syft 1.18.1 and trivy 0.59.1 on one image of >= 1 GB with OS
# and language packages, and `hullscan image` with vs without the inventory, in one run.
#
# The image is built with `docker import` of a root filesystem made from
# ../shared/vuln/inputs/debian-bookworm-minbase and appfs (dpkg, Python, npm, jars, Go and Rust
# binaries), plus COPIES copies of appfs's language packages under /srv/appN (more packages and
# files to catalog) and PAD_MB of incompressible padding files, then `docker save`d to a tar,
# which every tool reads. Each tool runs with an empty cache; wall time and peak RSS come from
# /usr/bin/time -v. Targets: hullscan sbom >= 5x faster than the faster peer, peak RSS < 150 MB;
# hullscan image with the inventory <= 15% slower than with --no-inventory.
#
# Usage: scripts/sbom-bench.sh      HULLSCAN=binary (default target/release/hullscan)
#   COPIES=100 PAD_MB=600 KEEP=1 (keep the image tar; its path is printed)
#   IMAGE=path/to/image.tar (reuse an image a KEEP=1 run left); BUILD_ONLY=1 (only build it)
set -euo pipefail
cd "$(dirname "$0")/.."
HULLSCAN=${HULLSCAN:-target/release/hullscan}
[ -x "$HULLSCAN" ] || [ -n "${BUILD_ONLY:-}" ] || cargo build --release -p hullscan
COPIES=${COPIES:-100}
PAD_MB=${PAD_MB:-600}
inputs=../shared/vuln/inputs
[ -d "$inputs" ] || { echo "skipping: $inputs is absent"; exit 0; }
[ -x /usr/bin/time ] || { echo "sbom-bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
docker info >/dev/null 2>&1 || { echo "sbom-bench: docker is required (docker import/save)" >&2; exit 2; }
. scripts/sbom-peers.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-sbom-bench.XXXXXX")
cleanup() { if [ "${KEEP:-}" != 1 ]; then rm -rf "$WORK"; else echo "kept: ${image:-$WORK}"; fi; }
trap cleanup EXIT

if [ -z "${IMAGE:-}" ]; then
  echo "building the root filesystem under $WORK ..."
  root="$WORK/rootfs"
  mkdir -p "$root"
  cp -a "$inputs/debian-bookworm-minbase/." "$root/"
  cp -a "$inputs/appfs/." "$root/"
  for n in $(seq 1 "$COPIES"); do
    mkdir -p "$root/srv/app$n"
    cp -a "$inputs/appfs/app/node_modules" "$root/srv/app$n/"
    mkdir -p "$root/srv/app$n/lib"
    cp -a "$inputs/appfs/usr/local/lib/python3.11" "$root/srv/app$n/lib/"
  done
  mkdir -p "$root/opt/padding"
  python3 - "$root/opt/padding" "$PAD_MB" <<'PY'
import os, random, sys
out, total = sys.argv[1], int(sys.argv[2]) << 20
rng = random.Random(7)
# 8 MiB files of random bytes: bulk that every tool has to stream past.
size, n = 8 << 20, 0
while n * size < total:
    with open(os.path.join(out, f"blob{n:04}.bin"), "wb") as handle:
        handle.write(rng.randbytes(size))
    n += 1
PY
  tag="hullscan-sbom-bench:latest"
  tar -C "$root" -c . | docker import - "$tag" >/dev/null
  docker save -o "$WORK/image.tar" "$tag"
  docker rmi "$tag" >/dev/null
  rm -rf "$root"
  image="$WORK/image.tar"
else
  image=$IMAGE
fi
size=$(stat -c %s "$image")
files=$(tar -xOf "$image" --wildcards '*.tar' '*/layer.tar' 2>/dev/null | tar -t 2>/dev/null | wc -l || true)
echo "image: $image, $((size / 1000000)) MB, $files entries in its layer"
[ "$size" -ge 1000000000 ] || echo "warning: the image is under 1 GB; raise COPIES or PAD_MB"
[ -z "${BUILD_ONLY:-}" ] || exit 0

measure() { # LABEL COMMAND... ; prints "LABEL seconds peak_rss_mb" and records them
  local label=$1; shift
  local log="$WORK/$label.time"
  sync
  /usr/bin/time -v "$@" >"$WORK/$label.out" 2>"$log" || { echo "$label failed:"; tail -5 "$log"; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
  # CPU time (user + system) beside wall time: on a loaded machine it is the steadier figure.
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$log")
  printf "  %-28s %8.2f s wall %8.2f s CPU  %6s MB peak RSS\n" "$label" "$wall" "$cpu" "$rss"
  eval "T_$label=$wall; M_$label=$rss; C_$label=$cpu"
}

export HULLSCAN_CACHE_DIR="$WORK/hullscan-cache"
echo "hullscan: $HULLSCAN ($("$HULLSCAN" --version 2>/dev/null || echo '?')); syft $("$SYFT" version 2>/dev/null | awk '/^Version/ {print $2}'); trivy $("$TRIVY" --version 2>/dev/null | awk '/^Version/ {print $2}')"
echo "load before: $(uptime)"
echo "SBOM of the image (CycloneDX; cold: no hullscan cache, empty peer caches):"
measure hullscan_sbom "$HULLSCAN" sbom "$image" -f cyclonedx -q --no-cache -o "$WORK/hullscan.cdx.json"
# Like for like: syft and trivy take the archive's layer digests as stated; hullscan hashes every
# layer to check them unless told not to (SHA-256 of 1 GB is ~0.6 s even with SHA-NI).
measure hullscan_sbom_unverified "$HULLSCAN" sbom "$image" -f cyclonedx -q --no-cache --no-verify-digests -o "$WORK/hullscan-unverified.cdx.json"
measure syft "$SYFT" scan -q "docker-archive:$image" -o cyclonedx-json="$WORK/syft.cdx.json"
measure trivy "$TRIVY" image --input "$image" --cache-dir "$WORK/trivy-cache" --offline-scan \
  --skip-db-update --skip-java-db-update --skip-dirs usr/share/java --format cyclonedx --output "$WORK/trivy.cdx.json"
echo "hullscan with its per-layer inventory cache (first run fills it, second is warm):"
measure hullscan_sbom_fill "$HULLSCAN" sbom "$image" -f cyclonedx -q -o "$WORK/hullscan-fill.cdx.json"
measure hullscan_sbom_warm "$HULLSCAN" sbom "$image" -f cyclonedx -q -o "$WORK/hullscan-warm.cdx.json"
python3 - "$WORK" <<'PY'
import json, sys
for tool in ("hullscan", "hullscan-unverified", "syft", "trivy"):
    try:
        with open(f"{sys.argv[1]}/{tool}.cdx.json") as handle:
            bom = json.load(handle)
    except (OSError, ValueError):
        print(f"  {tool:19} no output")
        continue
    print(f"  {tool:19} {len(bom.get('components', [])):6} components")
PY
echo "hullscan image with and without the inventory (empty cache, best of 3):"
best() { # LABEL COMMAND...
  local label=$1; shift; local b="" bc=""
  for _ in 1 2 3; do
    measure "$label" "$@" >/dev/null
    local t c; eval "t=\$T_$label; c=\$C_$label"
    if [ -z "$b" ] || python3 -c "import sys; sys.exit(0 if $t < $b else 1)"; then b=$t; fi
    if [ -z "$bc" ] || python3 -c "import sys; sys.exit(0 if $c < $bc else 1)"; then bc=$c; fi
  done
  eval "T_$label=$b; C_$label=$bc"
  local m; eval "m=\$M_$label"
  printf "  %-28s %8.2f s wall %8.2f s CPU  %6s MB peak RSS (last run)\n" "$label" "$b" "$bc" "$m"
}
best image_with_inventory "$HULLSCAN" image "$image" -q --no-cache --fail-on error
best image_without_inventory "$HULLSCAN" image "$image" -q --no-inventory --fail-on error
python3 - "$T_hullscan_sbom" "$T_syft" "$T_trivy" "$M_hullscan_sbom" "$T_image_with_inventory" "$T_image_without_inventory" "$T_hullscan_sbom_warm" "$C_hullscan_sbom" "$C_syft" "$C_trivy" "$T_hullscan_sbom_unverified" "$C_hullscan_sbom_unverified" "$M_hullscan_sbom_unverified" <<'PY'
import sys
ours, syft, trivy, rss, with_inv, without_inv, warm, c_ours, c_syft, c_trivy, unverified, c_unverified, rss_unverified = map(float, sys.argv[1:])
print(f"CPU time: hullscan sbom {c_ours:.2f} s, syft {c_syft:.2f} s ({c_syft / c_ours:.1f}x), "
      f"trivy {c_trivy:.2f} s ({c_trivy / c_ours:.1f}x)")
faster = min(syft, trivy)
ratio = faster / ours if ours else float("inf")
print(f"hullscan sbom cold {ours:.2f} s, syft {syft:.2f} s ({syft / ours:.1f}x), "
      f"trivy {trivy:.2f} s ({trivy / ours:.1f}x); warm cache {warm:.2f} s "
      f"({faster / warm:.1f}x the faster peer)")
print(f"hullscan sbom (cold) vs the faster peer ({'syft' if syft <= trivy else 'trivy'}): {ratio:.1f}x "
      f"({'meets' if ratio >= 5 else 'misses'} the 5x target); peak RSS {rss:.0f} MB "
      f"({'under' if rss < 150 else 'over'} 150 MB)")
like = faster / unverified if unverified else float("inf")
print(f"like for like (--no-verify-digests: digests taken as stated, as syft and trivy do): "
      f"{unverified:.2f} s wall, {c_unverified:.2f} s CPU, {rss_unverified:.0f} MB; "
      f"{like:.1f}x the faster peer ({'meets' if like >= 5 else 'misses'} the 5x target); "
      f"CPU {min(c_syft, c_trivy) / c_unverified:.1f}x")
overhead = (with_inv / without_inv - 1) * 100 if without_inv else 0
print(f"hullscan image inventory overhead: {overhead:+.1f}% wall "
      f"({'within' if overhead <= 15 else 'over'} the 15% budget)")
PY
python3 - "$C_image_with_inventory" "$C_image_without_inventory" <<'PY'
import sys
with_inv, without_inv = map(float, sys.argv[1:])
overhead = (with_inv / without_inv - 1) * 100 if without_inv else 0
print(f"hullscan image inventory overhead: {overhead:+.1f}% CPU "
      f"({with_inv:.2f} s with, {without_inv:.2f} s without)")
PY
echo "load after: $(uptime)"
