// Command svcgen compiles a CUE service catalog into Prometheus rules,
// Alertmanager routing, Grafana dashboards, Istio and Kubernetes objects and
// Go client code. See `svcgen --help`.
package main

import (
	"os"

	"github.com/svcgen/svcgen/cmd/svcgen/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
