package tree

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// hostileAliases is a template whose n clusters take their Name from
// one anchored string of size bytes: few nodes, n×size bytes of names.
func hostileAliases(n, size int) []byte {
	var b strings.Builder
	b.WriteString("Metadata:\n  Big: &big \"" + strings.Repeat("x", size) + "\"\nResources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  C%d:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Name: *big\n", i)
	}
	return []byte(b.String())
}

// Aliases are bounded by the bytes they expand to, not only the nodes.
func TestYAMLAliasBytes(t *testing.T) {
	_, err := ParseYAML("t.yaml", hostileAliases(3000, 1<<20))
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "aliases expand to more than") {
		t.Fatalf("err = %v, want the alias bytes refused", err)
	}
	// Under the bound, the aliases are expanded as before.
	docs, err := ParseYAML("t.yaml", hostileAliases(10, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if got := docs[0].Get("Resources").Get("C9").Get("Properties").Get("Name").Text; len(got) != 1000 {
		t.Errorf("C9's Name has %d bytes, want 1000", len(got))
	}
}
