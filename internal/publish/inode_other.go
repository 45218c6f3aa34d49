//go:build !unix

package publish

import "io/fs"

// Inode reports false where the system has no inode numbers (Windows):
// callers then compare sizes and times only.
func Inode(fs.FileInfo) (uint64, bool) { return 0, false }
