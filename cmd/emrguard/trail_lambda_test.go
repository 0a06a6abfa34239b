package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/trail/deploy"
)

// Ensure, against internal/awstest through the SDK (S3 listing a page of
// two at a time, GetObject, PutObject; STS; Security Hub): an object
// denied to one shard is recorded in that shard's part and only there,
// the merge names it (exit 2, as trail exits, with the report still
// written and listing it), and with securityhub the merged findings are
// imported (BatchImportFindings) as `trail --security-hub` imports them.
func TestTrailLambdaDeniedObjectSecurityHub(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.SetPageSize(2)
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": awstest.CallerKey, "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	fixedNow(t, time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC))
	ctx := context.Background()
	api, err := trailS3(ctx, &workflowFlags{endpointURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	files := uploadTree(t, api, writeEstateArchive(t), "archive", "", func(rel string) bool { return strings.HasSuffix(rel, "broken.json.gz") })
	var logs bytes.Buffer
	h := &trailLambda{endpointURL: s.URL, stdout: &logs, stderr: &logs}

	// Unsharded, with Security Hub: what the merge must import.
	code, _, stderr := runCLI(t, "trail", "s3://archive/", "--format", "json", "--security-hub", "--endpoint-url", s.URL)
	whole := s.ImportedFindings()
	if code != exitFailing || len(whole) == 0 {
		t.Fatalf("unsharded: exit %d, %d findings imported\n%s", code, len(whole), stderr)
	}

	// The first GetObject (shard 1's) is denied.
	s.Inject(awstest.Fault{Op: "s3.GetObject", Times: 1, Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	stats := runShards(t, h, "s3://archive/", "s3://out/parts/run/", 3, `{}`)
	read := 0
	for i, st := range stats {
		read += st.Files
		if want := map[bool]int{true: 1, false: 0}[i == 0]; len(st.Errors) != want || want == 1 && !strings.Contains(st.Errors[0], "AccessDenied") {
			t.Errorf("shard %d/3: errors %q, want %d AccessDenied", i+1, st.Errors, want)
		}
		if !strings.HasPrefix(st.Part, "s3://out/parts/run/") {
			t.Errorf("shard %d/3 wrote %q", i+1, st.Part)
		}
	}
	if read != files {
		t.Errorf("the shards read %d files, want %d", read, files)
	}
	denied := stats[0].Errors[0]
	if !strings.HasPrefix(denied, "s3://archive/AWSLogs/") {
		t.Errorf("the denied object is not named: %q", denied)
	}
	before := len(s.ImportedFindings())
	res, err := h.merge(ctx, []byte(`{"parts":"s3://out/parts/run/","report":"s3://out/reports/run/report.json","securityhub":true}`))
	if err != nil {
		t.Fatalf("merge: %v\n%s", err, logs.String())
	}
	if res.ExitCode != exitError || len(res.Errors) != 1 || res.Errors[0] != denied || !strings.Contains(res.Message, denied) {
		t.Errorf("merge: exit %d, errors %q, message %q; want exit 2 naming %s", res.ExitCode, res.Errors, res.Message, denied)
	}
	var report struct {
		Errors []struct{ File, Message string }
	}
	if err := json.Unmarshal(getObject(t, api, "s3://out/reports/run/report.json"), &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Errors) != 1 || !strings.Contains(denied, report.Errors[0].File) || report.Errors[0].File == "" {
		t.Errorf("the report's errors %+v do not name %s", report.Errors, denied)
	}
	// (Which findings depends on the file denied: a configuration it
	// created leaves later launches unknown. The clean merge below is
	// compared finding for finding.)
	if imported := s.ImportedFindings()[before:]; len(imported) == 0 {
		t.Error("the merge imported no finding")
	}
	if !strings.Contains(logs.String(), "Security Hub 210987654321/eu-west-1") {
		t.Errorf("the merge does not report its import:\n%s", logs.String())
	}

	// Without the fault, the merge imports exactly the whole run's findings.
	stats = runShards(t, h, "s3://archive/", "s3://out/parts/clean/", 2, `{}`)
	before = len(s.ImportedFindings())
	if res, err := h.merge(ctx, []byte(`{"parts":"s3://out/parts/clean/","report":"s3://out/reports/clean/report.sarif","format":"sarif","securityhub":true}`)); err != nil || res.ExitCode != exitFailing || len(res.Errors) != 0 {
		t.Fatalf("clean merge: %+v, %v", res, err)
	}
	got, _ := json.Marshal(s.ImportedFindings()[before:])
	want, _ := json.Marshal(whole)
	if !bytes.Equal(got, want) {
		t.Errorf("clean merge imported other findings than the unsharded run:\n%s\n%s", got, want)
	}
	if !bytes.Contains(getObject(t, api, "s3://out/reports/clean/report.sarif"), []byte(`"version": "2.1.0"`)) {
		t.Error("the sarif report is not SARIF")
	}
}

// Ensure the payloads the state machine sends are the events the handlers
// read: every field of the shard and merge payloads is a field of
// shardEvent and mergeEvent (they refuse unknown fields), and the fields
// they need are sent.
func TestTrailLambdaEventsMatchDefinition(t *testing.T) {
	def := deploy.Definition()
	states := def["States"].(map[string]any)
	shardTask := states["Shards"].(map[string]any)["ItemProcessor"].(map[string]any)["States"].(map[string]any)["ReadShard"].(map[string]any)
	if shardTask["Parameters"].(map[string]any)["Payload.$"] != "$" {
		t.Fatalf("the shard task does not send the ItemSelector's event: %v", shardTask["Parameters"])
	}
	for _, tc := range []struct {
		payload map[string]any
		event   any
		need    []string
	}{
		{states["Shards"].(map[string]any)["ItemSelector"].(map[string]any), shardEvent{}, []string{"source", "shard", "of", "part", "filter"}},
		{states["Merge"].(map[string]any)["Parameters"].(map[string]any)["Payload"].(map[string]any), mergeEvent{}, []string{"parts", "report"}},
	} {
		fields := map[string]bool{}
		typ := reflect.TypeOf(tc.event)
		for i := range typ.NumField() {
			fields[strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]] = true
		}
		sent := map[string]bool{}
		for k := range tc.payload {
			k = strings.TrimSuffix(k, ".$")
			sent[k] = true
			if !fields[k] {
				t.Errorf("%s: the state machine sends %q, which the handler refuses", typ.Name(), k)
			}
		}
		for _, k := range tc.need {
			if !sent[k] {
				t.Errorf("%s: the state machine does not send %q", typ.Name(), k)
			}
		}
	}
	// The execution's input is the filter: its fields are trail's flags.
	var f trailFilter
	if err := decodeEvent([]byte(`{"since":"2026-01-01","until":"2026-02-01","account":["111122223333"],"region":["eu-west-1"]}`), &f, "filter"); err != nil || f.Region[0] != "eu-west-1" {
		t.Errorf("filter: %+v, %v", f, err)
	}
}

// Ensure a Lambda answer lists at most maxErrorLines errors and counts
// them all: Step Functions refuses a state's data over 256 KiB.
func TestErrorLinesBounded(t *testing.T) {
	var errs []error
	for i := range 5000 {
		errs = append(errs, fmt.Errorf("s3://archive/AWSLogs/%d.json.gz: AccessDenied: KMS key denied", i))
	}
	lines, n := errorLines(errs)
	if n != 5000 || len(lines) != maxErrorLines || lines[0] != errs[0].Error() {
		t.Errorf("%d lines of %d, first %q", len(lines), n, lines[0])
	}
	if lines, n := errorLines(nil); lines == nil || len(lines) != 0 || n != 0 {
		t.Errorf("no errors: %v, %d (want [] for JSON)", lines, n)
	}
}
