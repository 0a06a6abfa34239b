package controls

import (
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
	if _, unknown := wildcardGrants(nil); len(unknown) != 1 {
		t.Error("a missing document must be unknown")
	}
}
