package compliance

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Framework is one compliance framework: its requirements and, for each
// control, the requirements it bears on.
type Framework struct {
	Short   string // the --compliance name, e.g. "fsbp"
	Name    string // e.g. "AWS Foundational Security Best Practices"
	Version string // e.g. "v1.0.0"
	Source  string // where the requirement IDs were read (URL)
	// ASFF is how AWS Security Hub names a requirement in a finding's
	// Compliance.RelatedRequirements, with {id} for the requirement ID
	// (e.g. "NIST.800-53.r5 {id}"); empty for "{name} {version}/{id}".
	ASFF         string
	Requirements []Requirement // in file order
	File         string        // the file it was read from (built-in: "builtin:<short>.yaml")

	byControl map[string][]string // control ID → requirement IDs
	lines     map[string]int      // control ID → line of its mapping
}

// Requirement is one requirement of a framework and the controls mapped to
// it, in catalogue order of the file.
type Requirement struct {
	ID       string
	Title    string
	Controls []string
}

// fileSchema is the YAML schema (README "Compliance frameworks").
type fileSchema struct {
	Short        string    `yaml:"short"`
	Name         string    `yaml:"name"`
	Version      string    `yaml:"version"`
	Source       string    `yaml:"source"`
	ASFF         string    `yaml:"asff"`
	Requirements []reqYAML `yaml:"requirements"`
	Controls     yaml.Node `yaml:"controls"`
}

type reqYAML struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
}

var (
	shortRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	controlRE = regexp.MustCompile(`^[A-Z]{3}\d{3}$`)
)

// Parse reads a framework file. file names it in errors, which carry the
// line ("fw.yaml:12: requirement "X" is not declared"). A control ID is
// checked for its form only; Check tests it against a catalogue.
func Parse(file string, data []byte) (*Framework, error) {
	var s fileSchema
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty framework file", file)
		}
		return nil, yamlError(file, err)
	}
	f := &Framework{Short: s.Short, Name: s.Name, Version: s.Version, Source: s.Source, ASFF: s.ASFF, File: file,
		byControl: map[string][]string{}, lines: map[string]int{}}
	for field, v := range map[string]string{"short": s.Short, "name": s.Name, "version": s.Version, "source": s.Source} {
		if strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("%s: %q is missing", file, field)
		}
	}
	if !shortRE.MatchString(s.Short) {
		return nil, fmt.Errorf("%s: short %q: use lower-case letters, digits and '-'", file, s.Short)
	}
	if s.ASFF != "" && !strings.Contains(s.ASFF, "{id}") {
		return nil, fmt.Errorf("%s: asff %q has no {id}", file, s.ASFF)
	}
	index := map[string]int{}
	for _, r := range s.Requirements {
		if strings.TrimSpace(r.ID) == "" || strings.TrimSpace(r.Title) == "" {
			return nil, fmt.Errorf("%s: a requirement needs an id and a title (got id %q, title %q)", file, r.ID, r.Title)
		}
		if _, dup := index[r.ID]; dup {
			return nil, fmt.Errorf("%s: requirement %q is declared twice", file, r.ID)
		}
		index[r.ID] = len(f.Requirements)
		f.Requirements = append(f.Requirements, Requirement{ID: r.ID, Title: r.Title})
	}
	if len(f.Requirements) == 0 {
		return nil, fmt.Errorf("%s: no requirements", file)
	}
	c := &s.Controls
	if c.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: controls must map control IDs to lists of requirement IDs", file, max(c.Line, 1))
	}
	for i := 0; i+1 < len(c.Content); i += 2 {
		k, v := c.Content[i], c.Content[i+1]
		id := k.Value
		if !controlRE.MatchString(id) {
			return nil, fmt.Errorf("%s:%d: %q is not a control ID (like EMR102)", file, k.Line, id)
		}
		if _, dup := f.lines[id]; dup {
			return nil, fmt.Errorf("%s:%d: control %s is mapped twice", file, k.Line, id)
		}
		var reqs []string
		if err := v.Decode(&reqs); err != nil || len(reqs) == 0 {
			return nil, fmt.Errorf("%s:%d: control %s: want a non-empty list of requirement IDs", file, v.Line, id)
		}
		for _, r := range reqs {
			j, ok := index[r]
			if !ok {
				return nil, fmt.Errorf("%s:%d: control %s: requirement %q is not declared under requirements", file, v.Line, id, r)
			}
			if !slices.Contains(f.Requirements[j].Controls, id) {
				f.Requirements[j].Controls = append(f.Requirements[j].Controls, id)
			}
		}
		f.byControl[id] = reqs
		f.lines[id] = k.Line
	}
	for _, r := range f.Requirements {
		if len(r.Controls) == 0 {
			return nil, fmt.Errorf("%s: requirement %q has no control mapped to it", file, r.ID)
		}
	}
	return f, nil
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlError turns the decoder's "yaml: line 3: …" into "file:3: …", the
// first of several type errors, and names an unknown field as such.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		detail := m[2]
		if f, ok := strings.CutPrefix(detail, "field "); ok {
			if name, _, found := strings.Cut(f, " not found in type"); found {
				detail = fmt.Sprintf("unknown field %q (want short, name, version, source, asff, requirements, controls; a requirement has id and title)", name)
			}
		}
		return fmt.Errorf("%s:%s: %s", file, m[1], detail)
	}
	return fmt.Errorf("%s: %s", file, msg)
}

// Check returns an error naming the file and line of the first mapped
// control that known does not know.
func (f *Framework) Check(known func(id string) bool) error {
	ids := f.Controls()
	sort.Slice(ids, func(i, j int) bool { return f.lines[ids[i]] < f.lines[ids[j]] })
	for _, id := range ids {
		if !known(id) {
			return fmt.Errorf("%s:%d: no control %s in the catalogue (see 'emrguard rules')", f.File, f.lines[id], id)
		}
	}
	return nil
}

// Controls returns the mapped control IDs, sorted.
func (f *Framework) Controls() []string {
	var ids []string
	for id := range f.byControl {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// RequirementsOf returns the IDs of the requirements control id bears on,
// in the order the file lists them; nil when it maps to none.
func (f *Framework) RequirementsOf(id string) []string { return f.byControl[id] }

// Related returns the names Security Hub gives requirement ID req in
// Compliance.RelatedRequirements.
func (f *Framework) Related(req string) string {
	tmpl := f.ASFF
	if tmpl == "" {
		tmpl = f.Name + " " + f.Version + "/{id}"
	}
	return strings.ReplaceAll(tmpl, "{id}", req)
}

// Title returns "Name version (short)".
func (f *Framework) Title() string { return fmt.Sprintf("%s %s (%s)", f.Name, f.Version, f.Short) }

//go:embed frameworks/*.yaml
var builtinFS embed.FS

// builtin are the embedded frameworks, parsed once; a parse error is a
// bug caught by the package's tests.
var builtin = func() []*Framework {
	entries, err := builtinFS.ReadDir("frameworks")
	if err != nil {
		panic(err)
	}
	var out []*Framework
	for _, e := range entries {
		data, err := builtinFS.ReadFile(path.Join("frameworks", e.Name()))
		if err != nil {
			panic(err)
		}
		f, err := Parse("builtin:"+e.Name(), data)
		if err != nil {
			panic(err)
		}
		out = append(out, f)
	}
	return out
}()

// Builtin returns the embedded frameworks, sorted by short name. The
// values are shared: do not modify them.
func Builtin() []*Framework {
	out := slices.Clone(builtin)
	sort.Slice(out, func(i, j int) bool { return out[i].Short < out[j].Short })
	return out
}

// Names returns the short names of fws.
func Names(fws []*Framework) []string {
	var out []string
	for _, f := range fws {
		out = append(out, f.Short)
	}
	return out
}

// Find returns the framework of fws with short name (any case).
func Find(fws []*Framework, short string) (*Framework, bool) {
	for _, f := range fws {
		if strings.EqualFold(f.Short, short) {
			return f, true
		}
	}
	return nil, false
}
