package cli

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/svcgen/svcgen/examples"
	"github.com/svcgen/svcgen/examples/synth"
)

// Fault tests: svcgen runs as a process of its own (this test binary, which
// TestMain turns into svcgen when it is invoked under that name, so the
// process runs exactly cli.Main), and is killed, interrupted, raced, starved
// of space and denied writes. After every fault the output directory must be
// exactly the old build or the new one, and nothing of svcgen's may be left
// beside it once a build has run to completion (for SIGKILL, which no
// process can clean up after, the next build; for everything else at once).
//
// The tests run in parallel with each other (each process is partly waiting
// on the disk). Nothing here asserts how fast anything is: kill points are drawn from a
// seeded generator as fractions of the time one build took on this machine,
// and every wait is for a process or a file, not for a deadline.

// faultEnv is a work area: catalogs in cats/, the output in work/out, so that
// everything in work/ besides out is something a build left.
type faultEnv struct {
	t    *testing.T
	bin  string
	root string
	work string
	out  string
}

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	root := t.TempDir()
	e := &faultEnv{t: t, root: root, work: filepath.Join(root, "work")}
	e.out = filepath.Join(e.work, "out")
	if err := os.MkdirAll(e.work, 0o755); err != nil {
		t.Fatal(err)
	}
	e.bin = svcgenBinary(t, filepath.Join(root, "bin"), false)
	return e
}

// svcgenBinary returns a path named svcgen that runs this test binary as
// svcgen: a link to it, or, when the process will run as another user who
// may not reach the build cache, a copy.
func svcgenBinary(t *testing.T, dir string, copyIt bool) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "svcgen")
	if !copyIt {
		if err := os.Symlink(self, bin); err != nil {
			t.Fatal(err)
		}
		return bin
	}
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return bin
}

// synthCatalog writes a synthetic catalog of n services; variant changes the
// cluster label, which every Prometheus file carries, so two variants share
// most files but not all.
func (e *faultEnv) synthCatalog(name string, n int, variant string) string {
	e.t.Helper()
	dir := filepath.Join(e.root, "cats", name)
	for _, f := range synth.Files(n) {
		data := f.Data
		if f.Name == "settings.cue" && variant != "" {
			data = bytes.Replace(data, []byte(`cluster: "bench"`), []byte(`cluster: "`+variant+`"`), 1)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			e.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), data, 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	return dir
}

type result struct {
	code   int            // exit code, -1 when killed by a signal
	signal syscall.Signal // the signal that ended it, if any
	stderr string
}

func (e *faultEnv) command(args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.work
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr
}

func finish(cmd *exec.Cmd, stderr *bytes.Buffer, err error) result {
	r := result{stderr: stderr.String()}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return result{code: -2, stderr: err.Error()}
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		r.code, r.signal = -1, ws.Signal()
	} else {
		r.code = ws.ExitStatus()
	}
	return r
}

// run runs svcgen to the end.
func (e *faultEnv) run(args ...string) result {
	cmd, stderr := e.command(args...)
	return finish(cmd, stderr, cmd.Run())
}

// build runs `svcgen build cat -o out` to the end and requires success.
func (e *faultEnv) build(cat, out string) {
	e.t.Helper()
	if r := e.run("build", cat, "-o", out); r.code != 0 {
		e.t.Fatalf("build %s -o %s: exit %d\n%s", cat, out, r.code, r.stderr)
	}
}

// oneOf requires dir to be exactly one of the trees and returns its index.
func oneOf(t *testing.T, dir string, trees ...map[string]string) int {
	t.Helper()
	got := readTree(t, dir)
	for i, want := range trees {
		if cmp.Equal(want, got) {
			return i
		}
	}
	best := trees[0]
	for _, want := range trees[1:] {
		if len(cmp.Diff(want, got)) < len(cmp.Diff(best, got)) {
			best = want
		}
	}
	t.Fatalf("%s is neither the old nor the new build; closest (-want +got):\n%s", dir, truncate(cmp.Diff(best, got), 4000))
	return -1
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n..."
}

// beside lists what is in the output directory's parent besides it.
func (e *faultEnv) beside() []string {
	e.t.Helper()
	entries, err := os.ReadDir(e.work)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, en := range entries {
		if en.Name() != filepath.Base(e.out) {
			out = append(out, en.Name())
		}
	}
	sort.Strings(out)
	return out
}

func (e *faultEnv) requireNothingBeside(when string) {
	e.t.Helper()
	if left := e.beside(); len(left) > 0 {
		e.t.Fatalf("%s: left beside the output directory: %v", when, left)
	}
}

// Two catalogs built into one directory at once, over and over: every build
// waits its turn, each finishes, and the directory ends as exactly one of
// them, which the next build of either catalog replaces cleanly (the files
// of a mixed build used to count as the user's and block it).
func TestFaultConcurrentBuilds(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	a := e.synthCatalog("a", 100, "")
	b := e.synthCatalog("b", 100, "other")
	refA, refB := filepath.Join(e.root, "ref-a"), filepath.Join(e.root, "ref-b")
	e.build(a, refA)
	e.build(b, refB)
	treeA, treeB := readTree(t, refA), readTree(t, refB)

	var wg sync.WaitGroup
	results := make([]result, 4)
	for i := range results {
		cat := a
		if i%2 == 1 {
			cat = b
		}
		wg.Go(func() { results[i] = e.run("build", cat, "-o", "out", "--lock-timeout", "10m") })
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("build %d: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	oneOf(t, e.out, treeA, treeB)
	e.requireNothingBeside("after four concurrent builds")

	// Without waiting, the loser says who holds the directory and exits 2.
	var codes [2]result
	for i := range codes {
		cat := []string{a, b}[i]
		wg.Go(func() { codes[i] = e.run("build", cat, "-o", "out", "--lock-timeout", "0") })
	}
	wg.Wait()
	wins := 0
	for i, r := range codes {
		switch {
		case r.code == 0:
			wins++
		case r.code == ExitUsage && strings.Contains(r.stderr, "another svcgen build (pid ") && strings.Contains(r.stderr, "is writing out"):
		default:
			t.Errorf("build %d without waiting: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	if wins == 0 {
		t.Errorf("neither build won the lock: %+v", codes)
	}
	oneOf(t, e.out, treeA, treeB)
	e.requireNothingBeside("after two builds that do not wait")

	// A diff holds the lock shared: it sees one build whole, never a mix.
	var d result
	wg.Go(func() { e.build(a, "out") })
	wg.Go(func() { d = e.run("diff", a, "-o", "out", "--lock-timeout", "10m") })
	wg.Wait()
	if d.code != 0 && d.code != ExitFindings {
		t.Errorf("diff: exit %d\n%s", d.code, d.stderr)
	}
	if i := oneOf(t, e.out, treeA, treeB); i != 0 {
		t.Errorf("the last build of catalog a left catalog b's output")
	}
	e.requireNothingBeside("after a build and a diff")
}

// SIGKILL at seeded random points of a 1,000-service build: the output is
// always the old build or the new one, and the next build removes whatever
// the killed ones left beside it. The points are drawn three ways, so that
// each phase is hit whatever the machine's speed: anywhere in a build's
// span, while the output is being staged, and the moment the new output has
// been swapped in (while the old one, now at the stage's path, is removed).
func TestFaultKill9(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	cats := []string{e.synthCatalog("a", 1000, ""), e.synthCatalog("b", 1000, "other")}
	e.build(cats[0], "out")
	refB := filepath.Join(e.root, "ref-b")
	start := time.Now()
	e.build(cats[1], refB)
	// How long a build takes here, to spread the kill points over it;
	// nothing is asserted about it.
	span := time.Since(start)
	trees := []map[string]string{readTree(t, e.out), readTree(t, refB)}

	rng := rand.New(rand.NewPCG(16, 1000))
	state := 0 // which build the output holds
	for i, point := range []string{"anywhere", "while staging", "just after the swap"} {
		next := 1 - state
		before, err := os.Stat(e.out)
		if err != nil {
			t.Fatal(err)
		}
		cmd, stderr := e.command("build", cats[next], "-o", "out", "--lock-timeout", "10m")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var event func() bool // when to start the delay
		var delay time.Duration
		switch point {
		case "anywhere":
			event = func() bool { return true }
			delay = time.Duration(float64(span) * rng.Float64())
		case "while staging":
			// A new stage: the last kill's may still be there.
			old := map[string]bool{}
			for _, name := range e.beside() {
				old[name] = true
			}
			event = func() bool {
				for _, name := range e.beside() {
					if strings.Contains(name, ".svcgen-stage-") && !old[name] {
						return true
					}
				}
				return false
			}
			delay = time.Duration(float64(span) * rng.Float64() / 4)
		default:
			event = func() bool {
				st, err := os.Stat(e.out)
				return err == nil && !os.SameFile(before, st)
			}
		}
		var werr error
		exited := false
	wait:
		for {
			select {
			case werr = <-done:
				exited = true
				break wait
			default:
			}
			if event() {
				select {
				case werr = <-done:
					exited = true
				case <-time.After(delay):
				}
				break
			}
			time.Sleep(time.Millisecond)
		}
		if !exited {
			cmd.Process.Signal(syscall.SIGKILL)
			werr = <-done
		}
		r := finish(cmd, stderr, werr)
		state = oneOf(t, e.out, trees...)
		t.Logf("kill %d %s (+%v): exit %d signal %v; output holds build %c; beside it: %v",
			i, point, delay.Round(time.Millisecond), r.code, r.signal, "ab"[state], e.beside())
		if r.code > 0 {
			t.Fatalf("build failed:\n%s", r.stderr)
		}
		for _, name := range e.beside() {
			if !strings.HasPrefix(name, ".out.svcgen-") {
				t.Fatalf("kill %d left %s beside the output, which is not svcgen's", i, name)
			}
		}
		if n := len(e.beside()); n > 2 {
			t.Fatalf("kill %d: %d entries beside the output; a build leaves at most its lock and one stage", i, n)
		}
	}
	next := 1 - state
	e.build(cats[next], "out")
	if oneOf(t, e.out, trees...) != next {
		t.Fatalf("the last build did not replace the output")
	}
	e.requireNothingBeside("after a build that ran to the end")
}

// SIGINT and SIGTERM while a build stages its output: the process removes
// the stage and dies of the signal, leaving the old build and nothing else.
func TestFaultSignals(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	cats := []string{e.synthCatalog("a", 200, ""), e.synthCatalog("b", 200, "other")}
	e.build(cats[0], "out")
	refB := filepath.Join(e.root, "ref-b")
	e.build(cats[1], refB)
	trees := []map[string]string{readTree(t, e.out), readTree(t, refB)}

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			state := oneOf(t, e.out, trees...)
			cmd, stderr := e.command("build", cats[1-state], "-o", "out")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Signal once the stage exists: the moment there is something
			// to clean up.
			var err error
		wait:
			for {
				select {
				case err = <-done:
					break wait
				default:
				}
				if staging(t, e.work) {
					cmd.Process.Signal(sig)
					err = <-done
					break
				}
				time.Sleep(time.Millisecond)
			}
			r := finish(cmd, stderr, err)
			got := oneOf(t, e.out, trees...)
			switch {
			case r.signal == sig:
				if got != state {
					t.Errorf("interrupted, yet the output changed")
				}
				if !strings.Contains(r.stderr, "stopped; out is as it was") {
					t.Errorf("stderr: %s", r.stderr)
				}
			case r.code == 0:
				t.Logf("the build finished before %v arrived", sig)
			default:
				t.Fatalf("exit %d signal %v\n%s", r.code, r.signal, r.stderr)
			}
			e.requireNothingBeside("after " + sig.String())
		})
	}
}

func staging(t *testing.T, dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if strings.Contains(en.Name(), ".svcgen-stage-") {
			return true
		}
	}
	return false
}

// A build into an output directory it may not write fails, names that
// directory, and leaves it and its surroundings as they were: as a user
// without write permission, and on a read-only mount (where root is not
// exempt).
func TestFaultReadOnlyOutput(t *testing.T) {
	t.Parallel()
	t.Run("mode 0555", func(t *testing.T) {
		e := newFaultEnv(t)
		shop := examples.Dir("shop")
		e.build(examples.Dir("minimal"), "out")
		cred := e.unprivileged()
		if err := os.Chmod(e.out, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(e.out, 0o755)
		before := readTree(t, e.out)
		cmd, stderr := e.command("build", shop, "-o", "out")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		r := finish(cmd, stderr, cmd.Run())
		if r.code != ExitUsage || !strings.Contains(r.stderr, "svcgen: writing out: output directory out is not writable (permission denied)") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "svcgen-stage") {
			t.Errorf("the message names the staging directory: %s", r.stderr)
		}
		oneOf(t, e.out, before)
		e.requireNothingBeside("after a build into a read-only directory")
	})

	// A read-only directory of the user's inside the output is carried
	// over with its mode, and the old output, swapped out, is removed in
	// spite of it.
	t.Run("read-only directory of the user's", func(t *testing.T) {
		e := newFaultEnv(t)
		cred := e.unprivileged()
		run := func(cat string) {
			t.Helper()
			cmd, stderr := e.command("build", cat, "-o", "out")
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			if r := finish(cmd, stderr, cmd.Run()); r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
		}
		run(examples.Dir("minimal"))
		docs := filepath.Join(e.out, "docs")
		if err := os.Mkdir(docs, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(docs, "notes.md"), []byte("mine\n"), 0o444); err != nil {
			t.Fatal(err)
		}
		if cred != nil {
			os.Chown(docs, int(cred.Uid), int(cred.Gid))
			os.Chown(filepath.Join(docs, "notes.md"), int(cred.Uid), int(cred.Gid))
		}
		if err := os.Chmod(docs, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(docs, 0o755)
		run(examples.Dir("shop"))
		st, err := os.Stat(docs)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o555 {
			t.Errorf("docs/ is %v after the build, want dr-xr-xr-x", st.Mode().Perm())
		}
		if data, err := os.ReadFile(filepath.Join(docs, "notes.md")); err != nil || string(data) != "mine\n" {
			t.Errorf("docs/notes.md: %q, %v", data, err)
		}
		e.requireNothingBeside("after a build over a read-only directory")
	})

	t.Run("read-only mount", func(t *testing.T) {
		e := newFaultEnv(t)
		if err := unix.Mount("tmpfs", e.work, "tmpfs", 0, "size=4m"); err != nil {
			t.Skipf("cannot mount a tmpfs here (%v)", err)
		}
		defer unix.Unmount(e.work, unix.MNT_DETACH)
		e.build(examples.Dir("minimal"), "out")
		before := readTree(t, e.out)
		if err := unix.Mount("tmpfs", e.work, "tmpfs", unix.MS_REMOUNT|unix.MS_RDONLY, "size=4m"); err != nil {
			t.Skipf("cannot remount the tmpfs read-only (%v)", err)
		}
		r := e.run("build", examples.Dir("shop"), "-o", "out")
		if r.code != ExitUsage || !strings.Contains(r.stderr, "svcgen: writing out: cannot write beside out, in ., where svcgen stages the new output and keeps its lock: read-only file system") {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		oneOf(t, e.out, before)
		e.requireNothingBeside("after a build onto a read-only mount")
	})
}

// unprivileged makes the work area usable by nobody and returns the
// credential to run svcgen with when this process is root (root writes
// anywhere, so permissions are only tested as another user), nil otherwise.
func (e *faultEnv) unprivileged() *syscall.Credential {
	e.t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	// A copy of the binary, and every directory on the way open to nobody.
	e.bin = svcgenBinary(e.t, filepath.Join(e.root, "nobody"), true)
	for p := e.work; ; p = filepath.Dir(p) {
		os.Chmod(p, 0o755)
		if p == os.TempDir() || p == filepath.Dir(p) {
			break
		}
	}
	os.Chmod(e.work, 0o777)
	return &syscall.Credential{Uid: 65534, Gid: 65534}
}

// A disk that fills up halfway through staging: the build fails naming the
// output directory, and the old build stays, with nothing beside it.
func TestFaultFullDisk(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t)
	// The small example fits in 512 KiB, the shop's output does not.
	if err := unix.Mount("tmpfs", e.work, "tmpfs", 0, "size=512k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v)", err)
	}
	defer unix.Unmount(e.work, unix.MNT_DETACH)
	e.build(examples.Dir("minimal"), "out")
	before := readTree(t, e.out)
	r := e.run("build", examples.Dir("shop"), "-o", "out")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, "svcgen: writing out: ") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "svcgen-stage") {
		t.Errorf("the message names the staging directory: %s", r.stderr)
	}
	oneOf(t, e.out, before)
	e.requireNothingBeside("after a build that filled the disk")

	// Room again: the build goes through.
	if err := unix.Mount("tmpfs", e.work, "tmpfs", unix.MS_REMOUNT, "size=16m"); err != nil {
		t.Fatalf("cannot grow the tmpfs: %v", err)
	}
	e.build(examples.Dir("shop"), "out")
	e.requireNothingBeside("after the build that fit")
}
