package tree

import (
	"bytes"

	"github.com/emrguard/emrguard/model"
)

// MaxDepth bounds the nesting of a document; deeper input is refused rather
// than walked (a hostile file can nest 100,000 levels in 200 kB).
const MaxDepth = 512

// ParseError is a JSON error at a position.
type ParseError struct {
	At  model.Loc
	Msg string
}

func (e *ParseError) Error() string { return e.At.String() + ": " + e.Msg }

// ParseJSON reads one JSON value from data, which came from file, into a
// positioned tree. Errors are *ParseError naming the line and column.
func ParseJSON(file string, data []byte) (*Node, error) {
	return parseJSON(file, data, nil)
}

func parseJSON(file string, data []byte, a *Arena) (*Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	p := &parser{data: data, file: file, line: 1, slabs: slabs{arena: a}}
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos < len(data) {
		return nil, p.errorf(p.pos, "data after the top-level value")
	}
	return n, nil
}

// ParseEmbedded parses a JSON document held in a string value that sits at
// at in its file (an API reply's SecurityConfiguration, a Terraform
// heredoc), and moves the positions into that file: lines add up; columns
// are exact on the string's first line only when it has no escapes.
func ParseEmbedded(s string, at model.Loc) (*Node, error) {
	n, err := ParseJSON(at.File, []byte(s))
	if err != nil {
		return nil, err
	}
	shift(n, at)
	return n, nil
}

func shift(n *Node, at model.Loc) {
	move := func(l model.Loc) model.Loc {
		col := l.Col
		if l.Line == 1 {
			col = at.Col + l.Col
		}
		return model.Loc{File: at.File, Line: at.Line + l.Line - 1, Col: col}
	}
	n.At = move(n.At)
	for i := range n.Fields {
		n.Fields[i].KeyAt = move(n.Fields[i].KeyAt)
		shift(n.Fields[i].Val, at)
	}
	for _, it := range n.Items {
		shift(it, at)
	}
}
