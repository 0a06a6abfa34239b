package snapshot

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

var update = flag.Bool("update", false, "rewrite testdata/live-account.verdicts")

const example = "../../examples/snapshots/live-account.json"

func readExample(t testing.TB) *Snapshot {
	t.Helper()
	f, err := os.Open(example)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := Read(f, example)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// verdictTable prints one line per result: control, verdict, account and
// region, resource, message.
func verdictTable(rs []control.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s %-7s %s/%s %s %s: %s\n", r.Control.ID, r.Verdict, r.Resource.Account, r.Resource.Region, r.Resource.Kind, r.Resource.ID, r.Message)
	}
	return b.String()
}

// Ensure the example snapshot maps to the verdicts in
// testdata/live-account.verdicts (go test -update rewrites it), with no
// diagnostics, every resource live and placed in its account, and no file
// location anywhere; and that its replay after Write and Read is identical.
func TestExampleVerdicts(t *testing.T) {
	s := readExample(t)
	ev, diags := Evidence(s)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	checkLive(t, reflect.ValueOf(ev).Elem(), "Evidence")
	got := verdictTable(verdicts(ev))
	const golden = "testdata/live-account.verdicts"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("verdicts differ from %s (go test -update, then review the diff):\n%s", golden, got)
	}
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatal(err)
	}
	back, err := Read(&buf, "replay.json")
	if err != nil {
		t.Fatal(err)
	}
	ev2, _ := Evidence(back)
	if replay := verdictTable(verdicts(ev2)); replay != got {
		t.Errorf("replay differs:\n%s", replay)
	}
}

// checkLive walks the evidence: every Ref is FromLive with an account,
// and no Loc is set.
func checkLive(t *testing.T, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkLive(t, v.Elem(), path)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			checkLive(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkLive(t, v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
		}
	case reflect.Struct:
		switch x := v.Interface().(type) {
		case model.Loc:
			if x != (model.Loc{}) {
				t.Errorf("%s: location %s, want none", path, x)
			}
			return
		case model.Ref:
			if x.Origin != model.FromLive || x.Account == "" || x.ID == "" || x.Kind == "" {
				t.Errorf("%s: ref %+v, want a live one with kind, ID and account", path, x)
			}
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				checkLive(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	}
}

// FuzzRead ensures Read never panics, and that whatever it accepts maps
// to evidence without panicking and writes back to a snapshot it reads.
func FuzzRead(f *testing.F) {
	data, err := os.ReadFile(example)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	var buf bytes.Buffer
	s, _ := Read(bytes.NewReader(data), "seed")
	Write(&buf, s)
	f.Add(buf.Bytes())
	f.Add([]byte(`{"format":"emrguard-snapshot","version":1,"accounts":[{"id":"1","regions":[{"name":"r","failures":[{"service":"emr","operation":"DescribeCluster","resource":"j-1"}]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Read(bytes.NewReader(b), "fuzz")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		Evidence(s)
		var out bytes.Buffer
		if err := Write(&out, s); err != nil {
			return // e.g. a time outside what JSON can hold
		}
		if _, err := Read(&out, "again"); err != nil {
			t.Fatalf("a written snapshot does not read back: %v", err)
		}
	})
}
