package rawopen

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// NotRegularError is the error for a path that is not a regular file: a
// named pipe, a socket, a device or a folder. Nothing is read from it — a
// FIFO would block a read forever, /dev/zero never ends.
type NotRegularError struct {
	Path string
	Kind string // "a named pipe (FIFO)", "a socket", "a device", "a folder", …
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file; not read", e.Path, e.Kind)
}

// TooBigError is the error for a regular file over the size limit.
type TooBigError struct{ Size, Limit int64 }

func (e *TooBigError) Error() string {
	return fmt.Sprintf("file is %d bytes, over the %d bytes limit", e.Size, e.Limit)
}

// ReadRegular reads a regular file whole, at most limit bytes: it opens
// without blocking (a FIFO's open would wait for a writer), asks the
// opened descriptor what it is, and refuses anything but a regular file
// (*NotRegularError) or one over limit (*TooBigError) before reading a
// byte. A file that grows while read is cut at limit+1 and refused.
func ReadRegular(path string, limit int64) ([]byte, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, regular, err := f.Size()
	if err != nil {
		return nil, err
	}
	if !regular {
		return nil, &NotRegularError{Path: path, Kind: f.kind()}
	}
	if size > limit {
		return nil, &TooBigError{Size: size, Limit: limit}
	}
	// One byte more than the size, to notice a file that grew.
	buf := make([]byte, size+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return buf[:n], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(io.LimitReader(f, limit+1-int64(n)))
	if err != nil {
		return nil, err
	}
	data := append(buf, rest...)
	if int64(len(data)) > limit {
		return nil, &TooBigError{Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// IsNotRegular reports whether err says a path is no regular file.
func IsNotRegular(err error) bool {
	var nr *NotRegularError
	return errors.As(err, &nr)
}

// kindOf names a file mode's type for messages.
func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// KindOf names what a file mode is ("a named pipe (FIFO)", …), for the
// message refusing a path that is no regular file.
func KindOf(m fs.FileMode) string { return kindOf(m) }
