#!/usr/bin/env python3
"""hullscan secrets vs Yelp's detect-secrets on the labelled set, side by side.

Installs detect-secrets into a venv under /tmp (first run only), writes every labelled sample to
its own file in a temp dir, runs both tools over that directory, and prints precision, recall and
wall time (best of N runs) for each. A sample counts as flagged when the tool reports anything in
its file.

Usage: scripts/secrets/compare_detect_secrets.py [--runs N] [--hullscan PATH]
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(REPO, "crates/hullscan_secrets/tests/data/labelled/labelled.jsonl")
VENV = "/tmp/hullscan-detect-secrets-venv"


def ensure_detect_secrets():
    exe = os.path.join(VENV, "bin", "detect-secrets")
    if not os.path.exists(exe):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "detect-secrets"], check=True)
    version = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return exe, version


def timed(cmd, runs, cwd):
    best, out = None, None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
        elapsed = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        best = elapsed if best is None else min(best, elapsed)
        out = proc.stdout
    return best, out


def scores(flagged, labels):
    tp = sum(1 for f, pos in labels.items() if pos and f in flagged)
    fp = sum(1 for f, pos in labels.items() if not pos and f in flagged)
    fn = sum(1 for f, pos in labels.items() if pos and f not in flagged)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return tp, fp, fn, precision, recall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hullscan", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release", "hullscan"))
    args = parser.parse_args()
    if not os.path.exists(args.hullscan):
        sys.exit(f"{args.hullscan} not found: build it with `cargo build --release -p hullscan` (or pass --hullscan)")
    ds, ds_version = ensure_detect_secrets()

    with tempfile.TemporaryDirectory(prefix="hullscan-labelled-") as work:
        labels = {}
        for line in open(DATA, encoding="utf-8"):
            sample = json.loads(line)
            name = f"{sample['id']:04}-{sample['file_name']}"
            with open(os.path.join(work, name), "wb") as f:
                f.write(base64.b64decode(sample["text_b64"]))
            labels[name] = sample["label"] == "positive"

        # Both tools scan `.` from inside the directory (detect-secrets reports nothing for an
        # absolute directory argument outside a git repository).
        hs_time, hs_out = timed([args.hullscan, "secrets", "--format", "json", "."], args.runs, work)
        hs_flagged = {os.path.basename(d["file"]) for d in json.loads(hs_out)}

        # --all-files: the temp dir is not a git repository; scan every file in it.
        ds_time, ds_out = timed([ds, "scan", "--all-files", "."], args.runs, work)
        ds_flagged = {os.path.basename(f) for f, found in json.loads(ds_out)["results"].items() if found}

    positives = sum(labels.values())
    print(f"labelled set: {positives} positives, {len(labels) - positives} negatives, one file each")
    print(f"{'tool':<28} {'precision':>9} {'recall':>7} {'TP':>4} {'FP':>4} {'FN':>4} {'time (best of ' + str(args.runs) + ')':>20}")
    rows = [("hullscan secrets", hs_flagged, hs_time), (f"detect-secrets {ds_version}", ds_flagged, ds_time)]
    results = {}
    for name, flagged, elapsed in rows:
        tp, fp, fn, precision, recall = scores(flagged, labels)
        results[name] = (precision, recall, elapsed)
        print(f"{name:<28} {precision * 100:>8.1f}% {recall * 100:>6.1f}% {tp:>4} {fp:>4} {fn:>4} {elapsed:>18.3f} s")
    (hp, hr, ht), (dp, dr, dt) = results.values()
    ahead = hp > dp and hr > dr and ht < dt
    print(f"hullscan ahead on precision, recall and time: {'yes' if ahead else 'NO'} (time ratio {dt / ht:.1f}x)")
    return 0 if ahead else 1


if __name__ == "__main__":
    sys.exit(main())
