package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/emitters/emit"
)

// The progress line counts what the build has written, is cleared before a
// diagnostic and at the end, and never starts on a stream that is not a
// terminal (a buffer here, a pipe or file in CI).
func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	e := &env{getenv: func(string) string { return "" }}
	p := e.startProgress(&buf)
	p.set("compiling cat")
	if got := p.line(); got != "svcgen: compiling cat…" {
		t.Errorf("line before any file = %q", got)
	}
	p.set("writing gen")
	p.add([]emit.File{{Path: "a", Data: make([]byte, 1024)}, {Path: "b", Data: make([]byte, 2048)}})
	if got, want := p.line(), "svcgen: writing gen: 2 files, 3.0 KiB"; got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	p.done()
	p.done() // twice is fine
	if buf.Len() != 0 {
		t.Errorf("progress wrote %q to a stream that is not a terminal", buf.String())
	}

	// Shown on a terminal, then a diagnostic: the line goes first.
	buf.Reset()
	p = &progress{w: &buf, stop: make(chan struct{})}
	p.set("writing gen")
	p.show()
	progressWriter{p, &buf}.Write([]byte("cat.cue:1:1: warning: x\n"))
	p.show()
	p.done()
	want := "\rsvcgen: writing gen…\x1b[K\r\x1b[Kcat.cue:1:1: warning: x\n\rsvcgen: writing gen…\x1b[K\r\x1b[K"
	if got := buf.String(); got != want {
		t.Errorf("terminal output = %q, want %q", got, want)
	}
	if strings.Count(buf.String(), "warning") != 1 {
		t.Error("the diagnostic was not written once")
	}
}
