package scan_test

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/scan"
)

// Ensure a walk reads recognised files, skips .git and node_modules and
// files of no known kind silently, and warns for an unknown file named
// explicitly.
func TestWalk(t *testing.T) {
	res := scan.Paths([]string{"testdata/pair"}, scan.Options{})
	if len(res.Diags) != 0 || res.Files != 2 || len(res.Evidence.Clusters) != 1 || len(res.Evidence.SecurityConfigurations) != 1 {
		t.Fatalf("diags %v, files %d, evidence %+v", res.Diags, res.Files, res.Evidence)
	}
	res = scan.Paths([]string{"testdata/pair/README.txt"}, scan.Options{})
	if len(res.Diags) != 1 || res.Diags.Err() != nil || !strings.Contains(res.Diags[0].Msg, "skipped") {
		t.Errorf("explicit unknown file: %v", res.Diags)
	}
}

// Ensure standard input is read and limited like a file.
func TestStdin(t *testing.T) {
	res := scan.Paths([]string{"-"}, scan.Options{Stdin: strings.NewReader(`{"Name": "s", "ReleaseLabel": "emr-7.14.0", "Instances": {}}`)})
	if len(res.Evidence.Clusters) != 1 || res.Evidence.Clusters[0].Ref.Loc.File != scan.StdinName {
		t.Errorf("stdin: %+v %v", res.Evidence.Clusters, res.Diags)
	}
	res = scan.Paths([]string{"-"}, scan.Options{MaxFileSize: 10, Stdin: strings.NewReader(strings.Repeat(" ", 11))})
	if err := res.Diags.Err(); err == nil || !strings.Contains(err.Error(), "over the 10 bytes limit") {
		t.Errorf("oversized stdin: %v", err)
	}
}

// BenchmarkScanPair measures the whole path for one request and its
// security configuration: read, parse, decode and evaluate every control.
func BenchmarkScanPair(b *testing.B) {
	cfg := control.Config{Releases: release.Default()}
	all := controls.All()
	b.ReportAllocs()
	for b.Loop() {
		res := scan.Paths([]string{"testdata/pair"}, scan.Options{})
		rs := control.Evaluate(all, res.Evidence, control.IaC, cfg)
		if len(rs) < 17 || rs[0].Control == nil {
			b.Fatalf("%d results", len(rs))
		}
	}
}
