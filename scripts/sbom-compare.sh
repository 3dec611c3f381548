#!/usr/bin/env bash
# Package inventories side by side: hullscan, syft 1.18.1 and trivy 0.59.1 on the same inputs,
# printing each tool's package set and every difference.
#   inputs: dir: of each ../shared/vuln/inputs/<root> (the two Debian roots and appfs), and an
#           image archive built from each with `docker import` + `docker save` (when docker works).
# Packages are compared as (purl type, lowercase name, version with the epoch folded in), read
# from each tool's CycloneDX output. Usage: scripts/sbom-compare.sh [HULLSCAN_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
hullscan=${1:-target/release/hullscan}
[ -x "$hullscan" ] || hullscan=target/debug/hullscan
[ -x "$hullscan" ] || { echo "build hullscan first (cargo build -p hullscan)"; exit 2; }
inputs=../shared/vuln/inputs
[ -d "$inputs" ] || { echo "skipping: $inputs is absent"; exit 0; }
. scripts/sbom-peers.sh
out=target/sbom-compare
mkdir -p "$out"
export HULLSCAN_CACHE_DIR="$out/hullscan-cache"

run_all() { # NAME HULLSCAN_TARGET SYFT_ARGS... -- TRIVY_ARGS...
  local name=$1 target=$2; shift 2
  local syft_args=() trivy_args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do syft_args+=("$1"); shift; done
  shift; trivy_args=("$@")
  "$hullscan" sbom "$target" -f cyclonedx -q --no-cache -o "$out/$name.hullscan.json" \
    || echo "hullscan failed on $name"
  "$SYFT" scan -q "${syft_args[@]}" -o cyclonedx-json="$out/$name.syft.json" >/dev/null 2>"$out/$name.syft.log" \
    || { echo "syft failed on $name:"; tail -3 "$out/$name.syft.log"; }
  "$TRIVY" "${trivy_args[@]}" --cache-dir "$out/trivy-cache" --offline-scan --skip-db-update \
    --skip-java-db-update --format cyclonedx --output "$out/$name.trivy.json" >"$out/$name.trivy.log" 2>&1 \
    || { echo "trivy failed on $name:"; tail -3 "$out/$name.trivy.log"; }
  python3 - "$name" "$out" <<'PY'
import json, sys, urllib.parse
name, out = sys.argv[1], sys.argv[2]
def packages(tool):
    try:
        with open(f"{out}/{name}.{tool}.json") as handle:
            bom = json.load(handle)
    except (OSError, ValueError) as err:
        return None
    found = set()
    def walk(components):
        for component in components or []:
            purl = component.get("purl")
            if purl:
                found.add(key(purl))
            walk(component.get("components"))
    walk(bom.get("components"))
    return found
def key(purl):
    body, _, qualifiers = purl.partition("?")
    body = body.split("#")[0]
    kind, _, rest = body[len("pkg:"):].partition("/")
    path, at, version = rest.rpartition("@")
    if not at:
        path, version = rest, ""
    version = urllib.parse.unquote(version)
    quals = dict(q.split("=", 1) for q in qualifiers.split("&") if "=" in q)
    if quals.get("epoch") and ":" not in version:
        version = f"{quals['epoch']}:{version}"
    parts = [urllib.parse.unquote(p) for p in path.split("/")]
    if kind == "deb" or kind == "apk" or kind == "rpm":
        parts = parts[-1:]  # the namespace is the distro, spelt differently by each tool
    return (kind, "/".join(parts).lower(), version)
sets = {tool: packages(tool) for tool in ("hullscan", "syft", "trivy")}
print(f"== {name}")
for tool, found in sets.items():
    if found is None:
        print(f"  {tool:9} no output")
        continue
    kinds = {}
    for kind, _, _ in found:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"  {tool:9} {len(found):4} packages  " + " ".join(f"{k}:{n}" for k, n in sorted(kinds.items())))
tools = [t for t, s in sets.items() if s is not None]
everything = set().union(*(sets[t] for t in tools)) if tools else set()
differences = 0
for package in sorted(everything):
    have = [t for t in tools if package in sets[t]]
    if len(have) != len(tools):
        differences += 1
        missing = [t for t in tools if t not in have]
        print(f"  {'/'.join(package)}: in {', '.join(have)}; not in {', '.join(missing)}")
print(f"  {differences} difference(s)")
PY
}

roots=(debian-bookworm-minbase debian-bookworm-minbase-stale appfs)
for root in "${roots[@]}"; do
  dir="$inputs/$root"
  [ -d "$dir" ] || continue
  syft_extra=(); trivy_extra=()
  if [ "$root" = appfs ]; then
    # A directory scan of syft skips installed node_modules without the image catalogers;
    # trivy's jar analysis needs its Java DB, which cannot be downloaded here.
    syft_extra=(--override-default-catalogers image)
    trivy_extra=(--skip-dirs usr/share/java)
  fi
  run_all "dir-$root" "dir:$dir" "dir:$dir" "${syft_extra[@]}" -- rootfs "${trivy_extra[@]}" "$dir"
done

if docker info >/dev/null 2>&1; then
  for root in "${roots[@]}"; do
    dir="$inputs/$root"
    [ -d "$dir" ] || continue
    tag="hullscan-sbom-compare/$root:latest"
    archive="$out/image-$root.tar"
    if [ ! -f "$archive" ]; then
      tar -C "$dir" -c . | docker import - "$tag" >/dev/null
      docker save -o "$archive" "$tag"
      docker rmi "$tag" >/dev/null
    fi
    trivy_extra=()
    [ "$root" = appfs ] && trivy_extra=(--skip-dirs usr/share/java)
    run_all "image-$root" "$archive" "docker-archive:$archive" -- image "${trivy_extra[@]}" --input "$archive"
  done
else
  echo "docker is not usable here: image comparisons skipped"
fi
