#!/usr/bin/env bash
# Runs Checkov (`checkov -d DIR --framework kubernetes -o json`) and hullscan on the Kubernetes
# corpus (../shared/corpus/k8s) in one run, and prints per shared practice both tools' counts,
# both wall times, their ratio and the machine load (`uptime`).
#
# Units differ: Checkov reports a failed check once per resource (workload), hullscan once per
# container (init containers included for the security checks). So hullscan's findings are
# also counted per distinct object (file + `Kind/name`), which is Checkov's unit.
#
# Usage: scripts/k8s-checkov.sh
#        HULLSCAN=path/to/hullscan SHARED=path/to/shared scripts/k8s-checkov.sh
# Without HULLSCAN it uses target/release/hullscan when built, else builds target/debug.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared}
CORPUS="$SHARED/corpus/k8s"
[ -d "$CORPUS" ] || { echo "k8s-checkov: $CORPUS not found (set SHARED=...)" >&2; exit 2; }
command -v checkov >/dev/null || { echo "k8s-checkov: checkov not found (pip install checkov)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "k8s-checkov: python3 is required" >&2; exit 2; }

HULLSCAN=${HULLSCAN:-}
if [ -z "$HULLSCAN" ]; then
  if [ -x "${CARGO_TARGET_DIR:-target}/release/hullscan" ]; then
    HULLSCAN=${CARGO_TARGET_DIR:-target}/release/hullscan
  else
    cargo build --quiet -p hullscan
    HULLSCAN=${CARGO_TARGET_DIR:-target}/debug/hullscan
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only the manifests (not the corpus README/manifest.jsonl), for both tools.
mkdir "$work/k8s"
cp "$CORPUS"/*.yaml "$work/k8s/"

start=$(date +%s.%N)
status=0
"$HULLSCAN" lint --no-config --no-fail --extend-select HS819 --format json "$work/k8s" >"$work/hullscan.json" || status=$?
end=$(date +%s.%N)
[ "$status" -le 1 ] || { echo "k8s-checkov: hullscan failed (exit $status)" >&2; exit 2; }
hullscan_time=$(python3 -c "print($end - $start)")

start=$(date +%s.%N)
checkov -d "$work/k8s" --framework kubernetes -o json --quiet >"$work/checkov.json" 2>"$work/checkov.err" || true
end=$(date +%s.%N)
checkov_time=$(python3 -c "print($end - $start)")

python3 - "$work" "$hullscan_time" "$checkov_time" <<'PY'
import json, re, sys
from collections import defaultdict

work, h_time, c_time = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])

# Checkov: failed checks per check id, one per resource.
raw = json.load(open(f"{work}/checkov.json"))
reports = raw if isinstance(raw, list) else [raw]
checkov = defaultdict(int)
for report in reports:
    for failed in report.get("results", {}).get("failed_checks", []):
        checkov[failed["check_id"]] += 1

# hullscan: findings per code, and distinct objects (file + `Kind/name`) per code.
data = json.load(open(f"{work}/hullscan.json"))
items = data if isinstance(data, list) else data.get("diagnostics", data.get("results", []))
findings = defaultdict(int)
objects = defaultdict(set)
def walk(entries):
    for d in entries:
        if "diagnostics" in d:
            for inner in d["diagnostics"]:
                inner.setdefault("path", d.get("path"))
            walk(d["diagnostics"])
            continue
        code = d.get("code")
        message = d.get("message", "")
        key = code
        if code == "HS817":
            # One hullscan finding names both missing requests; Checkov has one check each.
            for resource in ("cpu", "memory"):
                if resource in message:
                    findings[f"HS817-{resource}"] += 1
                    objects[f"HS817-{resource}"].add((d.get("path") or d.get("file"), message.split(":")[0]))
            continue
        findings[key] += 1
        objects[key].add((d.get("path") or d.get("file"), message.split(":")[0]))
walk(items)

practices = [
    ("probes: liveness", ["CKV_K8S_8"], ["HS801"]),
    ("probes: readiness", ["CKV_K8S_9"], ["HS802"]),
    ("non-root", ["CKV_K8S_23"], ["HS804", "HS805"]),
    ("privileged", ["CKV_K8S_16"], ["HS807"]),
    ("privilege escalation", ["CKV_K8S_20"], ["HS806"]),
    ("capabilities: drop ALL", ["CKV_K8S_37"], ["HS808"]),
    ("capabilities: added", ["CKV_K8S_39"], ["HS809"]),
    ("read-only root", ["CKV_K8S_22"], ["HS810"]),
    ("latest tag", ["CKV_K8S_14"], ["HS814"]),
    ("host paths: runtime socket", ["CKV_K8S_27"], ["HS812"]),
    ("host paths: any hostPath", [], ["HS811"]),
    ("resources: cpu requests", ["CKV_K8S_10"], ["HS817-cpu"]),
    ("resources: memory requests", ["CKV_K8S_12"], ["HS817-memory"]),
    ("resources: cpu limits", ["CKV_K8S_11"], ["HS819"]),
    ("resources: memory limits", ["CKV_K8S_13"], ["HS818"]),
]
print(f"{'practice':30} {'checkov':>8} {'hullscan':>9} {'(objects)':>10}  codes")
for name, c_ids, h_codes in practices:
    c = sum(checkov[i] for i in c_ids)
    h = sum(findings[k] for k in h_codes)
    o = len(set().union(*[objects[k] for k in h_codes]))
    flag = ""
    if c or o:
        if abs(o - c) > 0.1 * max(c, o):
            flag = "  <- differs >10%"
    print(f"{name:30} {c:>8} {h:>9} {o:>10}  {'+'.join(c_ids) or '-'} / {'+'.join(h_codes)}{flag}")
print()
print(f"hullscan: {h_time:.3f} s   checkov: {c_time:.3f} s   checkov/hullscan: {c_time / h_time:.0f}x")
PY
uptime
