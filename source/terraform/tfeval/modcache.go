package tfeval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/emrguard/emrguard/model"
)

// manifestPath is where `terraform init` lists the modules it installed,
// relative to the root module's folder.
var manifestPath = filepath.Join(".terraform", "modules", "modules.json")

// manifest is the part of .terraform/modules/modules.json read here:
// each installed module's folder by its key, the names of the calls
// leading to it from the root joined by "." ("" is the root).
type manifest struct {
	dirs map[string]string // key → folder, relative to the root module's folder or absolute
	err  string            // why the file could not be used; "" when read or absent
}

// manifestFile is the file's form, as Terraform writes it.
type manifestFile struct {
	Modules []struct {
		Key    string `json:"Key"`
		Source string `json:"Source"`
		Dir    string `json:"Dir"`
	} `json:"Modules"`
}

// installed returns the manifest of the root module, read the first time
// a call with a source that is not local asks for it. An absent file is
// an empty manifest; one that cannot be read or decoded is one
// diagnostic naming it, and an empty manifest.
func (ld *loader) installed() *manifest {
	if ld.manifest != nil {
		return ld.manifest
	}
	mf := &manifest{}
	ld.manifest = mf
	p := filepath.Join(ld.rootDir, manifestPath)
	data, err := ld.opt.reader()(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return mf
	case err != nil:
		ld.diags.Errorf(model.Loc{File: p}, "%s", "module manifest: "+describe(err))
		mf.err = "it cannot be read"
		return mf
	}
	var f manifestFile
	if err := json.Unmarshal(data, &f); err != nil {
		ld.diags.Errorf(model.Loc{File: p, Line: jsonLine(data, err)}, "%s", "module manifest: "+err.Error())
		mf.err = "it is not valid JSON"
		return mf
	}
	mf.dirs = make(map[string]string, len(f.Modules))
	for _, r := range f.Modules {
		if _, dup := mf.dirs[r.Key]; dup {
			ld.diags.Errorf(model.Loc{File: p}, "module manifest: two entries for module key %q", r.Key)
			mf.dirs, mf.err = nil, "it lists a module twice"
			return mf
		}
		mf.dirs[r.Key] = filepath.FromSlash(r.Dir)
	}
	return mf
}

// jsonLine returns the line of a JSON decoding error, 0 when unknown.
func jsonLine(data []byte, err error) int {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0
	}
	off = min(max(off, 1), int64(len(data)))
	return 1 + bytes.Count(data[:off-1], []byte("\n"))
}

// sourceDir returns the folder of the module a call of m named n loads
// from source, or why it is not loaded: a local source is a folder
// relative to m's; any other is looked up among the modules `terraform
// init` installed under the root module, by the call's module path.
func (m *module) sourceDir(n, src string) (dir, why string) {
	if isLocalSource(src) {
		d := filepath.Join(m.dir, src)
		if !m.ld.moduleSandbox().inside(d) {
			return "", outsideModule(n, src)
		}
		return d, ""
	}
	notFetched := fmt.Sprintf("module.%s comes from %q, which is not fetched: ", n, src)
	const initHint = "run terraform init so that .terraform/modules holds it"
	mf := m.ld.installed()
	switch {
	case mf.err != "":
		return "", notFetched + manifestPath + " lists the modules terraform init installed, but " + mf.err + "; " + initHint
	case mf.dirs == nil:
		return "", notFetched + initHint
	}
	key := m.modulePath(n)
	d, ok := mf.dirs[key]
	if !ok {
		return "", fmt.Sprintf("%s%s does not list module key %q; %s", notFetched, manifestPath, key, initHint)
	}
	if !filepath.IsAbs(d) {
		d = filepath.Join(m.ld.rootDir, d)
	}
	if !m.ld.moduleSandbox().inside(d) {
		return "", fmt.Sprintf("module.%s: its folder %s, as %s lists it, is outside the scanned folders and their repository; not read", n, d, manifestPath)
	}
	if !holdsConfig(d) {
		return "", fmt.Sprintf("%sits folder %s holds no configuration; %s", notFetched, d, initHint)
	}
	return d, ""
}

// modulePath returns the key of the module m's call n loads: the names
// of the calls from the root, joined by ".". It follows the calls rather
// than m.prefix, which may hold instance keys (module.a["x"].).
func (m *module) modulePath(n string) string {
	names := []string{n}
	for c := m; c != nil && c.call != nil; c = c.parent {
		names = append(names, c.call.name)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, ".")
}

// holdsConfig reports whether dir is a folder holding a configuration file.
func holdsConfig(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && IsConfig(e.Name()) {
			return true
		}
	}
	return false
}
