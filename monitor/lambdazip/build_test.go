package lambdazip_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/monitor/lambdazip"
)

// buildSettings returns the build settings of a Go binary.
func buildSettings(t *testing.T, bin []byte) (string, map[string]string) {
	t.Helper()
	bi, err := buildinfo.Read(bytes.NewReader(bin))
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	for _, s := range bi.Settings {
		set[s.Key] = s.Value
	}
	return bi.Path, set
}

// checkBootstrap fails unless bin is a static linux ELF of emrguard for
// machine, built as Build builds.
func checkBootstrap(t *testing.T, bin []byte, arch string, machine elf.Machine) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		t.Fatal(err)
	}
	if f.Machine != machine {
		t.Errorf("ELF machine %v, want %v", f.Machine, machine)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("not static: program header %v", p.Type)
		}
	}
	// -s -w: no symbol table, no DWARF. (A -trimpath build records
	// neither -ldflags nor, when false, -buildvcs in its build info.)
	for _, name := range []string{".symtab", ".debug_info"} {
		if f.Section(name) != nil {
			t.Errorf("section %s present: not linked with %s", name, lambdazip.LDFlags)
		}
	}
	path, set := buildSettings(t, bin)
	if _, ok := set["vcs.revision"]; ok {
		t.Error("VCS information stamped: not built with -buildvcs=false")
	}
	want := map[string]string{"GOOS": "linux", "GOARCH": arch, "CGO_ENABLED": "0", "-trimpath": "true"}
	for k, v := range want {
		if set[k] != v {
			t.Errorf("build setting %s=%q, want %q", k, set[k], v)
		}
	}
	if path != lambdazip.Main {
		t.Errorf("main package %s", path)
	}
}

// Ensure two packages built from this source tree are the same bytes and
// SHA-256, the bootstrap is a static linux emrguard built with the
// documented flags (this test binary is not emrguard, so Bootstrap
// builds); and that this bootstrap, run as a release binary outside any
// source tree, packages itself — the same zip, byte for byte — and
// refuses the other architecture, saying what to do instead. The build is
// for this machine's architecture, so that it can run and one build
// serves both halves.
func TestPackageReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds emrguard")
	}
	arch := runtime.GOARCH
	machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
	if runtime.GOOS != "linux" || machine == 0 {
		t.Skipf("a linux bootstrap cannot run on %s/%s", runtime.GOOS, arch)
	}
	ctx := context.Background()
	var sums [2][32]byte
	var bins [2][]byte
	for i := range sums {
		bin, src, err := lambdazip.Bootstrap(ctx, arch, ".")
		if err != nil {
			t.Fatal(err)
		}
		if src.Self || src.Dir == "" || !strings.HasPrefix(src.Go, "go") {
			t.Errorf("source %+v, want a build of the tree", src)
		}
		bins[i] = bin
		sums[i] = sha256.Sum256(zipOf(t, bin))
	}
	if sums[0] != sums[1] || !bytes.Equal(bins[0], bins[1]) {
		t.Errorf("two packages differ: %x %x", sums[0], sums[1])
	}
	t.Logf("linux/%s package sha256 %x (%d-byte bootstrap)", arch, sums[0], len(bins[0]))
	checkBootstrap(t, bins[0], arch, machine)

	exe := filepath.Join(t.TempDir(), "emrguard")
	if err := os.WriteFile(exe, bins[0], 0o755); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(exe, append([]string{"monitor", "package"}, args...)...)
		cmd.Dir = outside
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, stdout.String(), stderr.String()
	}
	code, stdout, stderr := run("--arch", arch)
	if code != 0 || !strings.Contains(stderr, "copied from this emrguard binary") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	name := "emrguard-lambda-" + arch + ".zip"
	z, err := os.ReadFile(filepath.Join(outside, name))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%x  %s\n", sums[0], name); stdout != want {
		t.Errorf("stdout %q, want %q (the tree's package)", stdout, want)
	}
	checkZip(t, z, bins[0])
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[arch]
	code, _, stderr = run("--arch", other)
	if code != 2 || !strings.Contains(stderr, "is not inside the "+lambdazip.Module+" source tree") || !strings.Contains(stderr, "linux/"+other+" release binary") {
		t.Errorf("--arch %s outside the tree: exit %d: %s", other, code, stderr)
	}
	if _, err := os.Stat(filepath.Join(outside, "emrguard-lambda-"+other+".zip")); err == nil {
		t.Error("a zip was written for the refused architecture")
	}
}
