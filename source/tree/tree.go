// Package tree is a positioned document tree that the JSON reader here, and
// the YAML and template readers of other sources, produce alike, so that
// adapters such as source/secconf decode one shape whatever the file format.
//
// A node can be Unknown: a value the input names but that could not be
// resolved (an unresolved CloudFormation parameter, a Terraform value known
// only after apply). Text then says why.
package tree

import (
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/model"
)

// Kind is the type of a Node.
type Kind uint8

// The kinds of Node.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
	Unknown
)

var kindNames = [...]string{"null", "boolean", "number", "string", "object", "array", "unknown value"}

// String returns the kind's name as used in messages ("object", "string", …).
func (k Kind) String() string { return kindNames[k] }

// Node is one value of a document, with where it starts.
type Node struct {
	Kind   Kind
	Text   string   // scalar text (String, Number, Bool "true"/"false"); Unknown: why
	Fields []Member // Object members, in document order
	Items  []*Node  // Array items
	At     model.Loc
	// Tag is the YAML tag written in the input ("!Ref", "!Sub", …); empty
	// for JSON and for YAML's implicit tags. CloudFormation's short
	// intrinsic forms are read from it.
	Tag string
	// Part is, for an Unknown string known in part, that part: a
	// model.Partial encoding ("system:…:emr-${x}", whose later part is
	// known only at apply); "" otherwise.
	Part string
}

// Member is one key of an object.
type Member struct {
	Key   string
	KeyAt model.Loc
	Val   *Node
}

// An object key that could not be resolved (a Terraform condition whose
// variable is known only at apply) is written as unknownKey followed by
// the reason, so the member and its value are kept; no parser makes one
// from text, where a key holding a NUL byte is rare and is then only
// read as unknown. Readers that look keys up by name never match it.
const unknownKey = "\x00"

// UnknownKey returns the key of a member whose key is unknown, for why.
func UnknownKey(why string) string { return unknownKey + why }

// KeyUnknown returns why key is unknown, or ok false for a known key.
func KeyUnknown(key string) (why string, ok bool) { return strings.CutPrefix(key, unknownKey) }

// KnownPrefix returns the known start of an Unknown string known in part.
func (n *Node) KnownPrefix() string { return model.Partial(n.Part).Prefix() }

// UnknownNode returns a node for a value that could not be resolved.
func UnknownNode(why string, at model.Loc) *Node { return &Node{Kind: Unknown, Text: why, At: at} }

// Get returns the value of key in an object, or nil when n is nil, not an
// object, or has no such key. The last of duplicate keys wins, as in
// encoding/json.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := len(n.Fields) - 1; i >= 0; i-- {
		if n.Fields[i].Key == key {
			return n.Fields[i].Val
		}
	}
	return nil
}

// Fold returns the value of the first key that matches key ignoring case,
// '-' and '_', so that "releaseLabel" (CloudTrail), "ReleaseLabel" (API) and
// "release-label" (CLI) are one key. It returns nil as Get does.
func (n *Node) Fold(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	want := FoldKey(key)
	for i := len(n.Fields) - 1; i >= 0; i-- {
		if foldEqual(n.Fields[i].Key, want) {
			return n.Fields[i].Val
		}
	}
	return nil
}

// foldEqual reports whether FoldKey(key) == folded, without allocating:
// Fold runs for every key an event's requestParameters hold.
func foldEqual(key, folded string) bool {
	j := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '-' || c == '_':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if j >= len(folded) || folded[j] != c {
			return false
		}
		j++
	}
	return j == len(folded)
}

// FoldKey returns key lower-cased with '-' and '_' removed.
func FoldKey(key string) string {
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '-' || c == '_':
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Str returns the text of a string node.
func (n *Node) Str() (string, bool) {
	if n == nil || n.Kind != String {
		return "", false
	}
	return n.Text, true
}

// Bool returns the value of a boolean, or of a string "true"/"false" in any
// case (AWS's own examples write "true" as a string).
func (n *Node) Bool() (bool, bool) {
	if n == nil || (n.Kind != Bool && n.Kind != String) {
		return false, false
	}
	switch strings.ToLower(strings.TrimSpace(n.Text)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Int returns the value of an integral number, or of a string holding one.
func (n *Node) Int() (int, bool) {
	if n == nil || (n.Kind != Number && n.Kind != String) {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(n.Text))
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.TrimSpace(n.Text), 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, false
		}
		return int(f), true
	}
	return v, true
}

// Strings returns the texts of an array of strings, or a single string as a
// one-item list.
func (n *Node) Strings() ([]string, bool) {
	if n == nil {
		return nil, false
	}
	if n.Kind == String {
		return []string{n.Text}, true
	}
	if n.Kind != Array {
		return nil, false
	}
	out := make([]string, 0, len(n.Items))
	for _, it := range n.Items {
		s, ok := it.Str()
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
