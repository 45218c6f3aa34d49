package publish

import (
	"fmt"
	"os"
)

// swapRenames moves dir aside, tmp into place, and the old version to
// tmp's name, so the caller removes it the same way in both paths.
func swapRenames(tmp, dir string) error {
	aside := tmp + ".old"
	if err := os.Rename(dir, aside); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(aside, dir); rerr != nil {
			return fmt.Errorf("%w (and restoring the old folder failed: %v; it is at %s)", err, rerr, aside)
		}
		return err
	}
	return os.Rename(aside, tmp)
}
