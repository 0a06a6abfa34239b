package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/rawopen"
)

// frameworkFileLimit bounds a --compliance-file: a mapping is a few KiB.
const frameworkFileLimit = 1 << 20

// complianceFlags select frameworks for requirement-level status
// (--compliance) and add user frameworks (--compliance-file).
type complianceFlags struct {
	names string
	files stringList
}

func (c *complianceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.names, "compliance", "", "also report requirement-level status for `FRAMEWORKS` (comma-separated: "+strings.Join(compliance.Names(compliance.Builtin()), ", ")+", or a --compliance-file's short name)")
	fs.Var(&c.files, "compliance-file", "add the compliance framework in YAML `FILE` (repeatable; the schema of the built-in ones, see README); reported unless --compliance names others")
}

// frameworkSet is the checked form of complianceFlags.
type frameworkSet struct {
	known    []*compliance.Framework // built-in, then the files'
	selected []*compliance.Framework // whose status is reported
}

// load reads the framework files and resolves the names. A bad file or an
// unknown name is a usage error naming the file and line, or the known
// frameworks, before anything is scanned or written.
func (c *complianceFlags) load() (*frameworkSet, error) {
	set := &frameworkSet{known: compliance.Builtin()}
	var fromFiles []*compliance.Framework
	for _, path := range c.files {
		data, err := rawopen.ReadRegular(path, frameworkFileLimit)
		if err != nil {
			return nil, usagef("--compliance-file: %v", err)
		}
		f, err := compliance.Parse(path, data)
		if err != nil {
			return nil, usagef("--compliance-file: %v", err)
		}
		if err := f.Check(func(id string) bool { _, ok := controls.Lookup(id); return ok }); err != nil {
			return nil, usagef("--compliance-file: %v", err)
		}
		if prev, dup := compliance.Find(set.known, f.Short); dup {
			return nil, usagef("--compliance-file: %s: short name %q is already taken by %s", path, f.Short, prev.File)
		}
		set.known = append(set.known, f)
		fromFiles = append(fromFiles, f)
	}
	names := list(c.names)
	if len(names) == 0 {
		set.selected = fromFiles
		return set, nil
	}
	for _, n := range names {
		f, ok := compliance.Find(set.known, n)
		if !ok {
			return nil, usagef("--compliance: unknown framework %q (known: %s)", n, strings.Join(compliance.Names(set.known), ", "))
		}
		set.selected = append(set.selected, f)
	}
	return set, nil
}

// listMapping prints each selected framework's requirements and the
// controls mapped to them: 'emrguard rules --compliance NAME'.
func listMapping(e env, set *frameworkSet) {
	for i, f := range set.selected {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		fmt.Fprintf(e.stdout, "%s\nSource: %s\n\n", f.Title(), f.Source)
		for _, r := range f.Requirements {
			fmt.Fprintf(e.stdout, "%s  %s\n    %s\n", r.ID, r.Title, strings.Join(r.Controls, ", "))
		}
		fmt.Fprintf(e.stdout, "\n%d requirements, %d controls mapped.\n", len(f.Requirements), len(f.Controls()))
	}
}
