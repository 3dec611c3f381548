#!/usr/bin/env bash
# Lints the real-world corpus (../shared/corpus/real) with hullscan and compares, per hadolint
# code, its finding counts with hadolint 2.15.1's recorded output for the same files
# (../shared/corpus/baselines/hadolint-2.15.1.json.gz: default rules, no configuration).
#
# Both tools run their default rule sets. A hullscan finding counts for every DL code among
# its rule's aliases. Files hadolint could not parse (DL1000) are where the tools differ most,
# so each rule is also compared on the files hadolint did parse.
#
# Usage: scripts/compare-hadolint.sh            (builds target/release/hullscan if needed)
#        HULLSCAN=path/to/hullscan SHARED=path/to/shared scripts/compare-hadolint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared}
CORPUS="$SHARED/corpus/real"
BASELINE="$SHARED/corpus/baselines/hadolint-2.15.1.json.gz"
for needed in "$CORPUS" "$BASELINE"; do
  [ -e "$needed" ] || { echo "compare-hadolint: $needed not found (set SHARED=...)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "compare-hadolint: python3 is required" >&2; exit 2; }

HULLSCAN=${HULLSCAN:-}
if [ -z "$HULLSCAN" ]; then
  cargo build --release --quiet -p hullscan
  HULLSCAN=${CARGO_TARGET_DIR:-target}/release/hullscan
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
files=()
for file in "$CORPUS"/*; do
  [ "$(basename "$file")" = manifest.jsonl ] || files+=("$file")
done
start=$(date +%s.%N)
# Exit status 1 only means "findings"; 2 is a real error.
status=0
"$HULLSCAN" lint --no-config --no-fail --format json "${files[@]}" >"$out" || status=$?
end=$(date +%s.%N)
[ "$status" -le 1 ] || { echo "compare-hadolint: hullscan failed (exit $status)" >&2; exit 2; }
rules=$(mktemp)
trap 'rm -f "$out" "$rules"' EXIT
"$HULLSCAN" rules --format json >"$rules"

python3 - "$out" "$BASELINE" "${#files[@]}" "$start" "$end" "$rules" <<'PY'
import collections, gzip, json, os, sys

ours_path, baseline_path, file_count, start, end, rules_path = sys.argv[1:]
ours = json.load(open(ours_path))
# Every DL code hullscan has a rule for (as an alias), whether or not it found anything.
implemented = {alias for rule in json.load(open(rules_path))
               for alias in rule.get("aliases", []) if alias.startswith("DL")}
theirs = json.load(gzip.open(baseline_path))

def base(path):
    return os.path.basename(path)

unparsed = {base(f["file"]) for f in theirs if f["code"] == "DL1000"}
hadolint = collections.Counter(f["code"] for f in theirs)
hadolint_parsed = collections.Counter(f["code"] for f in theirs if base(f["file"]) not in unparsed)
hullscan = collections.Counter()
hullscan_parsed = collections.Counter()
for finding in ours:
    for alias in finding.get("aliases", []):
        if alias.startswith("DL"):
            hullscan[alias] += 1
            if base(finding["file"]) not in unparsed:
                hullscan_parsed[alias] += 1

def pct(a, b):
    if a == b:
        return "0%"
    if a == 0:
        return "n/a"
    return f"{100.0 * (b - a) / a:+.0f}%"

print(f"corpus: {file_count} files; hullscan took {float(end) - float(start):.2f} s; "
      f"hadolint could not parse {len(unparsed)} files (DL1000)")
print()
print(f"{'rule':<8} {'hadolint':>9} {'hullscan':>9} {'diff':>7}   {'parsed-only: hadolint':>22} {'hullscan':>9} {'diff':>7}")
codes = sorted(implemented)
for code in codes:
    a, b = hadolint[code], hullscan[code]
    pa, pb = hadolint_parsed[code], hullscan_parsed[code]
    flag = "  <-- differs by more than 10%" if a != b and (a == 0 or abs(b - a) / a > 0.10) else ""
    print(f"{code:<8} {a:>9} {b:>9} {pct(a, b):>7}   {pa:>22} {pb:>9} {pct(pa, pb):>7}{flag}")
missing = sorted(c for c in hadolint if c.startswith("DL") and c not in implemented and c != "DL1000")
if missing:
    print()
    print("hadolint codes with findings here that hullscan has no rule for:")
    print("  " + ", ".join(f"{c} ({hadolint[c]})" for c in missing))
sc = sum(n for c, n in hadolint.items() if c.startswith("SC"))
print()
print(f"hadolint also reported {sc} ShellCheck findings and {hadolint['DL1000']} parse errors (DL1000); "
      f"hullscan runs ShellCheck only with --shellcheck.")
PY
