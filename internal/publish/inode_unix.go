//go:build unix

package publish

import (
	"io/fs"
	"syscall"
)

// Inode returns the file's inode number: with its mtime, which each
// publication sets, it tells versions of a published folder apart (a
// folder put back from elsewhere has another), so the server and the next
// build know them without reading them.
func Inode(fi fs.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Ino), true
}
