#!/usr/bin/env bash
# Validates every generated Kubernetes and Istio object of the golden outputs
# with kubeconform -strict, offline: the JSON schemas are built from sources
# in the Go module cache (Kubernetes' OpenAPI document, Istio's and
# prometheus-operator's CRD manifests) by scripts/jsonschemas, strict in
# that an object admits only the fields its schema lists. Strict decoding
# into the Go types (in go test) and kubeconform catch different things:
# unknown fields vs enums, patterns and quantities; both run.
#
# Where the modules cannot be had (no module proxy and a cold cache), the
# check is skipped with a one-line reason.
set -euo pipefail
cd "$(dirname "$0")/.."

K8S=k8s.io/kubernetes@v1.37.2
# Istio publishes no semver tags to the module proxy: a pinned pseudo-version.
ISTIO=istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad
PROMOP=github.com/prometheus-operator/prometheus-operator@v0.85.0
KUBECONFORM=github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0

cache=${SVCGEN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/svcgen}
key=$(printf '%s\n' "$K8S" "$ISTIO" "$PROMOP" "$(sha256sum scripts/jsonschemas/main.go)" | sha256sum | cut -c1-16)
schemas=$cache/kubeconform-schemas-$key
bin=$cache/bin

moddir() {
	local out
	out=$(go mod download -json "$1" 2>&1) || { echo "kubeconform: skipped: cannot download $1" >&2; return 1; }
	sed -n 's/^\t"Dir": "\(.*\)",$/\1/p' <<<"$out"
}

if [ ! -x "$bin/kubeconform" ]; then
	GOBIN=$bin go install "$KUBECONFORM" 2>/dev/null || { echo "kubeconform: skipped: cannot install $KUBECONFORM"; exit 0; }
fi
if [ ! -d "$schemas" ]; then
	k8s=$(moddir "$K8S") || exit 0
	istio=$(moddir "$ISTIO") || exit 0
	promop=$(moddir "$PROMOP") || exit 0
	tmp=$(mktemp -d "$cache/.schemas-XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	crds=(-crds "$istio/manifests/charts/base/files/crd-all.gen.yaml")
	for f in podmonitors servicemonitors prometheusrules alertmanagerconfigs; do
		crds+=(-crds "$promop/example/prometheus-operator-crd/monitoring.coreos.com_$f.yaml")
	done
	go run -tags devtools ./scripts/jsonschemas -out "$tmp" -swagger "$k8s/api/openapi-spec/swagger.json" "${crds[@]}" >/dev/null
	mv "$tmp" "$schemas" 2>/dev/null || rm -rf "$tmp" # another run may have won
fi

location="$schemas/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
kc() { "$bin/kubeconform" -strict -summary -schema-location "$location" "$@"; }

# The check must be able to fail: a misspelt field in a generated Deployment
# and in a DestinationRule are refused.
bad=$(mktemp -d)
trap 'rm -rf "$bad" ${tmp:+"$tmp"}' EXIT
sed 's/^  selector:$/  selectorr:/' golden/shop/kubernetes/payment.yaml >"$bad/deployment.yaml"
sed 's/^    connectionPool:$/    connectionPoool:/' golden/shop/istio/payment.yaml >"$bad/destinationrule.yaml"
for f in "$bad"/*.yaml; do
	if kc "$f" >/dev/null 2>&1; then
		echo "kubeconform: FAIL: a misspelt field in $(basename "$f") passed: the schemas are not strict" >&2
		exit 1
	fi
done

dirs=()
for d in golden/*/kubernetes golden/*/istio golden/*/prometheus/operator; do
	[ -d "$d" ] && dirs+=("$d")
done
if ! out=$(kc "${dirs[@]}" 2>&1); then
	printf '%s\n' "$out" >&2
	echo "kubeconform: FAIL" >&2
	exit 1
fi
echo "kubeconform -strict: ${out#Summary: }"
