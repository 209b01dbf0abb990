package resilience_test

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/timeout"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcgen/svcgen/runtime/resilience"
)

// 3s per try, 1 retry. The first attempt hangs; the per-try timeout cuts it
// when, and only when, the clock passes it, and the retry succeeds.
func TestPerTryTimeoutCutsAHangingAttempt(t *testing.T) {
	p := payPolicy()
	p.Idempotent = true
	p.Timeout.PerTry, p.Timeout.Total = 3*time.Second, 10*time.Second
	clock := newClock()
	srv := newFaultServer(t)
	cut := make(chan struct{})
	srv.serve(func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			<-r.Context().Done()
			close(cut)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	reg := prometheus.NewRegistry()
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)))
	done := start(t, c, http.MethodGet, "/payments/1", "")
	srv.await(t, 1)
	waitForTimer(t, clock, "the per-try timeout", exactly(p.Timeout.PerTry))
	clock.Advance(p.Timeout.PerTry - 1)
	if returned(done) || srv.count() != 1 {
		t.Fatal("the hanging attempt ended before the per-try timeout")
	}
	clock.Advance(1)
	if r := wait(t, done); r.err != nil || r.code != http.StatusOK {
		t.Fatalf("got %d, %v; want the retry's 200", r.code, r.err)
	}
	<-cut
	if srv.count() != 2 {
		t.Fatalf("server saw %d attempts, want 2", srv.count())
	}
	if got := outcomes(t, reg, p.Dependency, resilience.OutcomeSuccess); got != 1 {
		t.Errorf("success outcomes = %v, want 1", got)
	}
	if got := durationSum(t, reg, p.Dependency); got != p.Timeout.PerTry.Seconds() {
		t.Errorf("the call took %vs, want the per-try timeout %vs", got, p.Timeout.PerTry.Seconds())
	}
}

// 30s in total, 3 retries. The dependency asks to be retried after 12s each
// time; the total timeout ends the call during the third wait, through the
// transport and through the client.
func TestTotalTimeoutBoundsTheWholeCall(t *testing.T) {
	p := mailPolicy()
	p.Timeout.Total = 30 * time.Second
	const wait12 = 12 * time.Second
	handler := func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait12/time.Second)))
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	// Attempts at 0, 12s and 24s; the total timeout at 30s.
	for _, via := range []string{"transport", "client"} {
		t.Run(via, func(t *testing.T) {
			clock := newClock()
			srv := newFaultServer(t)
			srv.serve(handler)
			reg := prometheus.NewRegistry()
			opts := []resilience.Option{resilience.WithBaseURL(srv.URL), resilience.WithRegisterer(reg), resilience.WithClock(clock)}
			errc := make(chan error, 1)
			if via == "transport" {
				rt := must[http.RoundTripper](t)(resilience.NewTransport(p, opts...))
				go func() {
					req, _ := http.NewRequest(http.MethodGet, "/v1/messages/1", nil)
					resp, err := rt.RoundTrip(req)
					if err == nil {
						resp.Body.Close()
					}
					errc <- err
				}()
			} else {
				c := must[*http.Client](t)(resilience.NewClient(p, opts...))
				go func() {
					_, err := call(t, c, http.MethodGet, "/v1/messages/1", "")
					errc <- err
				}()
			}
			for i := range 2 {
				srv.await(t, 1)
				waitForTimer(t, clock, "the Retry-After", exactly(wait12))
				clock.Advance(wait12)
				if len(errc) > 0 {
					t.Fatalf("the call ended after %d waits, before the total timeout", i+1)
				}
			}
			srv.await(t, 1)
			waitForTimer(t, clock, "the third Retry-After", exactly(wait12))
			clock.Advance(p.Timeout.Total - 2*wait12 - 1)
			if len(errc) > 0 {
				t.Fatal("the call ended before the total timeout")
			}
			clock.Advance(1)
			err := <-errc
			var pe *resilience.Error
			if !errors.Is(err, timeout.ErrExceeded) || !errors.As(err, &pe) || !pe.Timeout() || pe.Outcome != resilience.OutcomeTimeout {
				t.Fatalf("got %v, want an *Error wrapping timeout.ErrExceeded", err)
			}
			// http.Client wraps it in a *url.Error, a net.Error.
			var ne net.Error
			if via == "client" && (!errors.As(err, &ne) || !ne.Timeout()) {
				t.Errorf("%v is not a net.Error timeout", err)
			}
			if srv.count() != 3 {
				t.Errorf("server saw %d attempts, want 3", srv.count())
			}
			if got := outcomes(t, reg, p.Dependency, resilience.OutcomeTimeout); got != 1 {
				t.Errorf("timeout outcomes = %v, want 1", got)
			}
			if got := durationSum(t, reg, p.Dependency); got != p.Timeout.Total.Seconds() {
				t.Errorf("the call took %vs, want the total timeout %vs", got, p.Timeout.Total.Seconds())
			}
		})
	}
}

// Where the mesh owns retries, its sidecar bounds each of its attempts by
// the per-try timeout: the client's one request spans them all, so only the
// total timeout bounds it.
func TestMeshOwnedRetriesLeaveThePerTryTimeoutToTheMesh(t *testing.T) {
	p := authPolicy()
	p.Timeout.PerTry, p.Timeout.Total = 2*time.Second, 8*time.Second
	clock := newClock()
	srv := newFaultServer(t)
	release := make(chan struct{})
	srv.serve(func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
			w.WriteHeader(http.StatusOK)
		case <-r.Context().Done():
		}
	})
	c := must[*http.Client](t)(resilience.NewClient(p, resilience.WithBaseURL(srv.URL), resilience.WithClock(clock)))

	// A response slower than the per-try timeout, within the total, arrives.
	done := start(t, c, http.MethodGet, "/stock/42", "")
	srv.await(t, 1)
	if timers := clock.Timers(); len(timers) != 1 || timers[0] != p.Timeout.Total {
		t.Fatalf("pending timers %v, want only the total timeout %s", timers, p.Timeout.Total)
	}
	clock.Advance((p.Timeout.PerTry + p.Timeout.Total) / 2)
	close(release)
	if r := wait(t, done); r.err != nil || r.code != http.StatusOK {
		t.Fatalf("a response after %s (per try %s, total %s): %d, %v; want it to arrive",
			(p.Timeout.PerTry+p.Timeout.Total)/2, p.Timeout.PerTry, p.Timeout.Total, r.code, r.err)
	}

	// A hanging dependency is cut at the total timeout.
	srv.serve(hang)
	done = start(t, c, http.MethodGet, "/stock/42", "")
	srv.await(t, 1)
	waitForTimer(t, clock, "the total timeout", exactly(p.Timeout.Total))
	clock.Advance(p.Timeout.Total - 1)
	if returned(done) {
		t.Fatal("cut before the total timeout")
	}
	clock.Advance(1)
	r := wait(t, done)
	var ne net.Error
	if !errors.As(r.err, &ne) || !ne.Timeout() {
		t.Fatalf("a hanging dependency: %v, want a timeout", r.err)
	}
}
