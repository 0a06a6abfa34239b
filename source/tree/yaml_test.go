package tree

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// Ensure YAML scalars get JSON's kinds, tags survive, and positions are kept.
func TestParseYAML(t *testing.T) {
	src := `Resources:
  Sc:
    Type: AWS::EMR::SecurityConfiguration
    Properties:
      Name: !Ref ScName
      Flag: true
      Quoted: "true"
      Port: 22
      Nothing: null
      Tags: !Split [",", "a,b"]
---
second: doc
`
	docs, err := ParseYAML("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("%d documents, want 2", len(docs))
	}
	p := docs[0].Get("Resources").Get("Sc").Get("Properties")
	name := p.Get("Name")
	if name.Tag != "!Ref" || name.Text != "ScName" || name.Kind != String || name.At.Line != 5 {
		t.Errorf("Name = %+v", name)
	}
	if p.Get("Flag").Kind != Bool || p.Get("Quoted").Kind != String || p.Get("Port").Kind != Number || p.Get("Nothing").Kind != Null {
		t.Errorf("kinds: %v %v %v %v", p.Get("Flag").Kind, p.Get("Quoted").Kind, p.Get("Port").Kind, p.Get("Nothing").Kind)
	}
	if tags := p.Get("Tags"); tags.Tag != "!Split" || tags.Kind != Array || len(tags.Items) != 2 {
		t.Errorf("Tags = %+v", tags)
	}
}

// Ensure anchors, aliases and merge keys expand, with the mapping's own keys winning.
func TestParseYAMLMerge(t *testing.T) {
	docs, err := ParseYAML("m.yaml", []byte("base: &b {a: 1, c: 2}\nx:\n  <<: *b\n  c: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	x := docs[0].Get("x")
	if a, _ := x.Get("a").Int(); a != 1 {
		t.Errorf("a = %d", a)
	}
	if c, _ := x.Get("c").Int(); c != 3 {
		t.Errorf("c = %d, want the mapping's own 3", c)
	}
}

// Ensure an alias bomb is refused, not expanded, and malformed YAML names its line.
func TestParseYAMLHostile(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + strconv.Itoa(i-1))
		}
		b.WriteString("]\n")
	}
	_, err := ParseYAML("bomb.yaml", []byte(b.String()))
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "alias bomb") {
		t.Errorf("alias bomb: %v", err)
	}
	_, err = ParseYAML("bad.yaml", []byte("a: 1\nb: [1, 2\nc: 3\n"))
	if !errors.As(err, &pe) || pe.At.Line == 0 {
		t.Errorf("malformed: %v (line %d)", err, pe.At.Line)
	}
}
