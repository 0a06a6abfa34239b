package controls

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/iampolicy"
	"github.com/emrguard/emrguard/source/tree"
)

// Ensure wildcard grants are found in every form, and scoped or denied ones are not.
func TestWildcardGrants(t *testing.T) {
	cases := map[string]int{
		`{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`:                          1,
		`{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:*"], "Resource": ["*"]}]}`: 1,
		`{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}`:                 1,
		`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]}`:      0,
		`{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}`:                         0,
		`{"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}`:                  0,
	}
	for src, want := range cases {
		n, err := tree.ParseJSON("p.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := iampolicy.Decode(n)
		got, unknown := wildcardGrants(doc)
		if len(got) != want || len(unknown) != 0 {
			t.Errorf("%s: %d grants (%v unknown), want %d", src, len(got), unknown, want)
		}
	}
	// One side unknown: settled when the other cannot match, else unknown.
	for src, want := range map[string]struct{ grants, unknown int }{
		`{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": ?}]}`:   {0, 0},
		`{"Statement": [{"Effect": "Allow", "Action": ?, "Resource": "arn:aws:s3:::b"}]}`: {0, 0},
		`{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ?}]}`:           {0, 1},
		`{"Statement": [{"Effect": "Allow", "Action": ?, "Resource": "*"}]}`:              {0, 1},
		`{"Statement": [{"Effect": "Allow", "NotAction": ?, "Resource": "*"}]}`:           {0, 1},
	} {
		n, err := tree.ParseJSON("p.json", []byte(strings.Replace(src, "?", `"UNKNOWN"`, 1)))
		if err != nil {
			t.Fatal(err)
		}
		replaceUnknown(n)
		doc, _ := iampolicy.Decode(n)
		got, unknown := wildcardGrants(doc)
		if len(got) != want.grants || len(unknown) != want.unknown {
			t.Errorf("%s: %d grants, unknown %v; want %d grants, %d unknown", src, len(got), unknown, want.grants, want.unknown)
		}
	}
	if _, unknown := wildcardGrants(nil); len(unknown) != 1 {
		t.Error("a missing document must be unknown")
	}
}

// replaceUnknown turns every string "UNKNOWN" into an unknown node, as a
// value known only after apply is.
func replaceUnknown(n *tree.Node) {
	for i := range n.Fields {
		if f := n.Fields[i].Val; f.Kind == tree.String && f.Text == "UNKNOWN" {
			n.Fields[i].Val = tree.UnknownNode("known after apply", f.At)
		} else {
			replaceUnknown(f)
		}
	}
	for _, it := range n.Items {
		replaceUnknown(it)
	}
}
