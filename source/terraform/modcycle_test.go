package terraform

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source"
)

// Ensure folders calling each other in a cycle are each read, as roots,
// with an error naming the cycle at the call that closes it, instead of
// both being dropped as modules of the other (no result, no error); a
// module calling its own folder is the same cycle; a folder called from
// outside a cycle is still read only as that caller's module.
func TestModuleCycle(t *testing.T) {
	ev, diags := load(t, map[string]string{
		"a/main.tf":    "module \"b\" {\n  source = \"../b\"\n}\n" + clusterNamed("a"),
		"b/main.tf":    "module \"a\" {\n  source = \"../a\"\n}\n" + clusterNamed("b"),
		"self/main.tf": "module \"me\" {\n  source = \".\"\n}\n" + clusterNamed("self"),
		"top/main.tf":  "module \"x\" {\n  source = \"../x\"\n}\n",
		"x/main.tf":    clusterNamed("x"),
	}, Options{})
	var ids []string
	for _, c := range ev.Clusters {
		f := c.Ref.Loc.File
		ids = append(ids, c.Ref.ID+"@"+filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f))
	}
	sort.Strings(ids)
	want := "aws_emr_cluster.a@a/main.tf aws_emr_cluster.b@b/main.tf aws_emr_cluster.self@self/main.tf module.a.aws_emr_cluster.a@a/main.tf module.b.aws_emr_cluster.b@b/main.tf module.x.aws_emr_cluster.x@x/main.tf"
	if got := strings.Join(ids, " "); got != want {
		t.Errorf("clusters\n%s\nwant\n%s", got, want)
	}
	var errs []string
	for _, d := range diags {
		if d.Level == source.Error {
			errs = append(errs, d.Error())
		}
	}
	if len(errs) != 3 || !hasDiag(diags, "b/main.tf", 2, `module "a": source ../a is the folder of (root) `) ||
		!hasDiag(diags, "a/main.tf", 2, `module "b": source ../b is the folder of (root) `) ||
		!hasDiag(diags, "self/main.tf", 2, `module "me": source . is the folder of (root) `) {
		t.Errorf("errors %q, want one per cycle-closing call", errs)
	}
}

func clusterNamed(n string) string {
	return "resource \"aws_emr_cluster\" \"" + n + "\" {\n  name          = \"" + n + "\"\n  release_label = \"emr-7.2.0\"\n  service_role  = \"s\"\n}\n"
}
