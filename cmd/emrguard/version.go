package main

import (
	"fmt"
	"runtime/debug"
)

// versionLine says which build this is: the module version and, when the
// binary was built from a checkout, the commit, its time and whether the
// tree had changes, e.g. "emrguard v1.2.0 (commit 3f2a9c1d0e4b, 2026-11-20T10:00:00Z, modified) go1.26.8".
func versionLine() string {
	line := "emrguard " + version()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return line
	}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		line += fmt.Sprintf(" (commit %s", rev)
		if at != "" {
			line += ", " + at
		}
		line += modified + ")"
	}
	return line + " " + bi.GoVersion
}
