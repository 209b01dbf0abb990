package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/svcgen/svcgen/emitters/emit"
)

// progress keeps a one-line status of a running build on a terminal: a
// thousand services take seconds, and a silent terminal looks hung. It
// shows nothing for builds shorter than progressDelay, nothing on a stream
// that is not a terminal, and clears its line before the build's summary.
type progress struct {
	w  io.Writer
	mu sync.Mutex
	// phase is what the build does now ("compiling", "writing gen").
	phase        string
	files, bytes int
	shown        bool
	stop         chan struct{}
	stopped      sync.WaitGroup
	once         sync.Once
}

// Timing of the progress line.
const (
	progressDelay  = time.Second
	progressPeriod = 200 * time.Millisecond
)

// startProgress starts a progress line on w if w is a terminal; otherwise
// it returns a progress that only counts.
func (e *env) startProgress(w io.Writer) *progress {
	p := &progress{w: w, stop: make(chan struct{})}
	if !isTerminal(w) || e.getenv("CI") != "" || e.getenv("TERM") == "dumb" {
		return p
	}
	p.stopped.Add(1)
	go func() {
		defer p.stopped.Done()
		delay := time.NewTimer(progressDelay)
		defer delay.Stop()
		select {
		case <-p.stop:
			return
		case <-delay.C:
		}
		tick := time.NewTicker(progressPeriod)
		defer tick.Stop()
		for {
			p.show()
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// isTerminal reports whether w is a character device, as a terminal is.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) set(phase string) {
	p.mu.Lock()
	p.phase = phase
	p.mu.Unlock()
}

func (p *progress) add(files []emit.File) {
	p.mu.Lock()
	for _, f := range files {
		p.files++
		p.bytes += len(f.Data)
	}
	p.mu.Unlock()
}

// line is the status as it reads now.
func (p *progress) line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.files == 0 {
		return "svcgen: " + p.phase + "…"
	}
	return fmt.Sprintf("svcgen: %s: %d %s, %s", p.phase, p.files, plural(p.files, "file"), size(p.bytes))
}

// show rewrites the terminal's current line with the status.
func (p *progress) show() {
	line := p.line()
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	p.shown = true
}

// done stops the line and clears it, so the summary starts on a clean line.
// It may be called more than once.
func (p *progress) done() {
	p.once.Do(func() {
		close(p.stop)
		p.stopped.Wait()
		p.mu.Lock()
		defer p.mu.Unlock()
		p.clear()
	})
}

// clear removes the status line if it is shown; p.mu is held.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// progressWriter writes to w (the progress line's stream) with the line
// cleared first, so that a diagnostic never lands in the middle of it.
type progressWriter struct {
	p *progress
	w io.Writer
}

func (pw progressWriter) Write(b []byte) (int, error) {
	pw.p.mu.Lock()
	defer pw.p.mu.Unlock()
	pw.p.clear()
	return pw.w.Write(b)
}
