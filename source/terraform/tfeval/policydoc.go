package tfeval

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// data "aws_iam_policy_document" is computed by the AWS provider from its
// arguments, without asking AWS: it is rendered here as the provider
// renders it (Version defaulting to 2012-10-17, Effect to Allow, blocks of
// principals grouped by type, conditions by test and variable, statements
// of source_policy_documents first and of override_policy_documents last,
// a statement with the Sid of an earlier one taking its place). The
// policy decoder reads the tree; its nodes sit where the arguments are
// written, so findings point at the statement's line, not at the
// attribute that refers to the data source.

// policyDocument returns the document a policy-document data source
// instance renders, made once per instance.
func (r *Reader) policyDocument(in *Instance) *tree.Node {
	if in.doc == nil {
		in.doc = r.renderPolicy(in)
	}
	return in.doc
}

func (r *Reader) renderPolicy(in *Instance) *tree.Node {
	c := in.res.content()
	doc := &tree.Node{Kind: tree.Object, At: in.res.at}
	version := &tree.Node{Kind: tree.String, Text: "2012-10-17", At: in.res.at}
	if x := r.sub(in, c, "version"); !x.Absent() {
		version = ctyTree(x.V, x.At, 0)
	}
	add(doc, "Version", version)
	if x := r.sub(in, c, "policy_id"); !x.Absent() {
		add(doc, "Id", ctyTree(x.V, x.At, 0))
	}
	stmts := &tree.Node{Kind: tree.Array, At: in.res.at}
	r.embedded(stmts, r.sub(in, c, "source_policy_documents"))
	for _, b := range r.blocks(in, c, "statement", "principals", "not_principals", "condition") {
		if b.Why != "" {
			stmts.Items = append(stmts.Items, tree.UnknownNode(b.Why, b.At))
			continue
		}
		bySid(stmts, r.statement(in, b))
	}
	r.embedded(stmts, r.sub(in, c, "override_policy_documents"))
	add(doc, "Statement", stmts)
	return doc
}

func add(obj *tree.Node, key string, val *tree.Node) {
	obj.Fields = append(obj.Fields, tree.Member{Key: key, KeyAt: val.At, Val: val})
}

// bySid adds statement st to stmts, in place of one with the same Sid.
func bySid(stmts *tree.Node, st *tree.Node) {
	if sid, ok := st.Get("Sid").Str(); ok && sid != "" {
		for i, x := range stmts.Items {
			if s, ok := x.Get("Sid").Str(); ok && s == sid {
				stmts.Items[i] = st
				return
			}
		}
	}
	stmts.Items = append(stmts.Items, st)
}

// embedded merges the statements of a list of JSON documents
// (source_policy_documents, override_policy_documents) into stmts.
func (r *Reader) embedded(stmts *tree.Node, x Value) {
	switch {
	case x.Absent():
		return
	case !x.V.IsWhollyKnown():
		stmts.Items = append(stmts.Items, tree.UnknownNode(x.Key+" is unknown: "+ReasonOf(x.V), x.At))
		return
	}
	v, _ := x.V.Unmark()
	if !v.CanIterateElements() {
		r.Diags.Errorf(x.At, "%s is a %s, want a list of JSON documents", x.Key, v.Type().FriendlyName())
		stmts.Items = append(stmts.Items, tree.UnknownNode(x.Key+" is not a list", x.At))
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		_, d := it.Element()
		s, ok := Scalar(d)
		if !ok || d.IsNull() {
			continue
		}
		n, err := tree.ParseEmbedded(s, x.At)
		if err != nil {
			r.Diags.Errorf(x.At, "%s holds a document that is not JSON: %s", x.Key, err)
			stmts.Items = append(stmts.Items, tree.UnknownNode(x.Key+" holds a document that is not JSON", x.At))
			continue
		}
		switch st := n.Get("Statement"); {
		case st == nil:
		case st.Kind == tree.Array:
			for _, s := range st.Items {
				bySid(stmts, s)
			}
		default:
			bySid(stmts, st)
		}
	}
}

// statementKeys are a statement block's list arguments, in the order the
// provider writes them.
var statementKeys = [...]struct{ arg, key string }{
	{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"},
}

func (r *Reader) statement(in *Instance, b Block) *tree.Node {
	st := &tree.Node{Kind: tree.Object, At: b.At}
	if x := r.sub(in, b.c, "sid"); !x.Absent() {
		add(st, "Sid", ctyTree(x.V, x.At, 0))
	}
	effect := &tree.Node{Kind: tree.String, Text: "Allow", At: b.At}
	if x := r.sub(in, b.c, "effect"); !x.Absent() {
		effect = ctyTree(x.V, x.At, 0)
	}
	add(st, "Effect", effect)
	for _, k := range statementKeys {
		if x := r.sub(in, b.c, k.arg); !x.Absent() {
			add(st, k.key, ctyTree(x.V, x.At, 0))
		}
	}
	for _, p := range [...]struct{ block, key string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		if n := r.principals(in, b.c, p.block); n != nil {
			add(st, p.key, n)
		}
	}
	if n := r.conditions(in, b.c); n != nil {
		add(st, "Condition", n)
	}
	return st
}

// principals groups a statement's principals blocks by type: {"AWS":
// [...], "Service": [...]}, or "*" for the one block of type and
// identifier "*"; nil without blocks.
func (r *Reader) principals(in *Instance, c content, block string) *tree.Node {
	bs := r.blocks(in, c, block)
	if len(bs) == 0 {
		return nil
	}
	out := &tree.Node{Kind: tree.Object, At: bs[0].At}
	for _, b := range bs {
		if b.Why != "" {
			return tree.UnknownNode(b.Why, b.At)
		}
		typ, ids := r.sub(in, b.c, "type"), r.sub(in, b.c, "identifiers")
		t, ok := Scalar(typ.V)
		switch {
		case typ.Absent():
			r.Diags.Errorf(b.At, "%s", block+" block has no type")
			return tree.UnknownNode(block+" has no type", b.At)
		case !typ.V.IsWhollyKnown():
			return tree.UnknownNode("the type of "+block+" is unknown: "+ReasonOf(typ.V), typ.At)
		case !ok:
			r.Diags.Errorf(typ.At, "%s", "the type of "+block+" must be a string")
			return tree.UnknownNode("the type of "+block+" is not a string", typ.At)
		}
		idn := ctyTree(ids.V, ids.At, 0)
		if ids.Absent() {
			idn = &tree.Node{Kind: tree.Array, At: b.At}
		}
		if t == "*" && len(bs) == 1 && idn.Kind == tree.Array && len(idn.Items) == 1 && idn.Items[0].Text == "*" {
			return &tree.Node{Kind: tree.String, Text: "*", At: idn.At}
		}
		addValues(out, t, typ.At, idn)
	}
	return out
}

// addValues adds the list vals under key in obj, after the values of a
// member of that key if there is one (blocks of one type or variable
// join), else as a member of its own. An unknown key never joins.
func addValues(obj *tree.Node, key string, at model.Loc, vals *tree.Node) {
	if _, unknown := tree.KeyUnknown(key); !unknown {
		for i := range obj.Fields {
			if f := &obj.Fields[i]; f.Key == key {
				f.Val = appendItems(f.Val, vals)
				return
			}
		}
	}
	obj.Fields = append(obj.Fields, tree.Member{Key: key, KeyAt: at, Val: vals})
}

// appendItems joins two lists of values; unknown if either is.
func appendItems(a, b *tree.Node) *tree.Node {
	switch {
	case a.Kind == tree.Unknown:
		return a
	case b.Kind == tree.Unknown:
		return b
	}
	out := &tree.Node{Kind: tree.Array, At: a.At}
	for _, n := range []*tree.Node{a, b} {
		if n.Kind == tree.Array {
			out.Items = append(out.Items, n.Items...)
		} else {
			out.Items = append(out.Items, n)
		}
	}
	return out
}

// conditions groups condition blocks as {"test": {"variable": [values]}};
// nil without blocks.
func (r *Reader) conditions(in *Instance, c content) *tree.Node {
	bs := r.blocks(in, c, "condition")
	if len(bs) == 0 {
		return nil
	}
	out := &tree.Node{Kind: tree.Object, At: bs[0].At}
	for _, b := range bs {
		if b.Why != "" {
			return tree.UnknownNode(b.Why, b.At)
		}
		test, variable := r.sub(in, b.c, "test"), r.sub(in, b.c, "variable")
		for _, x := range [...]Value{test, variable} {
			if x.Absent() {
				r.Diags.Errorf(b.At, "%s", "a condition block has no "+x.Key)
				return tree.UnknownNode("a condition has no "+x.Key, b.At)
			}
		}
		if !test.V.IsWhollyKnown() {
			return tree.UnknownNode("a condition's test is unknown: "+ReasonOf(test.V), test.At)
		}
		ts, ok1 := Scalar(test.V)
		// An unknown variable keeps the values: they may say whom the
		// condition is about (EMR's service accounts) all the same.
		vs, ok2 := tree.UnknownKey("the condition variable is unknown: "+ReasonOf(variable.V)), true
		if variable.V.IsWhollyKnown() {
			vs, ok2 = Scalar(variable.V)
		}
		if !ok1 || !ok2 {
			r.Diags.Errorf(b.At, "a condition's test and variable must be strings")
			return tree.UnknownNode("a condition's test or variable is not a string", b.At)
		}
		values := &tree.Node{Kind: tree.Array, At: b.At}
		if x := r.sub(in, b.c, "values"); !x.Absent() {
			values = ctyTree(x.V, x.At, 0)
		}
		byVar := out.Get(ts)
		if byVar == nil {
			byVar = &tree.Node{Kind: tree.Object, At: test.At}
			out.Fields = append(out.Fields, tree.Member{Key: ts, KeyAt: test.At, Val: byVar})
		}
		addValues(byVar, vs, variable.At, values)
	}
	return out
}

// policyData returns the instance of data "aws_iam_policy_document" a
// reference to its json (or minified_json) names, when it names one
// without an index or with a literal one.
func (m *module) policyData(tr hcl.Traversal) (*Instance, bool) {
	if tr.RootName() != "data" || len(tr) < 4 {
		return nil, false
	}
	if t, _ := attrStep(tr, 1); t != "aws_iam_policy_document" {
		return nil, false
	}
	name, _ := attrStep(tr, 2)
	res := m.resources["data.aws_iam_policy_document."+name]
	if res == nil {
		return nil, false
	}
	rest := tr[3:]
	var key cty.Value
	if ix, ok := rest[0].(hcl.TraverseIndex); ok {
		key, rest = ix.Key, rest[1:]
	}
	if len(rest) != 1 {
		return nil, false
	}
	if a, ok := rest[0].(hcl.TraverseAttr); !ok || a.Name != "json" && a.Name != "minified_json" {
		return nil, false
	}
	for _, in := range res.instances() {
		switch {
		case key == cty.NilVal && in.key == cty.NilVal:
			return in, true
		case key != cty.NilVal && in.key != cty.NilVal && in.key.IsKnown() && key.Type() == in.key.Type() && key.Equals(in.key).True():
			return in, true
		}
	}
	return nil, false
}

// policyJSON is the json attribute of a policy-document instance: the
// rendered document, or unknown with the reasons of its unknown parts.
func (m *module) policyJSON(in *Instance) cty.Value {
	doc := (&Reader{Diags: m.ld.diags}).policyDocument(in)
	var b strings.Builder
	if why := writeJSON(&b, doc); why != "" {
		return unknown(fmt.Sprintf("%s.json is unknown: %s", in.addr, why), "")
	}
	return cty.StringVal(b.String())
}

// writeJSON writes n as JSON, or returns why it cannot: a part is unknown.
func writeJSON(b *strings.Builder, n *tree.Node) string {
	switch n.Kind {
	case tree.Unknown:
		return n.Text
	case tree.Object:
		b.WriteByte('{')
		for i, f := range n.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(f.Key)
			b.Write(k)
			b.WriteByte(':')
			if why := writeJSON(b, f.Val); why != "" {
				return why
			}
		}
		b.WriteByte('}')
	case tree.Array:
		b.WriteByte('[')
		for i, it := range n.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			if why := writeJSON(b, it); why != "" {
				return why
			}
		}
		b.WriteByte(']')
	case tree.String:
		s, _ := json.Marshal(n.Text)
		b.Write(s)
	case tree.Null:
		b.WriteString("null")
	default: // numbers and booleans keep their text
		b.WriteString(n.Text)
	}
	return ""
}
