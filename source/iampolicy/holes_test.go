package iampolicy

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/tree"
)

// Ensure a policy rendered from a template with unknown parts (a bucket
// name known at deploy time) is read with only the values holding a hole
// unknown: actions, effect and the other resources stay known, and a
// condition value known in part keeps its known start.
func TestDecodeHoled(t *testing.T) {
	var b model.PartialBuilder
	hole := model.Hole{Label: "var.bucket", Why: "var.bucket has no value"}
	b.Lit(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::`)
	b.Hole(hole)
	b.Lit(`/*"}, {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"},
  "Condition": {"StringLike": {"x:sub": "system:serviceaccount:`)
	b.Hole(hole)
	b.Lit(`:emr-containers-sa-*"}}}]}`)
	doc, diags := Decode(&tree.Node{Kind: tree.Unknown, Text: hole.Why, Part: string(b.Partial()), At: model.Loc{File: "p.tf", Line: 4}})
	if len(diags) != 0 || doc.Unknown != "" || len(doc.Statements) != 2 {
		t.Fatalf("diags %v, unknown %q, %d statements", diags, doc.Unknown, len(doc.Statements))
	}
	s0 := doc.Statements[0]
	if s0.Effect.Get("") != "Allow" || !s0.Actions.IsSet() || s0.Actions.Val[0] != "s3:GetObject" {
		t.Errorf("statement 0 = %+v", s0)
	}
	if !s0.Resources.IsUnknown() || !strings.Contains(s0.Resources.Why, "var.bucket") {
		t.Errorf("resources = %+v, want unknown for the hole", s0.Resources)
	}
	c := doc.Statements[1].Conditions
	if len(c) != 1 || !c[0].Values.IsUnknown() || len(c[0].Prefixes) != 1 || c[0].Prefixes[0] != "system:serviceaccount:" {
		t.Errorf("conditions = %+v", c)
	}

	// Text that no value of the hole can make JSON: unknown, no input error.
	var bad model.PartialBuilder
	bad.Lit(`{"Statement": [`)
	bad.Hole(hole)
	bad.Lit(`}`)
	doc, diags = Decode(&tree.Node{Kind: tree.Unknown, Text: hole.Why, Part: string(bad.Partial())})
	if len(diags) != 0 || !strings.Contains(doc.Unknown, "cannot be read") {
		t.Errorf("diags %v, unknown %q", diags, doc.Unknown)
	}
}
