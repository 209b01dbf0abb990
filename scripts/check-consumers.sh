#!/usr/bin/env bash
# Runs the real consumers over every golden output: what CI trusts beyond
# svcgen's own Go-level validation.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
shopt -s nullglob
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
for dir in golden/*/; do
	ex=$(basename "$dir")
	echo "== $ex"

	# Prometheus: every rules file loads with lint problems (duplicate
	# rules) as errors, and every generated unit test passes. promtool
	# resolves a test's rule_files next to the test file.
	rules=("$dir"prometheus/*.rules.yml)
	tests=("$dir"prometheus/*.test.yml)
	if [ ${#rules[@]} -gt 0 ]; then
		promtool check rules --lint-fatal "${rules[@]}" >/dev/null || {
			echo "promtool check rules failed for $ex:" >&2
			promtool check rules --lint-fatal "${rules[@]}" >&2 || true
			status=1
		}
		echo "promtool check rules: ${#rules[@]} files"
	fi
	if [ ${#tests[@]} -gt 0 ]; then
		# Each file is an independent test run; run them side by side.
		if ! printf '%s\0' "${tests[@]}" | xargs -0 -n1 -P"$jobs" sh -c 'out=$(promtool test rules "$1" 2>&1) || { printf "%s\n" "$out" >&2; exit 1; }' _; then
			echo "promtool test rules failed for $ex" >&2
			status=1
		fi
		echo "promtool test rules: ${#tests[@]} files"
	fi
done
exit $status
