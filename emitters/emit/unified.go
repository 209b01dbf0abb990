package emit

import (
	"fmt"
	"strings"
)

// Unified renders a change as a unified diff with three lines of context,
// as `diff -u` and git print it.
func (c Change) Unified() string {
	oldName, newName := "a/"+c.Path, "b/"+c.Path
	if c.Old == nil {
		oldName = "/dev/null"
	}
	if c.New == nil {
		newName = "/dev/null"
	}
	a, b := splitLines(c.Old), splitLines(c.New)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(diffLines(a, b), 3) {
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", span(h.aStart, h.aLen), span(h.bStart, h.bLen))
		for _, l := range h.lines {
			out.WriteString(l)
			if !strings.HasSuffix(l, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return out.String()
}

func span(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	if n == 0 {
		start-- // an empty range names the line before it
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// splitLines splits after each newline, keeping it.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	s := string(data)
	var out []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

type op struct {
	kind opKind
	line string
}

// diffLines returns an edit script from a to b: the common prefix and suffix
// are trimmed, and the middle is diffed with Myers' algorithm. A middle that
// differs in more than maxEdits lines is shown as a plain replacement, which
// keeps time and memory bounded on rewritten files.
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for _, l := range a[:pre] {
		ops = append(ops, op{opEqual, l})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, op{opEqual, l})
	}
	return ops
}

const maxEdits = 2000

func myers(a, b []string) []op {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return nil
	}
	maxD := n + m
	if maxD > maxEdits {
		maxD = maxEdits
	}
	offset := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	found := false
	for d := 0; d <= maxD && !found; d++ {
		snapshot := append([]int(nil), v...)
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[offset+k-1] < v[offset+k+1] {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	if !found {
		var ops []op
		for _, l := range a {
			ops = append(ops, op{opDelete, l})
		}
		for _, l := range b {
			ops = append(ops, op{opInsert, l})
		}
		return ops
	}
	// Walk the trace back from (n, m).
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		vd := trace[d]
		k := x - y
		var prevK int
		if k == -d || k != d && vd[offset+k-1] < vd[offset+k+1] {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[offset+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, op{opEqual, a[x-1]})
			x--
			y--
		}
		if x == prevX {
			rev = append(rev, op{opInsert, b[y-1]})
			y--
		} else {
			rev = append(rev, op{opDelete, a[x-1]})
			x--
		}
	}
	for x > 0 && y > 0 {
		rev = append(rev, op{opEqual, a[x-1]})
		x--
		y--
	}
	ops := make([]op, len(rev))
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
	}
	return ops
}

type hunk struct {
	aStart, aLen, bStart, bLen int
	lines                      []string
}

// hunks groups an edit script into hunks with ctx lines of context.
func hunks(ops []op, ctx int) []hunk {
	var out []hunk
	i := 0
	aLine, bLine := 1, 1
	for i < len(ops) {
		if ops[i].kind == opEqual {
			aLine++
			bLine++
			i++
			continue
		}
		// Start a hunk ctx lines before this change.
		start := max(i-ctx, 0)
		for j := start; j < i; j++ {
			if ops[j].kind != opEqual {
				start = j + 1
			}
		}
		h := hunk{aStart: aLine - (i - start), bStart: bLine - (i - start)}
		for j := start; j < i; j++ {
			h.lines = append(h.lines, " "+ops[j].line)
			h.aLen++
			h.bLen++
		}
		// Extend while changes are within 2×ctx of each other.
		end := i
		for end < len(ops) {
			if ops[end].kind != opEqual {
				end++
				continue
			}
			run := 0
			for end+run < len(ops) && ops[end+run].kind == opEqual {
				run++
			}
			if end+run >= len(ops) || run > 2*ctx {
				end += min(run, ctx)
				break
			}
			end += run
		}
		for j := i; j < end; j++ {
			switch ops[j].kind {
			case opEqual:
				h.lines = append(h.lines, " "+ops[j].line)
				h.aLen++
				h.bLen++
				aLine++
				bLine++
			case opDelete:
				h.lines = append(h.lines, "-"+ops[j].line)
				h.aLen++
				aLine++
			case opInsert:
				h.lines = append(h.lines, "+"+ops[j].line)
				h.bLen++
				bLine++
			}
		}
		out = append(out, h)
		i = end
	}
	return out
}
