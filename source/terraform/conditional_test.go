package terraform

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// Ensure a count Terraform cannot know, cond ? A : B with A and B known,
// gives alternatives: the root read again once per combination of the
// unknown booleans cond depends on (at most maxConditions), each world
// with the resources its combination creates; and that other counts give
// none.
func TestConditionalCount(t *testing.T) {
	const label = `
module "this" {
  source = "cloudposse/label/null"
}
locals {
  enabled = module.this.enabled
}
variable "create" {
  type = bool
}
variable "other" {
  type = bool
}
variable "third" {
  type = bool
}
variable "n" {
  type = number
}
variable "list" {
  type = list(string)
}
variable "existing" {
  default = false
}
`
	cases := []struct {
		name, count string
		unknowns    []string
		counts      []bool // which unknowns are whole counts; nil for none
		groups      []int  // per world, the groups it holds
		base        int    // groups in the first reading
	}{
		{"variable", `var.create ? 1 : 0`, []string{"var.create"}, nil, []int{1, 0}, 1},
		{"in parentheses", `(var.create ? 1 : 0)`, []string{"var.create"}, nil, []int{1, 0}, 1},
		{"inverted", `!var.create ? 1 : 0`, []string{"var.create"}, nil, []int{0, 1}, 1},
		{"label module through a local", `local.enabled && var.existing == false ? 1 : 0`, []string{"module.this.enabled"}, nil, []int{1, 0}, 1},
		{"known operand decides", `var.existing && var.create ? 1 : 0`, nil, nil, nil, 0},
		{"two unknowns", `var.create || var.other ? 1 : 0`, []string{"var.create", "var.other"}, nil, []int{1, 1, 1, 0}, 1},
		{"three unknowns", `var.create && var.other && var.third ? 1 : 0`, []string{"var.create", "var.other", "var.third"}, nil, []int{1, 0, 0, 0, 0, 0, 0, 0}, 1},
		{"over the bound", `var.create && var.other && var.third && var.n > 0 ? 1 : 0`, []string{"var.create", "var.n > 0", "var.other", "var.third"}, nil, nil, 1},
		{"a comparison", `var.n > 0 ? 1 : 0`, []string{"var.n > 0"}, nil, []int{1, 0}, 1},
		{"a branch not known", `var.create ? var.n : 0`, []string{"var.create", "var.n"}, []bool{false, true}, []int{1, 0, 0, 0}, 1},
		{"a whole count", `var.n`, []string{"var.n"}, []bool{true}, []int{1, 0}, 1},
		{"a length", `length(var.list)`, []string{"length(var.list)"}, []bool{true}, []int{1, 0}, 1},
		{"a known count", `length(["a", "b"])`, nil, nil, nil, 2},
		{"not a number", `var.create ? "x" : 0`, nil, nil, nil, 1},
		{"equal branches", `var.create ? 2 : 2`, nil, nil, nil, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev, _ := load(t, map[string]string{"main.tf": label + fmt.Sprintf(`
resource "aws_security_group" "g" {
  count = %s
  name  = "g"
}
`, c.count)}, Options{})
			if got := len(ev.SecurityGroups); got != c.base {
				t.Errorf("first reading: %d groups, want %d", got, c.base)
			}
			if c.unknowns == nil {
				if len(ev.Alternatives) != 0 {
					t.Fatalf("alternatives %v, want none", ev.Alternatives[0].Unknowns)
				}
				return
			}
			if len(ev.Alternatives) != 1 {
				t.Fatalf("%d alternatives, want 1", len(ev.Alternatives))
			}
			a := ev.Alternatives[0]
			if c.groups == nil && (len(a.Worlds) != 0 || a.Bound != tfeval.MaxConditions || a.Base == nil) {
				t.Errorf("over the bound: %d worlds, bound %d, want none and %d", len(a.Worlds), a.Bound, tfeval.MaxConditions)
			}
			if !slices.Equal(a.Unknowns, c.unknowns) {
				t.Errorf("unknowns %v, want %v", a.Unknowns, c.unknowns)
			}
			var counts []bool
			for i := range a.Unknowns {
				counts = append(counts, a.Kind(i) == model.Count)
			}
			if want := c.counts; !slices.Equal(counts, want) && !(want == nil && !slices.Contains(counts, true)) {
				t.Errorf("counts %v, want %v", counts, want)
			}
			var groups []int
			for _, w := range a.Worlds {
				groups = append(groups, len(w.Evidence.SecurityGroups))
				for _, g := range w.Evidence.SecurityGroups {
					if g.Ref.ID != "aws_security_group.g" {
						t.Errorf("world %v: group %s, want the first reading's address", w.Values, g.Ref.ID)
					}
				}
			}
			if !slices.Equal(groups, c.groups) {
				t.Errorf("groups per world %v, want %v", groups, c.groups)
			}
			if a.Base == nil || len(a.Base.SecurityGroups) != c.base {
				t.Errorf("Base is not the first reading")
			}
		})
	}
}

// Ensure cond ? a : b with cond unknown is a's value when a and b are
// known and equal, and stays unknown when they differ or one is unknown.
func TestSameBranches(t *testing.T) {
	cases := []struct {
		expr, want string // want "" for unknown
	}{
		{`var.strict ? "hardened" : "hardened"`, "hardened"},
		{`var.strict ? "hardened" : "plain"`, ""},
		{`var.strict ? "hardened" : var.name`, ""},
		{`var.strict ? (var.other ? "a" : "a") : "a"`, "a"},
	}
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			ev, _ := load(t, map[string]string{"main.tf": `
variable "strict" {
  type = bool
}
variable "other" {
  type = bool
}
variable "name" {}
resource "aws_emr_cluster" "c" {
  name                   = "c"
  release_label          = "emr-7.2.0"
  service_role           = "r"
  security_configuration = ` + c.expr + `
}
`}, Options{})
			if len(ev.Clusters) != 1 {
				t.Fatalf("%d clusters", len(ev.Clusters))
			}
			f := ev.Clusters[0].SecurityConfiguration
			switch {
			case c.want == "" && !f.IsUnknown():
				t.Errorf("got %+v, want unknown", f)
			case c.want != "" && (!f.IsSet() || f.Val != c.want):
				t.Errorf("got %+v, want %q", f, c.want)
			}
		})
	}
}

// Ensure a for_each over a collection without a value gives worlds: none
// of its instances, or one standing for each (the first reading's
// address, each.key and each.value unknown), and a for_each over such a
// resource stands for each of its elements too; a known for_each gives
// none.
func TestForEachWorlds(t *testing.T) {
	ev, _ := load(t, map[string]string{"main.tf": `
variable "names" {
  type = set(string)
}
resource "aws_security_group" "g" {
  for_each = var.names
  vpc_id   = each.value
}
resource "aws_security_group" "h" {
  for_each = aws_security_group.g
  vpc_id   = each.value.vpc_id
}
resource "aws_security_group" "k" {
  for_each = toset(["a", "b"])
  vpc_id   = "vpc-1"
}
`}, Options{})
	if len(ev.Alternatives) != 1 {
		t.Fatalf("%d alternatives, want 1", len(ev.Alternatives))
	}
	a := ev.Alternatives[0]
	if !slices.Equal(a.Unknowns, []string{"var.names"}) || a.Kind(0) != model.Each {
		t.Fatalf("unknowns %v kinds %v, want var.names, Each", a.Unknowns, a.Kinds)
	}
	var got [][]string
	for _, w := range a.Worlds {
		var ids []string
		for _, g := range w.Evidence.SecurityGroups {
			ids = append(ids, g.Ref.ID)
			if unk := !strings.HasPrefix(g.Ref.ID, "aws_security_group.k"); g.VPCID.IsUnknown() != unk {
				t.Errorf("world %v: %s is in VPC %+v, want it unknown: %t (each.value)", w.Values, g.Ref.ID, g.VPCID, unk)
			}
		}
		slices.Sort(ids)
		got = append(got, ids)
	}
	want := [][]string{
		{"aws_security_group.g", "aws_security_group.h", `aws_security_group.k["a"]`, `aws_security_group.k["b"]`},
		{`aws_security_group.k["a"]`, `aws_security_group.k["b"]`},
	}
	if len(got) != 2 || !slices.Equal(got[0], want[0]) || !slices.Equal(got[1], want[1]) {
		t.Errorf("groups per world %v, want %v", got, want)
	}
}

// Ensure the worlds of a root are judged with the namespaces the user
// declared EMR's (--emr-namespace): they belong to no root, and a world
// judged without them said namespace jobs is not EMR's (n/a).
func TestWorldsSeeDeclaredNamespaces(t *testing.T) {
	ev, _ := load(t, map[string]string{"main.tf": `variable "enabled" {
  type = bool
}

resource "kubernetes_role" "edit" {
  count = var.enabled ? 1 : 0
  metadata {
    name      = "edit-cm"
    namespace = "jobs"
  }
  rule {
    api_groups = [""]
    resources  = ["configmaps"]
    verbs      = ["update"]
  }
}

resource "kubernetes_role_binding" "dev" {
  metadata {
    name      = "dev-edit"
    namespace = "jobs"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role.edit[0].metadata[0].name
  }
  subject {
    kind      = "User"
    name      = "alice"
    api_group = "rbac.authorization.k8s.io"
  }
}
`}, Options{})
	ev.EMRNamespaces = append(ev.EMRNamespaces, &model.EMRNamespace{Name: "jobs", Ref: model.Ref{Kind: "flag", ID: "--emr-namespace jobs"}})
	n := 0
	for _, r := range engine.Evaluate(controls.All(), ev, control.IaC, control.Config{Releases: release.Default()}) {
		if r.Control.ID == "EKS601" {
			n++
			if r.Verdict == control.NotApplicable || strings.Contains(r.Message, "no EMR namespace is known") {
				t.Errorf("EKS601 %s: %s", r.Verdict, r.Message)
			}
		}
	}
	if n == 0 {
		t.Error("no EKS601 result")
	}
}
