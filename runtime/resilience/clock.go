package resilience

import (
	"context"
	"time"

	"github.com/failsafe-go/failsafe-go/timeout"
)

// Clock is the time a client or guard reads: every timeout, backoff and
// wait it enforces, the breaker's open time, the slow-call threshold and the
// durations it reports. The default is the wall clock; a test passes a
// clock it advances itself (WithClock).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has passed, unless stop
	// is called first; stop reports whether it prevented the call.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) AfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// withTimeout returns a context that clock cancels after d with the cause
// timeout.ErrExceeded, and the function that releases it. stop stops the
// timer but keeps the context, for a response whose body is still to be
// read; release stops the timer and cancels the context.
func withTimeout(parent context.Context, clock Clock, d time.Duration) (ctx context.Context, stop func(), release func()) {
	ctx, cancel := context.WithCancelCause(parent)
	stopTimer := clock.AfterFunc(d, func() { cancel(timeout.ErrExceeded) })
	return ctx, func() { stopTimer() }, func() { stopTimer(); cancel(nil) }
}

// timedOut reports whether ctx, from withTimeout, ended by its own timeout
// rather than its parent's end.
func timedOut(ctx, parent context.Context) bool {
	return parent.Err() == nil && context.Cause(ctx) == timeout.ErrExceeded
}

// sleep waits d on clock, or until ctx ends; it reports whether the whole
// wait passed.
func sleep(ctx context.Context, clock Clock, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	done := make(chan struct{})
	stop := clock.AfterFunc(d, func() { close(done) })
	select {
	case <-done:
		return true
	case <-ctx.Done():
		stop()
		return false
	}
}
