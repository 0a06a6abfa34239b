package tfeval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

const accessModule = `variable "bucket" {
  type = string
}

variable "steps" {
  type = list(string)
}

resource "aws_subnet" "s" {
  cidr_block = "10.0.0.0/24"
}

resource "aws_emr_security_configuration" "sc" {
  name = "hardened"
  configuration = jsonencode({
    EncryptionConfiguration = { EnableInTransitEncryption = true }
  })
}

resource "aws_emr_cluster" "c" {
  name                   = "etl"
  log_uri                = "s3://${var.bucket}/logs/"
  security_configuration = aws_emr_security_configuration.sc.name

  ec2_attributes {
    subnet_id = aws_subnet.s.id
  }

  dynamic "step" {
    for_each = var.steps
    content {
      name = step.value
    }
  }
}
`

// TestInstanceAccessors holds what the layer above reads of an instance:
// arguments as values with their lines, unknowns saying why and keeping
// their known text, ids as addresses, nested blocks (a dynamic block over
// an unknown collection as one block saying why), documents as trees, and
// the resource an argument refers to.
func TestInstanceAccessors(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(accessModule), 0o644); err != nil {
		t.Fatal(err)
	}
	a := Reading[*[]string]{
		Kind: func(typ string) StepKind {
			if typ == "aws_emr_cluster" {
				return ReadStep
			}
			return SkipStep
		},
		Fresh: func() *[]string { return new([]string) },
		Merge: func(dst, src *[]string) { *dst = append(*dst, *src...) },
		Read: func(r *Reader, out *[]string, in *Instance) {
			*out = append(*out, in.Address())
			checkCluster(t, r, in, dir)
		},
	}
	root := func(f Folder, files []File, opt Options, d *source.Diagnostics) *[]string {
		return ReadRoot(f, files, opt, d, a).Base
	}
	out, diags := LoadFolders([]Folder{{Dir: dir, Files: []string{p}}}, Options{}, root, a.Fresh, a.Merge)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	if len(*out) != 1 || (*out)[0] != "aws_emr_cluster.c" {
		t.Fatalf("read %v, want the cluster only", *out)
	}
}

func checkCluster(t *testing.T, r *Reader, in *Instance, dir string) {
	t.Helper()
	if in.Type() != "aws_emr_cluster" || in.Loc().Line != 20 || in.Scope() != filepath.Clean(dir) {
		t.Errorf("instance %s %s at %v in %s", in.Address(), in.Type(), in.Loc(), in.Scope())
	}
	if x := in.Arg(r, "name"); !x.OK || x.V.AsString() != "etl" || x.At.Line != 21 || x.Absent() {
		t.Errorf("name = %#v", x)
	}
	if x := in.Arg(r, "release_label"); x.OK || !x.Absent() {
		t.Errorf("an argument not written reads %#v", x)
	}
	logs := in.Arg(r, "log_uri")
	if logs.V.IsWhollyKnown() || !strings.Contains(ReasonOf(logs.V), "var.bucket") {
		t.Errorf("log_uri = %#v, reason %q; want unknown for var.bucket", logs.V, ReasonOf(logs.V))
	}
	if !strings.HasPrefix(logs.Part.Prefix(), "s3://") || !strings.HasSuffix(logs.Part.Suffix(), "/logs/") {
		t.Errorf("log_uri known in part %q, want s3://…/logs/", logs.Part)
	}
	if got := in.RefersTo("security_configuration", "aws_emr_security_configuration"); got != "aws_emr_security_configuration.sc" {
		t.Errorf("security_configuration refers to %q", got)
	}
	ea := in.Blocks(r, nil, "ec2_attributes")
	if len(ea) != 1 || ea[0].Why != "" || ea[0].At.Line != 25 {
		t.Fatalf("ec2_attributes blocks %+v", ea)
	}
	if x := in.Sub(r, ea[0], "subnet_id"); !x.OK || x.V.AsString() != "aws_subnet.s" {
		t.Errorf("subnet_id = %#v, want the subnet's address", x.V)
	}
	steps := in.Blocks(r, nil, "step")
	if len(steps) != 1 || !strings.Contains(steps[0].Why, "for_each is unknown") || steps[0].At.Line != 29 {
		t.Errorf("step blocks of an unknown for_each: %+v", steps)
	}
}

// TestInstanceDocument reads a JSON document argument as a tree.
func TestInstanceDocument(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(accessModule), 0o644); err != nil {
		t.Fatal(err)
	}
	var doc *tree.Node
	a := Reading[*int]{
		Kind: func(typ string) StepKind {
			if typ == "aws_emr_security_configuration" {
				return ReadStep
			}
			return SkipStep
		},
		Fresh: func() *int { return new(int) },
		Merge: func(dst, src *int) { *dst += *src },
		Read: func(r *Reader, out *int, in *Instance) {
			*out++
			doc, _ = in.Document(r, nil, "configuration")
			if _, ok := in.Document(r, nil, "missing"); ok {
				t.Error("a document not written reads as written")
			}
		},
	}
	root := func(f Folder, files []File, opt Options, d *source.Diagnostics) *int {
		return ReadRoot(f, files, opt, d, a).Base
	}
	n, _ := LoadFolders([]Folder{{Dir: dir, Files: []string{p}}}, Options{}, root, a.Fresh, a.Merge)
	if *n != 1 || doc == nil {
		t.Fatalf("read %d configurations, document %v", *n, doc)
	}
	v := doc.Get("EncryptionConfiguration").Get("EnableInTransitEncryption")
	if b, ok := v.Bool(); !ok || !b || v.At.Line != 16 {
		t.Errorf("EnableInTransitEncryption = %+v, want true at line 16", v)
	}
}
