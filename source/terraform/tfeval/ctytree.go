package tfeval

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// MaxDocDepth bounds how deep a document is followed through locals and
// nested objects.
const MaxDocDepth = 64

// document reads a JSON-document argument (a security configuration, a
// policy) as a tree the shared decoders read: jsonencode({...}) is walked
// as written, so each key keeps its line and an unknown leaf (a KMS key
// ARN known after apply) stays one unknown field; a string (heredoc,
// file(), templatefile(), templates) is handed over as a string, placed
// where its text starts: a file's first line for file() and
// templatefile().
func (r *Reader) document(in *Instance, a *hcl.Attribute) *tree.Node {
	if a == nil {
		return nil
	}
	m := in.res.m
	return r.exprTree(m, in, a.Expr, loc(a.Range), 0)
}

func (r *Reader) exprTree(m *module, in *Instance, expr hcl.Expression, at model.Loc, depth int) *tree.Node {
	if depth > MaxDocDepth {
		return tree.UnknownNode("the document nests too deep", at)
	}
	expr = unwrap(expr)
	switch e := expr.(type) {
	case *hclsyntax.FunctionCallExpr:
		if e.Name == "jsonencode" && len(e.Args) == 1 && !e.ExpandFinal {
			return r.exprTree(m, in, e.Args[0], at, depth+1)
		}
		if f := m.docFile(e, in); f != "" {
			// The document is the file's text (rendered, for a template,
			// or with placeholders replaced), and starts on the file's
			// first line.
			return m.templatePart(e, in, strNode(m.eval(expr, in), model.Loc{File: f, Line: 1}))
		}
		if e.Name == "templatestring" && len(e.Args) == 2 {
			return m.templatePart(e, in, strNode(m.eval(expr, in), m.stringTemplateAt(e, at)))
		}
		if isFileCall(e) {
			return m.templatePart(e, in, strNode(m.eval(expr, in), at))
		}
	case *hclsyntax.ObjectConsExpr:
		n := &tree.Node{Kind: tree.Object, At: loc(e.Range())}
		if len(e.Items) > 0 {
			n.Fields = make([]tree.Member, 0, len(e.Items))
		}
		for _, it := range e.Items {
			k := m.eval(it.KeyExpr, in)
			if !k.IsWhollyKnown() {
				// Asked first: scalar reads the value, which an unknown
				// string key ("${var.oidc_provider}:sub") has not.
				return tree.UnknownNode("an object key is unknown: "+ReasonOf(k), loc(it.KeyExpr.Range()))
			}
			ks, ok := Scalar(k)
			if !ok {
				return tree.UnknownNode("an object key is not a string: "+k.Type().FriendlyName(), loc(it.KeyExpr.Range()))
			}
			n.Fields = append(n.Fields, tree.Member{Key: ks, KeyAt: loc(it.KeyExpr.Range()), Val: r.exprTree(m, in, it.ValueExpr, loc(it.ValueExpr.Range()), depth+1)})
		}
		return n
	case *hclsyntax.TupleConsExpr:
		n := &tree.Node{Kind: tree.Array, At: loc(e.Range())}
		if len(e.Exprs) > 0 {
			n.Items = make([]*tree.Node, 0, len(e.Exprs))
		}
		for _, it := range e.Exprs {
			n.Items = append(n.Items, r.exprTree(m, in, it, loc(it.Range()), depth+1))
		}
		return n
	case *hclsyntax.ScopeTraversalExpr:
		if pd, ok := m.policyData(e.Traversal); ok {
			return r.policyDocument(pd)
		}
		if len(e.Traversal) == 2 && e.Traversal.RootName() == "local" {
			if n, ok := attrStep(e.Traversal, 1); ok && m.locals[n] != nil && !m.visiting["doc."+n] {
				m.visiting["doc."+n] = true
				defer delete(m.visiting, "doc."+n)
				a := m.locals[n]
				return r.exprTree(m, nil, a.Expr, loc(a.Range), depth+1)
			}
		}
	case *hclsyntax.TemplateExpr:
		v := m.eval(expr, in)
		n := strNode(v, textAt(e))
		if n.Kind == tree.Unknown {
			// A document with holes: every part but the unknown ones is
			// read (secconf and iampolicy parse it with tree.ParseHoled).
			if p, ok := templatePartial(e.Parts, func(x hcl.Expression) cty.Value { return m.eval(x, in) }); ok {
				n.Part = string(p)
			}
		}
		return n
	}
	return ctyTree(m.eval(expr, in), loc(expr.Range()), depth)
}

func strNode(v cty.Value, at model.Loc) *tree.Node {
	if !v.IsWhollyKnown() {
		return unknownNode(v, at)
	}
	if s, ok := Scalar(v); ok {
		return &tree.Node{Kind: tree.String, Text: s, At: at}
	}
	return ctyTree(v, at, 0)
}

// ctyTree converts an evaluated value; every node sits at at.
func ctyTree(v cty.Value, at model.Loc, depth int) *tree.Node {
	if depth > MaxDocDepth {
		return tree.UnknownNode("the document nests too deep", at)
	}
	if !v.IsKnown() {
		return unknownNode(v, at)
	}
	v, _ = v.Unmark()
	if v.IsNull() {
		return &tree.Node{Kind: tree.Null, At: at}
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return &tree.Node{Kind: tree.String, Text: v.AsString(), At: at}
	case t == cty.Number:
		s, _ := Scalar(v)
		return &tree.Node{Kind: tree.Number, Text: s, At: at}
	case t == cty.Bool:
		s, _ := Scalar(v)
		return &tree.Node{Kind: tree.Bool, Text: s, At: at}
	case t.IsObjectType() || t.IsMapType():
		n := &tree.Node{Kind: tree.Object, At: at}
		var keys []string
		m := map[string]cty.Value{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			ks, _ := Scalar(k)
			keys = append(keys, ks)
			m[ks] = e
		}
		sort.Strings(keys)
		for _, k := range keys {
			n.Fields = append(n.Fields, tree.Member{Key: k, KeyAt: at, Val: ctyTree(m[k], at, depth+1)})
		}
		return n
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		n := &tree.Node{Kind: tree.Array, At: at}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			n.Items = append(n.Items, ctyTree(e, at, depth+1))
		}
		return n
	}
	return tree.UnknownNode("a value of type "+t.FriendlyName()+" is not JSON", at)
}

// unknownNode is the node of a value known only at apply, with the
// reason, and the known start of a string a template builds from it
// (hcl refines the template's value with it).
func unknownNode(v cty.Value, at model.Loc) *tree.Node {
	n := tree.UnknownNode(ReasonOf(v), at)
	if u, _ := v.Unmark(); !u.IsKnown() && u.Type() == cty.String {
		n.Part = string(prefixed(u.Range().StringPrefix(), n.Text))
	}
	return n
}

// textAt is where the text of a template starts: a heredoc's on the line
// after its opening.
func textAt(e *hclsyntax.TemplateExpr) model.Loc {
	at := loc(e.Range())
	if len(e.Parts) > 0 && e.Parts[0].Range().Start.Line > e.Range().Start.Line {
		at = model.Loc{File: at.File, Line: e.Parts[0].Range().Start.Line}
	}
	return at
}

// stringTemplateAt is where the template of templatestring(local.x, …)
// is written, the local's string or heredoc, so that a statement's line
// is its own; at, the call's, for a template from elsewhere.
func (m *module) stringTemplateAt(e *hclsyntax.FunctionCallExpr, at model.Loc) model.Loc {
	t, ok := unwrap(e.Args[0]).(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(t.Traversal) != 2 || t.Traversal.RootName() != "local" {
		return at
	}
	if n, ok := attrStep(t.Traversal, 1); ok && m.locals[n] != nil {
		if x, ok := unwrap(m.locals[n].Expr).(*hclsyntax.TemplateExpr); ok {
			return textAt(x)
		}
	}
	return at
}

// templatePart gives an unknown templatefile() or templatestring()
// document the parts of its text that are known (a document with holes).
func (m *module) templatePart(e *hclsyntax.FunctionCallExpr, in *Instance, n *tree.Node) *tree.Node {
	if n.Kind != tree.Unknown || len(e.Args) != 2 {
		return n
	}
	var p model.Partial
	var ok bool
	switch e.Name {
	case "templatefile":
		p, ok = m.templatefilePartial(e, in)
	case "templatestring":
		p, ok = m.templatestringPartial(e, in)
	}
	if ok {
		n.Part = string(p)
	}
	return n
}

func isFileCall(e *hclsyntax.FunctionCallExpr) bool {
	return e.Name == "file" && len(e.Args) == 1 || e.Name == "templatefile" && len(e.Args) == 2
}

// docFile returns the file whose text a document expression is: the
// file of file() or templatefile(), also under string functions that
// keep its lines (replace(file("trust.json"), "$${ACCOUNT}", …), as
// modules fill placeholders), so that a statement's line is the file's.
// "" when the path is not plain or lies outside the scanned folders.
func (m *module) docFile(e *hclsyntax.FunctionCallExpr, in *Instance) string {
	for depth := 0; depth < MaxDocDepth; depth++ {
		if isFileCall(e) {
			if p := m.eval(e.Args[0], in); plainString(p) {
				if f := filePath(m.ld.rootDir, p.AsString()); m.ld.sandbox.inside(f) {
					return f
				}
			}
			return ""
		}
		if !linePreserving[e.Name] || len(e.Args) == 0 {
			return ""
		}
		inner, ok := unwrap(e.Args[0]).(*hclsyntax.FunctionCallExpr)
		if !ok {
			return ""
		}
		e = inner
	}
	return ""
}

// linePreserving are the string functions whose result keeps the lines
// of their first argument where a document's statements sit (not
// trimspace, which drops leading blank lines).
var linePreserving = map[string]bool{"replace": true, "chomp": true, "trimsuffix": true}
