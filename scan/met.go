package scan

import "path/filepath"

// Met is what a scan learned of the files it met, for readers after it
// (inline suppressions) that would otherwise read every file again: on
// 10,000 templates that was a third of a second of system calls on one
// core, after the scan had read them all.
type Met struct {
	read   map[string][]byte // files read whole: their bytes when Options.Keep picked them
	found  map[string]bool   // files the walks found, read or not
	listed map[string]bool   // folders the walks listed
}

// Kept returns the bytes of a file the scan read, when Options.Keep
// picked them; nil, true for a file read but not picked; false for a
// file the scan did not read.
func (m Met) Kept(name string) (data []byte, read bool) {
	data, read = m.read[name]
	return data, read
}

// Absent reports whether name is known not to exist: it is in a folder a
// walk listed, and the walk did not find it.
func (m Met) Absent(name string) bool {
	return m.listed[filepath.Dir(name)] && !m.found[name]
}

// kept returns data when keep picks it, else nil: what Met holds for a
// file read whole.
func kept(data []byte, keep func([]byte) bool) []byte {
	if keep != nil && keep(data) {
		return data
	}
	return nil
}
