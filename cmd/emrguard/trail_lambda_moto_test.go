package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/emrguard/emrguard/internal/testtool"
)

// uploadTree puts every file under root into bucket under prefix, and
// returns how many.
func uploadTree(t *testing.T, api *s3.Client, root, bucket, prefix string, skip func(rel string) bool) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if skip != nil && skip(filepath.ToSlash(rel)) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		_, err = api.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + filepath.ToSlash(rel)), Body: bytes.NewReader(data)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func getObject(t *testing.T, api *s3.Client, uri string) []byte {
	t.Helper()
	b, k, _ := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	out, err := api.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(k)})
	if err != nil {
		t.Fatalf("GetObject %s: %v", uri, err)
	}
	defer out.Body.Close()
	data, _ := io.ReadAll(out.Body)
	return data
}

// runShards invokes the shard handler for shards 1..n as the state
// machine does and returns their answers.
func runShards(t *testing.T, h *trailLambda, source, parts string, n int, filter string) []*partStats {
	t.Helper()
	var out []*partStats
	for i := 1; i <= n; i++ {
		ev := fmt.Sprintf(`{"source":%q,"shard":%d,"of":%d,"part":"%s%d.json.gz","filter":%s}`, source, i, n, parts, i, filter)
		st, err := h.shard(context.Background(), []byte(ev))
		if err != nil {
			t.Fatalf("shard %d/%d: %v", i, n, err)
		}
		out = append(out, st)
	}
	return out
}

// Ensure the shard and merge handlers, against S3 (moto_server) through
// the SDK, give the report of `trail` over the same prefix unsharded, byte
// for byte, for 1, 3 and 5 shards and with a filter; that the shards read
// each EMR record once between them and each file once; that the broken
// object, read by one shard, is named in the merge's errors with exit 2,
// as trail exits; and that bad events are refused, naming the field.
func TestTrailLambdaShardsMergeMoto(t *testing.T) {
	url := testtool.Moto(t)
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDMOTO", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	fixedNow(t, time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC))
	ctx := context.Background()
	api, err := trailS3(ctx, &workflowFlags{endpointURL: url})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"sharded-archive", "sharded-out"} {
		if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	files := uploadTree(t, api, writeEstateArchive(t), "sharded-archive", "org/", nil)
	var logs bytes.Buffer
	h := &trailLambda{endpointURL: url, stdout: &logs, stderr: &logs}
	for _, tc := range []struct {
		n       int
		filter  string
		flags   []string
		records int
	}{
		{1, `{}`, nil, 91}, {3, `{}`, nil, 91}, {5, `{}`, nil, 91},
		{3, `{"region":["eu-west-1"],"since":"2024-03-02"}`, []string{"--region", "eu-west-1", "--since", "2024-03-02"}, 9},
	} {
		run := fmt.Sprintf("run-%d-%d", tc.n, len(tc.flags))
		want := filepath.Join(t.TempDir(), "whole.json")
		wantCode, _, stderr := runCLI(t, append([]string{"trail", "s3://sharded-archive/org/", "--format", "json", "--output", want, "--endpoint-url", url}, tc.flags...)...)
		wantReport, err := os.ReadFile(want)
		if err != nil {
			t.Fatalf("unsharded run: %v\n%s", err, stderr)
		}
		stats := runShards(t, h, "s3://sharded-archive/org/", "s3://sharded-out/parts/"+run+"/", tc.n, tc.filter)
		events, read, denied := 0, 0, 0
		for _, st := range stats {
			events += st.Events
			read += st.Files
			for _, e := range st.Errors {
				if strings.Contains(e, "broken.json.gz") {
					denied++
				}
			}
		}
		if events != tc.records || (len(tc.flags) == 0 && read != files) {
			t.Errorf("%s: the shards read %d EMR records in %d files, want %d in %d", run, events, read, tc.records, files)
		}
		res, err := h.merge(ctx, []byte(`{"parts":"s3://sharded-out/parts/`+run+`/","report":"s3://sharded-out/reports/`+run+`/report.json"}`))
		if err != nil {
			t.Fatalf("%s: merge: %v\n%s", run, err, logs.String())
		}
		got := getObject(t, api, res.Report)
		if !bytes.Equal(got, wantReport) || res.ExitCode != wantCode {
			t.Errorf("%s: merged report (exit %d) differs from the unsharded one (exit %d):\n--- merged\n%s\n--- whole\n%s", run, res.ExitCode, wantCode, got, wantReport)
		}
		if !bytes.Contains(wantReport, []byte("l-weak-12")) && len(tc.flags) == 0 {
			t.Errorf("%s: the unsharded report misses the archive:\n%s", run, wantReport)
		}
		if len(tc.flags) == 0 {
			// The broken object is in the whole archive: one shard saw it.
			if denied != 1 || res.ExitCode != exitError || len(res.Errors) != 1 || !strings.Contains(res.Message, "s3://sharded-archive/org/AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/02/broken.json.gz") {
				t.Errorf("%s: %d shards name the broken object; merge exit %d, errors %q, message %q", run, denied, res.ExitCode, res.Errors, res.Message)
			}
		}
	}
	for _, bad := range []struct{ ev, want string }{
		{`{"source":"s3://sharded-archive/org/","shard":1,"of":2,"part":"s3://sharded-out/p/1.json","filter":{"regions":["x"]}}`, `unknown field "regions"`},
		{`{"source":"s3://sharded-archive/org/","shard":3,"of":2,"part":"s3://sharded-out/p/1.json"}`, "--shard"},
		{`{"source":"/var/task","shard":1,"of":2,"part":"s3://sharded-out/p/1.json"}`, "want s3://BUCKET/PREFIX"},
		{`{"source":"s3://sharded-archive/org/","shard":1,"of":1,"part":"s3://sharded-out/p/1.json","filter":{"since":"yesterday"}}`, "--since"},
	} {
		if _, err := h.shard(ctx, []byte(bad.ev)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want an error containing %q", bad.ev, err, bad.want)
		}
	}
	if _, err := h.merge(ctx, []byte(`{"parts":"s3://sharded-out/none/","report":"s3://sharded-out/r.json"}`)); err == nil || !strings.Contains(err.Error(), "no parts") {
		t.Errorf("merge of an empty prefix: %v", err)
	}
	// The CLI reads the parts from S3 as the merge function does.
	code, out, stderr := runCLI(t, "trail", "--merge", "s3://sharded-out/parts/run-3-0/", "--summary", "--endpoint-url", url)
	if code != exitError || !strings.Contains(out, "444455556666") || !strings.Contains(stderr, "broken.json.gz") {
		t.Errorf("trail --merge s3://: exit %d\n%s\n%s", code, out, stderr)
	}
	var parsed map[string]any
	if json.Unmarshal(getObject(t, api, "s3://sharded-out/reports/run-5-0/report.json"), &parsed) != nil {
		t.Error("the report in S3 is not JSON")
	}
}
