package harden

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
// existing name). A failure removes what this call staged or placed.
func WriteFiles(files []File, force bool) (err error) {
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
	defer func() {
		if err != nil {
			for _, p := range staged {
				os.Remove(p)
			}
			for _, p := range placed {
				os.Remove(p)
			}
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
			err = os.Rename(staged[i], f.Path)
		} else if err = os.Link(staged[i], f.Path); err == nil {
			err = os.Remove(staged[i])
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		placed = append(placed, f.Path)
	}
	staged = nil
	return nil
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
