package tfeval

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// The plan generator writes, from the HCL evaluation of a root, the plan
// `terraform show -json` would write for it: each managed resource
// instance in planned_values (known values; unknown ones null) and
// resource_changes (after_unknown true where the evaluator has an
// unknown), and the configuration's expressions with their references,
// module calls with their inputs and outputs. Data sources are not
// written: a plan reads them into the values that use them (a policy
// document's json is in the role's assume_role_policy).

// genPlan evaluates the root folder f and returns its plan JSON, and the
// resources with a value HCL knows in part (a JSON document with an
// unknown leaf, a string with an unknown in it): wholly unknown in a
// plan, as jsonencode or a template of an unknown is.
func genPlan(f Folder) ([]byte, genInfo) {
	opt := Options{MaxFileSize: 20 << 20}
	var diags source.Diagnostics
	files := parseAll(f.Files, opt.reader(), &diags)
	root := evalRoot(f, files, opt, &diags, &conditions{})
	g := &planGen{r: &Reader{Diags: &diags}, partly: map[string]bool{}, ids: map[string]bool{}}
	for _, m := range root.modules() {
		for _, r := range m.order {
			if r.mode == "resource" {
				for _, in := range r.instances() {
					g.ids[in.addr] = true
				}
			}
		}
	}
	planned := g.module(root)
	plan := map[string]any{
		"format_version":    "1.2",
		"terraform_version": "1.9.8",
		"planned_values":    map[string]any{"root_module": planned},
		"resource_changes":  g.changes,
		"configuration":     map[string]any{"root_module": g.config(root)},
	}
	out, err := json.MarshalIndent(plan, "", " ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n'), genInfo{partly: g.partly, dynamic: g.dynamic}
}

// genInfo is what a plan loses of the HCL's evaluation.
type genInfo struct {
	partly  map[string]bool // resources with a value HCL knows in part
	dynamic bool            // references in dynamic blocks
	eachRef bool            // references through each.key or each.value
}

type planGen struct {
	r       *Reader
	changes []any
	partly  map[string]bool
	// ids are the resource addresses, which the evaluator gives as their
	// ids: a plan has them unknown (a resource not made yet has none),
	// and links them by the configuration's references.
	ids map[string]bool
	// dynamic is set when a dynamic block's expressions are left out.
	dynamic bool
}

// module returns a module instance's planned values, its children's in
// child_modules.
func (g *planGen) module(m *module) map[string]any {
	out := map[string]any{}
	if m.prefix != "" {
		out["address"] = strings.TrimSuffix(m.prefix, ".")
	}
	res := []any{}
	for _, r := range m.order {
		if r.mode != "resource" {
			continue
		}
		for _, in := range r.instances() {
			vals, unk := g.body(in, r.content(), nil, r.typ, true)
			pr := map[string]any{"address": in.addr, "mode": "managed", "type": r.typ, "name": r.name,
				"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": vals}
			if idx := strings.TrimPrefix(in.addr, m.prefix+r.key()); idx != "" {
				var k any
				_ = json.Unmarshal([]byte(strings.Trim(idx, "[]")), &k)
				pr["index"] = k
			}
			res = append(res, pr)
			if unk == nil {
				unk = map[string]any{}
			}
			g.changes = append(g.changes, map[string]any{"address": in.addr, "mode": "managed", "type": r.typ, "name": r.name,
				"change": map[string]any{"actions": []string{"create"}, "before": nil, "after": vals, "after_unknown": unk, "after_sensitive": map[string]any{}}})
		}
	}
	out["resources"] = res
	var kids []any
	for _, n := range slices.Sorted(maps.Keys(m.calls)) {
		for _, c := range m.calls[n].children {
			kids = append(kids, g.module(c))
		}
	}
	if len(kids) > 0 {
		out["child_modules"] = kids
	}
	return out
}

// meta are the arguments Terraform does not send to the provider.
var meta = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true, "lifecycle": true}

// body returns the values of a resource's (top) or a block's arguments
// and nested blocks, and what of them is unknown (nil: nothing).
func (g *planGen) body(in *Instance, c content, parent *Block, typ string, top bool) (map[string]any, map[string]any) {
	vals, unk := map[string]any{}, map[string]any{}
	for name := range c.all() {
		if meta[name] {
			continue
		}
		var v any
		var u any
		if isDocArg(typ, name) {
			v, u = g.document(in, parent, name)
		} else {
			x := g.r.sub(in, c, name)
			if top {
				x = g.r.arg(in, name)
			}
			v, u = g.planValue(x.V)
			if x.OK && !x.V.IsWhollyKnown() && PartialOf(x.V, "") != "" {
				g.partly[in.addr] = true // "s3://${aws_s3_bucket.b.bucket}/": unknown in a plan
			}
		}
		vals[name] = v
		if u != nil {
			unk[name] = u
		}
	}
	types := map[string]bool{}
	for _, b := range c.blocks {
		t := b.Type
		if t == "dynamic" && len(b.Labels) == 1 {
			t = b.Labels[0]
		}
		if t != "lifecycle" {
			types[t] = true
		}
	}
	for _, t := range slices.Sorted(maps.Keys(types)) {
		var p *Block
		if !top {
			p = parent
		}
		bs := in.Blocks(g.r, p, t)
		list, masks, any := []any{}, []any{}, false
		for _, b := range bs {
			if b.Why != "" {
				// Blocks a dynamic block builds from an unknown
				// for_each: the whole list is unknown.
				list, masks, any = nil, nil, false
				vals[t], unk[t] = nil, true
				break
			}
			bv, bu := g.body(in, b.c, &b, typ, false)
			list = append(list, bv)
			if bu != nil {
				masks, any = append(masks, bu), true
			} else {
				masks = append(masks, false)
			}
		}
		if list != nil {
			vals[t] = list
			if any {
				unk[t] = masks
			}
		}
	}
	if len(unk) == 0 {
		unk = nil
	}
	return vals, unk
}

// isDocArg reports whether an argument is a JSON document the adapter
// reads as a tree (attrs.document).
func isDocArg(typ, name string) bool {
	return name == "policy" || name == "assume_role_policy" || (typ == "aws_emr_security_configuration" && name == "configuration")
}

// document writes a JSON document as the provider gets it: a string, or
// unknown when any part of it is (jsonencode of an unknown is unknown).
func (g *planGen) document(in *Instance, b *Block, name string) (any, any) {
	n, ok := in.Document(g.r, b, name)
	if !ok || n == nil {
		return nil, nil
	}
	if n.Kind == tree.String {
		return n.Text, nil
	}
	v, ok := treeValue(n)
	if !ok {
		g.partly[in.addr] = true
		return nil, true
	}
	text, err := json.Marshal(v)
	if err != nil {
		return nil, true
	}
	return string(text), nil
}

// treeValue converts a document tree to JSON values; ok is false when a
// part is unknown.
func treeValue(n *tree.Node) (any, bool) {
	switch n.Kind {
	case tree.Null:
		return nil, true
	case tree.String:
		return n.Text, true
	case tree.Number:
		return json.Number(n.Text), true
	case tree.Bool:
		b, _ := n.Bool()
		return b, true
	case tree.Array:
		out := []any{}
		for _, it := range n.Items {
			v, ok := treeValue(it)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case tree.Object:
		out := map[string]any{}
		for _, f := range n.Fields {
			v, ok := treeValue(f.Val)
			if !ok {
				return nil, false
			}
			out[f.Key] = v
		}
		return out, true
	}
	return nil, false
}

// planValue converts an evaluated value: known parts as JSON, unknown
// ones null with true in the mask (nil when nothing is unknown).
func (g *planGen) planValue(v cty.Value) (any, any) {
	if v == cty.NilVal {
		return nil, nil
	}
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() {
		return nil, true
	}
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	switch {
	case t == cty.String && g.ids[v.AsString()]:
		return nil, true
	case t == cty.String:
		return v.AsString(), nil
	case t == cty.Number:
		return json.Number(numberText(v.AsBigFloat())), nil
	case t == cty.Bool:
		return v.True(), nil
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out, mask, any := []any{}, []any{}, false
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			x, u := g.planValue(e)
			out = append(out, x)
			if u != nil {
				mask, any = append(mask, u), true
			} else {
				mask = append(mask, false)
			}
		}
		if !any {
			return out, nil
		}
		return out, mask
	case t.IsMapType() || t.IsObjectType():
		out, mask := map[string]any{}, map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			x, u := g.planValue(e)
			out[k.AsString()] = x
			if u != nil {
				mask[k.AsString()] = u
			}
		}
		if len(mask) == 0 {
			return out, nil
		}
		return out, mask
	}
	return nil, true
}

// config returns a module's configuration: its resources' expressions,
// its calls (inputs, and the called module's configuration, its first
// instance's) and its outputs.
func (g *planGen) config(m *module) map[string]any {
	res := []any{}
	for _, r := range m.order {
		if r.mode != "resource" {
			continue
		}
		res = append(res, map[string]any{"address": r.key(), "mode": "managed", "type": r.typ, "name": r.name,
			"provider_config_key": "aws", "expressions": g.exprsOf(r.content())})
	}
	out := map[string]any{"resources": res}
	if len(m.calls) > 0 {
		calls := map[string]any{}
		for n, c := range m.calls {
			call := map[string]any{"source": c.source, "expressions": g.exprsOf(c.body)}
			if len(c.children) > 0 {
				call["module"] = g.config(c.children[0])
			}
			calls[n] = call
		}
		out["module_calls"] = calls
	}
	if len(m.outputs) > 0 {
		outs := map[string]any{}
		for n, a := range m.outputs {
			outs[n] = map[string]any{"expression": refsOf(a.Expr)}
		}
		out["outputs"] = outs
	}
	return out
}

// exprsOf returns the expressions of a body's arguments and nested
// blocks (lists of objects) with their references.
func (g *planGen) exprsOf(c content) map[string]any {
	out := map[string]any{}
	for name, a := range c.all() {
		if meta[name] || name == "source" || name == "version" || name == "providers" {
			continue
		}
		out[name] = refsOf(a.Expr)
	}
	for _, b := range c.blocks {
		if b.Type == "dynamic" {
			g.dynamic = true // Terraform writes no expressions for dynamic blocks
			continue
		}
		if b.Type == "lifecycle" {
			continue
		}
		bc, _ := contentOf(b.Body, nil)
		l, _ := out[b.Type].([]any)
		out[b.Type] = append(l, g.exprsOf(bc))
	}
	return out
}

// refsOf returns an expression as a plan's configuration writes it: its
// references, each traversal as written up to an attribute of what it
// names, then what it names (aws_x.y.id, aws_x.y).
func refsOf(x hcl.Expression) map[string]any {
	var refs []string
	for _, tr := range x.Variables() {
		for _, s := range refStrings(tr) {
			if !slices.Contains(refs, s) {
				refs = append(refs, s)
			}
		}
	}
	if len(refs) == 0 {
		return map[string]any{}
	}
	return map[string]any{"references": refs}
}

func refStrings(tr hcl.Traversal) []string {
	var parts []string
	indexed := map[int]bool{}
	for _, s := range tr {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, "."+s.Name)
		case hcl.TraverseIndex:
			k, ok := Scalar(s.Key)
			if !ok || !s.Key.IsKnown() {
				return refStringsOf(parts, indexed)
			}
			if s.Key.Type() == cty.String {
				kb, _ := json.Marshal(k)
				k = string(kb)
			}
			indexed[len(parts)] = true
			parts = append(parts, "["+k+"]")
		default:
			return refStringsOf(parts, indexed)
		}
	}
	return refStringsOf(parts, indexed)
}

// refStringsOf renders the references of a traversal's parts: the
// subject's length depends on the root (var.x; module.m; data.t.n; t.n),
// with its index when it has one.
func refStringsOf(parts []string, indexed map[int]bool) []string {
	if len(parts) == 0 {
		return nil
	}
	n := 2
	switch parts[0] {
	case "var", "local", "path", "terraform", "count", "each", "self":
		return []string{strings.Join(parts[:min(2, len(parts))], "")}
	case "data":
		n = 3
	}
	if len(parts) < n {
		return []string{strings.Join(parts, "")}
	}
	var out []string
	subject := n
	if indexed[n] {
		subject = n + 1
	}
	if len(parts) > subject {
		out = append(out, strings.Join(parts[:subject+1], ""))
	}
	out = append(out, strings.Join(parts[:subject], ""))
	if subject > n {
		out = append(out, strings.Join(parts[:n], ""))
	}
	return out
}
