package harden

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/emrguard/emrguard/internal/outfile"
)

// File is one output of a generator.
type File struct {
	Path string
	Data []byte
	Perm fs.FileMode // 0600 for private keys
}

// WriteFiles writes every file or none. Each is staged as a temporary
// file in its target's folder (so the final step is a rename on one file
// system), with its permissions set before any byte is written; only when
// all are staged are they moved into place. Without force an existing
// target is refused before anything is written, and the move itself will
// not replace a file that appeared meanwhile (a hard link fails on an
// existing name). With force, each replaced file is kept under a
// temporary name until the batch is in place. A failure removes what this
// call staged or placed and puts replaced files back.
func WriteFiles(files []File, force bool) (err error) {
	for _, f := range files {
		if outfile.Direct(f.Path) {
			// A rename would replace a device or a link (as root, even
			// /dev/null) instead of writing to it; a batch written all or
			// nothing cannot include one.
			return fmt.Errorf("write %s: not a regular file; leave out the output flag to print to stdout", f.Path)
		}
	}
	if !force {
		for _, f := range files {
			if _, err := os.Lstat(f.Path); err == nil {
				return fmt.Errorf("write %s: the file exists (use --force to replace it)", f.Path)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("write %s: %w", f.Path, err)
			}
		}
	}
	var staged, placed []string
	backups := map[string]string{} // target → its former content, under --force
	defer func() {
		for _, p := range staged {
			if p != "" {
				os.Remove(p)
			}
		}
		if err != nil {
			// Undo the moves already made: new files go, replaced ones
			// come back, so the batch is all or nothing.
			for _, p := range placed {
				if b, ok := backups[p]; ok {
					os.Rename(b, p)
				} else {
					os.Remove(p)
				}
			}
		}
		for _, b := range backups {
			os.Remove(b) // a restored backup is gone already
		}
	}()
	for _, f := range files {
		tmp, err := stage(f)
		if tmp != "" {
			staged = append(staged, tmp)
		}
		if err != nil {
			return err
		}
	}
	for i, f := range files {
		if force {
			if b, err := backup(f.Path); err != nil {
				return err
			} else if b != "" {
				backups[f.Path] = b
			}
			err = os.Rename(staged[i], f.Path)
		} else {
			err = os.Link(staged[i], f.Path)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		if !force {
			os.Remove(staged[i])
		}
		staged[i] = ""
		placed = append(placed, f.Path)
	}
	return nil
}

// backup links an existing target to a temporary name beside it, so a
// failed batch can put it back; "" when there is no such file.
func backup(path string) (string, error) {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	for i := 0; ; i++ {
		b := filepath.Join(dir, fmt.Sprintf(".%s.bak-%d", base, i))
		err := os.Link(path, b)
		if err == nil {
			return b, nil
		}
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return "", fmt.Errorf("write %s: keep the former file: %w", path, err)
		}
	}
}

// stage writes f to a temporary file beside its target and returns its
// name (also on failure, for the caller to remove).
func stage(f File) (string, error) {
	perm := f.Perm
	if perm == 0 {
		perm = 0o644
	}
	dir, base := filepath.Split(f.Path)
	if dir == "" {
		dir = "."
	}
	t, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", f.Path, err)
	}
	name := t.Name()
	if err := t.Chmod(perm); err != nil {
		t.Close()
		return name, fmt.Errorf("write %s: %w", f.Path, err)
	}
	if _, err := t.Write(f.Data); err != nil {
		t.Close()
		return name, fmt.Errorf("write %s: %w", f.Path, err)
	}
	if err := t.Sync(); err != nil {
		t.Close()
		return name, fmt.Errorf("write %s: %w", f.Path, err)
	}
	if err := t.Close(); err != nil {
		return name, fmt.Errorf("write %s: %w", f.Path, err)
	}
	return name, nil
}
