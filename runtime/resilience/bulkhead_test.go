package resilience_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/resilience"
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

// A semaphore of 3 concurrent calls and no waiting: the 4th concurrent call
// is refused while the others still run, and never reaches the server. The
// in-flight gauge counts the calls inside; the bulkhead's size is exported
// beside it.
func TestSemaphoreBulkheadRejectsCallsOverCapacity(t *testing.T) {
	p := authPolicy()
	p.Bulkhead = resilience.Bulkhead{Isolation: resilience.SemaphoreIsolation, MaxConcurrent: 3}
	srv, release := blockingServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(newClock())))
	if got := metricValue(t, reg, resilience.MetricBulkheadMaxConcurrent, map[string]string{resilience.LabelDependency: p.Dependency}); got != 3 {
		t.Errorf("%s = %v, want 3", resilience.MetricBulkheadMaxConcurrent, got)
	}

	var wg sync.WaitGroup
	results := make(chan error, p.Bulkhead.MaxConcurrent)
	startCalls(t, c, p.Bulkhead.MaxConcurrent, results, &wg)
	srv.await(t, p.Bulkhead.MaxConcurrent)
	if got := inFlight(t, reg, p.Dependency); got != 3 {
		t.Errorf("%s = %v with 3 calls running, want 3", resilience.MetricInFlight, got)
	}

	_, err := call(t, c, http.MethodGet, "/v1/verify", "")
	if !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("call over capacity: %v, want bulkhead.ErrFull", err)
	}
	if len(results) != 0 {
		t.Fatal("a call within capacity returned before the refused one: it was not refused at once")
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
	if got := inFlight(t, reg, p.Dependency); got != 0 {
		t.Errorf("%s = %v after the calls, want 0", resilience.MetricInFlight, got)
	}
	if _, err := call(t, c, http.MethodGet, "/v1/verify", ""); err != nil {
		t.Errorf("after the calls finished: %v", err)
	}
	if got := metricValue(t, reg, resilience.MetricBulkheadRejections, map[string]string{resilience.LabelDependency: p.Dependency}); got != 1 {
		t.Errorf("%s = %v, want 1", resilience.MetricBulkheadRejections, got)
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeBulkheadFull); got != 1 {
		t.Errorf("bulkhead_full outcomes = %v, want 1", got)
	}
}

// An own pool of 2 concurrent calls and 2 queued, waiting up to 1s. Calls
// over the concurrency wait in the queue; a call beyond the queue is refused
// at once; a queued call that waits the whole wait is refused.
func TestPoolBulkheadQueuesThenRejects(t *testing.T) {
	p := mailPolicy()
	p.Bulkhead = resilience.Bulkhead{Isolation: resilience.PoolIsolation, MaxConcurrent: 2, MaxQueue: 2, MaxWait: time.Second}
	clock := newClock()
	srv, release := blockingServer(t)
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)))

	var wg sync.WaitGroup
	results := make(chan error, p.Bulkhead.MaxConcurrent)
	startCalls(t, c, p.Bulkhead.MaxConcurrent, results, &wg)
	srv.await(t, p.Bulkhead.MaxConcurrent)

	// A full queue and one more: exactly one call is refused, while the
	// clock stands still.
	var queued sync.WaitGroup
	queuedResults := make(chan error, p.Bulkhead.MaxQueue+1)
	startCalls(t, c, p.Bulkhead.MaxQueue+1, queuedResults, &queued)
	if err := <-queuedResults; !errors.Is(err, bulkhead.ErrFull) {
		t.Fatalf("first call to return: %v, want bulkhead.ErrFull", err)
	}
	eventually(t, "the queued calls to wait", func() bool {
		n := 0
		for _, d := range clock.Timers() {
			if d == p.Bulkhead.MaxWait {
				n++
			}
		}
		return n == p.Bulkhead.MaxQueue
	})
	if srv.count() != p.Bulkhead.MaxConcurrent {
		t.Fatalf("server saw %d calls, want %d: queued calls must wait", srv.count(), p.Bulkhead.MaxConcurrent)
	}
	if got := inFlight(t, reg, p.Dependency); got != float64(p.Bulkhead.MaxConcurrent) {
		t.Errorf("%s = %v with %d running and %d queued, want the running %d", resilience.MetricInFlight, got,
			p.Bulkhead.MaxConcurrent, p.Bulkhead.MaxQueue, p.Bulkhead.MaxConcurrent)
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

	// A queued call gives up when its wait has passed, and not before.
	srv2, release2 := blockingServer(t)
	c2 := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv2.URL), resilience.WithClock(clock)))
	var wg2 sync.WaitGroup
	results2 := make(chan error, p.Bulkhead.MaxConcurrent)
	startCalls(t, c2, p.Bulkhead.MaxConcurrent, results2, &wg2)
	srv2.await(t, p.Bulkhead.MaxConcurrent)
	done := start(t, c2, http.MethodGet, "/v1/verify", "")
	waitForTimer(t, clock, "the queued call's wait", exactly(p.Bulkhead.MaxWait))
	clock.Advance(p.Bulkhead.MaxWait - 1)
	if returned(done) {
		t.Fatal("the queued call gave up before its wait passed")
	}
	clock.Advance(1)
	r := wait(t, done)
	close(release2)
	wg2.Wait()
	if !errors.Is(r.err, bulkhead.ErrFull) {
		t.Fatalf("queued call: %v, want bulkhead.ErrFull after the wait", r.err)
	}
}
