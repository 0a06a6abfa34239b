package awsapi

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/source/snapshot"
)

var taken = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return taken }

// sameJSON fails the test with the first differing lines when got and
// want do not encode alike.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if string(g) == string(w) {
		return
	}
	if dir := os.Getenv("EMRGUARD_DUMP"); dir != "" {
		os.WriteFile(filepath.Join(dir, "got.json"), g, 0o644)
		os.WriteFile(filepath.Join(dir, "want.json"), w, 0o644)
	}
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var a, b string
		if i < len(gl) {
			a = gl[i]
		}
		if i < len(wl) {
			b = wl[i]
		}
		if a != b {
			lo := max(0, i-8)
			t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\ncontext (want):\n%s", what, i+1, a, b, strings.Join(wl[lo:min(len(wl), i+3)], "\n"))
		}
	}
}

// Ensure a scan of an estate served by the test AWS gives back exactly
// that estate: every object read, each through the real SDK client and
// wire protocol, nothing the scan must skip (a terminated cluster,
// objects no cluster names) and no failure.
// With pages of one item, every list is followed to its end.
func TestScanRoundTrip(t *testing.T) {
	for _, page := range []int{0, 1} {
		t.Run(fmt.Sprint("page size ", page), func(t *testing.T) { roundTrip(t, page) })
	}
}

func roundTrip(t *testing.T, pageSize int) {
	want := estate("210987654321", "eu-west-1", "us-east-1")
	srv := newEstateServer(t, want)
	srv.SetPageSize(pageSize)
	snap, err := Scan(context.Background(), srv.Config("eu-west-1"), Options{Regions: []string{"eu-west-1", "us-east-1"}, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	wantSnap := &snapshot.Snapshot{Format: snapshot.Format, Version: snapshot.Version, Taken: taken, Accounts: []*snapshot.Account{want}}
	sameJSON(t, "snapshot", snap, wantSnap)
}
