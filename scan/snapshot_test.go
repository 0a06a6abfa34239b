package scan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/scan"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure a scan reads snapshots, plain and gzip-compressed, named or met
// in a walk, as live evidence beside the other inputs; that the failures
// they record are errors naming the call; and that a broken snapshot is an
// error naming its file.
func TestScanReadsSnapshots(t *testing.T) {
	dir := t.TempDir()
	s := &snapshot.Snapshot{Format: snapshot.Format, Version: snapshot.Version, Taken: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC),
		Accounts: []*snapshot.Account{{ID: "111122223333", Regions: []*snapshot.Region{{Name: "eu-west-1",
			Clusters: []*snapshot.Cluster{{Cluster: emrtypes.Cluster{Id: aws.String("j-LIVE"), Name: aws.String("live")}, PrimaryRead: true}},
			Failures: []snapshot.Failure{{Service: "emr", Operation: "DescribeSecurityConfiguration", Resource: "hardened", Code: "AccessDeniedException", Message: "no"}},
		}}}}}
	for _, name := range []string{"a.json", "b.json.gz"} {
		if err := snapshot.WriteFile(filepath.Join(dir, name), s); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "sc.json"), []byte(`{"EncryptionConfiguration":{"EnableInTransitEncryption":true}}`), 0o600)
	res := scan.Paths([]string{dir}, scan.Options{})
	if res.Files != 3 {
		t.Fatalf("files %d, want 3 (two snapshots and a configuration); diags %v", res.Files, res.Diags)
	}
	live := 0
	for _, c := range res.Evidence.Clusters {
		if c.Ref.ID == "j-LIVE" && c.Ref.Origin == model.FromLive && c.Ref.Account == "111122223333" && c.Ref.Loc == (model.Loc{}) {
			live++
		}
	}
	if live != 2 || len(res.Evidence.SecurityConfigurations) != 3 {
		t.Fatalf("live clusters %d, configurations %d", live, len(res.Evidence.SecurityConfigurations))
	}
	errs := res.Diags.Errors()
	if len(errs) != 2 || errs[0].Call != `emr DescribeSecurityConfiguration "hardened" in eu-west-1 (account 111122223333)` ||
		errs[0].Msg != "AccessDeniedException: no" {
		t.Fatalf("diags: %+v", res.Diags)
	}

	data, _ := os.ReadFile(filepath.Join(dir, "b.json.gz"))
	cut := filepath.Join(dir, "cut.json.gz")
	os.WriteFile(cut, data[:len(data)-10], 0o600)
	res = scan.Paths([]string{cut}, scan.Options{})
	if len(res.Diags) != 1 || res.Diags[0].At.File != cut || !strings.HasPrefix(res.Diags[0].Msg, "snapshot is truncated") {
		t.Fatalf("truncated: %+v", res.Diags)
	}
	// A gzip file that is not a snapshot, met in a walk, is no input.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "logs.gz"), []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3}, 0o600)
	if res = scan.Paths([]string{other}, scan.Options{}); len(res.Diags) != 0 || res.Files != 0 {
		t.Fatalf("other gzip: files %d, diags %v", res.Files, res.Diags)
	}
	// Named on the command line, it is said to be skipped (a warning).
	named := filepath.Join(other, "logs.gz")
	if res = scan.Paths([]string{named}, scan.Options{}); len(res.Diags) != 1 || res.Diags[0].Level != source.Warning ||
		!strings.Contains(res.Diags[0].Msg, "not an emrguard snapshot") {
		t.Fatalf("named gzip: %+v", res.Diags)
	}
}
