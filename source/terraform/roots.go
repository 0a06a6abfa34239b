package terraform

import (
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// LoadFolders reads each folder as a root module, except folders another
// of them calls as a local module: those are read as that module, with
// its inputs. Files are parsed in parallel, then root modules evaluated
// in parallel. Diagnostics carry file:line:col; an error in one file
// leaves the rest read.
func LoadFolders(folders []Folder, opt Options) (*model.Evidence, source.Diagnostics) {
	return loadFolders(folders, opt, loadRoot, func() *model.Evidence { return &model.Evidence{} }, (*model.Evidence).Merge)
}

// loadRoot reads a root module into evidence: once, and when counts hang
// on unknowns (conditional.go), once more in each world their values
// make, as model.Alternatives the control engine settles.
func loadRoot(f Folder, files []parsed, opt Options, diags *source.Diagnostics) *model.Evidence {
	conds := &conditions{}
	ev := loadWorld(f, files, opt, diags, conds, hclReading).ev
	n := len(conds.found)
	switch {
	case n == 0:
		return ev
	case n > maxConditions:
		// Not read again: the worlds would be 2^n. The engine says why
		// the counts' unknowns stay.
		out := &model.Evidence{Alternatives: []*model.Alternatives{{Unknowns: conds.found, Base: ev, Bound: maxConditions}}}
		out.Merge(ev)
		return out
	}
	// Some counts hang on at most maxConditions unknowns: read the root
	// again under each combination of their values (the control engine
	// keeps a verdict they all agree on). The input errors are the first
	// reading's.
	alt := &model.Alternatives{Unknowns: conds.found, Kinds: make([]model.UnknownKind, n)}
	for i, a := range conds.found {
		alt.Kinds[i] = conds.kinds[a]
	}
	for _, vals := range model.Combinations(n) {
		w := &conditions{world: map[string]bool{}}
		for i, a := range conds.found {
			w.world[a] = vals[i]
		}
		// The parsed files are read-only to a load: each world reuses
		// them rather than reading and parsing the folder again.
		var scratch source.Diagnostics
		alt.Worlds = append(alt.Worlds, model.World{Values: vals, Evidence: loadWorld(f, files, opt, &scratch, w, hclReading).ev})
	}
	alt.Base = ev
	out := &model.Evidence{Alternatives: []*model.Alternatives{alt}}
	out.Merge(ev)
	return out
}
