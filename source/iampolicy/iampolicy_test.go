package iampolicy

import (
	"net/url"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// Ensure strings and lists, principals and conditions decode, with lines.
func TestDecode(t *testing.T) {
	src := `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringLike": {"x:sub": "system:serviceaccount:ns:emr-containers-sa-*"}}},
  {"Effect": "Allow", "Principal": "*", "Action": ["a", "b"]}
]}`
	n, err := tree.ParseJSON("p.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	doc, diags := Decode(n)
	if len(diags) != 0 || len(doc.Statements) != 3 {
		t.Fatalf("diags %v, %d statements", diags, len(doc.Statements))
	}
	s0 := doc.Statements[0]
	if s0.Actions.Val[0] != "s3:*" || s0.Resources.Val[0] != "*" || s0.At.Line != 2 {
		t.Errorf("statement 0 = %+v", s0)
	}
	s1 := doc.Statements[1]
	if got := s1.Principals["Federated"].Val; len(got) != 1 || s1.Conditions[0].Key != "x:sub" || s1.Conditions[0].Operator != "StringLike" {
		t.Errorf("statement 1 = %+v", s1)
	}
	if got := doc.Statements[2].Principals["*"].Val; len(got) != 1 || got[0] != "*" {
		t.Errorf("Principal * = %v", got)
	}
}

// Ensure API replies are percent-decoded exactly once, and broken input is Unknown.
func TestDecodeURLEncoded(t *testing.T) {
	plain := `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/%41"}}`
	doc, diags := DecodeURLEncoded(url.PathEscape(plain), model.Loc{File: "iam GetRolePolicy"})
	if len(diags) != 0 || doc.Statements[0].Resources.Val[0] != "arn:aws:s3:::b/%41" {
		t.Errorf("decoded %+v %v", doc.Statements, diags)
	}
	doc, diags = Decode(&tree.Node{Kind: tree.String, Text: "{not json"})
	if doc.Unknown == "" || len(diags) != 1 {
		t.Errorf("broken document: %+v %v", doc, diags)
	}
	doc, _ = Decode(tree.UnknownNode("parameter PolicyJson has no default", model.Loc{}))
	if doc.Unknown != "parameter PolicyJson has no default" {
		t.Errorf("unknown document: %+v", doc)
	}
}

// Ensure a condition whose key is unknown keeps its values and says why
// the key is unknown, and so does a Condition block that is unknown whole
// or whose operator is: a reader never takes them for no condition.
func TestDecodeUnknownConditions(t *testing.T) {
	at := model.Loc{File: "p.json", Line: 3}
	str := func(s string) *tree.Node { return &tree.Node{Kind: tree.String, Text: s, At: at} }
	obj := func(ms ...tree.Member) *tree.Node { return &tree.Node{Kind: tree.Object, Fields: ms, At: at} }
	stmt := func(cond *tree.Node) *tree.Node {
		return obj(tree.Member{Key: "Statement", Val: &tree.Node{Kind: tree.Array, At: at, Items: []*tree.Node{
			obj(tree.Member{Key: "Effect", Val: str("Allow")}, tree.Member{Key: "Action", Val: str("sts:AssumeRoleWithWebIdentity")},
				tree.Member{Key: "Condition", Val: cond})}}})
	}
	cases := []struct {
		cond          *tree.Node
		why, operator string
		knownValues   bool
	}{
		{obj(tree.Member{Key: "StringLike", Val: obj(tree.Member{Key: tree.UnknownKey("var.x has no value"), Val: str("system:serviceaccount:ns:emr-containers-sa-*")})}),
			"var.x has no value", "StringLike", true},
		{tree.UnknownNode("an object key is unknown", at), "an object key is unknown", "", false},
		{obj(tree.Member{Key: "StringEquals", Val: tree.UnknownNode("local.c is known only after apply", at)}), "local.c is known only after apply", "StringEquals", false},
	}
	for _, c := range cases {
		doc, _ := Decode(stmt(c.cond))
		cs := doc.Statements[0].Conditions
		if len(cs) != 1 || cs[0].KeyUnknown != c.why || cs[0].Key != "" || cs[0].Operator != c.operator {
			t.Errorf("%s: conditions %+v", c.why, cs)
			continue
		}
		if got := cs[0].Values.IsSet(); got != c.knownValues {
			t.Errorf("%s: values %+v, known %v", c.why, cs[0].Values, c.knownValues)
		}
	}
}
