package istio

import (
	"strconv"
	"testing"
	"time"

	"github.com/svcgen/svcgen/catalog"
)

// syntheticCatalog builds n services, each calling the next three (with the
// first of each three calls on its own policy) and one of ten shared HTTPS
// APIs; every third service is a canary and every fifth blue-green.
func syntheticCatalog(n int) *catalog.Catalog {
	name := func(i int) string { return "svc-" + strconv.Itoa(i%n) }
	var services []*catalog.Service
	for i := range n {
		s := &catalog.Service{Name: name(i), Port: 8080, Deploy: catalog.Deploy{Strategy: catalog.StrategyRolling}}
		switch {
		case i%3 == 0:
			s.Deploy = catalog.Deploy{Strategy: catalog.StrategyCanary, Canary: &catalog.Canary{Weight: 10, Header: "canary-user", Replicas: 1}}
		case i%5 == 0:
			s.Deploy = catalog.Deploy{Strategy: catalog.StrategyBlueGreen, BlueGreen: &catalog.BlueGreen{Active: catalog.Blue}}
		}
		for j := 1; j <= 3; j++ {
			d := &catalog.Dependency{
				Name: "dep-" + strconv.Itoa(j), Kind: catalog.KindInternal, Service: name(i + j),
				Idempotent: true,
				Timeout:    catalog.Timeouts{Connect: time.Second, PerTry: 2 * time.Second, Total: 7 * time.Second},
				Retry:      catalog.Retry{Owner: catalog.OwnerMesh, MaxRetries: 2, InitialBackoff: 100 * time.Millisecond},
				Breaker:    catalog.Breaker{Window: catalog.WindowCount, Failures: 5, Calls: 10, OpenFor: 30 * time.Second},
				Bulkhead:   catalog.Bulkhead{Isolation: catalog.IsolationSemaphore, MaxConcurrent: 30 + j%2},
			}
			s.Dependencies = append(s.Dependencies, d)
		}
		s.Dependencies = append(s.Dependencies, &catalog.Dependency{
			Name: "api", Kind: catalog.KindExternal, Host: "api-" + strconv.Itoa(i%10) + ".example.com", Port: 443, Protocol: "HTTPS",
			Timeout:  catalog.Timeouts{Connect: 3 * time.Second, PerTry: 10 * time.Second, Total: 30 * time.Second},
			Retry:    catalog.Retry{Owner: catalog.OwnerClient, MaxRetries: 2, InitialBackoff: time.Second},
			Breaker:  catalog.Breaker{Window: catalog.WindowCount, Failures: 3 + i%2, Calls: 6, OpenFor: 10 * time.Second},
			Bulkhead: catalog.Bulkhead{Isolation: catalog.IsolationPool, MaxConcurrent: 20, MaxQueue: 20},
		})
		services = append(services, s)
	}
	return catalog.New(catalog.Settings{Namespace: "bench"}, nil, services)
}

func benchmarkEmit(b *testing.B, n int) {
	c := syntheticCatalog(n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Emitter{}).Emit(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmit100(b *testing.B)  { benchmarkEmit(b, 100) }
func BenchmarkEmit1000(b *testing.B) { benchmarkEmit(b, 1000) }
