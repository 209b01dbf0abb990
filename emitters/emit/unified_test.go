package emit

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// apply applies a unified diff produced by Change.Unified to old.
func apply(t *testing.T, old, patch string) string {
	t.Helper()
	a := strings.SplitAfter(old, "\n")
	if a[len(a)-1] == "" {
		a = a[:len(a)-1]
	}
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

// The diffs are unified diffs that GNU patch applies: every random change
// of TestUnifiedRoundTrip's kind, and a rewrite of a large file (which the
// hand-written Myers diff this replaced capped at 2,000 edits).
func TestUnifiedPatchApplies(t *testing.T) {
	patchTool, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch is not installed")
	}
	r := rand.New(rand.NewPCG(3, 4))
	var big, bigNew strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&big, "line %d\n", i)
		fmt.Fprintf(&bigNew, "line %d\n", (i*7919)%5000)
	}
	cases := [][2]string{{big.String(), bigNew.String()}, {"", "new\n"}, {"old\n", ""}}
	for range 40 {
		a, b := randomText(r, r.IntN(30)), randomText(r, r.IntN(30))
		if r.IntN(3) == 0 {
			b = strings.TrimSuffix(b, "\n")
		}
		cases = append(cases, [2]string{a, b})
	}
	dir := t.TempDir()
	for i, tc := range cases {
		if tc[0] == tc[1] {
			continue
		}
		old := filepath.Join(dir, "f")
		if err := os.WriteFile(old, []byte(tc[0]), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(patchTool, "--quiet", "--force", "--posix", "-o", filepath.Join(dir, "out"), old)
		cmd.Stdin = strings.NewReader(Change{Path: "f", Old: []byte(tc[0]), New: []byte(tc[1])}.Unified())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v\n%s", i, err, out)
		}
		got, err := os.ReadFile(filepath.Join(dir, "out"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc[1] {
			t.Fatalf("case %d: patch gave\n%q\nwant\n%q", i, got, tc[1])
		}
	}
}
