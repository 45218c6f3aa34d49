//go:build !unix

package rawfile

import "os"

// Read returns the contents of the file name (os.ReadFile: the poller's
// calls are a Linux cost).
func Read(name string) ([]byte, error) { return os.ReadFile(name) }

// ReadSized is Read; the size is a hint the other systems need not.
func ReadSized(name string, size int64) ([]byte, error) { return os.ReadFile(name) }

// WriteFile is os.WriteFile.
func WriteFile(name string, data []byte, perm uint32) error {
	return os.WriteFile(name, data, os.FileMode(perm))
}
