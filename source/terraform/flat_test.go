package terraform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/terraform/tfeval"

	"github.com/emrguard/emrguard/source"
)

// flatModule is a module large enough to be read on all cores: stacks in
// files of their own, and files whose references join them into groups
// or that go wrong in the ways a reading reports (cycles, undeclared
// names, bad values, links by name across files).
func flatModule() map[string]string {
	files := map[string]string{}
	for i := range 120 {
		files[fmt.Sprintf("s%03d.tf", i)] = fmt.Sprintf(stack, i)
	}
	// s5's cluster uses a local of another file, and a role by name.
	files["x-shared.tf"] = `locals {
  shared_release = "emr-6.2.0"
  loop_a         = local.loop_b
}
`
	files["x-loop.tf"] = `locals {
  loop_b = local.loop_a
}
resource "aws_emr_cluster" "loop" {
  name          = local.loop_a
  release_label = local.shared_release
  service_role  = aws_iam_role.s7.arn
}
`
	files["x-bad.tf"] = `# non-ASCII in a comment — read all the same
resource "aws_emr_cluster" "bad" {
  name          = nosuchfunc("x")
  release_label = var.undeclared
  log_uri       = local.nowhere
  custom_ami_id = 12
  ec2_attributes {
    key_name = [1, 2]
  }
}
resource "aws_security_group_rule" "r" {
  type              = "ingress"
  security_group_id = aws_security_group.s3_master.id
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "unknown" {
  type              = "ingress"
  security_group_id = var.nothing
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
variable "nothing" {}
resource "aws_iam_role_policy_attachment" "byname" {
  role       = "stack-9-service"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_role_policy_attachment" "byref" {
  role       = aws_iam_role.s11.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
resource "aws_s3_bucket_logging" "l" {
  bucket        = "stack-logs"
  target_bucket = "stack-logs-target"
}
`
	files["x-inline.tf"] = `resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.s20.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = local.nowhere2 }] })
}
resource "aws_iam_policy_attachment" "many" {
  name       = "many"
  roles      = [aws_iam_role.s21.name, "stack-22-service", var.nothing2]
  policy_arn = aws_iam_policy.p.arn
}
variable "nothing2" {}
`
	// Policy documents rendered without AWS, read by a reader (a role's
	// trust) and by a linker (a role policy), one with a dynamic block.
	files["x-policydoc.tf"] = `data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["elasticmapreduce.amazonaws.com"]
    }
  }
}
data "aws_iam_policy_document" "access" {
  dynamic "statement" {
    for_each = ["s3:*", "ec2:Describe*"]
    content {
      actions   = [statement.value]
      resources = [statement.key == 0 ? "*" : aws_iam_role.s30.arn]
    }
  }
}
resource "aws_iam_role" "doc" {
  name               = "doc"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_role_policy" "doc" {
  role   = aws_iam_role.doc.name
  policy = data.aws_iam_policy_document.access.json
}
`
	files["x-syntax.tf"] = `resource "aws_emr_cluster" "syntax" {
  name          = "a" +
  release_label = "emr-7.0.0"
}
`
	return files
}

// TestFlatReadingMatchesSequential holds the reading on all cores to the
// sequential one: the same evidence in the same order, the same
// diagnostics in the same order.
func TestFlatReadingMatchesSequential(t *testing.T) {
	dir := t.TempDir()
	f := Folder{Dir: dir}
	for name, text := range flatModule() {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f.Files = append(f.Files, p)
	}
	sort.Strings(f.Files)
	evFlat, diagsFlat := loadFlat(t, f)
	tfeval.Tune.Flat = false
	evSeq, diagsSeq := LoadFolders([]Folder{f}, Options{})
	tfeval.Tune.Flat = true
	if len(evFlat.Clusters) != 123 {
		t.Fatalf("%d clusters, want 123", len(evFlat.Clusters))
	}
	if len(diagsSeq) < 5 {
		t.Fatalf("only %d diagnostics: the module should go wrong in several ways", len(diagsSeq))
	}
	if !reflect.DeepEqual(diagsFlat, diagsSeq) {
		t.Errorf("diagnostics differ:\nflat %v\nseq  %v", diagsFlat, diagsSeq)
	}
	a, err := json.Marshal(evFlat)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(evSeq)
	if string(a) != string(b) {
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		t.Errorf("evidence differs at byte %d:\nflat …%s\nseq  …%s", i, a[max(0, i-200):min(len(a), i+200)], b[max(0, i-200):min(len(b), i+200)])
	}
}

// loadFlat reads f, which must be read on all cores (flat.go), not
// sequentially for want of a grouping.
func loadFlat(t *testing.T, f Folder) (*model.Evidence, source.Diagnostics) {
	t.Helper()
	before, _ := tfeval.ParallelRuns()
	ev, diags := LoadFolders([]Folder{f}, Options{})
	if after, _ := tfeval.ParallelRuns(); after == before {
		t.Fatal("the module was not read flat")
	}
	return ev, diags
}

// Ensure a flat reading whose counts hang on an unknown is read again in
// each world with every resource: the first reading releases what its
// groups hold, parsed files included, and the worlds' readings need them
// (they read nothing before ReadRoot parsed the files again).
func TestFlatReadingInWorlds(t *testing.T) {
	files := flatModule()
	files["y-gate.tf"] = `variable "enable_logs" {
  type = bool
}

resource "aws_s3_bucket" "gate" {
  count  = var.enable_logs ? 1 : 0
  bucket = "gated-logs"
}
`
	dir := t.TempDir()
	f := Folder{Dir: dir}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		f.Files = append(f.Files, p)
	}
	sort.Strings(f.Files)
	evFlat, _ := loadFlat(t, f)
	tfeval.Tune.Flat = false
	evSeq, _ := LoadFolders([]Folder{f}, Options{})
	tfeval.Tune.Flat = true
	if len(evFlat.Alternatives) != 1 || len(evFlat.Alternatives[0].Worlds) != 2 {
		t.Fatalf("want one unknown read in two worlds, got %+v", evFlat.Alternatives)
	}
	for _, w := range evFlat.Alternatives[0].Worlds {
		gated := 0
		for _, b := range w.Evidence.Buckets {
			if strings.HasPrefix(b.Ref.ID, "aws_s3_bucket.gate") {
				gated++
			}
		}
		if len(w.Evidence.Clusters) != 123 || gated != map[bool]int{true: 1, false: 0}[w.Values[0]] {
			t.Errorf("world %v: %d clusters, %d gated buckets; want 123 and one when enabled", w.Values, len(w.Evidence.Clusters), gated)
		}
	}
	a, _ := json.Marshal(evFlat.Alternatives[0].Worlds)
	b, _ := json.Marshal(evSeq.Alternatives[0].Worlds)
	if string(a) != string(b) {
		t.Error("the worlds of the flat reading differ from the sequential reading's")
	}
}
