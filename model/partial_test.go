package model

import (
	"testing"
)

func build(parts ...any) Partial {
	var b PartialBuilder
	for _, p := range parts {
		switch x := p.(type) {
		case string:
			b.Lit(x)
		case Hole:
			b.Hole(x)
		}
	}
	return b.Partial()
}

var (
	account = Hole{Kind: HoleToken, Label: "AWS::AccountId", Why: "account known at deploy"}
	param   = Hole{Kind: HoleAny, Label: "Bucket", Why: "parameter Bucket has no default"}
)

// Ensure a string known in part answers what its literals decide and
// leaves undecided what a hole could change.
func TestPartialQueries(t *testing.T) {
	logs := build("s3://aws-logs-", account, "-", Hole{Kind: HoleToken, Label: "AWS::Region", Why: "region"}, "/elasticmapreduce/")
	if !IsPartial(string(logs)) {
		t.Fatal("a string with holes is not partial")
	}
	if got := logs.String(); got != "s3://aws-logs-${AWS::AccountId}-${AWS::Region}/elasticmapreduce/" {
		t.Errorf("String = %q", got)
	}
	if yes, known := logs.HasPrefix("s3://"); !yes || !known {
		t.Errorf("HasPrefix(s3://) = %v, %v", yes, known)
	}
	if yes, known := logs.HasPrefix("https://"); yes || !known {
		t.Errorf("HasPrefix(https://) = %v, %v; want a certain no", yes, known)
	}
	if _, ok := logs.Field(2, '/'); ok {
		t.Error("the bucket holds holes, yet Field says it is literal")
	}
	if f, ok := logs.Field(3, '/'); !ok || f != "elasticmapreduce" {
		t.Errorf("Field(3) = %q, %v: token holes hold no '/'", f, ok)
	}
	if !logs.NonEmpty() {
		t.Error("NonEmpty is false for a string with literals")
	}
	if h := logs.Holes(); len(h) != 2 || h[0].Why != "account known at deploy" || h[1].Label != "AWS::Region" {
		t.Errorf("Holes = %+v", h)
	}

	named := build("s3://my-logs/", param, "/")
	if b, ok := named.Field(2, '/'); !ok || b != "my-logs" {
		t.Errorf("bucket = %q, %v; want my-logs", b, ok)
	}
	if _, ok := named.Field(4, '/'); ok {
		t.Error("a field after a hole that may hold '/' is placed")
	}
	if got := named.Suffix(); got != "/" {
		t.Errorf("Suffix = %q", got)
	}
	if onlyParam := build(param); onlyParam.NonEmpty() {
		t.Error("a lone parameter hole may be empty, yet NonEmpty is true")
	}
	if onlyToken := build(account); !onlyToken.NonEmpty() {
		t.Error("a token hole is never empty, yet NonEmpty is false")
	}
	if yes, known := build(param, "x").HasPrefix("s3://"); yes || known {
		t.Error("a leading hole decides the prefix, yet HasPrefix is known")
	}

	arn := build("arn:", Hole{Kind: HoleToken, Label: "AWS::Partition"}, ":kms:", account, ":key/1")
	if s, ok := arn.ARNService(); !ok || s != "kms" {
		t.Errorf("ARNService = %q, %v", s, ok)
	}
	if _, ok := build("arn:", param, ":kms:").ARNService(); ok {
		t.Error("a hole that may hold ':' leaves the service unplaced")
	}
	if _, ok := build("s3://", account).ARNService(); ok {
		t.Error("an s3 URI is no ARN")
	}
}

// Ensure the encoding survives literals and reasons holding its marker
// bytes, and that PartOf reads only Unknown fields.
func TestPartialEncoding(t *testing.T) {
	p := build("a\x00b", Hole{Why: "why\x01"}, "c")
	if got := p.String(); got != "a\uFFFDb${…}c" {
		t.Errorf("String = %q", got)
	}
	if h := p.Holes(); len(h) != 1 || h[0].Why != "why\uFFFD" || h[0].Kind != HoleAny {
		t.Errorf("Holes = %+v", h)
	}
	f := PartlyKnown(p, "why", Loc{Line: 3})
	if got, ok := PartOf(f); !ok || got != p || !f.IsUnknown() {
		t.Errorf("PartOf(PartlyKnown) = %q, %v", got, ok)
	}
	if _, ok := PartOf(Known(string(p), Loc{})); ok {
		t.Error("PartOf reads a Set field")
	}
	if _, ok := PartOf(Unresolved[string]("why", Loc{})); ok {
		t.Error("PartOf reads a wholly unknown field")
	}
	if f.Get("def") != "def" {
		t.Error("Get returns the encoding of an Unknown field")
	}
}
