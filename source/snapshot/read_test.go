package snapshot

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
)

// small returns a snapshot with a little of everything the order touches.
func small() *Snapshot {
	return &Snapshot{Format: Format, Version: Version, Tool: "emrguard test", Taken: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC),
		Accounts: []*Account{
			{ID: "222222222222", Regions: []*Region{{Name: "us-east-1"}}},
			{ID: "111111111111", Regions: []*Region{
				{Name: "us-east-1", Clusters: []*Cluster{{Cluster: emrtypes.Cluster{Id: aws.String("j-2")}}, {Cluster: emrtypes.Cluster{Id: aws.String("j-1")}}},
					Failures: []Failure{{Service: "emr", Operation: "ListInstances", Resource: "j-2", Code: "Throttling"}, {Service: "ec2", Operation: "DescribeSubnets", Code: "X"}}},
				{Name: "eu-west-1"},
			}},
		}}
}

func encode(t *testing.T, s *Snapshot) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Ensure Write puts lists in canonical order without touching its input,
// and that Read gives back what was written.
func TestWriteReadRoundTrip(t *testing.T) {
	s := small()
	data := encode(t, s)
	if s.Accounts[0].ID != "222222222222" || *s.Accounts[1].Regions[0].Clusters[0].Cluster.Id != "j-2" {
		t.Fatal("Write changed its input's order")
	}
	if !bytes.HasPrefix(data, []byte(`{"format":"emrguard-snapshot","version":1,`)) {
		t.Fatalf("Write does not start with the format key: %.60s", data)
	}
	if bytes.Contains(data, []byte("\n  ")) {
		t.Fatal("Write indents; want compact JSON")
	}
	back, err := Read(bytes.NewReader(data), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, Canonical(s)) {
		t.Fatalf("round trip differs:\n%s\n%s", data, encode(t, back))
	}
	if got := back.Accounts[0].ID + " " + back.Accounts[0].Regions[0].Name + " " + *back.Accounts[0].Regions[1].Clusters[0].Cluster.Id; got != "111111111111 eu-west-1 j-1" {
		t.Fatalf("canonical order: %s", got)
	}
	if f := back.Accounts[0].Regions[1].Failures; f[0].Service != "ec2" {
		t.Fatalf("failures not sorted: %+v", f)
	}
	// The same state in another order gives the same bytes.
	s2 := small()
	s2.Accounts[0], s2.Accounts[1] = s2.Accounts[1], s2.Accounts[0]
	if !bytes.Equal(encode(t, s2), data) {
		t.Fatal("Write's bytes depend on the input's order")
	}
}

// Ensure WriteFile compresses a .gz path, that Read detects gzip by its
// magic bytes, and that no temporary file is left behind.
func TestWriteFileGzip(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"s.json", "s.json.gz"} {
		path := filepath.Join(dir, name)
		if err := WriteFile(path, small()); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if zipped := bytes.HasPrefix(data, gzipMagic); zipped != strings.HasSuffix(name, ".gz") {
			t.Fatalf("%s: gzip %v", name, zipped)
		}
		if !Detect(data) {
			t.Fatalf("%s: Detect false", name)
		}
		s, err := Read(bytes.NewReader(data), name)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Accounts) != 2 {
			t.Fatalf("%s: %d accounts", name, len(s.Accounts))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("left behind: %v", entries)
	}
}

// Ensure a WriteFile that cannot finish leaves nothing at the path.
func TestWriteFileWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "missing", "s.json")
	if err := WriteFile(path, small()); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
	target := filepath.Join(dir, "s.json")
	os.WriteFile(target, []byte("old"), 0o600)
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A rename onto a folder fails after the data was written.
	if err := WriteFile(filepath.Join(dir, "sub"), small()); err == nil {
		t.Fatal("rename onto a folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Fatal("an unrelated file changed")
	}
}

// Ensure Read refuses, naming the file, what is not a whole snapshot this
// build can read, and ignores members it does not know.
func TestReadRefuses(t *testing.T) {
	good := encode(t, small())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(good)
	zw.Close()
	for _, tc := range []struct {
		name, data, want string
	}{
		{"cut.json", string(good[:len(good)/2]), "snapshot cut.json is truncated: the JSON ends early"},
		{"cut.json.gz", gz.String()[:gz.Len()/2], "snapshot cut.json.gz is truncated: the gzip stream ends early"},
		{"cut-trailer.json.gz", gz.String()[:gz.Len()-4], "snapshot cut-trailer.json.gz is truncated"},
		{"new.json", `{"format":"emrguard-snapshot","version":3,"accounts":[]}`, "snapshot new.json is version 3; this emrguard reads up to 1 — upgrade emrguard"},
		{"zero.json", `{"format":"emrguard-snapshot","version":0}`, "snapshot zero.json has no valid \"version\""},
		{"other.json", `{"format":"something-else","version":1}`, "snapshot other.json: not an emrguard snapshot: its format is \"something-else\""},
		{"none.json", `{"version":1,"accounts":[]}`, "snapshot none.json: not an emrguard snapshot: it has no \"format\""},
		{"text.txt", "hello, world", "snapshot text.txt is not JSON"},
		{"empty.json", "  ", "snapshot empty.json is empty"},
		{"bad.json", `{"format":"emrguard-snapshot","version":1,"accounts":[}`, "snapshot bad.json is not valid JSON at byte"},
		{"type.json", `{"format":"emrguard-snapshot","version":1,"accounts":[{"id":42}]}`, "snapshot type.json: member accounts.id holds a JSON number"},
	} {
		_, err := Read(strings.NewReader(tc.data), tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	s, err := Read(strings.NewReader(`{"format":"emrguard-snapshot","version":1,"future":{"x":1},"accounts":[{"id":"1","newThing":true}]}`), "f.json")
	if err != nil || len(s.Accounts) != 1 || s.Accounts[0].ID != "1" {
		t.Fatalf("unknown members: %v %+v", err, s)
	}
}

// Ensure Detect accepts snapshots, compressed or not and with any
// spacing, and nothing else.
func TestDetect(t *testing.T) {
	good := encode(t, small())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(good)
	zw.Close()
	for _, tc := range []struct {
		name string
		head []byte
		want bool
	}{
		{"written", good, true},
		{"gzip", gz.Bytes(), true},
		{"gzip head", gz.Bytes()[:min(gz.Len()-8, 300)], true},
		{"indented", []byte("\ufeff {\n  \"version\": 1,\n  \"format\" :\n \"emrguard-snapshot\"\n}"), true},
		{"value elsewhere", []byte(`{"Description":"emrguard-snapshot","format":"x"}`), false},
		{"other format", []byte(`{"format":"emrguard-snapshots"}`), false},
		{"array", []byte(`["format","emrguard-snapshot"]`), false},
		{"cfn", []byte(`{"AWSTemplateFormatVersion":"2010-09-09"}`), false},
		{"gzip garbage", []byte{0x1f, 0x8b, 1, 2}, false},
		{"empty", nil, false},
	} {
		if got := Detect(tc.head); got != tc.want {
			t.Errorf("%s: Detect = %v, want %v", tc.name, got, tc.want)
		}
	}
}
