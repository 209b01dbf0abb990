package resiliencetest

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	c := NewClock(start)
	var fired []string
	c.AfterFunc(2*time.Second, func() { fired = append(fired, "2s") })
	c.AfterFunc(time.Second, func() { fired = append(fired, "1s") })
	c.AfterFunc(time.Second, func() { fired = append(fired, "1s again") })
	stop := c.AfterFunc(1500*time.Millisecond, func() { fired = append(fired, "stopped") })
	if got := c.Timers(); !slices.Equal(got, []time.Duration{2 * time.Second, time.Second, time.Second, 1500 * time.Millisecond}) {
		t.Errorf("Timers() = %v", got)
	}
	if !stop() || stop() {
		t.Error("stop reports true once, then false")
	}
	c.Advance(time.Second - 1)
	if len(fired) != 0 {
		t.Fatalf("fired %v before any deadline", fired)
	}
	c.Advance(time.Second + 1)
	if want := []string{"1s", "1s again", "2s"}; !slices.Equal(fired, want) {
		t.Errorf("fired %v, want %v", fired, want)
	}
	if got := c.Now(); !got.Equal(start.Add(2 * time.Second)) {
		t.Errorf("Now() = %s, want %s", got, start.Add(2*time.Second))
	}
	done := make(chan struct{})
	if c.AfterFunc(0, func() { close(done) })() {
		t.Error("stopping a timer that fired at once reported true")
	}
	<-done

	go c.AfterFunc(time.Minute, func() {})
	if d, err := c.WaitForTimer(context.Background(), func(d time.Duration) bool { return d == time.Minute }); err != nil || d != time.Minute {
		t.Errorf("WaitForTimer = %s, %v", d, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	if _, err := c.WaitForTimer(ctx, func(time.Duration) bool { return false }); err == nil {
		t.Error("WaitForTimer returned no error when its context ended")
	}
}
