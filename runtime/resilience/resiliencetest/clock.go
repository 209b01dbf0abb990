// Package resiliencetest helps test code that calls dependencies through the
// clients and guards of package resilience: a Clock that moves only when the
// test says so, for resilience.WithClock.
package resiliencetest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is a resilience.Clock that stands still until Advance moves it. The
// timeouts, backoffs and waits of a client on it pass exactly when the test
// advances past them, however fast the machine is.
type Clock struct {
	mu      sync.Mutex
	changed *sync.Cond
	now     time.Time
	seq     int
	timers  []*timer
}

type timer struct {
	at  time.Time
	set time.Duration
	seq int
	f   func()
}

// NewClock returns a Clock that reads start.
func NewClock(start time.Time) *Clock {
	c := &Clock{now: start}
	c.changed = sync.NewCond(&c.mu)
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc calls f once the clock has advanced d; a d of zero or less calls
// it at once, in its own goroutine, as time.AfterFunc does.
func (c *Clock) AfterFunc(d time.Duration, f func()) func() bool {
	if d <= 0 {
		go f()
		return func() bool { return false }
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &timer{at: c.now.Add(d), set: d, seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	c.changed.Broadcast()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		i := slices.Index(c.timers, t)
		if i < 0 {
			return false
		}
		c.timers = slices.Delete(c.timers, i, i+1)
		c.changed.Broadcast()
		return true
	}
}

// Advance moves the clock on by d and calls, in order of their deadlines,
// the functions of the timers that are then due, before it returns.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*timer
	c.timers = slices.DeleteFunc(c.timers, func(t *timer) bool {
		if t.at.After(c.now) {
			return false
		}
		due = append(due, t)
		return true
	})
	c.changed.Broadcast()
	c.mu.Unlock()
	slices.SortFunc(due, func(a, b *timer) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	for _, t := range due {
		t.f()
	}
}

// Timers returns the durations the pending timers were set with, in the
// order they were set.
func (c *Clock) Timers() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ds []time.Duration
	for _, t := range c.timers {
		ds = append(ds, t.set)
	}
	return ds
}

// WaitForTimer blocks until a timer whose set duration satisfies match is
// pending, and returns that duration; or until ctx ends.
func (c *Clock) WaitForTimer(ctx context.Context, match func(time.Duration) bool) (time.Duration, error) {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.changed.Broadcast()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for _, t := range c.timers {
			if match(t.set) {
				return t.set, nil
			}
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		c.changed.Wait()
	}
}
