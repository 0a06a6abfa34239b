// Package outfile decides how an output file named by the user is written.
//
// Reports, snapshots and generated files go through a temporary file
// renamed over the target, so a failed write never leaves half a file. A
// rename replaces the name, though, not what it points at: run as root (as
// in most CI containers), `--output /dev/null` would put a regular file in
// place of the device, and a symbolic link would be replaced by a file
// instead of written through. So a target that exists and is not a
// regular file is written straight into.
package outfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Direct reports whether path must be written straight into rather than
// replaced by a rename: it exists and is a device, a pipe, a socket or a
// symbolic link (/dev/null, /dev/stdout, a FIFO, a link to a report).
func Direct(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && !fi.Mode().IsRegular()
}

// WriteDirect opens path for writing, truncating a file a link points at,
// and hands it to write.
func WriteDirect(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Write writes path whole or not at all: straight into a device, pipe or
// link (Direct), else through a temporary file in the same folder, made
// with perm, synced when sync is set, and renamed over path. Errors do
// not name path (the caller does) and never the temporary file, whose
// name means nothing to the user.
func Write(path string, perm os.FileMode, sync bool, write func(io.Writer) error) (err error) {
	if Direct(path) {
		return WriteDirect(path, write)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("cannot write in %s: %w", dir, pe.Err)
		}
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil { // CreateTemp makes 0600
		return err
	}
	if err := write(tmp); err != nil {
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("syncing: %w", err)
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("renaming the temporary file into place: %w", err)
	}
	return nil
}
