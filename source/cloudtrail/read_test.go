package cloudtrail_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/source/cloudtrail"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func put(t *testing.T, root, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func rec(id, source, name, when, extra string) string {
	return `{"eventVersion":"1.09","eventID":"` + id + `","eventTime":"` + when + `","eventSource":"` + source + `","eventName":"` + name +
		`","awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"}` + extra + `}`
}

const emr = "elasticmapreduce.amazonaws.com"

// Ensure List follows the layout: digests and other folders skipped, the
// organization layout read, and account, region and dates pruned by the
// folders.
func TestList(t *testing.T) {
	root := t.TempDir()
	empty := gz(t, `{"Records":[]}`)
	for _, rel := range []string{
		"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/a.json.gz",
		"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/b.json.gz",
		"AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/c.json",
		"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/01/111122223333_CloudTrail-Digest_us-east-1_x.json.gz",
		"AWSLogs/o-abc123/444455556666/CloudTrail/us-east-1/2024/03/01/d.json.gz",
		"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/notes.txt",
	} {
		put(t, root, rel, empty)
	}
	names := func(fs []cloudtrail.File) []string {
		var out []string
		for _, f := range fs {
			out = append(out, filepath.Base(f.Path))
		}
		return out
	}
	all, err := cloudtrail.List(root, cloudtrail.Filter{})
	if err != nil || !slices.Equal(names(all), []string{"c.json", "a.json.gz", "b.json.gz", "d.json.gz"}) {
		t.Fatalf("all = %v, %v", names(all), err)
	}
	if all[3].Account != "444455556666" || all[1].Region != "us-east-1" || !all[1].Day.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("positions: %+v %+v", all[0], all[3])
	}
	for name, tc := range map[string]struct {
		f    cloudtrail.Filter
		want []string
	}{
		"account": {cloudtrail.Filter{Accounts: []string{"444455556666"}}, []string{"d.json.gz"}},
		"region":  {cloudtrail.Filter{Regions: []string{"eu-west-1"}}, []string{"c.json"}},
		"since":   {cloudtrail.Filter{Since: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)}, []string{"b.json.gz"}},
		// Events of Mar 1 may be delivered in Mar 2's folder; Mar 5's
		// cannot hold any.
		"until": {cloudtrail.Filter{Until: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)}, []string{"c.json", "a.json.gz", "d.json.gz"}},
	} {
		got, err := cloudtrail.List(root, tc.f)
		if err != nil || !slices.Equal(names(got), tc.want) {
			t.Errorf("%s: %v, want %v (%v)", name, names(got), tc.want, err)
		}
	}
}

// Ensure Read finds the EMR records only (not records that merely mention
// EMR), in time order, and that each broken file is one error naming it
// while the others are still read.
func TestRead(t *testing.T) {
	root := t.TempDir()
	base := "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/"
	good := `{"Records":[` + strings.Join([]string{
		rec("e2", emr, "RunJobFlow", "2024-03-01T00:10:00Z", `,"requestParameters":{"name":"b"}`),
		rec("n1", "ec2.amazonaws.com", "RunInstances", "2024-03-01T00:11:00Z", `,"sourceIPAddress":"`+emr+`"`),
		rec("s3", "s3.amazonaws.com", "GetObject", "2024-03-01T00:12:00Z", ""),
	}, ",") + `]}`
	early := `{"Records":[` + rec("e1", emr, "CreateSecurityConfiguration", "2024-03-01T00:05:00Z", `,"requestParameters":{"name":"x","securityConfiguration":"{}"}`) + `]}`
	put(t, root, base+"good.json.gz", gz(t, good))
	put(t, root, base+"early.json", []byte(early))
	full := gz(t, good)
	put(t, root, base+"truncated.json.gz", full[:len(full)/2])
	put(t, root, base+"plain.json.gz", []byte(good))
	put(t, root, base+"badrecord.json.gz", gz(t, `{"Records":[{"eventSource":"`+emr+`","eventName":tru}, `+rec("e3", emr, "AddTags", "2024-03-01T00:20:00Z", `,"requestParameters":{}`)+`]}`))
	put(t, root, base+"cut.json", []byte(good[:len(good)-5]))
	files, err := cloudtrail.List(root, cloudtrail.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var c cloudtrail.Counters
	cands, errs := cloudtrail.Read(files, cloudtrail.Options{Workers: 3, Counters: &c})
	var ids []string
	for _, cd := range cands {
		ids = append(ids, cd.Event.ID)
	}
	// cut.json's records before the cut are read too: e2 twice.
	if !slices.Equal(ids, []string{"e1", "e2", "e2", "e3"}) {
		t.Errorf("candidates %v, want e1 e2 e2 e3 in time order", ids)
	}
	want := map[string]string{
		"badrecord.json.gz": "record 0 is not JSON",
		"cut.json":          "unexpected end",
		"plain.json.gz":     "not a gzip file",
		"truncated.json.gz": "truncated gzip",
	}
	if len(errs) != len(want) {
		t.Errorf("%d errors, want %d: %v", len(errs), len(want), errs)
	}
	for _, err := range errs {
		base := filepath.Base(strings.SplitN(err.Error(), ": ", 2)[0])
		if w, ok := want[base]; !ok || !strings.Contains(err.Error(), w) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("error %q: want one line naming the file with %q", err, w)
		}
	}
	if c.Files.Load() != int64(len(files)) {
		t.Errorf("counted %d files of %d", c.Files.Load(), len(files))
	}
}

// Ensure a file that decompresses past the limit is refused with a
// message naming the file and the limit, and other files still read.
func TestReadLimit(t *testing.T) {
	root := t.TempDir()
	big := `{"Records":[` + rec("e9", emr, "AddTags", "2024-03-01T00:00:00Z", `,"pad":"`+strings.Repeat("a", 1<<20)+`"`) + `]}`
	put(t, root, "big.json.gz", gz(t, big))
	put(t, root, "small.json.gz", gz(t, `{"Records":[`+rec("e8", emr, "AddTags", "2024-03-01T00:00:00Z", "")+`]}`))
	files, _ := cloudtrail.List(root, cloudtrail.Filter{})
	cands, errs := cloudtrail.Read(files, cloudtrail.Options{MaxFileSize: 64 << 10})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "big.json.gz") || !strings.Contains(errs[0].Error(), "more than 65536 bytes") {
		t.Errorf("errs = %v", errs)
	}
	if len(cands) != 1 || cands[0].Event.ID != "e8" {
		t.Errorf("cands = %v", cands)
	}
}

// Ensure the filter applies to the records themselves: the time range,
// and account and region outside the layout.
func TestReadFilter(t *testing.T) {
	root := t.TempDir()
	put(t, root, "x.json", []byte(`{"Records":[`+rec("a", emr, "AddTags", "2024-03-01T00:00:00Z", "")+","+rec("b", emr, "AddTags", "2024-03-02T00:00:00Z", "")+`]}`))
	files, _ := cloudtrail.List(root, cloudtrail.Filter{})
	cands, errs := cloudtrail.Read(files, cloudtrail.Options{Filter: cloudtrail.Filter{Since: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}})
	if len(errs) != 0 || len(cands) != 1 || cands[0].Event.ID != "b" {
		t.Errorf("since: %v %v", cands, errs)
	}
	cands, _ = cloudtrail.Read(files, cloudtrail.Options{Filter: cloudtrail.Filter{Accounts: []string{"999999999999"}}})
	if len(cands) != 0 {
		t.Errorf("account filter kept %d", len(cands))
	}
}
