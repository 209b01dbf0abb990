#!/usr/bin/env bash
# Installs the real consumers the tests validate generated files with:
# promtool (Debian package prometheus) and amtool (prometheus-alertmanager).
# Idempotent: does nothing when they (and jq) are on PATH.
set -euo pipefail

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
# check-consumers.sh reads the golden catalog.json with jq.
command -v jq >/dev/null 2>&1 || need+=(jq)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "install-tools: need root or sudo to install ${need[*]}" >&2; exit 1; }
	sudo="sudo"
fi
echo "install-tools: installing ${need[*]} from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends keeps the daemons' extra packages out; only the
# command-line tools are used. policy-rc.d stops the daemons from starting.
if [ -d /usr/sbin ] && [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
	$sudo chmod +x /usr/sbin/policy-rc.d
	trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
promtool --version 2>&1 | head -1
amtool --version 2>&1 | head -1
