package securityhub

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/emrguard/emrguard/internal/testtool"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// Ensure a run's findings reach Security Hub (moto) through Connect's
// real configuration path (environment credentials, --endpoint-url,
// --region, STS for the account), and that importing the same run again
// updates the findings instead of adding new ones (stable Ids).
func TestMoto(t *testing.T) {
	url := testtool.Moto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	ctx := context.Background()
	tgt, err := Connect(ctx, Options{Region: "eu-west-1", EndpointURL: url})
	if err != nil {
		t.Fatal(err)
	}
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
	if len(seen) != 130 || !seen[fs[129].Id] {
		t.Errorf("moto holds %d distinct findings after two imports, want 130", len(seen))
	}
}
