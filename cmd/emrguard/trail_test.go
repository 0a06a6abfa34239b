package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func trailRec(id, name, when, extra string) string {
	return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"` + when + `","eventSource":"elasticmapreduce.amazonaws.com","eventName":"` + name +
		`","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/dev"}` + extra + `}`
}

// writeArchive lays out a small archive: a weak configuration created, a
// launch naming it, a launch naming one never seen, a launch without one,
// a failed launch, the configuration deleted, and one broken file.
func writeArchive(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "03", "01")
	os.MkdirAll(dir, 0o755)
	weak := `{\"EncryptionConfiguration\":{\"EnableInTransitEncryption\":false,\"EnableAtRestEncryption\":false}}`
	recs := []string{
		trailRec("c1", "CreateSecurityConfiguration", "2024-03-01T00:01:00Z", `,"requestParameters":{"name":"weak","securityConfiguration":"`+weak+`"}`),
		trailRec("l1", "RunJobFlow", "2024-03-01T00:02:00Z", `,"requestParameters":{"name":"a","releaseLabel":"emr-7.2.0","securityConfiguration":"weak"},"responseElements":{"jobFlowId":"j-1"}`),
		trailRec("l2", "RunJobFlow", "2024-03-01T00:03:00Z", `,"requestParameters":{"name":"b","releaseLabel":"emr-7.2.0","securityConfiguration":"elsewhere"},"responseElements":{"jobFlowId":"j-2"}`),
		trailRec("l3", "RunJobFlow", "2024-03-01T00:04:00Z", `,"requestParameters":{"name":"c","releaseLabel":"emr-7.2.0"},"responseElements":{"jobFlowId":"j-3"}`),
		trailRec("l4", "RunJobFlow", "2024-03-01T00:05:00Z", `,"errorCode":"ValidationException","errorMessage":"no","requestParameters":{"name":"d","releaseLabel":"emr-7.2.0"}`),
		trailRec("d1", "DeleteSecurityConfiguration", "2024-03-01T00:06:00Z", `,"requestParameters":{"name":"weak"}`),
		trailRec("l5", "RunJobFlow", "2024-03-01T00:07:00Z", `,"requestParameters":{"name":"e","releaseLabel":"emr-7.2.0","securityConfiguration":"weak"},"responseElements":{"jobFlowId":"j-5"}`),
	}
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(`{"Records":[` + strings.Join(recs, ",") + `]}`))
	w.Close()
	os.WriteFile(filepath.Join(dir, "a.json.gz"), b.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.json.gz"), []byte("not gzip"), 0o644)
	return root
}

// Ensure trail judges launches against the configurations the archive
// created before them (unknown when never seen or deleted), judges failed
// launches as attempts, reports the broken file once and exits 2.
func TestTrail(t *testing.T) {
	root := writeArchive(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"trail", root, "--format", "json", "--controls", "EMR101,EMR102"}, nil, &stdout, &stderr)
	if code != exitError {
		t.Errorf("exit %d, want 2 (a broken file); stderr %s", code, stderr.String())
	}
	var r struct {
		Results []struct {
			Control, Verdict, Message string
			Event                     struct{ ID, Principal string }
		}
		Errors []struct{ Message, File string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err, stdout.String())
	}
	got := map[string]string{}
	for _, x := range r.Results {
		got[x.Event.ID+" "+x.Control] = x.Verdict
		if x.Event.ID == "l4" && !strings.Contains(x.Message, "attempt") {
			t.Errorf("failed launch not marked as an attempt: %q", x.Message)
		}
	}
	want := map[string]string{
		"c1 EMR102": "fail",                      // the weak configuration itself
		"l1 EMR101": "pass", "l1 EMR102": "fail", // names the weak one
		"l2 EMR101": "pass", "l2 EMR102": "unknown", // never created in the archive
		"l3 EMR101": "fail", "l3 EMR102": "fail",
		"l4 EMR101": "fail",    // an attempt without a configuration
		"l5 EMR102": "unknown", // named after its deletion
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	raw := stdout.String()
	if n := strings.Count(raw, "broken.json.gz"); n != 1 || !strings.Contains(raw, "not a gzip file") {
		t.Errorf("broken file named %d times in the report's errors: %v", n, r.Errors)
	}
}

// Ensure the summary counts launches and lists the changes in time order.
func TestTrailSummary(t *testing.T) {
	root := writeArchive(t)
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"trail", root, "--summary"}, nil, &stdout, &stderr)
	out := stdout.String()
	for _, want := range []string{"EMR launches (RunJobFlow): 5, of which 1 failed attempts", "arn:aws:iam::111122223333:user/dev", "EMR101"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	c, d := strings.Index(out, `"weak" created`), strings.Index(out, `"weak" deleted`)
	if c < 0 || d < c {
		t.Errorf("changes not in time order:\n%s", out)
	}
	if !strings.Contains(stderr.String(), "broken.json.gz") {
		t.Errorf("stderr %q does not name the broken file", stderr.String())
	}
}

// Ensure flag mistakes are usage errors.
func TestTrailUsage(t *testing.T) {
	for _, args := range [][]string{{"trail"}, {"trail", "a", "b"}, {"trail", ".", "--since", "yesterday"}, {"trail", "s3://"}} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, nil, &bytes.Buffer{}, &stderr); code != exitError || !strings.Contains(stderr.String(), "emrguard:") {
			t.Errorf("%v: exit %d, %q", args, code, stderr.String())
		}
	}
}
