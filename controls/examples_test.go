package controls_test

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/scan"
)

// Ensure every example under testdata gives exactly the results its want
// comments and .want sidecars name: for the control whose folder holds the
// example and for every control a want names, a missing result and an
// unexpected one both fail the test.
func TestExamples(t *testing.T) {
	cfg := control.Config{Releases: release.Default()}
	for _, c := range controls.All() {
		exs, err := controls.ReadExamples(os.DirFS("."), "testdata", c.ID)
		if os.IsNotExist(unwrap(err)) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range exs {
			t.Run(c.ID+"/"+ex.Name, func(t *testing.T) {
				dir := filepath.Join("testdata", c.ID)
				res := scan.Paths([]string{filepath.Join(dir, ex.Name)}, scan.Options{})
				checked := map[string]bool{c.ID: true}
				for _, w := range ex.Wants {
					checked[w.Control] = true
				}
				var got []string
				for _, d := range res.Diags.Errors() {
					rel, _ := filepath.Rel(dir, d.At.File)
					if d.At.File == "" && len(ex.Files) == 1 {
						rel = ex.Files[0].Path // a failed call a snapshot records
					}
					got = append(got, fmt.Sprintf("%s:%d input:error", filepath.ToSlash(rel), d.At.Line))
					t.Logf("%s", d.Error())
				}
				for _, r := range engine.Evaluate(controls.All(), res.Evidence, control.IaC|control.Event|control.Live, cfg) {
					if !checked[r.Control.ID] {
						continue
					}
					if r.Location().File == "" {
						// Live evidence (a snapshot) has no file location:
						// its results are expected by resource.
						w := controls.Want{Resource: r.Resource.ID, Control: r.Control.ID, Verdict: r.Verdict.String()}
						got = append(got, w.String())
						t.Logf("%s %s", w, r.Message)
						continue
					}
					rel, _ := filepath.Rel(dir, r.Location().File)
					got = append(got, fmt.Sprintf("%s:%d %s:%s", filepath.ToSlash(rel), r.Location().Line, r.Control.ID, r.Verdict))
					t.Logf("%s:%d %s:%s %s", rel, r.Location().Line, r.Control.ID, r.Verdict, r.Message)
				}
				var want []string
				for _, w := range ex.Wants {
					want = append(want, w.String())
				}
				sort.Strings(got)
				sort.Strings(want)
				for _, w := range want {
					if i := slices.Index(got, w); i >= 0 {
						got = slices.Delete(got, i, i+1)
					} else {
						t.Errorf("missing result %s", w)
					}
				}
				for _, g := range got {
					t.Errorf("unexpected result %s", g)
				}
			})
		}
	}
}

func unwrap(err error) error {
	for err != nil {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
	return nil
}

// Ensure the catalogue is sound before anything runs: unique IDs of the
// right form, metadata present, titles that state the fault, and for each
// implemented control a failing and a passing example.
func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range controls.All() {
		switch {
		case seen[c.ID]:
			t.Errorf("%s declared twice", c.ID)
		case !regexpID(c.ID):
			t.Errorf("%s: ID must be EMRnnn or EKSnnn", c.ID)
		case c.Title == "" || strings.HasPrefix(c.Title, "Ensure"):
			t.Errorf("%s: title %q must state the fault, not start with Ensure", c.ID, c.Title)
		case c.BestPractice == "" || c.URL == "" || c.Remediation.Text == "" || c.Sources == 0:
			t.Errorf("%s: best practice, URL, remediation and sources are required", c.ID)
		case c.Remediation.CLI == "" || c.Remediation.CloudFormation == "" || c.Remediation.Terraform == "":
			t.Errorf("%s: remediation needs CLI, CloudFormation and Terraform variants", c.ID)
		case !strings.HasPrefix(c.Doc, c.Title+"\n"):
			t.Errorf("%s: Doc must start with the title line", c.ID)
		}
		seen[c.ID] = true
		if !c.Implemented() {
			continue
		}
		// Sources of kind IaC have examples now; L and E examples come with
		// the live and event sources.
		exs, err := controls.ReadExamples(os.DirFS("."), "testdata", c.ID)
		if err != nil {
			t.Errorf("%s: %v", c.ID, err)
			continue
		}
		var bad, good bool
		for _, ex := range exs {
			for _, w := range ex.Wants {
				if w.Control == c.ID {
					bad = bad || w.Verdict == "fail"
					good = good || w.Verdict == "pass"
				}
			}
		}
		if !bad || !good {
			t.Errorf("%s: needs a failing and a passing example in %s (fail %v, pass %v)", c.ID, path.Join("testdata", c.ID), bad, good)
		}
	}
	if len(seen) != 48 {
		t.Errorf("catalogue has %d controls, CONTROLS.md lists 48", len(seen))
	}
}

func regexpID(id string) bool {
	if len(id) != 6 || (id[:3] != "EMR" && id[:3] != "EKS") {
		return false
	}
	for _, r := range id[3:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
