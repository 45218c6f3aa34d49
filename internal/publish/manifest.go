package publish

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/castfeed/castfeed/internal/atomicfile"
	"github.com/castfeed/castfeed/internal/rawfile"
)

// The list of the folder's files, beside it (.<folder>.files), lets the
// next publication know what is published without a system call per
// file: a rebuild after one edit of a 10,000-episode show stat'ed the
// 36,000 files it keeps and walked the folder for those it drops, a
// fifth of its time. The list names the version of the folder it
// describes (inode and mtime, which each Commit sets, see stampVersion),
// and is not trusted for another one: a folder put back from elsewhere,
// changed at its top, or left partial by a killed Commit. Files changed
// by hand deeper in the folder are not noticed; the next publication of
// their episode writes them again.
//
// It holds manifestMagic, the version line, then for each file its
// slash-separated name, a NUL, its size in decimal and a newline (a name
// may hold a newline, never a NUL).
const manifestMagic = "castfeed files 1\n"

func manifestName(dir string) string {
	parent, base := filepath.Split(filepath.Clean(dir))
	return filepath.Join(parent, "."+base+".files")
}

// folderVersion returns the line that identifies the folder's version.
func folderVersion(dir string) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	ino, _ := Inode(fi)
	return fmt.Sprintf("%d %d\n", ino, fi.ModTime().UnixNano()), nil
}

// readManifest returns the published files and their sizes, or nil when
// the list is missing, damaged, or not of the folder as it is.
func readManifest(dir string) map[string]int64 {
	if Partial(dir) {
		return nil
	}
	data, err := rawfile.Read(manifestName(dir))
	if err != nil || !bytes.HasPrefix(data, []byte(manifestMagic)) {
		return nil
	}
	data = data[len(manifestMagic):]
	version, err := folderVersion(dir)
	if err != nil || !bytes.HasPrefix(data, []byte(version)) {
		return nil
	}
	data = data[len(version):]
	files := make(map[string]int64, bytes.Count(data, []byte{0}))
	for len(data) > 0 {
		nul := bytes.IndexByte(data, 0)
		if nul < 0 {
			return nil
		}
		nl := bytes.IndexByte(data[nul:], '\n')
		if nl < 0 {
			return nil
		}
		size, err := strconv.ParseInt(string(data[nul+1:nul+nl]), 10, 64)
		if err != nil || size < 0 {
			return nil
		}
		files[string(data[:nul])] = size
		data = data[nul+nl+1:]
	}
	return files
}

// writeManifest lists files as the folder's, for its version now.
func writeManifest(dir string, files map[string]int64) error {
	version, err := folderVersion(dir)
	if err != nil {
		return err
	}
	names := slices.Sorted(maps.Keys(files))
	n := len(manifestMagic) + len(version)
	for _, name := range names {
		n += len(name) + 22
	}
	b := make([]byte, 0, n)
	b = append(append(b, manifestMagic...), version...)
	for _, name := range names {
		if files[name] < 0 {
			return fmt.Errorf("publish: the size of %s is unknown", name)
		}
		b = append(b, name...)
		b = append(b, 0)
		b = strconv.AppendInt(b, files[name], 10)
		b = append(b, '\n')
	}
	return atomicfile.WriteBytes(manifestName(dir), b)
}
