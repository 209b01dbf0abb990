package emit

import "os"

// swapByRenames moves dir aside, moves stage into its place and removes the
// old directory; if the second rename fails the first is undone.
func swapByRenames(stage, dir string) error {
	old := stage + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(stage, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return rerr
		}
		return err
	}
	return os.RemoveAll(old)
}
