package tree

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

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

// Lines maps byte offsets of a file to line and column.
type Lines struct {
	file   string
	starts []int
}

// NewLines indexes the line starts of data, which came from file.
func NewLines(file string, data []byte) *Lines {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{file: file, starts: starts}
}

// Loc returns the location of byte offset off (1-based line and column).
func (l *Lines) Loc(off int) model.Loc {
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return model.Loc{File: l.file, Line: i + 1, Col: off - l.starts[i] + 1}
}

// ParseJSON reads one JSON value from data, which came from file, into a
// positioned tree. Errors are *ParseError naming the line and column.
func ParseJSON(file string, data []byte) (*Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := NewLines(file, data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	// start returns the offset where the next token begins.
	start := func() int {
		off := int(dec.InputOffset())
		for off < len(data) {
			switch data[off] {
			case ' ', '\t', '\r', '\n', ':', ',':
				off++
				continue
			}
			break
		}
		return off
	}
	fail := func(err error) error {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return &ParseError{At: lines.Loc(int(se.Offset)), Msg: "invalid JSON: " + se.Error()}
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return &ParseError{At: lines.Loc(len(data)), Msg: "invalid JSON: unexpected end of input"}
		default:
			return &ParseError{At: lines.Loc(int(dec.InputOffset())), Msg: "invalid JSON: " + err.Error()}
		}
	}

	type frame struct {
		n      *Node
		key    string
		keyAt  model.Loc
		hasKey bool
	}
	var stack []*frame
	var root *Node
	for {
		off := start()
		tok, err := dec.Token()
		if err == io.EOF && root != nil && len(stack) == 0 {
			return root, nil
		}
		if err != nil {
			return nil, fail(err)
		}
		at := lines.Loc(off)
		if root != nil && len(stack) == 0 {
			return nil, &ParseError{At: at, Msg: "invalid JSON: data after the top-level value"}
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		// An object member's key arrives as a string token first.
		if top != nil && top.n.Kind == Object && !top.hasKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k, _ := tok.(string)
			top.key, top.keyAt, top.hasKey = k, at, true
			continue
		}
		var n *Node
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				n = &Node{Kind: Object, At: at}
			case '[':
				n = &Node{Kind: Array, At: at}
			default: // ']' closes an array
				stack = stack[:len(stack)-1]
				continue
			}
		case string:
			n = &Node{Kind: String, Text: t, At: at}
		case json.Number:
			n = &Node{Kind: Number, Text: t.String(), At: at}
		case bool:
			n = &Node{Kind: Bool, Text: fmt.Sprint(t), At: at}
		case nil:
			n = &Node{Kind: Null, At: at}
		}
		switch {
		case top == nil:
			root = n
		case top.n.Kind == Object:
			top.n.Fields = append(top.n.Fields, Member{Key: top.key, KeyAt: top.keyAt, Val: n})
			top.hasKey = false
		default:
			top.n.Items = append(top.n.Items, n)
		}
		if n.Kind == Object || n.Kind == Array {
			if len(stack) >= MaxDepth {
				return nil, &ParseError{At: at, Msg: fmt.Sprintf("JSON nested deeper than %d levels; refusing to read further", MaxDepth)}
			}
			stack = append(stack, &frame{n: n})
		}
	}
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
