package emit

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// apply applies a unified diff produced by Change.Unified to old.
func apply(t *testing.T, old, patch string) string {
	t.Helper()
	a := splitLines([]byte(old))
	var out []string
	next := 0 // next line of a to copy
	lines := strings.SplitAfter(patch, "\n")
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "@@ ") {
			var aStart int
			spec := strings.Fields(l)[1] // -start[,len]
			fmt.Sscanf(strings.SplitN(spec[1:], ",", 2)[0], "%d", &aStart)
			if strings.Contains(spec, ",0") {
				aStart++ // an empty range names the line before it
			}
			for next < aStart-1 {
				out = append(out, a[next])
				next++
			}
			continue
		}
		if strings.HasPrefix(l, `\ No newline`) {
			// The previous line had its newline added for display.
			last := out[len(out)-1]
			if lines[i-1][0] != '-' {
				out[len(out)-1] = strings.TrimSuffix(last, "\n")
			}
			continue
		}
		switch l[0] {
		case ' ':
			out = append(out, l[1:])
			next++
		case '-':
			next++
		case '+':
			out = append(out, l[1:])
		default:
			t.Fatalf("bad patch line %q", l)
		}
	}
	out = append(out, a[next:]...)
	return strings.Join(out, "")
}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString("line " + strconv.Itoa(r.IntN(8)) + "\n")
	}
	return b.String()
}

// Every diff, applied to the old text, gives the new one.
func TestUnifiedRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		a, b := randomText(r, r.IntN(30)), randomText(r, r.IntN(30))
		if i%7 == 0 && len(b) > 0 {
			b = strings.TrimSuffix(b, "\n") // no newline at the end
		}
		c := Change{Path: "f", Old: []byte(a), New: []byte(b)}
		if a == b {
			continue
		}
		patch := c.Unified()
		if got := apply(t, a, patch); got != b {
			t.Fatalf("case %d: patch does not reproduce the new text\nold:\n%s\nnew:\n%s\npatch:\n%s\ngot:\n%s", i, a, b, patch, got)
		}
	}
}

func TestUnifiedContext(t *testing.T) {
	var a, b strings.Builder
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&a, "%d\n", i)
		if i == 3 || i == 17 {
			fmt.Fprintf(&b, "%d changed\n", i)
		} else {
			fmt.Fprintf(&b, "%d\n", i)
		}
	}
	got := Change{Path: "n", Old: []byte(a.String()), New: []byte(b.String())}.Unified()
	want := `--- a/n
+++ b/n
@@ -1,6 +1,6 @@
 1
 2
-3
+3 changed
 4
 5
 6
@@ -14,7 +14,7 @@
 14
 15
 16
-17
+17 changed
 18
 19
 20
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
