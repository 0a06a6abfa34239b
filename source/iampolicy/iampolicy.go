// Package iampolicy decodes IAM policy documents (permission and trust
// policies) into model.PolicyDocument. Every source hands its documents
// here — a CloudFormation object, a Terraform jsonencode or heredoc, an
// IAM API reply (percent-encoded, see DecodeURLEncoded) — so controls read
// one typed shape.
package iampolicy

import (
	"fmt"
	"net/url"
	"sort"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// Decode reads a policy document from n: an object, a JSON string holding
// one, or an Unknown node. Values that cannot be read become Unknown fields
// and error diagnostics; nothing is guessed.
func Decode(n *tree.Node) (*model.PolicyDocument, source.Diagnostics) {
	var diags source.Diagnostics
	if n == nil {
		return &model.PolicyDocument{Unknown: "policy document is missing"}, diags
	}
	n = tree.Unhole(n)
	if n.Kind == tree.String {
		inner, err := tree.ParseEmbedded(n.Text, n.At)
		if err != nil {
			why := "policy document is not valid JSON: " + err.Error()
			diags.Errorf(n.At, "%s", why)
			return &model.PolicyDocument{At: n.At, Unknown: why}, diags
		}
		n = inner
	}
	switch n.Kind {
	case tree.Unknown:
		return &model.PolicyDocument{At: n.At, Unknown: n.Text}, diags
	case tree.Object:
	default:
		why := fmt.Sprintf("policy document is a %s, want an object", n.Kind)
		diags.Errorf(n.At, "%s", why)
		return &model.PolicyDocument{At: n.At, Unknown: why}, diags
	}
	doc := &model.PolicyDocument{At: n.At}
	st := n.Get("Statement")
	switch {
	case st == nil:
	case st.Kind == tree.Unknown:
		doc.Unknown = st.Text
	case st.Kind == tree.Object:
		doc.Statements = append(doc.Statements, statement(st, &diags))
	case st.Kind == tree.Array:
		for _, it := range st.Items {
			if it.Kind != tree.Object {
				why := fmt.Sprintf("a statement is a %s, want an object", it.Kind)
				if it.Kind == tree.Unknown {
					why = it.Text
				} else {
					diags.Errorf(it.At, "%s", why)
				}
				doc.Statements = append(doc.Statements, unknownStatement(why, it.At))
				continue
			}
			doc.Statements = append(doc.Statements, statement(it, &diags))
		}
	default:
		diags.Errorf(st.At, "Statement is a %s, want a list", st.Kind)
		doc.Unknown = "Statement is not a list"
	}
	return doc, diags
}

// DecodeURLEncoded decodes a document as the IAM API returns it:
// percent-encoded (RFC 3986) JSON. It is decoded exactly once.
func DecodeURLEncoded(s string, at model.Loc) (*model.PolicyDocument, source.Diagnostics) {
	plain, err := url.PathUnescape(s)
	if err != nil {
		var d source.Diagnostics
		why := "policy document is not percent-encoded JSON: " + err.Error()
		d.Errorf(at, "%s", why)
		return &model.PolicyDocument{At: at, Unknown: why}, d
	}
	return Decode(&tree.Node{Kind: tree.String, Text: plain, At: at})
}

func unknownStatement(why string, at model.Loc) model.Statement {
	u := model.Unresolved[[]string](why, at)
	return model.Statement{At: at, Effect: model.Unresolved[string](why, at), Actions: u, Resources: u}
}

func statement(n *tree.Node, diags *source.Diagnostics) model.Statement {
	s := model.Statement{At: n.At}
	s.Sid, _ = n.Get("Sid").Str()
	if e := n.Get("Effect"); e != nil {
		switch v, ok := e.Str(); {
		case e.Kind == tree.Unknown:
			s.Effect = model.Unresolved[string](e.Text, e.At)
		case ok:
			s.Effect = model.Known(v, e.At)
		default:
			diags.Errorf(e.At, "Effect is not a string")
			s.Effect = model.Unresolved[string]("Effect is not a string", e.At)
		}
	}
	s.Actions = strs(n.Get("Action"), "Action", diags)
	s.NotActions = strs(n.Get("NotAction"), "NotAction", diags)
	s.Resources = strs(n.Get("Resource"), "Resource", diags)
	s.NotResources = strs(n.Get("NotResource"), "NotResource", diags)
	if p := n.Get("Principal"); p != nil {
		s.Principals = map[string]model.Field[[]string]{}
		switch p.Kind {
		case tree.String, tree.Unknown:
			s.Principals["*"] = strs(p, "Principal", diags)
		case tree.Object:
			for _, m := range p.Fields {
				s.Principals[m.Key] = strs(m.Val, "Principal."+m.Key, diags)
			}
		default:
			diags.Errorf(p.At, "Principal is not a string or an object")
			s.Principals["*"] = model.Unresolved[[]string]("Principal is not a string or an object", p.At)
		}
	}
	if c := n.Get("Condition"); c != nil && c.Kind == tree.Object {
		for _, op := range c.Fields {
			if op.Val.Kind != tree.Object {
				why := fmt.Sprintf("condition %s is not an object", op.Key)
				if op.Val.Kind == tree.Unknown {
					why = op.Val.Text
				}
				s.Conditions = append(s.Conditions, model.Condition{At: op.Val.At, Operator: op.Key, KeyUnknown: why,
					Values: model.Unresolved[[]string](why, op.Val.At)})
				continue
			}
			for _, kv := range op.Val.Fields {
				c := model.Condition{At: kv.KeyAt, Operator: op.Key, Key: kv.Key, Values: strs(kv.Val, op.Key+" "+kv.Key, diags)}
				if why, ok := tree.KeyUnknown(kv.Key); ok {
					c.Key, c.KeyUnknown = "", why
				}
				if c.Values.IsUnknown() {
					c.Prefixes = prefixes(kv.Val)
				}
				s.Conditions = append(s.Conditions, c)
			}
		}
		sort.SliceStable(s.Conditions, func(i, j int) bool { return s.Conditions[i].At.Line < s.Conditions[j].At.Line })
	} else if c != nil && c.Kind == tree.Unknown {
		s.Conditions = append(s.Conditions, model.Condition{At: c.At, KeyUnknown: c.Text, Values: model.Unresolved[[]string](c.Text, c.At)})
	}
	return s
}

// prefixes returns the known starts of the strings of n known only in
// part (tree.Node.Part).
func prefixes(n *tree.Node) []string {
	var out []string
	items := []*tree.Node{n}
	if n.Kind == tree.Array {
		items = n.Items
	}
	for _, it := range items {
		if pre := it.KnownPrefix(); it.Kind == tree.Unknown && pre != "" {
			out = append(out, pre)
		}
	}
	return out
}

// strs reads a string or a list of strings; an Unknown node or item makes
// the field Unknown.
func strs(n *tree.Node, what string, diags *source.Diagnostics) model.Field[[]string] {
	if n == nil || n.Kind == tree.Null {
		return model.Field[[]string]{}
	}
	switch n.Kind {
	case tree.Unknown:
		return model.Unresolved[[]string](n.Text, n.At)
	case tree.String, tree.Number, tree.Bool:
		return model.Known([]string{n.Text}, n.At)
	case tree.Array:
		out := make([]string, 0, len(n.Items))
		for _, it := range n.Items {
			switch it.Kind {
			case tree.Unknown:
				return model.Unresolved[[]string](fmt.Sprintf("%s: %s", what, it.Text), it.At)
			case tree.String, tree.Number, tree.Bool:
				out = append(out, it.Text)
			default:
				why := fmt.Sprintf("%s holds a %s, want strings", what, it.Kind)
				diags.Errorf(it.At, "%s", why)
				return model.Unresolved[[]string](why, it.At)
			}
		}
		return model.Known(out, n.At)
	}
	why := fmt.Sprintf("%s is a %s, want a string or a list", what, n.Kind)
	diags.Errorf(n.At, "%s", why)
	return model.Unresolved[[]string](why, n.At)
}
