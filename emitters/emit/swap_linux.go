package emit

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// swap puts the staged directory in dir's place. On Linux an existing
// directory is exchanged in one renameat2(RENAME_EXCHANGE): there is no moment
// at which dir is missing or half-written. Where the file system cannot
// exchange, it falls back to two renames. The old directory is left at
// stage's path (or stage + ".old") for the caller to remove.
func swap(stage, dir string, exists bool) error {
	if !exists {
		return os.Rename(stage, dir)
	}
	err := unix.Renameat2(unix.AT_FDCWD, stage, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE)
	if err == nil {
		return nil // stage now holds the old directory
	}
	if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.EXDEV) {
		return err
	}
	return swapByRenames(stage, dir)
}
