#!/usr/bin/env bash
# `hullscan fix` over a copy of the real-world corpus (../shared/corpus/real), showing that:
#   - every fixed file still parses (when its original did), and BuildKit's own parser
#     (`pip install dockerfile`) reads the same instructions, flags and values as hullscan;
#   - a second run changes nothing (`hullscan fix --diff` prints nothing, exits 0);
#   - no finding with a safe fix is left;
#   - the count of findings per rule, before and after.
# The corpus is copied to a temporary directory; ../shared is never modified.
#
# Usage: scripts/fix-corpus.sh [--unsafe-fixes]     (HULLSCAN=path/to/hullscan to pick a binary)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$root/../shared/corpus/real}
bin=${HULLSCAN:-$root/target/debug/hullscan}
if [ ! -d "$corpus" ]; then
    echo "skipping: $corpus not found"
    exit 0
fi
if [ ! -x "$bin" ]; then
    echo "error: $bin not found; build it with: cargo build -p hullscan" >&2
    exit 2
fi
python3 -c 'import dockerfile' 2>/dev/null || {
    echo "error: BuildKit's parser for Python is missing: pip install dockerfile" >&2
    exit 2
}

work=$(mktemp -d /tmp/hullscan-fix-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$corpus" "$work/original"
cp -r "$corpus" "$work/fixed"
cd "$work/fixed"
# The corpus names files `owner__repo__Dockerfile`, which directory discovery would not pick
# up: every file is named on the command line.
ls -A > "$work/files.txt"
mapfile -t files < "$work/files.txt"
common=(--no-config --no-context)
extra=("$@")

uptime
echo "corpus: ${#files[@]} files; binary: $bin"
"$bin" lint "${common[@]}" --no-fail -f json -- "${files[@]}" > "$work/before.json"
start=$(date +%s.%N)
set +e
"$bin" fix "${common[@]}" "${extra[@]}" --summary json -- "${files[@]}" > "$work/fix1.json" 2> "$work/fix1.err"
first_rc=$?
end=$(date +%s.%N)
"$bin" fix "${common[@]}" "${extra[@]}" --diff -- "${files[@]}" > "$work/fix2.diff" 2> "$work/fix2.err"
second_rc=$?
set -e
"$bin" lint "${common[@]}" --no-fail -f json -- "${files[@]}" > "$work/after.json"

WORK="$work" BIN="$bin" FIRST_RC="$first_rc" SECOND_RC="$second_rc" \
    SECONDS_TAKEN=$(echo "$end - $start" | bc) EXTRA="${extra[*]:-}" python3 - <<'PY'
import collections, json, os, subprocess, sys
import dockerfile

work, binary = os.environ["WORK"], os.environ["BIN"]
unsafe = "--unsafe-fixes" in os.environ["EXTRA"]
failures = []

def counts(path):
    total, fixable = collections.Counter(), collections.Counter()
    for finding in json.load(open(path)):
        total[finding["code"]] += 1
        fix = finding.get("fix")
        wanted = ("safe", "unsafe") if unsafe else ("safe",)
        if fix and fix["applicability"] in wanted:
            fixable[finding["code"]] += 1
    return total, fixable

before, before_fixable = counts(f"{work}/before.json")
after, after_fixable = counts(f"{work}/after.json")
summary = json.load(open(f"{work}/fix1.json"))
print(f"first run: exit {os.environ['FIRST_RC']}, {os.environ['SECONDS_TAKEN']} s, "
      f"{summary['fixed']} fixes applied in {summary['files_changed']} files")
errors = open(f"{work}/fix1.err").read().strip()
if errors:
    print("first run stderr:\n" + errors)
if os.environ["FIRST_RC"] != "0":
    failures.append("the first run did not exit 0")

# Idempotence: the second run has nothing to change.
diff = open(f"{work}/fix2.diff").read()
print(f"second run (--diff): exit {os.environ['SECOND_RC']}, {len(diff)} bytes of diff")
if diff or os.environ["SECOND_RC"] != "0":
    failures.append("a second run would change files:\n" + diff[:2000])

# Parse checks on every changed file.
def hullscan_parse(path):
    run = subprocess.run([binary, "debug", "parse", "--json", path], capture_output=True, text=True)
    return run.returncode == 0, (json.loads(run.stdout) if run.stdout.strip() else [])

def buildkit_parse(path):
    try:
        return [
            {"cmd": c.cmd, "sub_cmd": c.sub_cmd, "json": c.json, "start_line": c.start_line,
             "end_line": c.end_line, "flags": list(c.flags), "value": list(c.value)}
            for c in dockerfile.parse_file(path)
        ]
    except Exception as err:  # GoParseError and friends
        return f"error: {err}"

def comparable(instructions):
    out = []
    for inst in instructions:
        value = inst["value"]
        keyword = (inst["sub_cmd"] or inst["cmd"]).upper()
        if keyword in ("ENV", "LABEL"):
            # BuildKit v0.12.5 (the Python wheel) has no separator node: triples become pairs.
            value = [v for i, v in enumerate(value) if i % 3 != 2]
        out.append({k: inst[k] for k in ("cmd", "sub_cmd", "json", "start_line", "end_line", "flags")}
                   | {"value": value})
    return out

changed = parsed_ok = agree = agree_before = 0
for name in open(f"{work}/files.txt").read().split("\n"):
    if not name:
        continue
    original, fixed = f"{work}/original/{name}", f"{work}/fixed/{name}"
    if open(original, "rb").read() == open(fixed, "rb").read():
        continue
    changed += 1
    was_ok, _ = hullscan_parse(original)
    is_ok, ours = hullscan_parse(fixed)
    if is_ok or not was_ok:
        parsed_ok += 1
    else:
        failures.append(f"{name}: parsed before the fix, not after")
    theirs_before = buildkit_parse(original)
    _, ours_before = hullscan_parse(original)
    if isinstance(theirs_before, list) and comparable(ours_before) == theirs_before:
        # hullscan and BuildKit agreed on the original: they must agree on the fixed file.
        agree_before += 1
        theirs = buildkit_parse(fixed)
        if isinstance(theirs, list) and comparable(ours) == theirs:
            agree += 1
        else:
            mine = comparable(ours)
            first = next((i for i, (a, b) in enumerate(zip(mine, theirs if isinstance(theirs, list) else [])) if a != b), None)
            detail = theirs if isinstance(theirs, str) else (f"instruction {first}: hullscan {mine[first]} buildkit {theirs[first]}" if first is not None else f"{len(mine)} vs {len(theirs)} instructions")
            failures.append(f"{name}: BuildKit disagrees after the fix: {detail}")

print(f"changed files: {changed}; still parse: {parsed_ok}; "
      f"BuildKit agrees with hullscan on {agree} of the {agree_before} whose original it agreed on")

left = sum(after_fixable.values())
label = "safe or unsafe" if unsafe else "safe"
print(f"findings with a {label} fix: before {sum(before_fixable.values())}, after {left}")
if left:
    failures.append(f"{left} findings with a {label} fix remain: {dict(after_fixable)}")

print(f"\n{'rule':<7} {'before':>7} {'after':>7} {'fixable before':>15} {'fixable after':>14}")
for code in sorted(set(before) | set(after)):
    if before[code] != after[code] or before_fixable[code]:
        print(f"{code:<7} {before[code]:>7} {after[code]:>7} {before_fixable[code]:>15} {after_fixable[code]:>14}")
print(f"{'total':<7} {sum(before.values()):>7} {sum(after.values()):>7} "
      f"{sum(before_fixable.values()):>15} {sum(after_fixable.values()):>14}")

if failures:
    print("\nFAILED:")
    for failure in failures[:50]:
        print(" -", failure)
    sys.exit(1)
print("\nOK")
PY
uptime
