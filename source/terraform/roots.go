package terraform

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// LoaderName names this source in messages.
const LoaderName = "terraform"

// Options are what the command line gives every root module.
type Options = tfeval.Options

// Folder is a folder's configuration files found by a walk (or named on
// the command line), and its variable files.
type Folder = tfeval.Folder

// IsConfig reports whether path is a Terraform configuration file: the
// files a folder-as-module is made of.
func IsConfig(path string) bool { return tfeval.IsConfig(path) }

// IsVars reports whether path is a variable file Terraform reads on its
// own (terraform.tfvars, *.auto.tfvars, and their .json forms).
func IsVars(path string) bool { return tfeval.IsVars(path) }

// LoadFolders reads each folder as a root module, except folders another
// of them calls as a local module: those are read as that module, with
// its inputs. Files are parsed in parallel, then root modules evaluated
// in parallel. Diagnostics carry file:line:col; an error in one file
// leaves the rest read.
func LoadFolders(folders []Folder, opt Options) (*model.Evidence, source.Diagnostics) {
	return tfeval.LoadFolders(folders, opt, loadRoot, func() *model.Evidence { return &model.Evidence{} }, (*model.Evidence).Merge)
}

// loadRoot reads a root module into evidence: once, and when counts hang
// on unknowns, once more in each world their values make
// (tfeval.ReadRoot), as model.Alternatives the control engine settles.
func loadRoot(f Folder, files []tfeval.File, opt Options, diags *source.Diagnostics) *model.Evidence {
	w := tfeval.ReadRoot(f, files, opt, diags, hclReading)
	ev := w.Base.ev
	switch {
	case len(w.Unknowns) == 0:
		return ev
	case w.Bounded:
		// Not read again: the worlds would be 2^n. The engine says why
		// the counts' unknowns stay.
		out := &model.Evidence{Alternatives: []*model.Alternatives{{Unknowns: w.Unknowns, Base: ev, Bound: tfeval.MaxConditions}}}
		out.Merge(ev)
		return out
	}
	// The control engine keeps a verdict all the worlds agree on.
	alt := &model.Alternatives{Unknowns: w.Unknowns, Kinds: make([]model.UnknownKind, len(w.Unknowns)), Base: ev}
	for i, a := range w.Unknowns {
		alt.Kinds[i] = w.Kinds[a]
	}
	for i, vals := range w.Values {
		alt.Worlds = append(alt.Worlds, model.World{Values: vals, Evidence: w.Each[i].ev})
	}
	out := &model.Evidence{Alternatives: []*model.Alternatives{alt}}
	out.Merge(ev)
	return out
}
