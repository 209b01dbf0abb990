#!/usr/bin/env bash
# Runs the real consumers over every golden output: what CI trusts beyond
# svcgen's own Go-level validation.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
missing=()
command -v promtool >/dev/null 2>&1 || missing+=(promtool)
command -v amtool >/dev/null 2>&1 || missing+=(amtool)
if [ ${#missing[@]} -gt 0 ]; then
	echo "check-consumers: skipped: ${missing[*]} not installed (scripts/install-tools.sh installs them from Debian's packages)"
	exit 0
fi
routecases=$(mktemp -d)/routecases
trap 'rm -rf "$(dirname "$routecases")"' EXIT
go build -tags devtools -o "$routecases" ./scripts/routecases

fail() {
	echo "FAIL: $*" >&2
	status=1
}

# route_cases prints "team severity receiver" for every team of a resolved
# catalog (catalog.json), from the catalog's own words (see
# scripts/routecases).
route_cases() {
	"$routecases" "$1"
}

# check_alertmanager validates a golden alertmanager.yml with amtool and
# routes every team × severity of its catalog through it. amtool 0.25
# (Debian's) predates webhook url_file (Alertmanager 0.26): a catalog that
# routes to a webhook needs a newer amtool here.
check_alertmanager() {
	local dir=$1 am=$1/alertmanager/alertmanager.yml
	[ -f "$am" ] || return 0
	local out
	if ! out=$(amtool check-config "$am" 2>&1); then
		fail "amtool check-config $am:"$'\n'"$out"
		return
	fi
	local n=0 bad=0 team severity want labels got
	while read -r team severity want; do
		n=$((n + 1))
		labels=(alertname=Check service=check cluster=check "severity=$severity")
		[ "$team" = - ] || labels+=("team=$team")
		# amtool prints the receivers it resolved and exits 1 on a mismatch.
		if ! got=$(amtool config routes test --config.file="$am" --verify.receivers="$want" "${labels[@]}" 2>/dev/null | head -n 1); then
			fail "$am: ${labels[*]} routes to '$got', want '$want'"
			bad=$((bad + 1))
		fi
	done < <(route_cases "$dir/catalog.json")
	if [ "$n" -lt 2 ]; then
		fail "$am: no routing cases derived from $dir/catalog.json"
	elif [ "$bad" -eq 0 ]; then
		echo "amtool: $am is valid and routes all $n cases as the catalog says"
	fi
}

shopt -s nullglob
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
for dir in golden/*/; do
	ex=$(basename "$dir")
	echo "== $ex"
	check_alertmanager "${dir%/}"

	# Prometheus: every rules file loads with lint problems (duplicate
	# rules) as errors, and every generated unit test passes. promtool
	# resolves a test's rule_files next to the test file.
	# (prometheus/scrape-configs.yml is checked by Prometheus's own config
	# loader in emitters/prometheus: Debian's promtool is built without
	# kubernetes_sd_configs.)
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
