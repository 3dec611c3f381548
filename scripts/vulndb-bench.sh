#!/usr/bin/env bash
# Benchmark: the vulnerability database built from the whole shared OSV export, and matching a
# batch of (ecosystem, name, version) queries against it with the database warm.
#
# Prints, in one run:
#   - `hullscan db update --from ../shared/vuln/osv-export` (verify every zip, compile, write
#     atomically): wall time, peak RSS, database size;
#   - `hullscan db match --queries FILE` over QUERIES queries (default 2000): the source packages
#     of the two Debian 12 roots, then distinct packages the export names, each at a version its
#     advisories mention (an SBOM in which every package has advisories): wall time of
#     the whole process (best and median of RUNS runs, default 10, after one warm-up run), the
#     time hullscan reports for open + matching, and peak RSS. Target: under 50 ms.
#
# No peer runs here: osv-scanner cannot be installed offline, and it has no persistent index
# (it re-parses every zip on each run), so there is no like-for-like figure to set beside these.
#
# Usage: scripts/vulndb-bench.sh
#   HULLSCAN=path/to/hullscan   binary to time (default: target/release/hullscan, built if missing)
#   QUERIES=N RUNS=N
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared}
EXPORT="$SHARED/vuln/osv-export"
QUERIES=${QUERIES:-2000}
RUNS=${RUNS:-10}
HULLSCAN=${HULLSCAN:-${CARGO_TARGET_DIR:-target}/release/hullscan}
[[ -d "$EXPORT" ]] || { echo "vulndb-bench: $EXPORT is absent" >&2; exit 2; }
if [[ ! -x "$HULLSCAN" ]]; then
  cargo build --release -p hullscan
fi
command -v python3 >/dev/null || { echo "vulndb-bench: python3 is required" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "vulndb-bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-vulndb-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ECOSYSTEMS=$(cd "$EXPORT" && ls -d */ | tr -d / | paste -sd, -)

echo "== build: hullscan db update --from $EXPORT --ecosystems $ECOSYSTEMS"
/usr/bin/time -f "%e s wall, %M KB peak RSS" -o "$WORK/build.time" \
  "$HULLSCAN" db update --from "$EXPORT" --ecosystems "$ECOSYSTEMS" --db-dir "$WORK/db" 2>"$WORK/build.log"
tail -n 1 "$WORK/build.log"
echo "build: $(cat "$WORK/build.time"); database $(stat -c %s "$WORK/db/vulns.db") bytes; exports $(du -cb "$EXPORT"/*/all.zip | tail -n 1 | cut -f1) bytes zipped"

python3 - "$EXPORT" "$SHARED/vuln/inputs" "$QUERIES" >"$WORK/queries.tsv" <<'PY'
import io, json, os, random, sys, zipfile
export, inputs, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(11)
queries = []
# Debian 12 source packages as dpkg lists them (Source: name (version), else the binary's own).
for root in ("debian-bookworm-minbase", "debian-bookworm-minbase-stale"):
    status = os.path.join(inputs, root, "var/lib/dpkg/status")
    if not os.path.exists(status):
        continue
    for stanza in open(status, encoding="utf-8").read().split("\n\n"):
        fields = dict(l.split(": ", 1) for l in stanza.splitlines() if ": " in l and not l.startswith(" "))
        if "Package" not in fields:
            continue
        name, version = fields["Package"], fields.get("Version", "")
        source = fields.get("Source", name)
        if " (" in source:
            source, version = source[:-1].split(" (", 1)
        queries.append(("Debian:12", source, version))
# Every package the advisories name, once, like an SBOM: at a version one of its events mentions,
# so each query finds its package and walks all of its ranges (a pessimistic SBOM: in a real one
# most packages have no advisory at all).
by_package = {}
for ecosystem in sorted(os.listdir(export)):
    with zipfile.ZipFile(os.path.join(export, ecosystem, "all.zip")) as archive:
        for entry in sorted(archive.namelist()):
            record = json.loads(archive.read(entry))
            for affected in record.get("affected", []):
                package = affected.get("package") or {}
                key = (package.get("ecosystem", ""), package.get("name", ""))
                for r in affected.get("ranges", []):
                    if r.get("type") == "GIT":
                        continue
                    for event in r.get("events", []):
                        for version in event.values():
                            if version != "0":
                                by_package.setdefault(key, []).append(version)
packages = sorted(by_package)
rng.shuffle(packages)
for key in packages[: max(0, wanted - len(queries))]:
    queries.append((key[0], key[1], rng.choice(by_package[key])))
for q in queries[:wanted]:
    print("\t".join(q))
PY
echo "== match: $(wc -l <"$WORK/queries.tsv") queries, $RUNS runs after a warm-up"
"$HULLSCAN" db match --queries "$WORK/queries.tsv" --format json --db-dir "$WORK/db" >/dev/null 2>"$WORK/warm.log"
cat "$WORK/warm.log"
python3 - "$HULLSCAN" "$WORK" "$RUNS" <<'PY'
import os, resource, statistics, subprocess, sys, time
hullscan, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
command = [hullscan, "db", "match", "--queries", f"{work}/queries.tsv", "--format", "json", "--db-dir", f"{work}/db"]
walls, cpus, own = [], [], ""
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    walls.append((time.perf_counter() - start) * 1000)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
    own = done.stderr.decode().strip().splitlines()[-1]
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
load = float(open("/proc/loadavg").read().split()[0])
print(f"match (whole process: start-up, database open, {own.split()[0]} queries, JSON out): "
      f"wall best {min(walls):.1f} ms, median {statistics.median(walls):.1f} ms; "
      f"CPU (user+sys) best {min(cpus):.1f} ms, median {statistics.median(cpus):.1f} ms over {runs} runs; "
      f"peak RSS {rss} MB")
print(f"hullscan's own figure (last run): {own}")
print(f"load average while measuring: {load} on {os.cpu_count()} CPUs"
      + (" (oversubscribed: wall time is mostly waiting for a CPU; CPU time is the cost)" if load > os.cpu_count() else ""))
for label, value in (("wall", statistics.median(walls)), ("CPU", statistics.median(cpus))):
    print(f"target < 50 ms warm, by median {label} time: {'met' if value < 50 else 'MISSED'} ({value:.1f} ms)")
PY
