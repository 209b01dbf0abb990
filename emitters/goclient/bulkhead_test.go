package goclient_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/catalog"
	apigateway "github.com/svcgen/svcgen/golden/shop/go/api-gateway"
	"github.com/svcgen/svcgen/golden/shop/go/notification"
)

// blockingServer holds every request until release is closed.
func blockingServer(t *testing.T) (*faultServer, chan struct{}) {
	srv := newFaultServer(t)
	release := make(chan struct{})
	srv.serve(func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
		}
	})
	return srv, release
}

// fill waits until n calls reached srv and checks that no more did.
func fill(t *testing.T, srv *faultServer, n int) {
	t.Helper()
	eventually(t, "the bulkhead to fill", func() bool { return srv.count() >= n })
	if got := srv.count(); got != n {
		t.Fatalf("server saw %d calls, want the bulkhead's %d", got, n)
	}
}

// startCalls sends n GETs concurrently; results receives each call's error.
func startCalls(t *testing.T, c *http.Client, n int, results chan<- error, wg *sync.WaitGroup) {
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := call(t, c, http.MethodGet, "/v1/verify", "")
			results <- err
		}()
	}
}

// api-gateway → auth: a semaphore of 30 concurrent calls and no waiting. The
// 31st concurrent call is refused at once and never reaches the server.
func TestSemaphoreBulkheadRejectsCallsOverCapacity(t *testing.T) {
	p := apigateway.AuthPolicy()
	if p.Bulkhead.Isolation != apigateway.SemaphoreIsolation || p.Bulkhead.MaxWait != 0 {
		t.Fatalf("auth's bulkhead is %+v; the test needs a semaphore without waiting", p.Bulkhead)
	}
	srv, release := blockingServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(apigateway.NewAuthClient(apigateway.WithBaseURL(srv.URL), apigateway.WithRegisterer(reg)))

	var wg sync.WaitGroup
	results := make(chan error, p.Bulkhead.MaxConcurrent+1)
	startCalls(t, c, p.Bulkhead.MaxConcurrent, results, &wg)
	fill(t, srv, p.Bulkhead.MaxConcurrent)

	start := time.Now()
	_, err := call(t, c, http.MethodGet, "/v1/verify", "")
	if !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("call over capacity: %v, want bulkhead.ErrFull", err)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("the bulkhead took %s to refuse a call, want no waiting", d)
	}
	if srv.count() != p.Bulkhead.MaxConcurrent {
		t.Errorf("server saw %d calls, want %d: the refused one must not reach it", srv.count(), p.Bulkhead.MaxConcurrent)
	}
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Errorf("a call within capacity failed: %v", err)
		}
	}
	if _, err := call(t, c, http.MethodGet, "/v1/verify", ""); err != nil {
		t.Errorf("after the calls finished: %v", err)
	}
	if got := metricValue(t, reg, catalog.ClientBulkheadRejections, map[string]string{catalog.ClientLabelDependency: p.Dependency}); got != 1 {
		t.Errorf("%s = %v, want 1", catalog.ClientBulkheadRejections, got)
	}
	if got := outcomes(t, reg, p.Dependency, catalog.ClientOutcomeBulkheadFull); got != 1 {
		t.Errorf("bulkhead_full outcomes = %v, want 1", got)
	}
}

// notification → mail-provider: an own pool of 20 concurrent calls and 20
// queued, waiting up to 1s. Calls over the concurrency wait in the queue;
// a call beyond the queue is refused at once; a queued call that waits
// longer than the wait is refused.
func TestPoolBulkheadQueuesThenRejects(t *testing.T) {
	p := notification.MailProviderPolicy()
	if p.Bulkhead.Isolation != notification.PoolIsolation || p.Bulkhead.MaxQueue == 0 || p.Bulkhead.MaxWait == 0 {
		t.Fatalf("mail-provider's bulkhead is %+v; the test needs a pool with a queue", p.Bulkhead)
	}
	// Unscaled: queued calls must still be waiting when the server lets
	// the running ones finish.
	maxWait := p.Bulkhead.MaxWait
	srv, release := blockingServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(notification.NewMailProviderClient(notification.WithBaseURL(srv.URL), notification.WithRegisterer(reg)))

	var wg sync.WaitGroup
	results := make(chan error, p.Bulkhead.MaxConcurrent+p.Bulkhead.MaxQueue+1)
	startCalls(t, c, p.Bulkhead.MaxConcurrent, results, &wg)
	fill(t, srv, p.Bulkhead.MaxConcurrent)

	// A full queue and one more: exactly one call is refused, at once.
	var queued sync.WaitGroup
	queuedResults := make(chan error, p.Bulkhead.MaxQueue+1)
	start := time.Now()
	startCalls(t, c, p.Bulkhead.MaxQueue+1, queuedResults, &queued)
	if err := <-queuedResults; !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("first call to return: %v, want bulkhead.ErrFull", err)
	}
	if d := time.Since(start); d >= maxWait {
		t.Errorf("the call beyond the queue was refused after %s, want at once (before the %s wait)", d, maxWait)
	}
	if srv.count() != p.Bulkhead.MaxConcurrent {
		t.Fatalf("server saw %d calls, want %d: queued calls must wait", srv.count(), p.Bulkhead.MaxConcurrent)
	}
	close(release)
	wg.Wait()
	queued.Wait()
	close(results)
	close(queuedResults)
	for err := range results {
		if err != nil {
			t.Errorf("a running call failed: %v", err)
		}
	}
	for err := range queuedResults {
		if err != nil {
			t.Errorf("a queued call failed: %v", err)
		}
	}
	if n := srv.count(); n != p.Bulkhead.MaxConcurrent+p.Bulkhead.MaxQueue {
		t.Errorf("server saw %d calls, want the %d running and the %d queued", n, p.Bulkhead.MaxConcurrent, p.Bulkhead.MaxQueue)
	}

	// A queued call gives up after the wait (scaled down to 200ms).
	const scale = 0.2
	maxWait = time.Duration(float64(p.Bulkhead.MaxWait) * scale)
	srv2, release2 := blockingServer(t)
	c2 := must[*http.Client](t)(notification.NewMailProviderClient(notification.WithBaseURL(srv2.URL), notification.WithTimeScale(scale)))
	var wg2 sync.WaitGroup
	results2 := make(chan error, p.Bulkhead.MaxConcurrent)
	startCalls(t, c2, p.Bulkhead.MaxConcurrent, results2, &wg2)
	fill(t, srv2, p.Bulkhead.MaxConcurrent)
	start = time.Now()
	_, err := call(t, c2, http.MethodGet, "/v1/verify", "")
	waited := time.Since(start)
	close(release2)
	wg2.Wait()
	if !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("queued call: %v, want bulkhead.ErrFull after the wait", err)
	}
	if waited < maxWait || waited > maxWait+100*time.Millisecond {
		t.Errorf("queued call refused after %s, want the wait %s", waited, maxWait)
	}
}
