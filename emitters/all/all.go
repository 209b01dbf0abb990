// Package all lists svcgen's emitters in the fixed order builds run and
// report them, and selects those a build runs.
package all

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/emitters/alertmanager"
	"github.com/svcgen/svcgen/emitters/catalogjson"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/goclient"
	"github.com/svcgen/svcgen/emitters/grafana"
	"github.com/svcgen/svcgen/emitters/istio"
	"github.com/svcgen/svcgen/emitters/kubernetes"
	"github.com/svcgen/svcgen/emitters/otelcol"
	"github.com/svcgen/svcgen/emitters/prometheus"
	"github.com/svcgen/svcgen/emitters/runbook"
)

// Emitters returns a fresh list of every emitter, in report order.
func Emitters() []emit.Emitter {
	return []emit.Emitter{
		catalogjson.Emitter{},
		prometheus.Emitter{},
		alertmanager.Emitter{},
		grafana.Emitter{},
		kubernetes.Emitter{},
		istio.Emitter{},
		goclient.Emitter{},
		runbook.Emitter{},
		otelcol.Emitter{},
	}
}

// Names returns every target's name, in report order.
func Names() []string {
	var names []string
	for _, e := range Emitters() {
		names = append(names, e.Name())
	}
	return names
}

// Select returns the emitters a build of c runs: the targets its settings
// turn on, narrowed to only where only is not empty. A name in only that is
// no target, or that the catalog turns off, is an error that says so: the
// catalog is the source of truth, which a one-off run may narrow but not
// widen.
func Select(c *catalog.Catalog, only []string) ([]emit.Emitter, error) {
	names := Names()
	for _, n := range only {
		if !slices.Contains(names, n) {
			return nil, fmt.Errorf("--target %s: no such target (targets: %s)", n, strings.Join(names, ", "))
		}
		if !c.Settings.Targets.Enabled(n) {
			return nil, fmt.Errorf("--target %s: the catalog turns it off (settings: targets: %s: false)", n, n)
		}
	}
	var out []emit.Emitter
	for _, e := range Emitters() {
		if c.Settings.Targets.Enabled(e.Name()) && (len(only) == 0 || slices.Contains(only, e.Name())) {
			out = append(out, e)
		}
	}
	return out, nil
}

// TargetOf returns the name of the target that writes the output path p:
// its first directory ("prometheus/payment.rules.yml" → prometheus), or the
// file's name without its extension at the top ("catalog.json" → catalog).
func TargetOf(p string) string {
	if first, _, ok := strings.Cut(p, "/"); ok {
		return first
	}
	return strings.TrimSuffix(p, path.Ext(p))
}
