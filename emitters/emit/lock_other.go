//go:build !unix

package emit

import "os"

// Without flock(2) the lock is advisory in name only: the file is created and
// the journal kept, so leftovers are still found, but builds do not exclude
// each other.
const (
	lockExclusive = 2
	lockShared    = 1
)

func tryLock(f *os.File, how int) (bool, error) { return false, nil }

func isReadOnlyFS(err error) bool { return false }

func writable(p string) error { return nil }
