package rawopen

import (
	"path/filepath"
	"runtime"
	"strings"
)

// Root is a folder whose files scanned content may name: the scanned
// tree, with its symbolic links resolved. A path from scanned content (a
// Terraform file() argument, a link met in a walk) is read only when it
// resolves inside a Root: a link inside the tree pointing outside is
// outside.
type Root string

// NewRoot resolves dir (made absolute, symbolic links followed) as a Root.
func NewRoot(dir string) (Root, error) {
	r, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	r, err = filepath.Abs(r)
	if err != nil {
		return "", err
	}
	return Root(filepath.Clean(r)), nil
}

// Resolve returns path with its symbolic links resolved, made absolute,
// and whether that lies inside one of roots. Kernel file systems
// (/proc, /sys, /dev) are never inside, even when a root is "/": their
// "regular" files are the process's environment, memory and devices.
// A path that does not resolve (missing) is judged as written, made
// absolute: it can be no link to outside.
func Resolve(path string, roots ...Root) (string, bool) {
	r, err := filepath.EvalSymlinks(path)
	if err != nil {
		r = path
	}
	r, err = filepath.Abs(r)
	if err != nil {
		return path, false
	}
	r = filepath.Clean(r)
	if runtime.GOOS != "windows" {
		for _, k := range []string{"/proc", "/sys", "/dev"} {
			if within(k, r) {
				return r, false
			}
		}
	}
	for _, root := range roots {
		if within(string(root), r) {
			return r, true
		}
	}
	return r, false
}

// within reports whether p is root or below it (both clean and absolute).
func within(root, p string) bool {
	if p == root {
		return true
	}
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return strings.HasPrefix(p, root)
}
