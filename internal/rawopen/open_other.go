//go:build !unix

package rawopen

import "os"

// Open is os.Open where descriptors are not plain integers.
func Open(path string) (*os.File, error) { return os.Open(path) }
