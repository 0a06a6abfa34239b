package hclscan

import (
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

var docSeeds = []string{
	"jsonencode({\n    Version   = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { Service = \"elasticmapreduce.amazonaws.com\" } }]\n  })",
	"jsonencode({\n  EncryptionConfiguration = {\n    EnableInTransitEncryption = true\n    AtRestEncryptionConfiguration = {\n      S3EncryptionConfiguration = { EncryptionMode = \"SSE-KMS\", AwsKmsKey = local.key }\n    }\n  }\n  InstanceMetadataServiceConfiguration = {\n    MinimumInstanceMetadataServiceVersion = 2\n    HttpPutResponseHopLimit               = 1\n  }\n})",
	"{\n  Team = \"adtech\"\n  \"Stack\" = \"x\"\n}", "{}", "{ a = 1, }", "{ a: 1 }", "jsonencode([\n  1,\n  2,\n])", "jsonencode({})",
	"{ a = 1 b = 2 }", "{ a = 1 + 2 }", "{ a = \"${x}\" }", "{ (a) = 1 }", "{ a = [for x in y : x] }", "{ for k, v in m : k => v }",
	"{ a = local.x[0] }", "{ a = local.x.0 }", "{ a = f(1) }", "{ true = 1 }", "{ a = 01 }", "{ a = 1.5 }", "{ a =\n 1 }", "{ a\n = 1 }",
	"jsonencode ({})", "jsonencode({}, 1)", "jsonencode({...})", "{ a = x-y }", "{ a = \"\" }", "{\n  # c\n  a = 1\n}", "{ a = [\n 1 # c\n] }",
	"{ a = { b = { c = [ { d = null } ] } } }", "{ a = true, b = false }", "{ a = 1 }\n", "{\ta = 1 }", "{ \"a b\" = 1 }",
	"<<EOF\n{\n  \"a\": 1\n}\nEOF\n", "<<-EOT\n    {\n      \"a\": true\n    }\n    EOT\n", "<<-EOT\n\n    x\n  \n      y\n  EOT\n", "<<EOF\nEOF\n",
	"<<EOF\na ${b}\nEOF\n", "<<EOF\nx\nEOF", "<<-EOT\n  a\n b\n  EOT\n", "<<-EOT\n  a\n      \n  EOT\n", "<<-X\n   a\n\n   b\n X\n", "{ a = \"${local.x}/*\" }", "{ a = \"x\", b = \"arn:${var.p}:s3\" }",
	// Heredocs with interpolations of references.
	"<<-EOT\n    {\n      \"k\": \"${local.a_b}\",\n      \"n\": 2\n    }\n  EOT\n", "<<EOF\n  \"a\": \"${var.x}\"\n  b\nEOF\n",
	"<<-EOT\n  x ${a.b.c}${d} y\n\n    z ${e}\n  EOT\n", "<<-EOT\n  ${a}\n  EOT\n", "<<-EOT\n  x${a}\n EOT\n", "<<EOF\nx $${a}\nEOF\n",
	"<<EOF\nx ${ a }\nEOF\n", "<<EOF\nx ${a-b}\nEOF\n", "<<EOF\nx ${true}\nEOF\n", "<<EOF\nx ${a\n}\nEOF\n", "<<EOF\nx $a\nEOF\n",
	"<<-EOT\n      a ${b}\n    c\n  EOT\n", "<<EOF\nx ${a}\nEOF\n", "<<EOF\nx ${a.b[0]}\nEOF\n", "<<EOF\nx ${~a}\nEOF\n", "<<EOT\nEOT \nEOT\n",
}

func TestDocExprMatchesParser(t *testing.T) {
	built := 0
	for _, s := range docSeeds {
		if checkDoc(t, s) {
			built++
		}
	}
	if built < 10 {
		t.Errorf("only %d of the seeds were built without the parser", built)
	}
}

func FuzzDocExpr(f *testing.F) {
	for _, s := range docSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkDoc(t, s) })
}

func checkDoc(t *testing.T, s string) bool {
	t.Helper()
	start := hcl.Pos{Line: 3, Column: 12, Byte: 40}
	got, ok := DocExpr([]byte(s), "f.tf", start)
	if !ok {
		return false
	}
	want, diags := hclsyntax.ParseExpression([]byte(s), "f.tf", start)
	if diags.HasErrors() {
		t.Fatalf("%q: built a tree; HCL says %v", s, diags)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", s, got, want)
	}
	return true
}
