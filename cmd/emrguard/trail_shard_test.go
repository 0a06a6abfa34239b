package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeEstateArchive lays out an archive over 3 accounts and 3 regions:
// in each, a weak and a strong configuration created, launches naming
// them (some at the same second as launches elsewhere, so the order of
// equal times matters), one naming a configuration created in another
// region, a record delivered twice, a failed launch, a deletion and a
// launch after it; plus a broken file and a file outside the layout.
func writeEstateArchive(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	weak := `{\"EncryptionConfiguration\":{\"EnableInTransitEncryption\":false,\"EnableAtRestEncryption\":false}}`
	strong := `{\"EncryptionConfiguration\":{\"EnableInTransitEncryption\":true,\"EnableAtRestEncryption\":false}}`
	rec := func(acct, region, id, name, when, extra string) string {
		return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"` + when + `","eventSource":"elasticmapreduce.amazonaws.com","eventName":"` + name +
			`","awsRegion":"` + region + `","recipientAccountId":"` + acct + `","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::` + acct + `:user/dev"}` + extra + `}`
	}
	launch := func(acct, region, id, when, sc string) string {
		p := `,"requestParameters":{"name":"` + id + `","releaseLabel":"emr-7.2.0"`
		if sc != "" {
			p += `,"securityConfiguration":"` + sc + `"`
		}
		return rec(acct, region, id, "RunJobFlow", when, p+`},"responseElements":{"jobFlowId":"j-`+id+`"}`)
	}
	write := func(rel string, recs []string) {
		path := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(path), 0o755)
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(`{"Records":[` + strings.Join(recs, ",") + `]}`))
		w.Close()
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for a, acct := range []string{"111122223333", "444455556666", "777788889999"} {
		for r, region := range []string{"us-east-1", "eu-west-1", "ap-south-1"} {
			id := func(s string) string { return fmt.Sprintf("%s-%d%d", s, a, r) }
			dir := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/2024/03/", acct, region)
			day1 := []string{
				rec(acct, region, id("c-weak"), "CreateSecurityConfiguration", "2024-03-01T00:01:00Z", `,"requestParameters":{"name":"weak","securityConfiguration":"`+weak+`"}`),
				rec(acct, region, id("c-strong"), "CreateSecurityConfiguration", "2024-03-01T00:01:00Z", `,"requestParameters":{"name":"strong-`+region+`","securityConfiguration":"`+strong+`"}`),
				launch(acct, region, id("l-weak"), "2024-03-01T00:02:00Z", "weak"),
				launch(acct, region, id("l-strong"), "2024-03-01T00:02:00Z", "strong-"+region),
				launch(acct, region, id("l-other-region"), "2024-03-01T00:03:00Z", "strong-us-east-1"),
				launch(acct, region, id("l-none"), "2024-03-01T00:03:00Z", ""),
			}
			// Created in one file, used in others: a shard must hold both.
			write(dir+"01/a.json.gz", day1[:2])
			write(dir+"01/b.json.gz", day1[2:])
			write(dir+"01/c.json.gz", day1[2:3]) // delivered twice
			write(dir+"02/a.json.gz", []string{
				rec(acct, region, id("l-failed"), "RunJobFlow", "2024-03-02T00:01:00Z", `,"errorCode":"ValidationException","errorMessage":"no","requestParameters":{"name":"f","releaseLabel":"emr-7.2.0"}`),
				rec(acct, region, id("d-weak"), "DeleteSecurityConfiguration", "2024-03-02T00:02:00Z", `,"requestParameters":{"name":"weak"}`),
				launch(acct, region, id("l-after"), "2024-03-02T00:03:00Z", "weak"),
			})
		}
	}
	os.WriteFile(filepath.Join(root, "AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/02/broken.json.gz"), []byte("not gzip"), 0o644)
	write("loose/extra.json.gz", []string{launch("111122223333", "us-east-1", "loose", "2024-03-01T00:02:00Z", "weak")})
	return root
}

// Ensure the shards of an archive, merged, give the whole run's report
// byte for byte, in JSON and in the table, and its summary, for 1 to 4
// shards (configurations are created in other files than the launches
// naming them, which a shard may not read); and that the shards read each
// record once between them.
func TestTrailShardsMerge(t *testing.T) {
	root := writeEstateArchive(t)
	trail := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"trail"}, args...), nil, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	for _, format := range [][]string{{"--format", "json"}, {"--format", "table", "--show", "all"}, {"--summary"}} {
		wantCode, want, _ := trail(append([]string{root}, format...)...)
		if !strings.Contains(want, "l-weak-12") && !strings.Contains(want, "444455556666") {
			t.Fatalf("%v: the whole run misses the archive:\n%s", format, want)
		}
		for n := 1; n <= 4; n++ {
			var parts []string
			records := 0
			for i := 1; i <= n; i++ {
				part := filepath.Join(t.TempDir(), fmt.Sprintf("part-%d.json.gz", i))
				code, out, errs := trail(root, "--shard", fmt.Sprintf("%d/%d", i, n), "--part-out", part)
				if code != exitOK || out != "" {
					t.Fatalf("shard %d/%d: exit %d, stdout %q, stderr %s", i, n, code, out, errs)
				}
				var k int
				fmt.Sscanf(errs[strings.Index(errs, "files, ")+len("files, "):], "%d", &k)
				records += k
				parts = append(parts, part)
			}
			if records != 91 { // 9 accounts and regions × 10 records, and the loose file's
				t.Errorf("%d shards read %d EMR records, want 91 (each file's records once)", n, records)
			}
			code, got, errs := trail(append(append([]string{"--merge"}, parts...), format...)...)
			if code != wantCode || got != want {
				t.Errorf("%v, %d shards merged: exit %d (want %d); stderr %s; differs from the whole run:\n--- merged\n%s\n--- whole\n%s", format, n, code, wantCode, errs, got, want)
			}
		}
	}
	if code, _, errs := trail("--merge", root); code != exitError || !strings.Contains(errs, "trail part "+root) {
		t.Errorf("merge of an archive folder: exit %d, %s", code, errs)
	}
	for args, want := range map[string]string{"--shard 3/2 --part-out p": "--shard", "--shard 1/2": "--shard", "--shard 1/2 --part-out s3://bucket/": "--part-out s3://bucket/: want s3://BUCKET/KEY"} {
		if code, _, errs := trail(append([]string{root}, strings.Fields(args)...)...); code != exitError || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, %s", args, code, errs)
		}
	}
}
