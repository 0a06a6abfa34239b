package tfeval

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/emrguard/emrguard/internal/rawopen"
)

// Module calls are the other way scanned code names a path: a pull
// request's `source = "../../../../home/runner/other-checkout/x"` would
// read another checkout's .tf files into the report. A module folder is
// read only when it resolves (links followed) inside the scanned folders
// or inside the repository holding one of them — the nearest enclosing
// folder with a .git folder or file — so scanning infra/envs/prod still
// follows ../../modules/x of its own repository. The same holds for a
// folder .terraform/modules/modules.json names: that file can be
// committed too. Each configuration file of a module folder is checked
// the same way: a link in the repository may point anywhere.

// moduleSandbox is where module folders may be read from.
type moduleSandbox []rawopen.Root

// moduleRoots returns roots and the repositories holding them.
func moduleRoots(roots []rawopen.Root) moduleSandbox {
	out := append(moduleSandbox{}, roots...)
	for _, r := range roots {
		if repo, ok := repoOf(string(r)); ok && repo != string(r) {
			out = append(out, rawopen.Root(repo))
		}
	}
	return out
}

// repoOf returns the nearest folder at or above dir (absolute, links
// resolved) holding .git, a folder in a clone or a file in a worktree or
// submodule.
func repoOf(dir string) (string, bool) {
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, true
		}
		up := filepath.Dir(d)
		if up == d {
			return "", false
		}
		d = up
	}
}

// inside reports whether p resolves inside the sandbox.
func (sb moduleSandbox) inside(p string) bool {
	_, in := rawopen.Resolve(p, sb...)
	return in
}

// moduleSandbox returns where this root's module calls may read: the
// scanned folders (Options.Roots) and their repositories, found once per
// LoadFolders; without Roots, the root module's folder and its
// repository, found on the first module call.
func (ld *loader) moduleSandbox() moduleSandbox {
	if len(ld.opt.roots) > 0 {
		return ld.opt.modRoots
	}
	if ld.modBox == nil {
		base := []rawopen.Root(ld.sandbox)
		if len(base) == 0 {
			if root, err := rawopen.NewRoot(ld.rootDir); err == nil {
				base = []rawopen.Root{root}
			}
		}
		ld.modBox = moduleRoots(base)
	}
	return ld.modBox
}

// outsideModule is why a module call's folder is not read. It quotes the
// source as written: the resolved path may name the runner's folders.
func outsideModule(n, src string) string {
	return fmt.Sprintf("module.%s: module source %s is outside the scanned folders and their repository; not read", n, src)
}
