//go:build unix

package rawopen

import (
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Open opens path for reading, as os.Open does but without the poller.
func Open(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}

// File is a file opened for reading and read with plain system calls:
// no *os.File (whose making asks the descriptor's flags, one more system
// call, and registers a cleanup) and no FileInfo to stat it. Its errors
// are those of *os.File.
type File struct {
	fd   int
	path string
}

// OpenFile opens path for reading, as Open, for a File. It opens without
// blocking (O_NONBLOCK): opening a named pipe waits for a writer
// otherwise, before the caller could ask Size what it opened. A regular
// file reads the same either way; callers read only regular files.
func OpenFile(path string) (File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return File{fd: -1}, &fs.PathError{Op: "open", Path: path, Err: err}
		}
		return File{fd: fd, path: path}, nil
	}
}

// Size returns the file's size, and whether it is a regular file.
func (f File) Size() (size int64, regular bool, err error) {
	var st syscall.Stat_t
	for {
		err = syscall.Fstat(f.fd, &st)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return 0, false, &fs.PathError{Op: "stat", Path: f.path, Err: err}
	}
	return st.Size, st.Mode&syscall.S_IFMT == syscall.S_IFREG, nil
}

// kind names what the file is, for a refusal's message.
func (f File) kind() string {
	var st syscall.Stat_t
	if err := syscall.Fstat(f.fd, &st); err != nil {
		return "not a regular file"
	}
	var m fs.FileMode
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFIFO:
		m = fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		m = fs.ModeSocket
	case syscall.S_IFCHR:
		m = fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		m = fs.ModeDevice
	case syscall.S_IFDIR:
		m = fs.ModeDir
	}
	return kindOf(m)
}

// Read reads as (*os.File).Read does: io.EOF at the end.
func (f File) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, err := syscall.Read(f.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
}

// Close closes the file.
func (f File) Close() error {
	if err := syscall.Close(f.fd); err != nil {
		return &fs.PathError{Op: "close", Path: f.path, Err: err}
	}
	return nil
}
