package controls

import (
	"archive/zip"
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// testdata holds each control's examples: testdata/<ID>/<example>, where
// an example is one file or a folder of files scanned together.
//
//go:embed testdata
var testdata embed.FS

// Examples returns the control's examples, as embedded in the binary.
func Examples(id string) ([]Example, error) { return ReadExamples(testdata, "testdata", id) }

// Example is one good or bad example of a control.
type Example struct {
	Name  string // file or folder name under testdata/<ID>
	Files []ExampleFile
	Wants []Want // expected results, from want comments and .want sidecars
}

// ExampleFile is one input of an example.
type ExampleFile struct {
	Path    string // slash-separated, relative to testdata/<ID>
	Content string
}

// Want is one expected result: control ID and verdict at a line of a
// file, or (Control "input", Verdict "error") an input error there; or,
// for live evidence, which has no file location, on the resource with ID
// Resource.
type Want struct {
	File     string // relative to testdata/<ID>, like ExampleFile.Path
	Line     int
	Resource string // set instead of a line for a result without location
	Control  string
	Verdict  string
}

// String formats w like "file:line CONTROL:verdict", or "@resource
// CONTROL:verdict" for a result on a resource without location.
func (w Want) String() string {
	if w.Resource != "" {
		return fmt.Sprintf("@%s %s:%s", w.Resource, w.Control, w.Verdict)
	}
	return fmt.Sprintf("%s:%d %s:%s", w.File, w.Line, w.Control, w.Verdict)
}

// Bad reports whether the example makes control id fail.
func (e Example) Bad(id string) bool {
	return slices.ContainsFunc(e.Wants, func(w Want) bool { return w.Control == id && w.Verdict == "fail" })
}

// wantRe matches one expectation: EMR102:fail, EKS601:n/a, input:error.
var wantRe = regexp.MustCompile(`^((?:EMR|EKS)\d{3}):(fail|pass|unknown|n/a)$|^(input):(error)$`)

// ReadExamples reads the examples of control id under root in fsys.
// Expectations come from comments "# want EMR102:fail" or "// want …" on
// the line a result points at (YAML, HCL), and from sidecar files
// "<file>.want" (JSON, which has no comments) whose lines read
// "LINE EMR102:fail". A snapshot's evidence has no file location: its
// sidecar names the resource instead, "@j-2AXXXXXXGAPLE EMR302:fail"
// (the resource's ID: a cluster ID, a role or trail ARN, ACCOUNT/REGION).
func ReadExamples(fsys fs.FS, root, id string) ([]Example, error) {
	dir := path.Join(root, id)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("examples of %s: %w", id, err)
	}
	var out []Example
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".want") {
			continue
		}
		ex := Example{Name: e.Name()}
		err := fs.WalkDir(fsys, path.Join(dir, e.Name()), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			rel := strings.TrimPrefix(p, dir+"/")
			if strings.HasSuffix(p, ".zip") {
				// Binary: shown by what it holds (rules --explain prints it).
				ex.Files = append(ex.Files, ExampleFile{Path: rel, Content: zipListing(data)})
				return nil
			}
			if strings.HasSuffix(p, ".want") {
				ws, err := parseSidecar(strings.TrimSuffix(rel, ".want"), string(data))
				ex.Wants = append(ex.Wants, ws...)
				return err
			}
			ex.Files = append(ex.Files, ExampleFile{Path: rel, Content: string(data)})
			ws, err := parseComments(rel, string(data))
			ex.Wants = append(ex.Wants, ws...)
			return err
		})
		if err != nil {
			return nil, err
		}
		if side, err := fs.ReadFile(fsys, path.Join(dir, e.Name()+".want")); err == nil && !e.IsDir() {
			ws, err := parseSidecar(e.Name(), string(side))
			if err != nil {
				return nil, err
			}
			ex.Wants = append(ex.Wants, ws...)
		}
		out = append(out, ex)
	}
	return out, nil
}

// zipListing describes a zip by its files, or says it is not one.
func zipListing(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Sprintf("(%d bytes, not a zip)", len(data))
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return "(a zip of " + strings.Join(names, ", ") + ")"
}

func parseSidecar(file, text string) ([]Want, error) {
	var out []Want
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		num, err := strconv.Atoi(f[0])
		resource, byResource := strings.CutPrefix(f[0], "@")
		if (err != nil && (!byResource || resource == "")) || len(f) < 2 {
			return nil, fmt.Errorf("%s.want:%d: want \"LINE CONTROL:verdict ...\" or \"@RESOURCE CONTROL:verdict ...\", got %q", file, n, line)
		}
		for _, w := range f[1:] {
			m := wantRe.FindStringSubmatch(w)
			if m == nil {
				return nil, fmt.Errorf("%s.want:%d: %q is not CONTROL:verdict", file, n, w)
			}
			wn := want(file, num, m)
			if byResource {
				wn.Line, wn.Resource = 0, resource
			}
			out = append(out, wn)
		}
	}
	return out, nil
}

func parseComments(file, text string) ([]Want, error) {
	var out []Want
	for n, line := range strings.Split(text, "\n") {
		i := strings.Index(line, "# want ")
		if j := strings.Index(line, "// want "); i < 0 && j >= 0 {
			i = j + 1
		}
		if i < 0 {
			continue
		}
		for _, w := range strings.Fields(line[i+len("# want "):]) {
			m := wantRe.FindStringSubmatch(w)
			if m == nil {
				return nil, fmt.Errorf("%s:%d: %q is not CONTROL:verdict", file, n+1, w)
			}
			out = append(out, want(file, n+1, m))
		}
	}
	return out, nil
}

func want(file string, line int, m []string) Want {
	if m[1] == "" {
		return Want{File: file, Line: line, Control: m[3], Verdict: m[4]}
	}
	return Want{File: file, Line: line, Control: m[1], Verdict: m[2]}
}
