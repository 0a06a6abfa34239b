package cfn

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// LoaderName is the name of the loader in scan's table.
const LoaderName = "CloudFormation template"

// Detect reports whether a document is a CloudFormation template: it has
// AWSTemplateFormatVersion, or a Resources object holding at least one
// resource whose Type names an AWS (or Custom::) resource type.
func Detect(root *tree.Node) bool {
	if root == nil || root.Kind != tree.Object {
		return false
	}
	if root.Get("AWSTemplateFormatVersion") != nil {
		return true
	}
	res := root.Get("Resources")
	if res == nil || res.Kind != tree.Object {
		return false
	}
	for _, m := range res.Fields {
		if t, ok := m.Val.Get("Type").Str(); ok && (strings.HasPrefix(t, "AWS::") || strings.HasPrefix(t, "Custom::")) {
			return true
		}
	}
	return false
}

// Load reads every template document of a file with parameter defaults
// only; Read takes parameter values and pseudo parameters.
func Load(file string, docs []*tree.Node) (*model.Evidence, source.Diagnostics) {
	return Read(file, docs, Params{}, nil)
}

// Read loads the templates among docs with parameters from p. The trees
// it builds (resolved intrinsics) come from alloc when it is not nil: the
// arena the documents were parsed in, whose next Reset they do not
// outlive, since the evidence keeps no node.
func Read(file string, docs []*tree.Node, p Params, alloc *tree.Alloc) (*model.Evidence, source.Diagnostics) {
	ev := &model.Evidence{}
	var diags source.Diagnostics
	for i, d := range docs {
		if !Detect(d) {
			continue
		}
		scope := file
		if i > 0 {
			scope = fmt.Sprintf("%s#%d", file, i) // a later document of the file
		}
		read := func(world map[string]bool) *template {
			t := newTemplate(file, d, p)
			t.alloc, t.scope, t.world = alloc, scope, world
			return t
		}
		t := read(nil)
		base := t.read()
		diags = append(diags, t.diags...)
		ev.Merge(worlds(base, t.atoms, read))
	}
	return ev, diags
}

// maxConditions bounds the unknown conditions a template is read again
// for, once per combination of their values (a world): at most
// 2^maxConditions = 8 more readings, as a Terraform root's counts
// (source/terraform).
const maxConditions = 3

// worlds is a template's first reading, base, with the template read
// again under each combination of atoms, the unknown conditions (a
// resource's Condition, an Fn::If) its first reading met; the control
// engine keeps a verdict they all agree on. Over the bound, none: the
// engine says why. The input errors are the first reading's.
func worlds(base *model.Evidence, atoms []string, read func(map[string]bool) *template) *model.Evidence {
	n := len(atoms)
	if n == 0 {
		return base
	}
	names := make([]string, n)
	for i, a := range atoms {
		names[i] = "condition " + a
	}
	alt := &model.Alternatives{Unknowns: names, Base: base, Bound: maxConditions}
	if n <= maxConditions {
		for _, vals := range model.Combinations(n) {
			w := map[string]bool{}
			for i, a := range atoms {
				w[a] = vals[i]
			}
			alt.Worlds = append(alt.Worlds, model.World{Values: vals, Evidence: read(w).read()})
		}
	}
	out := &model.Evidence{Alternatives: []*model.Alternatives{alt}}
	out.Merge(base)
	return out
}

// resource is one entry of Resources.
type resource struct {
	id    string
	typ   string
	node  *tree.Node // the resource object
	props *tree.Node // Properties as written (nil when absent)
	at    model.Loc  // the logical ID's line

	// nameState memoizes the resolution of the resource's Ref value.
	nameBusy bool
	name     *tree.Node
}

// template is one template being resolved and read.
type template struct {
	file       string
	scope      string // names the template among IAM facts' scopes (model.Link)
	root       *tree.Node
	params     map[string]*tree.Node // Parameters entries
	given      Params
	mappings   *tree.Node
	conditions *tree.Node
	resources  map[string]*resource
	order      []*resource // document order

	conds    map[string]cond
	condBusy map[string]bool
	// world gives the unknown conditions a value when the template is
	// read once per way they can go (worlds); nil in the first reading,
	// which notes them in atoms.
	world map[string]bool
	atoms []string
	steps int
	bytes int // text built by Fn::Sub, Fn::Join, Fn::Base64 (maxBytes)
	// exhausted is set once a budget is spent: everything after resolves
	// to Unknown at once, and the error is reported once.
	exhausted bool
	// placeholders are the resource types whose unknown Ref value resolves
	// to "${LogicalID}" while set (LogUri: the log bucket).
	placeholders map[string]bool
	diags        source.Diagnostics
	reported     map[string]bool // diagnostics already given, by message and place
	alloc        *tree.Alloc     // where resolved trees go (nil: the heap)
}

func newTemplate(file string, root *tree.Node, p Params) *template {
	t := &template{
		file: file, root: root, given: p, params: map[string]*tree.Node{}, resources: map[string]*resource{},
		conds: map[string]cond{}, condBusy: map[string]bool{}, reported: map[string]bool{},
	}
	if ps := root.Get("Parameters"); ps != nil {
		if ps.Kind != tree.Object {
			t.errorf(ps.At, "Parameters is a %s, want an object", ps.Kind)
		} else {
			for _, m := range ps.Fields {
				t.params[m.Key] = m.Val
			}
		}
	}
	t.mappings = root.Get("Mappings")
	t.conditions = root.Get("Conditions")
	res := root.Get("Resources")
	switch {
	case res == nil:
	case res.Kind != tree.Object:
		t.errorf(res.At, "Resources is a %s, want an object", res.Kind)
	default:
		for _, m := range res.Fields {
			if m.Val.Kind != tree.Object {
				t.errorf(m.Val.At, "resource %s is a %s, want an object", m.Key, m.Val.Kind)
				continue
			}
			typ, _ := m.Val.Get("Type").Str()
			r := &resource{id: m.Key, typ: typ, node: m.Val, props: m.Val.Get("Properties"), at: m.KeyAt}
			if r.props != nil && r.props.Kind != tree.Object && r.props.Kind != tree.Unknown {
				t.errorf(r.props.At, "Properties of %s is a %s, want an object", m.Key, r.props.Kind)
				r.props = nil
			}
			t.resources[m.Key] = r
			t.order = append(t.order, r)
		}
	}
	return t
}

func (t *template) errorf(at model.Loc, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%d:%d:%s", at.Line, at.Col, msg)
	if t.reported[key] {
		return
	}
	t.reported[key] = true
	t.diags.Errorf(at, "%s", msg)
}

func (t *template) warnf(at model.Loc, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("w%d:%d:%s", at.Line, at.Col, msg)
	if t.reported[key] {
		return
	}
	t.reported[key] = true
	t.diags.Warnf(at, "%s", msg)
}
