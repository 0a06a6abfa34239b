package scan_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
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

// Ensure a file found by a walk that starts like JSON but is named
// otherwise and is not JSON (a template for Terraform's templatefile) is
// skipped silently, while a broken .json file, or any broken file named
// on the command line, is an error.
func TestWalkSkipsTemplates(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"sc.json.tftpl": `{"EncryptionConfiguration": {"EnableInTransitEncryption": ${in_transit}}}`,
		"policy.tmpl":   `{"Statement": [{{ range .S }}{{ . }}{{ end }}]}`,
		"broken.json":   `{"Name": `,
		// Flow-style YAML starts like JSON: read as YAML, not skipped.
		"flow.yaml":  `{Resources: {Sc: {Type: "AWS::EMR::SecurityConfiguration", Properties: {SecurityConfiguration: {EncryptionConfiguration: {EnableInTransitEncryption: false}}}}}}`,
		"broken.yml": `{Name: [`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := scan.Paths([]string{dir}, scan.Options{})
	var broken []string
	for _, d := range res.Diags {
		broken = append(broken, filepath.Base(d.At.File))
	}
	sort.Strings(broken)
	if strings.Join(broken, " ") != "broken.json broken.yml" {
		t.Errorf("walk: diagnostics %v, want broken.json's and broken.yml's alone", res.Diags)
	}
	if len(res.Evidence.SecurityConfigurations) != 1 || !res.Evidence.SecurityConfigurations[0].InTransit.IsSet() {
		t.Errorf("flow.yaml not read: %+v", res.Evidence.SecurityConfigurations)
	}
	res = scan.Paths([]string{filepath.Join(dir, "sc.json.tftpl")}, scan.Options{})
	if res.Diags.Err() == nil {
		t.Errorf("a template named on the command line: no error (%v)", res.Diags)
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
		rs := engine.Evaluate(all, res.Evidence, control.IaC, cfg)
		if len(rs) < 17 || rs[0].Control == nil {
			b.Fatalf("%d results", len(rs))
		}
	}
}

// Ensure the scan tells what it met so suppressions need not read files
// again: the bytes of the files Keep picks, nothing (but "read") for the
// others, a file absent from a listed folder as absent, and nothing known
// of files it never met.
func TestMet(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	marked := write("marked.yaml", "a: 1 # KEEP\n")
	plain := write("plain.yaml", "a: 1\n")
	side := write("plain.yaml.emrguard-ignore", "x\n")
	tf := write("main.tf", "locals { a = 1 } # KEEP\n")
	res := scan.Paths([]string{dir + string(filepath.Separator)}, scan.Options{Keep: func(b []byte) bool { return strings.Contains(string(b), "KEEP") }})
	if data, read := res.Met.Kept(marked); !read || string(data) != "a: 1 # KEEP\n" {
		t.Errorf("marked: %q, read %v", data, read)
	}
	if data, read := res.Met.Kept(tf); !read || string(data) != "locals { a = 1 } # KEEP\n" {
		t.Errorf("Terraform file, read by its folder loader: %q, read %v", data, read)
	}
	if data, read := res.Met.Kept(plain); !read || data != nil {
		t.Errorf("plain: %q, read %v; want read and no bytes", data, read)
	}
	if !res.Met.Absent(marked+".emrguard-ignore") || res.Met.Absent(side) || res.Met.Absent(plain) {
		t.Errorf("absent: sidecar of marked %v (want true), existing sidecar %v, plain %v (want false)",
			res.Met.Absent(marked+".emrguard-ignore"), res.Met.Absent(side), res.Met.Absent(plain))
	}
	if _, read := res.Met.Kept(filepath.Join(t.TempDir(), "x.yaml")); read || res.Met.Absent(filepath.Join(t.TempDir(), "x.yaml")) {
		t.Error("a file of a folder never walked is neither read nor known absent")
	}
	// A file named explicitly: read, but its folder was not listed.
	res = scan.Paths([]string{plain}, scan.Options{})
	if _, read := res.Met.Kept(plain); !read || res.Met.Absent(plain+".emrguard-ignore") {
		t.Errorf("explicit file: read %v, sidecar absent %v (its folder was not listed)", read, res.Met.Absent(plain+".emrguard-ignore"))
	}
}

// Ensure a walk over many folders (read ahead on other cores) finds every
// file, never enters a skipped folder, and reports a folder met again
// through a link (a loop to the root, a second way to stack-000) each
// once, naming the first way, without walking it twice.
func TestWalkManyFolders(t *testing.T) {
	dir := t.TempDir()
	var want []string
	for i := range 150 {
		sub := filepath.Join(dir, fmt.Sprintf("stack-%03d", i))
		if err := os.MkdirAll(filepath.Join(sub, ".git"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"a.json", "b.yaml", ".git/config.json"} {
			if err := os.WriteFile(filepath.Join(sub, name), []byte("{}"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, filepath.Join(sub, "a.json"), filepath.Join(sub, "b.yaml"))
	}
	// stack-150 links to stack-000; stack-000/loop links back to the root.
	if err := os.Symlink(filepath.Join(dir, "stack-000"), filepath.Join(dir, "stack-150")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "stack-000", "loop")); err != nil {
		t.Fatal(err)
	}
	res := scan.Paths([]string{dir}, scan.Options{})
	var got []string
	for _, d := range res.Diags {
		got = append(got, d.At.File+": "+d.Msg)
	}
	wantDiags := []string{
		filepath.Join(dir, "stack-000", "loop") + ": directory loop: this folder is " + dir + " again (through a symbolic link); not walked twice",
		filepath.Join(dir, "stack-150") + ": directory loop: this folder is " + filepath.Join(dir, "stack-000") + " again (through a symbolic link); not walked twice",
	}
	if strings.Join(got, "\n") != strings.Join(wantDiags, "\n") {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantDiags, "\n"))
	}
	for _, f := range want {
		if _, read := res.Met.Kept(f); !read {
			t.Fatalf("%s was not read", f)
		}
	}
	if _, read := res.Met.Kept(filepath.Join(dir, "stack-007", ".git", "config.json")); read {
		t.Error("a file under .git was read")
	}
	if _, read := res.Met.Kept(filepath.Join(dir, "stack-150", "a.json")); read {
		t.Error("a folder was walked twice, through a link")
	}
}
