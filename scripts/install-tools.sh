#!/usr/bin/env bash
# Installs the real consumers the tests validate generated files with:
# promtool and the prometheus server (Debian package prometheus), amtool and
# the alertmanager server (prometheus-alertmanager). Idempotent.
#
# The packages' own system services are never left enabled or running: the
# tests start their own processes on 127.0.0.1 with their own configuration
# and stop them. On a machine without apt-get (or without root or sudo) it
# installs nothing, says so in one line and exits 0: the checks that need the
# tools are then skipped with a reason and every other test still runs.
set -euo pipefail

need=()
# The end-to-end test (e2e/) runs the prometheus and prometheus-alertmanager
# servers themselves, besides promtool and amtool.
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)

sudo=""
can_root=true
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	else
		can_root=false
	fi
fi

# disable_services stops and disables the units the packages install, also
# where an earlier version of this script left them enabled. --root works
# without a running systemd (containers, CI), where only the links that would
# start them at boot exist.
disable_services() {
	$can_root && command -v systemctl >/dev/null 2>&1 || return 0
	local units=(prometheus.service prometheus-alertmanager.service)
	if [ -d /run/systemd/system ]; then
		$sudo systemctl disable --now "${units[@]}" >/dev/null 2>&1 || true
	else
		$sudo systemctl --root=/ disable "${units[@]}" >/dev/null 2>&1 || true
	fi
}

if [ ${#need[@]} -eq 0 ]; then
	disable_services
	exit 0
fi

skip() {
	echo "install-tools: not installing ${need[*]}: $*; the checks that need promtool and amtool will be skipped" >&2
	exit 0
}
command -v apt-get >/dev/null 2>&1 || skip "this machine has no apt-get"
$can_root || skip "installing needs root or password-less sudo"

echo "install-tools: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends keeps the daemons' extra packages out. policy-rc.d
# stops the package scripts from starting the daemons; disable_services then
# removes what would start them at boot.
if [ -d /usr/sbin ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
	$sudo chmod +x /usr/sbin/policy-rc.d
	trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
disable_services
promtool --version 2>&1 | head -1
amtool --version 2>&1 | head -1
