package emit

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range des {
		out = append(out, d.Name())
	}
	sort.Strings(out)
	return out
}

// A clean build leaves the output directory and nothing beside it: the lock
// file goes with the last holder.
func TestWriteLeavesNothingBeside(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "gen")
	for range 2 {
		if _, err := Write(out, files("a.json", "{}\n")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"gen"}, entries(t, root)); diff != "" {
			t.Errorf("beside the output (-want +got):\n%s", diff)
		}
	}
}

// fakeClock advances only when slept on.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Sleep(d time.Duration) { c.now = c.now.Add(d) }
func (c *fakeClock) Now() time.Time        { return c.now }

// A second build waits the time it is given, then says who holds the lock;
// a diff's shared lock waits for a build too, and shared locks do not
// exclude each other.
func TestLockExcludes(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "gen")
	w, err := NewWriter(out)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewWriter(out)
	var le *LockedError
	if !errors.As(err, &le) || le.Holder == "" || !strings.Contains(err.Error(), "is writing "+out) {
		t.Fatalf("second writer: %v", err)
	}

	clock := &fakeClock{now: time.Unix(0, 0)}
	waits := 0
	_, err = OpenWriter(out, WriterOptions{Lock: LockOptions{Wait: 3 * time.Second, Sleep: clock.Sleep, Now: clock.Now,
		Waiting: func(string) { waits++ }}})
	if !errors.As(err, &le) || le.Waited != 3*time.Second || !strings.Contains(err.Error(), "for longer than the 3s this build waits") {
		t.Fatalf("waiting writer: %v", err)
	}
	if waits != 1 || clock.now != time.Unix(3, 0) {
		t.Errorf("told %d times, waited until %v; want once, until 3s", waits, clock.now)
	}
	if _, err := LockDir(out, out, LockOptions{Shared: true}); !errors.As(err, &le) {
		t.Errorf("shared lock beside a build: %v", err)
	}
	cancel := make(chan struct{})
	close(cancel)
	if _, err := LockDir(out, out, LockOptions{Shared: true, Wait: time.Hour, Cancel: cancel, Sleep: clock.Sleep, Now: clock.Now}); !errors.Is(err, ErrInterrupted) {
		t.Errorf("cancelled wait: %v", err)
	}

	if err := w.Add(files("a.json", "{}\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	r1, err := LockDir(out, out, LockOptions{Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := LockDir(out, out, LockOptions{Shared: true})
	if err != nil {
		t.Fatalf("two readers: %v", err)
	}
	if _, err := NewWriter(out); !errors.As(err, &le) {
		t.Errorf("a build beside a diff: %v", err)
	}
	r1.Unlock()
	r2.Unlock()
	if diff := cmp.Diff([]string{"gen"}, entries(t, root)); diff != "" {
		t.Errorf("beside the output (-want +got):\n%s", diff)
	}
}

// What a build killed with SIGKILL leaves — its lock file naming its stage,
// and the stage, half written or holding the swapped-out old output — the
// next build removes. A directory that only looks like a stage (no journal
// names it) is left, with a warning; a journal entry that is not a stage's
// name is ignored.
func TestLeftoversOfKilledBuilds(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "gen")
	if _, err := Write(out, files("a.json", "{}\n")); err != nil {
		t.Fatal(err)
	}
	dead := ".gen.svcgen-stage-0123456789abcdef"
	for _, p := range []string{dead + "/prometheus/x.yml", dead + ".old/a.json", ".gen.svcgen-stage-1234/x", "mine/keep"} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		os.WriteFile(filepath.Join(root, p), []byte("x\n"), 0o644)
	}
	os.Chmod(filepath.Join(root, dead, "prometheus"), 0o555) // a read-only directory in it
	journal := "pid 99999\nstage " + dead + "\nstage ../mine\nstage mine\n"
	if err := os.WriteFile(filepath.Join(root, ".gen"+LockSuffix), []byte(journal), 0o644); err != nil {
		t.Fatal(err)
	}
	var warnings []string
	w, err := OpenWriter(out, WriterOptions{Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(files("a.json", "{}\n", "b.json", "[]\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{".gen.svcgen-stage-1234", "gen", "mine"}, entries(t, root)); diff != "" {
		t.Errorf("beside the output (-want +got):\n%s", diff)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], ".gen.svcgen-stage-1234 looks like the staging directory of an interrupted build by an older svcgen") {
		t.Errorf("warnings: %q", warnings)
	}
}

// Interrupt, as a signal handler calls it, removes the stage and lets go of
// the lock; the build's later calls fail with ErrInterrupted.
func TestInterrupt(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "gen")
	if _, err := Write(out, files("a.json", "{}\n")); err != nil {
		t.Fatal(err)
	}
	before := tree(t, out)
	w, err := NewWriter(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Add(files("a.json", "{\"new\": true}\n")); err != nil {
		t.Fatal(err)
	}
	if !w.Interrupt() {
		t.Fatal("Interrupt came too late")
	}
	if err := w.Add(files("b.json", "[]\n")); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Add after Interrupt: %v", err)
	}
	if _, err := w.Commit(); !errors.Is(err, ErrInterrupted) {
		t.Errorf("Commit after Interrupt: %v", err)
	}
	if diff := cmp.Diff(before, tree(t, out)); diff != "" {
		t.Errorf("output changed (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"gen"}, entries(t, root)); diff != "" {
		t.Errorf("beside the output (-want +got):\n%s", diff)
	}
	if w.Interrupt() {
		t.Error("a second Interrupt did something")
	}
}

// Errors inside the stage name the output directory the user gave.
func TestErrorsNameTheOutput(t *testing.T) {
	w := &Writer{dir: "deploy/gen", stage: "/x/deploy/.gen.svcgen-stage-0123456789abcdef"}
	err := w.outside(&fs.PathError{Op: "open", Path: w.stage + "/grafana/a.json", Err: fs.ErrPermission})
	if got, want := err.Error(), "open deploy/gen/grafana/a.json: permission denied"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	err = w.outside(&os.LinkError{Op: "link", Old: "/x/deploy/gen/a", New: w.stage + "/a", Err: fs.ErrExist})
	if got, want := err.Error(), "link /x/deploy/gen/a deploy/gen/a: file already exists"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// An empty output name is refused, not taken for the working directory.
func TestWriterRefusesEmptyDir(t *testing.T) {
	if _, err := NewWriter(""); err == nil || !strings.Contains(err.Error(), "the output directory is empty") {
		t.Errorf("NewWriter(\"\"): %v", err)
	}
}
