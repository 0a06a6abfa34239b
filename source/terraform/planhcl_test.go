package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/source/tree"
)

// planIndex lists the plans of testdata/plans: the root each was
// generated from and what the plan loses of its HCL evaluation
// (tfeval's TestPlansOfExamples writes both).
type planIndex struct {
	Cases []struct {
		Case    string   // the example, from the repository's root
		Plan    string   // its plan, from the repository's root
		Dir     string   // the root read: a folder ...
		Files   []string // ... its configuration files
		Vars    []string // ... and variable files
		Partly  []string // resources with a value HCL knows in part
		Dynamic bool     // references in dynamic blocks are left out
	}
}

// planCases reads testdata/plans/index.json.
func planCases(t *testing.T) planIndex {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "plans", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx planIndex
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// fromRoot turns a path from the repository's root into one from here.
func fromRoot(p string) string { return filepath.Join("..", "..", filepath.FromSlash(p)) }

// allowedWhy returns, for a (control, resource) key whose plan verdict
// differs from the HCL's, why the difference is right, or "":
//   - the plan is one world of the HCL's: a count that hangs on an
//     unknown is read by HCL in each of its values (conditional.go), and
//     a plan has decided it;
//   - a value HCL knows in part (a security configuration naming a KMS
//     key made in the same apply, a trust policy naming a data source's
//     account, a log URI "s3://${aws_s3_bucket.b.bucket}/") is wholly
//     unknown in a plan, as jsonencode or a template of an unknown is,
//     where HCL reads its known parts: the plan says unknown naming that
//     resource's value, or judges nothing where HCL judged the resource
//     from it.
//   - a plan's configuration has no expressions for dynamic blocks, so an
//     id one references (a cluster's groups) is unknown in the plan and
//     not linked: the plan says unknown, or judges nothing where HCL
//     judged what it links.
//
// Apart from worlds, a plan may only be less sure: unknown or no result
// where HCL decided, never pass or fail where HCL said otherwise.
func allowedWhy(plan []control.Result, pv map[string]string, info genInfo, worlds bool) func(string) string {
	partly := info.partly
	msgs := map[string][]string{}
	for _, r := range plan {
		k := r.Control.ID + " " + r.Resource.ID
		msgs[k] = append(msgs[k], r.Message)
	}
	return func(k string) string {
		if worlds {
			return "HCL count hangs on an unknown; a plan is one world"
		}
		if p := pv[k]; p != "" && strings.Trim(strings.ReplaceAll(p, "unknown", ""), ",") != "" {
			return "" // the plan decided otherwise
		}
		if info.dynamic {
			return "a dynamic block's references are not in a plan"
		}
		if info.eachRef {
			// role_arn = each.value: the plan's configuration names
			// each.value, not the role the element holds.
			return "a reference through each.key or each.value is not followed in a plan"
		}
		_, res, _ := strings.Cut(k, " ")
		if len(msgs[k]) == 0 && partly[res] {
			return "its value known in part is unknown in a plan"
		}
		for _, m := range msgs[k] {
			for a := range partly {
				if strings.Contains(m, a+".") {
					return "a value of " + a + " known in part is unknown in a plan"
				}
			}
		}
		return ""
	}
}

// Ensure each Terraform example's plan gives the verdicts its HCL gives,
// control by control and resource by resource (except allowedDiff), and
// (the plans are tfeval's TestPlansOfExamples's).
func TestPlanVerdictsMatchHCL(t *testing.T) {
	cfg := control.Config{Releases: release.Default()}
	cases := planCases(t).Cases
	if len(cases) < 25 {
		t.Fatalf("%d cases, want at least 25", len(cases))
	}
	var table bytes.Buffer
	fmt.Fprintf(&table, "%-58s %-7s %-52s %-8s %s\n", "example", "control", "resource", "HCL", "plan")
	agree, allowed, total := 0, 0, 0
	types := map[string]bool{}
	for _, c := range cases {
		f := caseFolder(c.Dir, c.Files, c.Vars)
		pf := fromRoot(c.Plan)
		committed, err := os.ReadFile(pf)
		if err != nil {
			t.Fatalf("%s: %v", c.Case, err)
		}
		info := genInfo{partly: map[string]bool{}, dynamic: c.Dynamic,
			eachRef: bytes.Contains(committed, []byte(`"each.value"`)) || bytes.Contains(committed, []byte(`"each.key"`))}
		for _, r := range c.Partly {
			info.partly[r] = true
		}
		hev, _ := LoadFolders([]Folder{f}, Options{})
		root, err := tree.ParseJSON(pf, committed)
		if err != nil {
			t.Fatal(err)
		}
		pev, pdiags := LoadPlan(pf, root)
		for _, d := range pdiags.Errors() {
			t.Logf("%s: %s", pf, d.Error())
		}
		for _, rc := range items(root.Get("resource_changes")) {
			typ, _ := rc.Get("type").Str()
			types[typ] = true
		}
		worlds := len(hev.Alternatives) > 0
		hres := engine.Evaluate(controls.All(), hev, control.IaC, cfg)
		pres := engine.Evaluate(controls.All(), pev, control.IaC, cfg)
		hv, pv := verdicts(hres), verdicts(pres)
		why := allowedWhy(pres, pv, info, worlds)
		keys := map[string]bool{}
		for k := range hv {
			keys[k] = true
		}
		for k := range pv {
			keys[k] = true
		}
		name := c.Case
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range keys {
				if !yield(k) {
					return
				}
			}
		}) {
			total++
			ctl, res, _ := strings.Cut(k, " ")
			h, p := hv[k], pv[k]
			mark := ""
			switch {
			case h == p:
				agree++
			case why(k) != "":
				allowed++
				mark = "  (allowed: " + why(k) + ")"
			default:
				mark = "  DIFFERS"
				t.Errorf("%s: %s %s: HCL %s, plan %s", name, ctl, res, orNone(h), orNone(p))
			}
			fmt.Fprintf(&table, "%-58s %-7s %-52s %-8s %s%s\n", name, ctl, res, orNone(h), orNone(p), mark)
		}
	}
	for typ := range readers {
		if !types[typ] {
			t.Errorf("no plan has a %s", typ)
		}
	}
	for typ := range linkers {
		if !types[typ] {
			t.Errorf("no plan has a %s", typ)
		}
	}
	t.Logf("plan vs HCL verdicts:\n%s", table.String())
	t.Logf("%d cases, %d (control, resource) verdicts: %d agree, %d allowed differences", len(cases), total, agree, allowed)
}

// genInfo is what a plan loses of the HCL's evaluation.
type genInfo struct {
	partly  map[string]bool // resources with a value HCL knows in part
	dynamic bool            // references in dynamic blocks
	eachRef bool            // references through each.key or each.value
}

// caseFolder is the root of a plan case, its paths from here.
func caseFolder(dir string, files, vars []string) Folder {
	f := Folder{Dir: fromRoot(dir)}
	for _, p := range files {
		f.Files = append(f.Files, fromRoot(p))
	}
	for _, p := range vars {
		f.VarFiles = append(f.VarFiles, fromRoot(p))
	}
	return f
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// verdicts are the verdicts of results by control and resource address
// (several, sorted, when a control judges several things there).
func verdicts(rs []control.Result) map[string]string {
	all := map[string][]string{}
	for _, r := range rs {
		k := r.Control.ID + " " + r.Resource.ID
		all[k] = append(all[k], r.Verdict.String())
	}
	out := map[string]string{}
	for k, vs := range all {
		sort.Strings(vs)
		out[k] = strings.Join(vs, ",")
	}
	return out
}
