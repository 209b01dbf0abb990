package resilience

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go/bulkhead"
	"github.com/failsafe-go/failsafe-go/circuitbreaker"
	"github.com/failsafe-go/failsafe-go/timeout"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999999999999", time.Duration(1<<63 - 1), true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
	} {
		resp := &http.Response{Header: http.Header{}}
		if tc.header != "" {
			resp.Header.Set("Retry-After", tc.header)
		}
		got, ok := retryAfter(resp, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q: %s, %v; want %s, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := retryAfter(nil, now); ok {
		t.Error("a nil response asked for a delay")
	}
}

func TestMayRetry(t *testing.T) {
	for _, tc := range []struct {
		method     string
		key        bool
		idempotent bool
		want       bool
	}{
		{http.MethodGet, false, true, true},
		{"", false, true, true},
		{http.MethodHead, false, true, true},
		{http.MethodPut, false, true, true},
		{http.MethodDelete, false, true, true},
		{http.MethodOptions, false, true, true},
		{http.MethodPost, false, true, false},
		{http.MethodPatch, false, true, false},
		{http.MethodPost, true, true, true},
		{http.MethodPatch, true, true, true},
		{http.MethodGet, false, false, false},
		{http.MethodPost, true, false, true},
	} {
		req, _ := http.NewRequest(tc.method, "/x", nil)
		if tc.key {
			req.Header.Set("Idempotency-Key", "k")
		}
		if got := mayRetry(req, tc.idempotent); got != tc.want {
			t.Errorf("mayRetry(%s, key %v, idempotent dependency %v) = %v, want %v", tc.method, tc.key, tc.idempotent, got, tc.want)
		}
	}
}

func TestFailedResponse(t *testing.T) {
	for code, want := range map[int]bool{
		200: false, 204: false, 301: false, 400: false, 401: false, 404: false, 409: false,
		429: true, 500: true, 501: false, 502: true, 503: true, 504: true,
	} {
		if got := failedResponse(&http.Response{StatusCode: code}); got != want {
			t.Errorf("failedResponse(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestRetryableError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{errors.New("read tcp: connection reset by peer"), true},
		{errors.New("dial tcp: connection refused"), true},
		{timeout.ErrExceeded, true},
		{circuitbreaker.ErrOpen, false},
		{bulkhead.ErrFull, false},
		{context.Canceled, false},
		{context.DeadlineExceeded, false},
		{fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), false},
		{fmt.Errorf("tls: %w", x509.HostnameError{Host: "x"}), false},
		{errors.New(`unsupported protocol scheme "ftp"`), false},
	} {
		if got := retryableError(tc.err); got != tc.want {
			t.Errorf("retryableError(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	r := Retry{Owner: RetryByClient, MaxRetries: 5, InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second, Multiplier: 2, Jitter: 0.2}
	for i, want := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		if got := r.Backoff(i); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", i, got, want)
		}
	}
	for range 1000 {
		if d := jittered(time.Second, r.Jitter); d < 800*time.Millisecond || d > 1200*time.Millisecond {
			t.Fatalf("jittered(1s, 0.2) = %s, outside ±20%%", d)
		}
	}
	if r.ClientRetries() != 5 {
		t.Errorf("ClientRetries = %d, want 5", r.ClientRetries())
	}
	r.Owner = RetryByMesh
	if r.ClientRetries() != 0 {
		t.Errorf("ClientRetries with mesh-owned retries = %d, want 0", r.ClientRetries())
	}
}

func TestErrorOutcome(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	bg := context.Background()
	for _, tc := range []struct {
		ctx  context.Context
		err  error
		want string
	}{
		{bg, circuitbreaker.ErrOpen, OutcomeBreakerOpen},
		{bg, bulkhead.ErrFull, OutcomeBulkheadFull},
		{bg, timeout.ErrExceeded, OutcomeTimeout},
		{expired, errors.New("context canceled"), OutcomeTimeout},
		{canceled, errors.New("context canceled"), OutcomeCanceled},
		{bg, context.Canceled, OutcomeCanceled},
		{bg, errors.New("connection reset by peer"), OutcomeError},
	} {
		if got := errorOutcome(tc.ctx, tc.err); got != tc.want {
			t.Errorf("errorOutcome(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

func TestWallClock(t *testing.T) {
	var c Clock = wallClock{}
	if d := time.Since(c.Now()); d < 0 || d > time.Hour {
		t.Errorf("the wall clock reads %s from time.Now", d)
	}
	fired := make(chan struct{})
	c.AfterFunc(0, func() { close(fired) })
	<-fired
	if stop := c.AfterFunc(time.Hour, func() { t.Error("a stopped timer fired") }); !stop() {
		t.Error("stopping a pending timer reported false")
	}
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if !sleep(ctx, wallClock{}, 0) {
		t.Error("a zero sleep did not pass")
	}
	cancel()
	if sleep(ctx, wallClock{}, 0) || sleep(ctx, wallClock{}, time.Hour) {
		t.Error("a sleep in an ended context passed")
	}
}

func TestJittered(t *testing.T) {
	if d := jittered(time.Second, 0); d != time.Second {
		t.Errorf("jittered(1s, 0) = %s", d)
	}
}
