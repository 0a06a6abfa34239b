package tree

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/model"
)

// Each hole of a document stands in its text as mark, its number, mark:
// two private-use characters no document writes (a document that does
// is not read with holes).
const mark = "\uE000"

// ParseHoled parses a JSON document known in part (a template rendered
// with values known only at deploy time: a Terraform heredoc with
// "${aws_kms_key.emr.arn}", a CloudFormation Fn::Sub or Fn::Join of JSON
// text), placed at at as ParseEmbedded does. Each hole stands as a
// placeholder of its position: inside quotes it leaves that string
// Unknown and known in part (Part), or an object key unknown; outside
// quotes it is one whole value, Unknown with the hole's reason. Every
// other value is read as written. The error, when the text cannot be
// read whatever the holes hold, says so.
func ParseHoled(p model.Partial, at model.Loc) (*Node, error) {
	var b strings.Builder
	var holes []model.Hole
	inString, escaped, bad := false, false, ""
	p.Each(func(lit string) {
		if strings.Contains(lit, mark) {
			bad = "the document's text holds the character U+E000"
		}
		b.WriteString(lit)
		for i := 0; i < len(lit); i++ {
			switch c := lit[i]; {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case c == '"':
				inString = !inString
			}
		}
	}, func(h model.Hole) {
		if escaped {
			bad = "a hole follows a backslash"
		}
		ph := mark + strconv.Itoa(len(holes)) + mark
		if !inString {
			ph = `"` + ph + `"`
			h.Kind = 0 // a whole value
		}
		b.WriteString(ph)
		holes = append(holes, h)
	})
	if bad != "" {
		return nil, fmt.Errorf("the document cannot be read with its holes: %s", bad)
	}
	n, err := ParseJSON(at.File, []byte(b.String()))
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*ParseError); ok {
			msg = fmt.Sprintf("line %d, column %d: %s", pe.At.Line, pe.At.Col, strings.TrimPrefix(pe.Msg, "invalid JSON: "))
		}
		return nil, fmt.Errorf("the document cannot be read whatever its unknown parts hold (%s)", msg)
	}
	fill(n, holes)
	shift(n, at)
	return n, nil
}

// fill turns the placeholders of holes back into unknowns.
func fill(n *Node, holes []model.Hole) {
	switch n.Kind {
	case String:
		if !strings.Contains(n.Text, mark) {
			return
		}
		p, why, whole := unmark(n.Text, holes)
		n.Kind, n.Text = Unknown, why
		if !whole {
			n.Part = string(p)
		}
	case Object:
		for i := range n.Fields {
			m := &n.Fields[i]
			if strings.Contains(m.Key, mark) {
				_, why, _ := unmark(m.Key, holes)
				m.Key = UnknownKey(why)
			}
			fill(m.Val, holes)
		}
	case Array:
		for _, it := range n.Items {
			fill(it, holes)
		}
	}
}

// unmark rebuilds the Partial a string with placeholders stands for,
// the first hole's reason, and whether the string is one whole-value
// hole.
func unmark(s string, holes []model.Hole) (p model.Partial, why string, whole bool) {
	var b model.PartialBuilder
	parts := strings.Split(s, mark)
	// parts alternate: text, hole number, text, …
	for i, part := range parts {
		if i%2 == 0 {
			b.Lit(part)
			continue
		}
		k, err := strconv.Atoi(part)
		if err != nil || k >= len(holes) {
			b.Hole(model.Hole{Kind: model.HoleAny, Why: "the document is known only in part"})
			continue
		}
		h := holes[k]
		if h.Kind == 0 {
			whole = len(parts) == 3 && parts[0] == "" && parts[2] == ""
			h.Kind = model.HoleAny
		}
		b.Hole(h)
	}
	why = b.Why()
	if why == "" {
		why = "the value is known only in part"
	}
	return b.Partial(), why, whole
}

// UnknownString returns the field of an Unknown string node, read at at:
// known in part when the node is (Part), else wholly unknown with why.
func UnknownString(n *Node, at model.Loc) model.Field[string] {
	if n.Part != "" {
		return model.PartlyKnown(model.Partial(n.Part), n.Text, at)
	}
	return model.Unresolved[string](n.Text, at)
}

// Unhole returns the document a JSON string known in part holds, parsed
// with its holes (ParseHoled), for the decoders of documents; n itself
// when it is not such a string. A text that cannot be read with its
// holes gives an Unknown node saying so, not an input error: what the
// holes hold is not known.
func Unhole(n *Node) *Node {
	if n == nil || n.Kind != Unknown || n.Part == "" || !startsLikeJSON(n.Part) {
		return n
	}
	doc, err := ParseHoled(model.Partial(n.Part), n.At)
	if err != nil {
		return UnknownNode(err.Error()+"; unknown: "+n.Text, n.At)
	}
	return doc
}

// startsLikeJSON reports whether a string known in part begins (after
// space) with '{' or '[': other strings (an ARN known in part) are not
// documents.
func startsLikeJSON(p string) bool {
	s := strings.TrimLeft(model.Partial(p).Prefix(), " \t\r\n")
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}
