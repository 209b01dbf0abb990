//go:build !linux

package emit

import "os"

// swap puts the staged directory in dir's place with two renames.
func swap(stage, dir string, exists bool) error {
	if !exists {
		return os.Rename(stage, dir)
	}
	return swapByRenames(stage, dir)
}
