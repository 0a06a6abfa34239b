package scan

import (
	"path/filepath"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform"
)

// FolderLoader reads files that only make sense together, a folder at a
// time (a Terraform module: variables, locals and resources spread over
// its files). Claims picks its files out of the walk; Load gets all the
// claimed folders at once, so that it can tell a folder another calls
// (a local module) from a root.
type FolderLoader struct {
	Name   string
	Claims func(path string) (config, aux bool)
	// Load reads the folders, telling seen of every file it reads whole.
	Load func(folders []terraform.Folder, opt Options, seen func(path string, data []byte)) (*model.Evidence, source.Diagnostics)
}

// FolderLoaders are the loaders of whole folders; their files never reach
// Loaders.
var FolderLoaders = []FolderLoader{
	{terraform.LoaderName, func(p string) (bool, bool) { return terraform.IsConfig(p), terraform.IsVars(p) }, loadTerraform},
}

func loadTerraform(folders []terraform.Folder, opt Options, seen func(path string, data []byte)) (*model.Evidence, source.Diagnostics) {
	return terraform.LoadFolders(folders, terraform.Options{Vars: opt.TFVars, VarFiles: opt.TFVarFiles, MaxFileSize: opt.MaxFileSize, Seen: seen, Roots: opt.roots})
}

// claimFolders takes the files folder loaders claim out of files, grouped
// by loader and folder in walk order.
func claimFolders(files []input) (rest []input, claimed [][]terraform.Folder, n int) {
	claimed = make([][]terraform.Folder, len(FolderLoaders))
	index := make([]map[string]int, len(FolderLoaders))
	for i := range index {
		index[i] = map[string]int{}
	}
next:
	for _, f := range files {
		if f.stdin {
			rest = append(rest, f)
			continue
		}
		for i, l := range FolderLoaders {
			config, aux := l.Claims(f.path)
			if !config && !aux {
				continue
			}
			dir := filepath.Dir(f.path)
			j, ok := index[i][dir]
			if !ok {
				j = len(claimed[i])
				index[i][dir] = j
				claimed[i] = append(claimed[i], terraform.Folder{Dir: dir})
			}
			if config {
				claimed[i][j].Files = append(claimed[i][j].Files, f.path)
				n++
			} else {
				claimed[i][j].VarFiles = append(claimed[i][j].VarFiles, f.path)
			}
			continue next
		}
		rest = append(rest, f)
	}
	for i := range claimed {
		var keep []terraform.Folder
		for _, fo := range claimed[i] {
			if len(fo.Files) > 0 {
				keep = append(keep, fo)
			}
		}
		claimed[i] = keep
	}
	return rest, claimed, n
}
