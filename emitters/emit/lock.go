package emit

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The lock on an output directory is a file beside it, .<name>.svcgen-lock,
// held with flock(2): exclusive by a build, shared by a diff. It cannot live
// inside the directory, which a build replaces (a lock on the old inode would
// not exclude a build that opens the new one), nor be held on the directory
// itself, which may not exist yet.
//
// The file is also the build's journal: before a build creates its staging
// directory it writes the directory's name there, so that whichever build
// next holds the lock knows that directory for its own and abandoned (no
// build stages without holding the lock) and removes it, even if the build
// that made it was killed with SIGKILL halfway through staging or swapping.
//
// The file is removed when the last holder lets go, so a clean output
// directory leaves nothing beside it. Removing a lock file while others wait
// on it is safe because every holder, once it has the lock, checks that the
// file it locked is still the one at the path, and starts over if not.

// LockSuffix ends the name of an output directory's lock file.
const LockSuffix = ".svcgen-lock"

// stageInfix is what every staging directory's name holds after the output
// directory's name.
const stageInfix = ".svcgen-stage-"

// LockPath returns the path of the lock file of the output directory abs.
func LockPath(abs string) string {
	return filepath.Join(filepath.Dir(abs), "."+filepath.Base(abs)+LockSuffix)
}

// LockOptions say how to take an output directory's lock.
type LockOptions struct {
	// Shared takes the lock for reading (diff); a build takes it exclusively.
	Shared bool
	// Wait is how long to wait for another holder; 0 gives up at once.
	Wait time.Duration
	// Waiting, if set, is called once when the lock is busy and the call
	// is about to wait for it.
	Waiting func(holder string)
	// Cancel, when closed, stops the wait with ErrInterrupted.
	Cancel <-chan struct{}
	// Sleep and Now are the clock; time.Sleep and time.Now when nil.
	Sleep func(time.Duration)
	Now   func() time.Time
}

// LockedError says that another svcgen holds an output directory's lock.
type LockedError struct {
	Dir    string // the output directory as the caller named it
	Holder string // "pid 123" when the holder wrote it, else ""
	Waited time.Duration
}

func (e *LockedError) Error() string {
	who := "another svcgen build"
	if e.Holder != "" {
		who += " (" + e.Holder + ")"
	}
	if e.Waited > 0 {
		return fmt.Sprintf("%s has been writing %s for longer than the %s this build waits (it holds %s): let it finish, or pass a longer --lock-timeout",
			who, e.Dir, e.Waited, filepath.Base(LockPath(e.Dir)))
	}
	return fmt.Sprintf("%s is writing %s (it holds %s): let it finish, or pass --lock-timeout to wait for it",
		who, e.Dir, filepath.Base(LockPath(e.Dir)))
}

// Lock is a held lock on an output directory.
type Lock struct {
	f      *os.File
	path   string
	shared bool
}

// LockDir takes the lock of the output directory dir (as the user named it;
// abs is its absolute path). A shared lock where the lock file cannot be
// created (a read-only parent) is no lock at all, and nil is returned: no
// build can write there either.
func LockDir(dir, abs string, o LockOptions) (*Lock, error) {
	sleep, now := o.Sleep, o.Now
	if sleep == nil {
		sleep = time.Sleep
	}
	if now == nil {
		now = time.Now
	}
	p := LockPath(abs)
	how := lockExclusive
	if o.Shared {
		how = lockShared
	}
	start := now()
	told := false
	for {
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			if o.Shared && (errors.Is(err, fs.ErrPermission) || isReadOnlyFS(err)) {
				return nil, nil
			}
			return nil, fmt.Errorf("cannot lock %s: %w", dir, err)
		}
		busy, err := tryLock(f, how)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", dir, err)
		}
		if busy {
			holder := readJournal(f).holder
			f.Close()
			waited := now().Sub(start)
			if waited >= o.Wait {
				return nil, &LockedError{Dir: dir, Holder: holder, Waited: o.Wait}
			}
			select {
			case <-o.Cancel:
				return nil, ErrInterrupted
			default:
			}
			if !told && o.Waiting != nil {
				o.Waiting(holder)
				told = true
			}
			sleep(min(50*time.Millisecond, o.Wait-waited))
			continue
		}
		// The last holder may have removed the file after we opened it:
		// then we hold a lock nobody else will look at.
		fst, err1 := f.Stat()
		pst, err2 := os.Lstat(p)
		if err1 != nil || err2 != nil || !os.SameFile(fst, pst) {
			f.Close()
			continue
		}
		return &Lock{f: f, path: p, shared: o.Shared}, nil
	}
}

// Unlock lets go of the lock. The last holder removes the lock file, unless
// it still names a staging directory that could not be removed.
func (l *Lock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	if l.shared {
		l.f.Close()
		l.f = nil
		tidyLock(l.path)
		return
	}
	if len(readJournal(l.f).stages) == 0 {
		os.Remove(l.path)
	}
	l.f.Close()
	l.f = nil
}

// tidyLock removes a lock file nobody holds and that names no leftover.
func tidyLock(p string) {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if busy, err := tryLock(f, lockExclusive); err != nil || busy {
		return
	}
	fst, err1 := f.Stat()
	pst, err2 := os.Lstat(p)
	if err1 == nil && err2 == nil && os.SameFile(fst, pst) && len(readJournal(f).stages) == 0 {
		os.Remove(p)
	}
}

// journal is what a lock file says: who holds (or last held) it, and the
// staging directories that may exist.
type journal struct {
	holder string
	stages []string
}

func readJournal(f *os.File) journal {
	var j journal
	if _, err := f.Seek(0, 0); err != nil {
		return j
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "pid":
			if _, err := strconv.Atoi(v); err == nil {
				j.holder = "pid " + v
			}
		case "stage":
			j.stages = append(j.stages, v)
		}
	}
	return j
}

// writeJournal replaces the lock file's contents.
func (l *Lock) writeJournal(stages []string) error {
	var b strings.Builder
	b.WriteString("# svcgen holds this lock while it builds the directory beside it; it removes the file when done.\n")
	fmt.Fprintf(&b, "pid %d\n", os.Getpid())
	for _, s := range stages {
		fmt.Fprintf(&b, "stage %s\n", s)
	}
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(b.String()), 0)
	return err
}

// stageName matches the name of a staging directory of the output directory
// called base, or of the old output directory a two-rename swap moved aside.
func stageName(base string) *regexp.Regexp {
	return regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + regexp.QuoteMeta(stageInfix) + `[0-9a-f]{16}(\.old)?$`)
}

// removeLeftovers removes the staging directories the journal of a lock now
// held exclusively names: their builds are gone. It returns the ones it
// could not remove, and warnings about directories that look like staging
// directories of an older svcgen (which kept no journal) and are left alone.
func (l *Lock) removeLeftovers(abs string) (kept []string, warnings []string) {
	parent, base := filepath.Dir(abs), filepath.Base(abs)
	re := stageName(base)
	listed := map[string]bool{}
	for _, s := range readJournal(l.f).stages {
		if !re.MatchString(s) {
			continue // not a name svcgen gives: never remove it
		}
		for _, name := range []string{s, s + ".old"} {
			if listed[name] {
				continue
			}
			listed[name] = true
			if err := removeAll(filepath.Join(parent, name)); err != nil {
				kept = append(kept, name)
			}
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return kept, nil
	}
	prefix := "." + base + stageInfix
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && !listed[e.Name()] {
			warnings = append(warnings, fmt.Sprintf("%s looks like the staging directory of an interrupted build by an older svcgen, which left no record of it; svcgen leaves it alone: remove it if no build is running",
				filepath.Join(parent, e.Name())))
		}
	}
	return kept, warnings
}

// removeAll removes p and everything below it, making directories writable
// first where their mode would stop it (a read-only output directory swapped
// out, a user's read-only subdirectory carried over).
func removeAll(p string) error {
	err := os.RemoveAll(p)
	if err == nil {
		return nil
	}
	filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(q, 0o700)
		}
		return nil
	})
	// A directory that was unreadable is readable now: walk again.
	filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(q, 0o700)
		}
		return nil
	})
	return os.RemoveAll(p)
}
