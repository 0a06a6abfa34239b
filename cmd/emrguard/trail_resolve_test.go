package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure --resolve reads a configuration the archive never created from
// AWS, once, and judges the launch naming it; a configuration deleted in
// the archive stays unknown (what AWS holds now is not what was deleted);
// a denied call leaves the launch unknown with the call's reason; and
// without --resolve the unknown says --resolve would read it.
func TestTrailResolve(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(&snapshot.Account{ID: "111122223333", Regions: []*snapshot.Region{{Name: "us-east-1",
		SecurityConfigurations: []*snapshot.SecurityConfiguration{
			{Name: "elsewhere", Document: `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"EnableAtRestEncryption":false,"InTransitEncryptionConfiguration":{"TLSCertificateConfiguration":{"CertificateProviderType":"PEM","S3Object":"s3://b/c.zip"}}}}`},
			{Name: "weak", Document: `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"EnableAtRestEncryption":false}}`}}}}})
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": awstest.CallerKey, "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	root := writeArchive(t)
	emr102 := func(args ...string) map[string]string {
		var stdout, stderr bytes.Buffer
		run(context.Background(), append([]string{"trail", root, "--format", "json", "--controls", "EMR102"}, args...), nil, &stdout, &stderr)
		var r struct {
			Results []struct {
				Verdict, Message string
				Event            struct{ ID string }
			}
		}
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr.String())
		}
		out := map[string]string{}
		for _, x := range r.Results {
			out[x.Event.ID] = x.Verdict + ": " + x.Message
		}
		return out
	}
	without := emr102()
	if !strings.HasPrefix(without["l2"], "unknown") || !strings.Contains(without["l2"], "--resolve reads it") {
		t.Errorf("without --resolve, l2: %s", without["l2"])
	}
	with := emr102("--resolve", "--endpoint-url", s.URL)
	if !strings.HasPrefix(with["l2"], "pass") {
		t.Errorf("with --resolve, l2: %s", with["l2"])
	}
	if !strings.HasPrefix(with["l5"], "unknown") || !strings.Contains(with["l5"], "deleted") {
		t.Errorf("with --resolve, l5 (its configuration deleted in the archive): %s", with["l5"])
	}
	if n := s.Calls("emr.DescribeSecurityConfiguration"); n != 1 {
		t.Errorf("%d DescribeSecurityConfiguration calls, want 1 (elsewhere; weak is the archive's)", n)
	}
	s.Inject(awstest.Fault{Op: "emr.DescribeSecurityConfiguration", Code: "AccessDeniedException", Message: "not allowed"})
	denied := emr102("--resolve", "--endpoint-url", s.URL)
	if !strings.HasPrefix(denied["l2"], "unknown") || !strings.Contains(denied["l2"], "AccessDenied") {
		t.Errorf("denied, l2: %s", denied["l2"])
	}
}
