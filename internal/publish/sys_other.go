//go:build !linux

package publish

import (
	"fmt"
	"os"
)

func syncFS(string) error { return nil }

func lockFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open publish lock: %w", err)
	}
	return f, nil
}
