package emit

import (
	"bytes"

	"github.com/rogpeppe/go-internal/diff"
)

// Unified renders a change as a unified diff with three lines of context,
// which patch and git apply read: go-internal's anchored diff (Go's own,
// O(n log n), so no cap on the edits of a rewritten file). A file that is
// missing on one side is /dev/null there.
//
// An anchored diff matches only lines that occur once on each side, so in
// generated JSON and YAML, where lines such as `"period": "30d"` repeat, it
// shows a changed region as one removed and one added block where a
// minimal diff would keep the repeated lines as context: turning
// examples/shop's api-gateway from high to critical tier prints 1,146
// changed lines where the Myers diff printed 252.
func (c Change) Unified() string {
	oldName, newName := "a/"+c.Path, "b/"+c.Path
	if c.Old == nil {
		oldName = "/dev/null"
	}
	if c.New == nil {
		newName = "/dev/null"
	}
	d := diff.Diff(oldName, c.Old, newName, c.New)
	if d == nil {
		// Same bytes: a file that is missing on one side and empty on the
		// other.
		return "--- " + oldName + "\n+++ " + newName + "\n"
	}
	// The library's first line is "diff a/p b/p"; diff -u's output, and what
	// this printed before, start at "---".
	_, body, _ := bytes.Cut(d, []byte("\n"))
	return string(body)
}
