//go:build !linux

package publish

import (
	"fmt"
	"os"
)

// swap falls back to two renames where the kernel has no atomic exchange:
// dir is missing for an instant, but never half written.
func swap(tmp, dir string) error {
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return os.Rename(tmp, dir)
	}
	return swapRenames(tmp, dir)
}

func syncFS(string) error { return nil }

func lockFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open publish lock: %w", err)
	}
	return f, nil
}
