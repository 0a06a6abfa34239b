package cfn

import (
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// pseudoTag marks the Unknown value of a pseudo parameter: Tag is
// pseudoTag + its name, so a string built around it knows what the hole
// can hold.
const pseudoTag = "cfn:pseudo:"

// tokenPseudo are the pseudo parameters whose value is one word with no
// '/', ':' or space (an ARN, AWS::StackId, is not).
var tokenPseudo = map[string]bool{
	"AWS::AccountId": true, "AWS::Partition": true, "AWS::Region": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// appendHole appends the Unknown value v, written ${name} in a Fn::Sub
// (name "" elsewhere), to pb: the part of it that is known, or one hole.
func (t *template) appendHole(pb *model.PartialBuilder, v *tree.Node, name string) {
	if v.Part != "" {
		pb.Append(model.Partial(v.Part))
		return
	}
	pb.Hole(t.holeOf(v, name))
}

// holeOf describes the hole an Unknown value leaves in a string: what it
// stands for and whether it can only be a word (a pseudo parameter, the
// name or ID of a resource), which decides "non-empty" and where an ARN's
// or a URI's fields are.
func (t *template) holeOf(v *tree.Node, name string) model.Hole {
	h := model.Hole{Kind: model.HoleAny, Label: name, Why: v.Text}
	if p, ok := strings.CutPrefix(v.Tag, pseudoTag); ok {
		h.Label = p
		if tokenPseudo[p] {
			h.Kind = model.HoleToken
		}
		return h
	}
	if id, attr, ok := refTarget(v); ok {
		if h.Label == "" {
			h.Label = id
			if attr != "" {
				h.Label += "." + attr
			}
		}
		if r := t.resources[id]; r != nil && attr == "" && tokenRef(r.typ) {
			h.Kind = model.HoleToken
		}
	}
	return h
}

// tokenRef reports whether Ref of a resource of type typ returns a word:
// a name the template may set (nameProps), an EC2 ID, a KMS key ID.
// Ref of other types may return an ARN.
func tokenRef(typ string) bool {
	_, named := nameProps[typ]
	return named || strings.HasPrefix(typ, "AWS::EC2::") || typ == "AWS::KMS::Key"
}

// partialJoin joins the resolved items of a Fn::Join when some are
// Unknown: the string known in part, with the first unknown's reason.
func (t *template) partialJoin(items []*tree.Node, delim string, at model.Loc) *tree.Node {
	var pb model.PartialBuilder
	for i, it := range items {
		if i > 0 {
			pb.Lit(delim)
		}
		if it.Kind == tree.Unknown {
			t.appendHole(&pb, it, "")
			continue
		}
		s, ok := t.text(it)
		if !ok { // reported, as before, only when no item is unknown
			return t.unknown(at, "%s", pb.Why())
		}
		pb.Lit(s)
	}
	if !t.budget(pb.Len()) {
		return t.tooBig(at)
	}
	n := t.unknown(at, "%s", pb.Why())
	n.Part = string(pb.Partial())
	return n
}

// partialSplit splits a string known in part at a one-character
// delimiter that no hole can hold ('/' or ':', with word holes only):
// the list's length is then known, and its items are known or known in
// part. ok is false otherwise.
func (t *template) partialSplit(p model.Partial, delim string, at model.Loc) (*tree.Node, bool) {
	if delim != "/" && delim != ":" {
		return nil, false
	}
	for _, h := range p.Holes() {
		if h.Kind != model.HoleToken {
			return nil, false
		}
	}
	n := t.node(tree.Node{Kind: tree.Array, At: at})
	var cur model.PartialBuilder
	flush := func() {
		if cur.Holes() == 0 {
			n.Items = append(n.Items, t.node(tree.Node{Kind: tree.String, Text: string(cur.Partial()), At: at}))
		} else {
			u := t.unknown(at, "%s", cur.Why())
			u.Part = string(cur.Partial())
			n.Items = append(n.Items, u)
		}
		cur = model.PartialBuilder{}
	}
	p.Each(func(lit string) {
		for {
			i := strings.Index(lit, delim)
			if i < 0 {
				cur.Lit(lit)
				return
			}
			cur.Lit(lit[:i])
			flush()
			lit = lit[i+len(delim):]
		}
	}, cur.Hole)
	flush()
	return n, true
}
