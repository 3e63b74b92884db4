#!/bin/bash
# The whole test suite on a fresh Debian 12 / Ubuntu machine, as root: installs what the tests need
# (apt packages, Node 24 and the VS Code server, cached by version), starts the real services, runs
# the four tiers (unit, integration, vscode, ui) and stops the services. Exits non-zero when any
# tier fails. Logs and screenshots land in test-results/.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results=$root/test-results
rm -rf "$results"; mkdir -p "$results"

step() { printf '\n\033[1m== %s\033[0m (at %ds)\n' "$*" "$SECONDS"; }
die() { echo "test-all: $*" >&2; exit 1; }

step "install test dependencies"
bash scripts/install-test-deps.sh || die "installing the test dependencies failed"
step "npm ci"
npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
step "lint, build, compile tests, package"
npm run --silent lint || die "lint failed"
npm run --silent build && npm run --silent compile-tests || die "the build failed"
npm run --silent package >"$results/package.log" 2>&1 || { cat "$results/package.log"; die "packaging failed"; }
tail -1 "$results/package.log"

step "start services"
bash test/services/up.sh || die "starting the test services failed"
trap 'bash test/services/down.sh' EXIT

failed_tiers=()
run_tier() {
  local tier=$1
  step "tier: $tier"
  npm run --silent "test:$tier" 2>&1 | tee "$results/$tier.log" || failed_tiers+=("$tier")
}
run_tier unit
run_tier integration
run_tier vscode
run_tier ui

# mocha prints "N passing" / "N failing" per tier (inside the extension host too): add them up.
passed=$(grep -hoE '[0-9]+ passing' "$results"/{unit,integration,vscode,ui}.log | awk '{s += $1} END {print s + 0}')
failed=$(grep -hoE '[0-9]+ failing' "$results"/{unit,integration,vscode,ui}.log | awk '{s += $1} END {print s + 0}')
echo
if [ ${#failed_tiers[@]} -gt 0 ]; then
  echo "test-all: tiers that failed: ${failed_tiers[*]} (logs in test-results/)"
  [ "$failed" -gt 0 ] || failed=${#failed_tiers[@]}
fi
echo "test-all: finished in ${SECONDS}s"
echo "tests: $passed passed, $failed failed"
[ ${#failed_tiers[@]} -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
