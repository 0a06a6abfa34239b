package suppress

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// SidecarSuffix names the suppression file next to a scanned file.
const SidecarSuffix = ".emrguard-ignore"

// Options configures Apply.
type Options struct {
	Rules []Rule    // from the config file, already validated
	Now   time.Time // decides expiry; the zero value means time.Now()
	// Known reports whether a control ID exists; nil accepts any ID.
	Known func(id string) bool
	// ReadFile reads a scanned file; nil means os.ReadFile. Files that
	// cannot be read (stdin, a live resource) have no inline suppressions.
	ReadFile func(name string) ([]byte, error)
}

// fileRules are the suppressions written in or beside one file.
type fileRules struct {
	byLine map[int][]Rule // the line a suppression applies to
	all    []Rule         // "*" in a sidecar
	// vendored: the file lies in a VendoredDirs folder; its rules are
	// read only to name them in a warning, never applied.
	vendored bool
}

// Apply sets Suppressed on every failing or unknown result that a rule
// covers and returns the problems found: an Error for each malformed
// suppression or one without a reason (it is refused), a Warning for each
// expired suppression that would have covered a result. The first rule
// that covers a result wins: inline comments, then the sidecar, then the
// config file in order.
func Apply(results []control.Result, opt Options) source.Diagnostics {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.ReadFile == nil {
		opt.ReadFile = os.ReadFile
	}
	a := &applier{opt: opt, files: map[string]*fileRules{}, warned: map[string]bool{}}
	for i := range results {
		res := &results[i]
		loc := res.Location()
		var fr *fileRules
		if loc.File != "" {
			fr = a.load(loc.File) // every file, so a bad suppression is refused even where nothing fails
		}
		if res.Verdict != control.Failed && res.Verdict != control.Unknown {
			continue
		}
		var cands []Rule
		if fr != nil {
			cands = append(cands, fr.byLine[loc.Line]...)
			cands = append(cands, fr.all...)
		}
		cands = append(cands, opt.Rules...)
		for j, r := range cands {
			if !r.covers(res) {
				continue
			}
			if fr != nil && fr.vendored && j < len(cands)-len(opt.Rules) {
				a.ignored(r, res)
				continue
			}
			if r.Expired(opt.Now) {
				a.expired(r, res)
				continue
			}
			res.Suppressed = r.suppression()
			break
		}
	}
	return a.diags
}

type applier struct {
	opt    Options
	files  map[string]*fileRules
	diags  source.Diagnostics
	warned map[string]bool
}

func (a *applier) expired(r Rule, res *control.Result) {
	key := r.Origin.String() + "\x00" + res.Control.ID
	if a.warned[key] {
		return
	}
	a.warned[key] = true
	a.diags.Warnf(r.Origin, "suppression of %s expired on %s: %s on %s is reported again (reason was %q)",
		res.Control.ID, r.Until.Format(time.DateOnly), res.Control.ID, res.Resource, r.Reason)
}

// ignored warns, once per directive and control, that a suppression in
// vendored code would have covered res and does not.
func (a *applier) ignored(r Rule, res *control.Result) {
	key := "vendored\x00" + r.Origin.String() + "\x00" + res.Control.ID
	if a.warned[key] {
		return
	}
	a.warned[key] = true
	a.diags.Warnf(r.Origin, "%s %s in vendored code is ignored: %s on %s is reported (a suppression under %s is not the project's; write it in the config file)",
		Marker, strings.Join(r.Controls, ","), res.Control.ID, res.Resource, strings.Join(VendoredDirs, ", "))
}

// load reads the inline and sidecar suppressions of name once. Standard
// input ("<stdin>") has none: the scan does not keep what it read, and a
// file of that name in the working folder is no part of it. A file in vendored code has its directives read
// without their errors, only to name them when they would have applied.
func (a *applier) load(name string) *fileRules {
	if fr, ok := a.files[name]; ok {
		return fr
	}
	fr := &fileRules{byLine: map[int][]Rule{}, vendored: vendored(name)}
	a.files[name] = fr
	diags := a.diags
	if fr.vendored {
		defer func() { a.diags = diags }() // a malformed directive there is no error of the run
	}
	if pseudoFile(name) {
		return fr // "<stdin>": no file to read, and none beside it
	}
	if !strings.EqualFold(filepath.Ext(name), ".json") {
		if data, err := a.opt.ReadFile(name); err == nil {
			a.inline(name, data, fr)
		}
	}
	if data, err := a.opt.ReadFile(name + SidecarSuffix); err == nil {
		a.sidecar(name, name+SidecarSuffix, data, fr)
	}
	return fr
}

// HasDirective reports whether a file's bytes may hold an inline
// suppression; only such files need to be read again after a scan.
func HasDirective(data []byte) bool { return bytes.Contains(data, []byte("emrguard:ignore")) }

// inline collects comment suppressions: a trailing comment applies to its
// own line; a comment-only line applies to the first line below its block
// of comment lines.
func (a *applier) inline(name string, data []byte, fr *fileRules) {
	if !HasDirective(data) {
		return // most files: no need to split them into lines
	}
	lines := strings.Split(string(data), "\n")
	var pending []Rule
	for i, line := range lines {
		n := i + 1
		rest, whole, ok := commentDirective(line)
		if ok {
			r, good := a.rule(rest, model.Loc{File: name, Line: n}, false)
			if !whole {
				if good {
					fr.byLine[n] = append(fr.byLine[n], r)
				}
				pending = a.flush(fr, pending, n)
				continue
			}
			if good {
				pending = append(pending, r)
			}
			continue
		}
		if isComment(line) {
			continue
		}
		pending = a.flush(fr, pending, n)
	}
}

func (a *applier) flush(fr *fileRules, pending []Rule, line int) []Rule {
	if len(pending) > 0 {
		fr.byLine[line] = append(fr.byLine[line], pending...)
	}
	return nil
}

// sidecar reads "<LINE|*> emrguard:ignore …" lines.
func (a *applier) sidecar(name, side string, data []byte, fr *fileRules) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at := model.Loc{File: side, Line: n}
		target, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, Marker) {
			a.diags.Errorf(at, "want \"LINE %s ID reason=…\" or \"* %s ID reason=…\"", Marker, Marker)
			continue
		}
		r, ok := a.rule(rest[len(Marker):], at, true)
		if !ok {
			continue
		}
		if target == "*" {
			fr.all = append(fr.all, r)
			continue
		}
		ln, err := strconv.Atoi(target)
		if err != nil || ln < 1 {
			a.diags.Errorf(at, "%q is not a line number of %s (or * for every line)", target, name)
			continue
		}
		fr.byLine[ln] = append(fr.byLine[ln], r)
	}
}

// rule parses and validates one directive, recording an error for a bad one.
func (a *applier) rule(text string, at model.Loc, external bool) (Rule, bool) {
	r, err := parseDirective(text)
	if err == nil {
		err = r.Validate(a.opt.Known)
	}
	if err != nil {
		a.diags.Errorf(at, "%s", err.Error()+" (suppression refused)")
		return r, false
	}
	r.Origin, r.External = at, external
	return r, true
}
