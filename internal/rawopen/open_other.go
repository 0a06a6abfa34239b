//go:build !unix

package rawopen

import "os"

// Open is os.Open where descriptors are not plain integers.
func Open(path string) (*os.File, error) { return os.Open(path) }

// File is a file opened for reading.
type File struct{ f *os.File }

// OpenFile opens path for reading.
func OpenFile(path string) (File, error) {
	f, err := os.Open(path)
	return File{f}, err
}

// Size returns the file's size, and whether it is a regular file.
func (f File) Size() (size int64, regular bool, err error) {
	st, err := f.f.Stat()
	if err != nil {
		return 0, false, err
	}
	return st.Size(), st.Mode().IsRegular(), nil
}

func (f File) Read(b []byte) (int, error) { return f.f.Read(b) }

// Close closes the file.
func (f File) Close() error { return f.f.Close() }

// kind names what the file is, for a refusal's message.
func (f File) kind() string {
	st, err := f.f.Stat()
	if err != nil {
		return "not a regular file"
	}
	return kindOf(st.Mode())
}
