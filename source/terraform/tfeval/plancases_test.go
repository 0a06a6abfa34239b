package tfeval

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

var updatePlans = flag.Bool("update", false, "rewrite ../testdata/plans from the HCL examples")

// planCases are the Terraform examples whose plans (source/terraform's
// testdata/plans, written by genPlan) the adapter must judge as their
// HCL (planhcl_test.go there): every example under examples/terraform,
// the Terraform examples of controls/testdata, and testdata/plans/hcl,
// which covers the resource types those do not (endpoints, routes, rule
// resources, policy attachments, bucket logging, EMR on EKS). Paths are
// from here.
func planCases(t *testing.T) []string {
	var cases []string
	for _, pat := range []string{"../../../examples/terraform/*", "../../../controls/testdata/*/tf-*", "../testdata/plans/hcl/*"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && (st.IsDir() || strings.HasSuffix(p, ".tf")) {
				cases = append(cases, p)
			}
		}
	}
	sort.Strings(cases)
	return cases
}

// folderOf is the root a case is read as: a file alone, or a folder's
// configuration and variable files.
func folderOf(t *testing.T, p string) Folder {
	if strings.HasSuffix(p, ".tf") {
		return Folder{Dir: filepath.Dir(p), Files: []string{p}}
	}
	f := Folder{Dir: p}
	ents, err := os.ReadDir(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch n := e.Name(); {
		case e.IsDir():
		case strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json"):
			f.Files = append(f.Files, filepath.Join(p, n))
		case n == "terraform.tfvars" || strings.HasSuffix(n, ".auto.tfvars"):
			f.VarFiles = append(f.VarFiles, filepath.Join(p, n))
		}
	}
	return f
}

// planFile names a case's plan, from the repository's root:
// controls/testdata/EMR101/tf-count.tf →
// source/terraform/testdata/plans/controls_EMR101_tf-count.json.
func planFile(p string) string {
	p = strings.TrimSuffix(fromHere(p), ".tf")
	p = strings.TrimPrefix(p, "source/terraform/testdata/plans/")
	p = strings.Replace(p, "controls/testdata/", "controls/", 1)
	return "source/terraform/testdata/plans/" + strings.ReplaceAll(p, "/", "_") + ".json"
}

// fromHere turns a path from here into one from the repository's root.
func fromHere(p string) string {
	return filepath.ToSlash(filepath.Join("source", "terraform", "tfeval", p))
}

// TestPlansOfExamples: the committed plans, and their index, are what
// genPlan writes for each case (-update rewrites them).
func TestPlansOfExamples(t *testing.T) {
	type entry struct {
		Case, Plan  string
		Dir         string
		Files, Vars []string
		Partly      []string
		Dynamic     bool
	}
	var idx struct{ Cases []entry }
	for _, c := range planCases(t) {
		f := folderOf(t, c)
		gen, info := genPlan(f)
		e := entry{Case: fromHere(c), Plan: planFile(c), Dir: fromHere(f.Dir), Partly: slices.Sorted(maps.Keys(info.partly)), Dynamic: info.dynamic}
		for _, p := range f.Files {
			e.Files = append(e.Files, fromHere(p))
		}
		for _, p := range f.VarFiles {
			e.Vars = append(e.Vars, fromHere(p))
		}
		idx.Cases = append(idx.Cases, e)
		pf := filepath.Join("..", "..", "..", filepath.FromSlash(e.Plan))
		if *updatePlans {
			if err := os.WriteFile(pf, gen, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if committed, err := os.ReadFile(pf); err != nil || !bytes.Equal(committed, gen) {
			t.Errorf("%s is not what genPlan writes for %s (%v): run go test -run TestPlansOfExamples -update", pf, c, err)
		}
	}
	b, err := json.MarshalIndent(idx, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	ip := filepath.Join("..", "testdata", "plans", "index.json")
	if *updatePlans {
		if err := os.WriteFile(ip, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if committed, err := os.ReadFile(ip); err != nil || !bytes.Equal(committed, b) {
		t.Errorf("%s is not what TestPlansOfExamples writes (%v): run go test -run TestPlansOfExamples -update", ip, err)
	}
}
