package emit

import "os"

// swapByRenames moves dir aside (to stage + ".old"), moves stage into its
// place; if the second rename fails the first is undone. The caller removes
// the old directory: its name is in the lock's journal, so a build killed
// before that leaves it to the next one to remove.
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
	return nil
}
