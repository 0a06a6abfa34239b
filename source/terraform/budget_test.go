package terraform

import (
	"fmt"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/tfeval"
)

// hostileDoubling is n locals each doubling the last: 2^(n+1) bytes at
// the end, unbounded.
func hostileDoubling(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  a0 = \"xx\"\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  a%d = \"${local.a%d}${local.a%d}\"\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "}\n\nresource \"aws_emr_cluster\" \"c\" {\n  name          = local.a%d\n  release_label = \"emr-6.15.0\"\n  service_role  = \"r\"\n}\n", n)
	return b.String()
}

// hostileLoops is a for over a for over a for over range(n): n³ elements.
const hostileLoops = `locals {
  x = flatten([for i in range(1024) : [for j in range(1024) : [for k in range(1024) : "${i}-${j}-${k}"]]])
  y = [for i in range(3) : i]
}

resource "aws_emr_cluster" "c" {
  name          = "c${length(local.x)}"
  release_label = "emr-6.15.0"
  service_role  = "r"
}
`

// oneCluster is the only cluster of ev, whose release label was read:
// the module was evaluated past what was refused.
func oneCluster(t *testing.T, ev *model.Evidence, diags source.Diagnostics) *model.Cluster {
	t.Helper()
	if len(ev.Clusters) != 1 {
		t.Fatalf("%d clusters, want 1; diagnostics: %v", len(ev.Clusters), diags)
	}
	c := ev.Clusters[0]
	if !c.ReleaseLabel.IsSet() || c.ReleaseLabel.Get("") != "emr-6.15.0" {
		t.Errorf("release label = %+v, want emr-6.15.0", c.ReleaseLabel)
	}
	return c
}

func countDiags(ds source.Diagnostics, substr string) int {
	n := 0
	for _, d := range ds {
		if strings.Contains(d.Msg, substr) {
			n++
		}
	}
	return n
}

// Ensure a chain of doubling locals stops at the first string over
// 1 MiB, with one error there, and the rest of the module is read.
func TestBudgetDoubling(t *testing.T) {
	ev, diags := load(t, map[string]string{"main.tf": hostileDoubling(40)}, Options{})
	// a19 is 2^20 bytes, the limit; a20, on line 22, is over it.
	if !hasDiag(diags, "main.tf", 22, "value is too large") || countDiags(diags, "too large") != 1 {
		t.Errorf("diagnostics: %v", diags)
	}
	oneCluster(t, ev, diags)
}

// Ensure nested loops of a billion elements stop at the work budget,
// with one error, and the rest of the module is read.
func TestBudgetLoops(t *testing.T) {
	// The default budget is a few seconds of work: a smaller one is
	// spent the same way.
	defer func(n int64) { tfeval.Tune.MaxWork = n }(tfeval.Tune.MaxWork)
	tfeval.Tune.MaxWork = 50_000
	ev, diags := load(t, map[string]string{"main.tf": hostileLoops}, Options{})
	if !hasDiag(diags, "main.tf", 2, "budget") || countDiags(diags, "budget") != 1 {
		t.Errorf("diagnostics: %v", diags)
	}
	oneCluster(t, ev, diags)
}

// Ensure the calls that would make a value over the bounds are refused
// before they make it, each with an error at its expression.
func TestBudgetFunctions(t *testing.T) {
	refs := strings.TrimSuffix(strings.Repeat("local.big, ", 40), ", ")
	src := `locals {
  big    = format("%1040000s", "")
  joined = join("", [` + refs + `])
  twice  = "${local.big}${local.big}"
  many   = range(1000000000)
  prod   = setproduct(range(1000), range(1000))
  wide   = format("%2000000d", 1)
  nums   = range(100)
  fine   = length(join(",", [for i in local.nums : tostring(i)]))
  all    = [local.joined, local.twice, local.many, local.prod, local.wide]
}

resource "aws_emr_cluster" "c" {
  name          = "c${local.fine}"
  release_label = "emr-6.15.0"
  service_role  = "r"
  log_uri       = local.all[0]
}
`
	ev, diags := load(t, map[string]string{"main.tf": src}, Options{})
	for _, want := range []struct {
		line int
		msg  string
	}{
		{3, "arguments are too large"},
		{4, "value is too large"},
		{5, "1000000000 elements"},
		{6, "1000000 elements"},
		{7, "over the limit"},
	} {
		if !hasDiag(diags, "main.tf", want.line, want.msg) {
			t.Errorf("no error %q on line %d: %v", want.msg, want.line, diags)
		}
	}
	if n := len(diags.Errors()); n != 5 {
		t.Errorf("%d errors, want 5: %v", n, diags)
	}
	c := oneCluster(t, ev, diags)
	if c.Ref.Name != "c289" {
		t.Errorf("name = %q, want c289 (within the bounds, evaluated)", c.Ref.Name)
	}
}

// Ensure a template joining many large strings is charged part by part,
// and a template for over large strings is checked before it is joined.
func TestBudgetTemplates(t *testing.T) {
	defer func(n int64) { tfeval.Tune.MaxWork = n }(tfeval.Tune.MaxWork)
	tfeval.Tune.MaxWork = 20_000 // five 1 MiB parts
	parts := strings.Repeat("${local.big}", 30)
	src := `locals {
  big  = format("%1040000s", "")
  many = "${upper("a")}` + parts + `"
  all  = [local.many]
}

resource "aws_emr_cluster" "c" {
  name          = "c"
  release_label = "emr-6.15.0"
  service_role  = "r"
  log_uri       = local.all[0]
}
`
	ev, diags := load(t, map[string]string{"main.tf": src}, Options{})
	if !hasDiag(diags, "main.tf", 3, "budget") {
		t.Errorf("no budget error on line 3: %v", diags)
	}
	oneCluster(t, ev, diags)
	tfeval.Tune.MaxWork = 500_000
	src = strings.Replace(src, "many = \"${upper(\"a\")}"+parts+"\"", `many = "%{for i in range(100)}${local.big}%{endfor}"`, 1)
	ev, diags = load(t, map[string]string{"main.tf": src}, Options{})
	if !hasDiag(diags, "main.tf", 3, "strings add up to more than") {
		t.Errorf("no error on line 3: %v", diags)
	}
	oneCluster(t, ev, diags)
}
