package securityhub

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/testtool"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/scan"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// Ensure a run's findings reach Security Hub (moto) through Connect's
// real configuration path (environment credentials, --endpoint-url,
// --region, STS for the account), and that importing the same run again
// updates the findings instead of adding new ones (stable Ids).
func TestMoto(t *testing.T) {
	ctx := context.Background()
	tgt := motoTarget(t, ctx)
	if tgt.Account != "123456789012" || tgt.Region != "eu-west-1" || tgt.Partition != "aws" {
		t.Errorf("target %+v", tgt)
	}
	fs := findings(130)
	for i := range fs {
		fs[i].AwsAccountId = tgt.Account
	}
	for round := 1; round <= 2; round++ {
		sum, diags := Import(ctx, tgt.Client, fs)
		if len(diags) != 0 || sum.Imported != 130 || sum.Batches != 2 {
			t.Fatalf("round %d: summary %+v, diags %v", round, sum, diags.Err())
		}
	}
	seen := heldIds(t, ctx, tgt)
	if len(seen) != 130 || !seen[fs[129].Id] {
		t.Errorf("moto holds %d distinct findings after two imports, want 130", len(seen))
	}
}

// Ensure every finding of a scan of the examples survives the import:
// Security Hub (moto) keeps one finding per Id, so findings that shared
// an Id (a control's results on a cluster's service role and on its
// instance profile) were lost; after two imports it holds exactly as
// many findings as the run has.
func TestMotoKeepsEveryExampleFinding(t *testing.T) {
	ctx := context.Background()
	tgt := motoTarget(t, ctx)
	res := scan.Paths([]string{"../examples"}, scan.Options{})
	results := engine.Evaluate(controls.All(), res.Evidence, control.IaC|control.Event|control.Live, control.Config{Releases: release.Default()})
	// Every finding in the target's account, as --security-hub imports.
	for i := range results {
		results[i].Resource.Account = ""
	}
	fs, err := report.ASFFFindings(&report.Run{Results: results, Time: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Account: tgt.Account, Region: tgt.Region})
	if err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 2; round++ {
		if sum, diags := Import(ctx, tgt.Client, fs); len(diags) != 0 || sum.Imported != len(fs) {
			t.Fatalf("round %d: summary %+v, diags %v", round, sum, diags.Err())
		}
	}
	seen := heldIds(t, ctx, tgt)
	if len(fs) < 300 || len(seen) != len(fs) {
		t.Errorf("moto holds %d distinct findings of the %d imported", len(seen), len(fs))
	}
}

// motoTarget connects to a fresh moto_server through Connect's real
// configuration path (environment credentials, --endpoint-url, --region,
// STS for the account).
func motoTarget(t *testing.T, ctx context.Context) *Target {
	t.Helper()
	url := testtool.Moto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	tgt, err := Connect(ctx, Options{Region: "eu-west-1", EndpointURL: url})
	if err != nil {
		t.Fatal(err)
	}
	return tgt
}

// heldIds returns the Ids of the findings Security Hub holds.
func heldIds(t *testing.T, ctx context.Context, tgt *Target) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	p := sh.NewGetFindingsPaginator(tgt.Client, &sh.GetFindingsInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Findings {
			seen[aws.ToString(f.Id)] = true
		}
	}
	return seen
}
