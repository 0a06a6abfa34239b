package awsapi

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/source/snapshot"
)

// verdicts scans srv and judges the snapshot with every control, as
// `emrguard aws` does: result key (control, account, region, resource)
// → verdict and message, and the errors the report would list.
func verdicts(t *testing.T, srv *awstest.Server, regions []string) (map[string]control.Result, []string) {
	t.Helper()
	snap, err := Scan(context.Background(), srv.Config(regions[0]), Options{Regions: regions, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	ev, diags := snapshot.Evidence(snap)
	out := map[string]control.Result{}
	for _, r := range engine.Evaluate(controls.All(), ev, control.Live, control.Config{Releases: release.Default()}) {
		k := fmt.Sprintf("%s %s/%s %s %s", r.Control.ID, r.Resource.Account, r.Resource.Region, r.Resource.Kind, r.Resource.ID)
		if _, dup := out[k]; dup {
			k += " " + r.Message // a control judging one resource twice
		}
		out[k] = r
	}
	var errs []string
	for _, d := range diags.Errors() {
		errs = append(errs, d.Error())
	}
	return out, errs
}

// Ensure a call that fails for good — denied, a server error past the
// retries, a cut-short reply — never turns into a verdict the account
// does not earn: against the same estate scanned without the fault, every
// result either keeps its verdict or becomes unknown (never pass where it
// failed, never fail where it passed), a result that appears only under
// the fault is unknown, and the failed call is in the report's errors.
// Results that disappear (their resource was never listed) are allowed
// only because that error is reported.
func TestFaultsNeverDecide(t *testing.T) {
	want := estate("210987654321", "eu-west-1", "us-east-1")
	regions := []string{"eu-west-1", "us-east-1"}
	base, baseErrs := verdicts(t, newEstateServer(t, want), regions)
	if len(base) == 0 {
		t.Fatal("baseline: no result")
	}
	// The estate's PEM zips hold placeholder text, which the baseline
	// reports as unreadable certificates; a fault must add its own error.
	known := map[string]bool{}
	for _, e := range baseErrs {
		known[e] = true
	}
	for _, o := range scanOps {
		service, name, _ := strings.Cut(o.op, ".")
		_, _, internal := faultCodes(service)
		for _, k := range []struct {
			kind  string
			fault awstest.Fault
		}{
			{"denied", awstest.Fault{Status: 403, Code: "AccessDenied", Message: "not authorized to perform " + name}},
			{"5xx", awstest.Fault{Status: 500, Code: internal}},
			{"truncated", awstest.Fault{Truncate: true}},
		} {
			t.Run(o.op+"/"+k.kind, func(t *testing.T) {
				t.Parallel()
				srv := newEstateServer(t, want)
				f := k.fault
				f.Op = o.op
				srv.Inject(f)
				got, errs := verdicts(t, srv, regions)
				named := false
				for _, e := range errs {
					named = named || !known[e] && strings.Contains(e, service+" "+name)
				}
				if !named {
					t.Fatalf("no error names %s %s; errors: %v", service, name, errs)
				}
				changed := 0
				for key, b := range base {
					g, ok := got[key]
					switch {
					case !ok:
						changed++
					case g.Verdict != b.Verdict && g.Verdict != control.Unknown:
						t.Errorf("%s: %s under the fault, %s without it: %s", key, g.Verdict, b.Verdict, g.Message)
					case g.Verdict != b.Verdict:
						changed++
					}
				}
				for key, g := range got {
					if _, ok := base[key]; !ok && g.Verdict != control.Unknown {
						t.Errorf("%s appears only under the fault, as %s: %s", key, g.Verdict, g.Message)
					}
				}
				t.Logf("%s %s: %d of %d results changed (to unknown or gone), %d errors", o.op, k.kind, changed, len(base), len(errs))
			})
		}
	}
}
