package terraform

import (
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
	"github.com/emrguard/emrguard/source/tree"
)

// PlanLoaderName names the plan source in messages.
const PlanLoaderName = "terraform plan"

// DetectPlan reports whether a JSON document is `terraform show -json`
// output: format_version with planned_values or terraform_version.
func DetectPlan(root *tree.Node) bool {
	if root == nil || root.Kind != tree.Object || root.Get("format_version") == nil {
		return false
	}
	return root.Get("planned_values") != nil || root.Get("terraform_version") != nil
}

// plan reads one plan document.
type plan struct {
	file    string
	ev      *model.Evidence
	diags   source.Diagnostics
	unknown map[string]*tree.Node // address → after_unknown
	secret  map[string]*tree.Node // address → after_sensitive
	refs    map[string]*tree.Node // address → configuration expressions
	mods    map[string]*tree.Node // module path (module.a.module.b., "" the root) → its configuration
	res     []*planRes            // the resources read, in the plan's order
}

// LoadPlan reads the resources of a plan's planned values. Values known
// only after apply (after_unknown) are Unknown fields with the reason; a
// cluster whose security configuration or groups are unknown is linked to
// the resources its configuration expressions reference.
func LoadPlan(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	p := &plan{file: file, ev: &model.Evidence{}, unknown: map[string]*tree.Node{}, secret: map[string]*tree.Node{}, refs: map[string]*tree.Node{}, mods: map[string]*tree.Node{}}
	defer func() {
		if r := recover(); r != nil {
			p.diags.Errorf(model.Loc{File: file}, "plan could not be read: internal error: %v", r)
		}
	}()
	if fv, ok := root.Get("format_version").Str(); !ok || !strings.HasPrefix(fv, "1.") {
		p.diags.Errorf(root.Get("format_version").At, "plan format_version %q is not 1.x; not read", root.Get("format_version").Text)
		return p.ev, p.diags
	}
	for _, rc := range items(root.Get("resource_changes")) {
		if a, ok := rc.Get("address").Str(); ok {
			p.unknown[a] = rc.Get("change").Get("after_unknown")
			p.secret[a] = rc.Get("change").Get("after_sensitive")
		}
	}
	p.config(root.Get("configuration").Get("root_module"), "", 0)
	p.module(root.Get("planned_values").Get("root_module"), 0)
	r := &rd{Reader: &tfeval.Reader{Diags: &p.diags}, ev: p.ev}
	for _, link := range []bool{false, true} {
		for _, res := range p.res {
			if k, fn := stepOf(res.typ); k != tfeval.SkipStep && (k >= tfeval.LinkStep) == link {
				r.safely(res, fn)
			}
		}
	}
	return p.ev, p.diags
}

// config indexes the expressions of configured resources by address
// (without instance keys), through module calls.
func (p *plan) config(m *tree.Node, prefix string, depth int) {
	if m == nil || depth > tfeval.MaxModuleDepth {
		return
	}
	p.mods[prefix] = m
	for _, r := range items(m.Get("resources")) {
		if a, ok := r.Get("address").Str(); ok {
			p.refs[prefix+a] = r.Get("expressions")
		}
	}
	if calls := m.Get("module_calls"); calls != nil {
		for _, f := range calls.Fields {
			p.config(f.Val.Get("module"), prefix+"module."+f.Key+".", depth+1)
		}
	}
}

// module collects the managed resources of a module of the planned
// values and of its child modules, in the plan's order.
func (p *plan) module(m *tree.Node, depth int) {
	if m == nil || depth > tfeval.MaxModuleDepth {
		return
	}
	for _, r := range items(m.Get("resources")) {
		if mode, _ := r.Get("mode").Str(); mode != "managed" {
			continue
		}
		typ, _ := r.Get("type").Str()
		addr, _ := r.Get("address").Str()
		if k, _ := stepOf(typ); k == tfeval.SkipStep {
			continue
		}
		if v := r.Get("values"); v == nil || v.Kind != tree.Object {
			// Read as absent, every argument would be "not set": verdicts
			// on data the plan does not hold.
			p.diags.Errorf(r.At, "plan resource %s has no values object; not read", addr)
			continue
		}
		// Sensitive values are in the plan in clear; after_sensitive,
		// shaped as after_unknown, marks them, and they are read as
		// unknown so that no report quotes them.
		vals := p.withUnknown(r.Get("values"), p.unknown[addr], addr, "is known only after apply")
		vals = p.withUnknown(vals, p.secret[addr], addr, "is "+source.Sensitive)
		p.res = append(p.res, &planRes{p: p, addr: addr, typ: typ, at: r.At, vals: vals, exprs: p.refs[configAddr(addr)], prefix: modulePath(addr, typ)})
	}
	for _, c := range items(m.Get("child_modules")) {
		p.module(c, depth+1)
	}
}

// configAddr drops instance keys: module.m["a"].aws_x.y[0] → module.m.aws_x.y.
func configAddr(addr string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(addr); i++ {
		switch c := addr[i]; {
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// withUnknown replaces, in planned values, what after_unknown (or
// after_sensitive) marks true by unknown nodes naming the attribute and
// saying why.
func (p *plan) withUnknown(vals, unk *tree.Node, path, why string) *tree.Node {
	if unk == nil || !anyTrue(unk) {
		return vals // nothing marked: the values as they are
	}
	if b, ok := unk.Bool(); ok && b && unk.Kind == tree.Bool {
		at := unk.At
		if vals != nil {
			at = vals.At
		}
		return tree.UnknownNode(path+" "+why, at)
	}
	switch {
	case unk.Kind == tree.Object && (vals == nil || vals.Kind == tree.Object || vals.Kind == tree.Null):
		out := &tree.Node{Kind: tree.Object, At: unk.At}
		if vals != nil && vals.Kind == tree.Object {
			out.At = vals.At
			out.Fields = append(out.Fields, vals.Fields...)
		}
		for _, f := range unk.Fields {
			v := out.Get(f.Key)
			nv := p.withUnknown(v, f.Val, path+"."+f.Key, why)
			if nv == v {
				continue
			}
			replaced := false
			for i := range out.Fields {
				if out.Fields[i].Key == f.Key {
					out.Fields[i].Val, replaced = nv, true
				}
			}
			if !replaced {
				out.Fields = append(out.Fields, tree.Member{Key: f.Key, KeyAt: f.KeyAt, Val: nv})
			}
		}
		return out
	case unk.Kind == tree.Array && vals != nil && vals.Kind == tree.Array:
		out := &tree.Node{Kind: tree.Array, At: vals.At, Items: append([]*tree.Node{}, vals.Items...)}
		for i, u := range unk.Items {
			if i < len(out.Items) {
				out.Items[i] = p.withUnknown(out.Items[i], u, fmt.Sprintf("%s[%d]", path, i), why)
			}
		}
		return out
	}
	return vals
}

// anyTrue reports whether a mark tree (after_unknown, after_sensitive)
// marks anything.
func anyTrue(n *tree.Node) bool {
	switch n.Kind {
	case tree.Bool:
		b, _ := n.Bool()
		return b
	case tree.Object:
		for _, f := range n.Fields {
			if anyTrue(f.Val) {
				return true
			}
		}
	case tree.Array:
		for _, it := range n.Items {
			if anyTrue(it) {
				return true
			}
		}
	}
	return false
}

// items returns an array's items; nil for anything else.
func items(n *tree.Node) []*tree.Node {
	if n == nil || n.Kind != tree.Array {
		return nil
	}
	return n.Items
}
