#!/usr/bin/env bash
# The shell logic of the GitHub Action (action.yml), kept here so it can be run and tested
# outside GitHub.
#
#   scripts/action-run.sh install   put a hullscan on PATH (cargo install from the action's own
#                                   checkout, unless one is already there or HULLSCAN_BIN is set)
#   scripts/action-run.sh run       lint, write SARIF, set the step outputs
#
# Inputs come as the Action passes them, in environment variables:
#   HULLSCAN_BIN            the binary to run (default: `hullscan` on PATH)
#   INPUT_PATHS             what to lint, split on whitespace (default: .)
#   INPUT_SARIF_FILE        where the SARIF goes (default: hullscan.sarif)
#   INPUT_ARGS              more `hullscan lint` arguments, split on whitespace
#   INPUT_FAIL_ON_FINDINGS  `false` to exit 0 when there are findings (errors still fail)
# Outputs (appended to $GITHUB_OUTPUT when set): sarif-file, exit-code.
# `run` exits as hullscan does: 0 clean, 1 findings (0 with INPUT_FAIL_ON_FINDINGS=false),
# 2 a usage, configuration or I/O error.
set -euo pipefail

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

install() {
  if [ -n "${HULLSCAN_BIN:-}" ] || command -v hullscan >/dev/null 2>&1; then
    echo "hullscan: using $(command -v "${HULLSCAN_BIN:-hullscan}")"
    return 0
  fi
  # The Action's checkout is this repository at the ref the workflow named: build exactly that.
  local root="${RUNNER_TEMP:-/tmp}/hullscan"
  cargo install --locked --path "${GITHUB_ACTION_PATH:?not running as an Action}/crates/hullscan" \
    --root "$root"
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$root/bin" >>"$GITHUB_PATH"
  fi
}

run() {
  local bin="${HULLSCAN_BIN:-hullscan}"
  local sarif="${INPUT_SARIF_FILE:-hullscan.sarif}"
  local -a paths extra
  read -r -a paths <<<"${INPUT_PATHS:-.}"
  read -r -a extra <<<"${INPUT_ARGS:-}"
  local status=0
  # Written to a temporary file first, so a run that dies leaves no half-written SARIF behind.
  local partial="$sarif.partial"
  "$bin" lint --format sarif --no-color ${extra[@]+"${extra[@]}"} -- "${paths[@]}" >"$partial" \
    || status=$?
  output exit-code "$status"
  if [ "$status" -ge 2 ] || [ ! -s "$partial" ]; then
    rm -f "$partial"
    echo "::error::hullscan failed (exit $status); no SARIF written"
    return 2
  fi
  mv "$partial" "$sarif"
  output sarif-file "$sarif"
  if [ "$status" -eq 1 ]; then
    if [ "${INPUT_FAIL_ON_FINDINGS:-true}" = "false" ]; then
      echo "hullscan: findings reported in $sarif (not failing: fail-on-findings is false)"
      return 0
    fi
    echo "::error::hullscan found problems; see $sarif or the code scanning alerts"
    return 1
  fi
  echo "hullscan: no findings at or above the failure threshold"
}

case "${1:-}" in
  install) install ;;
  run) run ;;
  *)
    echo "usage: $0 install|run" >&2
    exit 2
    ;;
esac
