package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/suppress"
)

// FileName is the config file looked for upward from the scanned path.
const FileName = ".emrguard.yaml"

// File is the decoded config file. Zero values mean "not set".
type File struct {
	Path            string            `yaml:"-"`
	Controls        map[string]Switch `yaml:"controls"`
	Severity        map[string]string `yaml:"severity"`
	FailOn          string            `yaml:"fail-on"`
	EMRNamespaces   []string          `yaml:"emr-namespaces"`
	UseCaseTagKey   string            `yaml:"use-case-tag-key"`
	AMIAgeLimitDays int               `yaml:"ami-age-limit-days"`
	SharedRoleLimit int               `yaml:"shared-role-limit"`
	Notify          []string          `yaml:"notify"`
	Suppressions    []Suppression     `yaml:"suppressions"`
}

// Switch is a control's on/off setting: true, false, on or off.
type Switch bool

// UnmarshalYAML accepts true/false and on/off (YAML 1.2 no longer reads
// on/off as booleans, but people write them).
func (s *Switch) UnmarshalYAML(n *yaml.Node) error {
	switch strings.ToLower(n.Value) {
	case "true", "on":
		*s = true
	case "false", "off":
		*s = false
	default:
		return fmt.Errorf("line %d: %q is not on or off", n.Line, n.Value)
	}
	return nil
}

// Suppression is one entry of the suppressions list.
type Suppression struct {
	Controls []string
	Resource string
	File     string
	Account  string
	Region   string
	Until    string
	Reason   string
	Line     int
}

var suppressionKeys = map[string]bool{"control": true, "resource": true, "file": true, "account": true, "region": true, "until": true, "reason": true}

// UnmarshalYAML decodes an entry, refusing unknown keys with their line
// (yaml.v3's KnownFields does not reach custom unmarshalers).
func (s *Suppression) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a suppression is a mapping with control, reason and optional resource, file, account, region, until", n.Line)
	}
	s.Line = n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !suppressionKeys[k.Value] {
			return fmt.Errorf("line %d: unknown key %q in a suppression", k.Line, k.Value)
		}
		var err error
		switch k.Value {
		case "control":
			if v.Kind == yaml.SequenceNode {
				err = v.Decode(&s.Controls)
			} else {
				s.Controls = []string{v.Value}
			}
		case "resource":
			s.Resource = v.Value
		case "file":
			s.File = v.Value
		case "account":
			s.Account = v.Value
		case "region":
			s.Region = v.Value
		case "until":
			s.Until = v.Value
		case "reason":
			s.Reason = v.Value
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Find returns the config file in start's folder or the nearest one above
// it, or "" when there is none. The path is relative when start is.
func Find(start string) string {
	abs, err := filepath.Abs(start)
	if err != nil {
		return ""
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, FileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return relativeLike(start, p)
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// relativeLike returns p relative to the working folder when start was
// relative, so messages and reports name "examples/.emrguard.yaml" rather
// than a machine path.
func relativeLike(start, p string) string {
	if filepath.IsAbs(start) {
		return p
	}
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil {
		return rel
	}
	return p
}

// Load reads and checks the config file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

var (
	fieldErr = regexp.MustCompile(`line (\d+): field (\S+) not found in type \S+`)
	lineErr  = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
)

// Parse decodes data read from name. Errors name the file, the line and the
// key: "config .emrguard.yaml:4: unknown key \"fail_on\"".
func Parse(name string, data []byte) (*File, error) {
	f := &File{Path: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(f); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			var msgs []string
			for _, e := range te.Errors {
				if m := fieldErr.FindStringSubmatch(e); m != nil {
					msgs = append(msgs, fmt.Sprintf("config %s:%s: unknown key %q", name, m[1], m[2]))
				} else {
					msgs = append(msgs, positioned(name, e))
				}
			}
			return nil, errors.New(strings.Join(msgs, "\n"))
		}
		return nil, errors.New(positioned(name, err.Error()))
	}
	if f.FailOn != "" && f.FailOn != "none" {
		if _, err := control.ParseSeverity(f.FailOn); err != nil {
			return nil, fmt.Errorf("config %s: fail-on: %w", name, err)
		}
	}
	for id, sev := range f.Severity {
		if _, err := control.ParseSeverity(sev); err != nil {
			return nil, fmt.Errorf("config %s: severity of %s: %w", name, id, err)
		}
	}
	if f.AMIAgeLimitDays < 0 {
		return nil, fmt.Errorf("config %s: ami-age-limit-days must be positive, got %d", name, f.AMIAgeLimitDays)
	}
	if f.SharedRoleLimit < 0 {
		return nil, fmt.Errorf("config %s: shared-role-limit must be positive, got %d", name, f.SharedRoleLimit)
	}
	for _, t := range f.Notify {
		known := t == "stdout" || t == "securityhub"
		for _, p := range []string{"arn:", "https://", "http://", "sns:", "slack:", "teams:", "eventbridge:", "securityhub:"} {
			known = known || strings.HasPrefix(t, p)
		}
		if !known {
			return nil, fmt.Errorf("config %s: notify target %q is not stdout, an SNS topic (sns:ARN), slack:URL, teams:URL, eventbridge:BUS, securityhub[:REGION] or an http(s) URL", name, t)
		}
	}
	return f, nil
}

// Check verifies every control ID the file names against known.
func (f *File) Check(known func(id string) bool) error {
	for _, m := range []map[string]bool{keys(f.Controls), keys(f.Severity)} {
		for id := range m {
			if !known(strings.ToUpper(id)) {
				return fmt.Errorf("config %s: no control %q (see 'emrguard rules')", f.Path, id)
			}
		}
	}
	return nil
}

func keys[V any](m map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

// Rules returns the suppressions as rules, validated against known.
func (f *File) Rules(known func(id string) bool) ([]suppress.Rule, error) {
	var out []suppress.Rule
	for _, s := range f.Suppressions {
		r := suppress.Rule{Controls: s.Controls, Resource: s.Resource, File: s.File, Account: s.Account, Region: s.Region,
			Reason: s.Reason, Origin: model.Loc{File: f.Path, Line: s.Line}, External: true}
		if s.Until != "" {
			t, err := suppress.ParseDate(s.Until)
			if err != nil {
				return nil, fmt.Errorf("config %s:%d: %w", f.Path, s.Line, err)
			}
			r.Until = t
		}
		if err := r.Validate(known); err != nil {
			return nil, fmt.Errorf("config %s:%d: %w (suppression refused)", f.Path, s.Line, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Settings puts the file's control settings (use-case tag key, shared-role
// limit, AMI age limit) into cfg; those the file leaves out keep cfg's.
func (f *File) Settings(cfg *control.Config) {
	if f.UseCaseTagKey != "" {
		cfg.UseCaseTagKey = f.UseCaseTagKey
	}
	if f.SharedRoleLimit > 0 {
		cfg.SharedRoleLimit = f.SharedRoleLimit
	}
	if f.AMIAgeLimitDays > 0 {
		cfg.AMIAgeLimitDays = f.AMIAgeLimitDays
	}
}

// Apply returns the controls to run: those switched off removed, and those
// with a severity override replaced by a copy (controls are shared values).
func (f *File) Apply(cs []*control.Control) []*control.Control {
	var out []*control.Control
	for _, c := range cs {
		if on, ok := lookup(f.Controls, c.ID); ok && !bool(on) {
			continue
		}
		if s, ok := lookup(f.Severity, c.ID); ok {
			sev, _ := control.ParseSeverity(s)
			cp := *c
			cp.Severity = sev
			c = &cp
		}
		out = append(out, c)
	}
	return out
}

func lookup[V any](m map[string]V, id string) (V, bool) {
	for k, v := range m {
		if strings.EqualFold(k, id) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// positioned turns yaml.v3's "line N: msg" into "config FILE:N: msg".
func positioned(name, msg string) string {
	if m := lineErr.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("config %s:%s: %s", name, m[1], m[2])
	}
	return fmt.Sprintf("config %s: %s", name, msg)
}
