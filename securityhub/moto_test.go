package securityhub

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// StartMoto runs moto_server on a free loopback port for the test and
// returns its URL. Without moto_server the test is skipped, unless
// EMRGUARD_CI=1, where it fails.
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("EMRGUARD_CI") == "1" {
			t.Fatal("moto_server not found and EMRGUARD_CI=1: install moto (pip install 'moto[server]==5.2.1')")
		}
		t.Skip("moto_server not found: skipping the Security Hub test against moto (set EMRGUARD_CI=1 to require it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	log, _ := os.Create(filepath.Join(t.TempDir(), "moto.log"))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; i < 150; i++ { // up to 30 s for moto to import its backends
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
		time.Sleep(200 * time.Millisecond)
	}
	data, _ := os.ReadFile(log.Name())
	t.Fatalf("moto_server did not answer on %s:\n%s", url, data)
	return ""
}

// Ensure a run's findings reach Security Hub (moto) through Connect's
// real configuration path (environment credentials, --endpoint-url,
// --region, STS for the account), and that importing the same run again
// updates the findings instead of adding new ones (stable Ids).
func TestMoto(t *testing.T) {
	url := startMoto(t)
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
