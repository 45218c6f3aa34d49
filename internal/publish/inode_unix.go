//go:build unix

package publish

import (
	"io/fs"
	"syscall"
)

// Inode returns the file's inode number. A published folder gets a new one
// at every swap, which is how the server and the next build tell versions
// apart without reading them.
func Inode(fi fs.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Ino), true
}
