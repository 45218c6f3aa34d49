//go:build unix

package readfile

import (
	"io/fs"
	"syscall"
)

// Read returns the contents of the regular file name, as os.ReadFile
// does, with open, fstat, read and close only.
func Read(name string) ([]byte, error) {
	return ReadSized(name, -1)
}

// ReadSized is Read for a file the caller believes has size bytes (-1:
// unknown). A file of another size is read whole all the same.
func ReadSized(name string, size int64) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	if size < 0 {
		var st syscall.Stat_t
		if err := syscall.Fstat(fd, &st); err != nil {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
		}
		size = st.Size
	}
	// One byte more than the size: a read that fills it has not seen the
	// end, and the file grew.
	buf := make([]byte, 0, size+1)
	for {
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // grow
		}
	}
}
