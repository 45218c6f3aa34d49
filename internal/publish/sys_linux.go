package publish

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncFS flushes the file system holding dir once, instead of one fsync
// per file: a build writes thousands of small files.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}

func lockFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open publish lock: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another castfeed is publishing %s (lock %s held); wait for it to finish", name, name)
	}
	return f, nil
}
