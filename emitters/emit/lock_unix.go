//go:build unix

package emit

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

const (
	lockExclusive = unix.LOCK_EX
	lockShared    = unix.LOCK_SH
)

// tryLock takes an flock(2) lock on f without waiting; busy reports that
// another holder has it.
func tryLock(f *os.File, how int) (busy bool, err error) {
	for {
		err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		switch {
		case err == nil:
			return false, nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return true, nil
		}
		return false, err
	}
}

func isReadOnlyFS(err error) bool { return errors.Is(err, unix.EROFS) }

// writable reports whether the process may create and remove entries in the
// directory p, as the kernel decides (root may, except on a read-only mount).
func writable(p string) error { return unix.Access(p, unix.W_OK|unix.X_OK) }
