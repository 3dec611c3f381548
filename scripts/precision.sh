#!/usr/bin/env bash
# Precision harness for hullscan's own rules (issue 14).
#
#   scripts/precision.sh sample [BIN]   lint every repo of tests/precision/repos.tsv in its own tree and
#                                        write $OUT/findings.tsv and $OUT/to-label.tsv (up to 10 findings
#                                        per hullscan-only rule, chosen by a hash of repo+path+line+rule)
#   scripts/precision.sh report [BIN]   the same run, then per-rule precision over
#                                        tests/precision/labels.tsv, labelled findings that no longer
#                                        appear (fixed?) and sampled findings without a label (new)
#
# The repos are expected checked out (whole trees, at the listed commit) in $PREC_DIR/<owner>+<name>
# (default /tmp/prec). BIN defaults to target/debug/hullscan. A rule is "hullscan-only" when its
# findings carry no alias (no hadolint DL code, no BuildKit check name): those have no peer to be
# compared with, so they are labelled by hand. Precision = right / labelled (debatable is not right).
# LABELS=FILE reports against another labels file (e.g. tests/precision/labels-before.tsv with the
# main binary, for "before" figures).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-report}
bin=${2:-$root/target/debug/hullscan}
PREC_DIR=${PREC_DIR:-/tmp/prec}
OUT=${OUT:-/tmp/precision-out}
PER_RULE=${PER_RULE:-10}
mkdir -p "$OUT/json"
case $mode in sample|report) ;; *) echo "usage: $0 sample|report [BIN]" >&2; exit 2 ;; esac

while IFS=$'\t' read -r repo commit _kind; do
  case $repo in ''|'#'*) continue ;; esac
  dir=$PREC_DIR/${repo/\//+}
  if [ ! -d "$dir" ]; then echo "missing checkout: $dir ($repo@$commit)" >&2; continue; fi
  # Lint from inside the tree so paths are repo-relative and the context rules see the real tree.
  (cd "$dir" && "$bin" lint --format json --no-fail . > "$OUT/json/${repo/\//+}.json.tmp" 2>"$OUT/json/${repo/\//+}.err") \
    && mv "$OUT/json/${repo/\//+}.json.tmp" "$OUT/json/${repo/\//+}.json"
done < "$root/tests/precision/repos.tsv"

python3 - "$mode" "$root/tests/precision/repos.tsv" "${LABELS:-$root/tests/precision/labels.tsv}" "$OUT" "$PER_RULE" <<'PY'
import collections, hashlib, json, os, sys
mode, repos_tsv, labels_tsv, out, per_rule = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
repos = [l.split("\t")[0] for l in open(repos_tsv) if l.strip() and not l.startswith("#")]
findings = []  # (rule, repo, path, line, message)
for repo in repos:
    p = os.path.join(out, "json", repo.replace("/", "+") + ".json")
    if not os.path.exists(p):
        continue
    for f in json.load(open(p)):
        if f.get("aliases"):
            continue  # hadolint / BuildKit rule: covered by conformance tests
        path = f["file"][2:] if f["file"].startswith("./") else f["file"]
        findings.append((f["code"], repo, path, int(f.get("line") or 0), f["message"].replace("\t", " ").replace("\n", " ")))
findings = sorted(set(findings))
with open(os.path.join(out, "findings.tsv"), "w") as w:
    for f in findings:
        w.write("\t".join(map(str, f)) + "\n")
by_rule = collections.defaultdict(list)
for f in findings:
    by_rule[f[0]].append(f)
def key(f):
    return hashlib.sha256(f"{f[1]}:{f[2]}:{f[3]}:{f[0]}".encode()).hexdigest()
sample = []
for rule in sorted(by_rule):
    sample += sorted(by_rule[rule], key=key)[:per_rule]
with open(os.path.join(out, "to-label.tsv"), "w") as w:
    for f in sample:
        w.write("\t".join(map(str, f)) + "\n")
print(f"{len(findings)} findings of hullscan-only rules; {len(sample)} sampled -> {out}/to-label.tsv")
for rule in sorted(by_rule):
    print(f"  {rule}: {len(by_rule[rule])} findings")
if mode == "sample":
    sys.exit(0)
labels = {}
rows = []
for l in open(labels_tsv):
    if not l.strip() or l.startswith("#"):
        continue
    rule, repo, path, line, verdict, why = l.rstrip("\n").split("\t", 5)
    labels[(rule, repo, path, int(line))] = verdict
    rows.append((rule, repo, path, int(line), verdict))
present = {f[:4] for f in findings}
# Count rows, not keys: context findings about several files share one (rule, path, line 0).
stats = collections.defaultdict(collections.Counter)
for rule, repo, path, line, verdict in rows:
    stats[rule][verdict] += 1
print("\nrule    labelled  right  wrong  debatable  precision")
for rule in sorted(stats):
    s = stats[rule]; n = sum(s.values())
    print(f"{rule:<8}{n:>8}{s['right']:>7}{s['wrong']:>7}{s['debatable']:>11}  {100*s['right']/n:6.1f}%")
gone = [k for k in labels if k not in present]
new = [f for f in sample if f[:4] not in labels]
print(f"\nlabelled findings no longer reported (fixed, or moved): {len(gone)}")
for k in gone:
    print("  " + "\t".join(map(str, k)) + f"\t(was {labels[k]})")
print(f"sampled findings with no label yet (new): {len(new)}")
for f in new:
    print("  " + "\t".join(map(str, f)))
PY
