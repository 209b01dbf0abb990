// Package all lists svcgen's emitters in the fixed order builds run and
// report them.
package all

import (
	"github.com/svcgen/svcgen/emitters/alertmanager"
	"github.com/svcgen/svcgen/emitters/catalogjson"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/goclient"
	"github.com/svcgen/svcgen/emitters/grafana"
	"github.com/svcgen/svcgen/emitters/istio"
	"github.com/svcgen/svcgen/emitters/kubernetes"
	"github.com/svcgen/svcgen/emitters/prometheus"
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
	}
}
