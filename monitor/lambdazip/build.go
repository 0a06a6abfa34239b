package lambdazip

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	"golang.org/x/mod/modfile"
)

// Module is the module path of emrguard; Main the package of its binary.
const (
	Module = "github.com/emrguard/emrguard"
	Main   = Module + "/cmd/emrguard"
)

// LDFlags are the linker flags of a build: no symbol table or DWARF (a
// smaller zip) and an empty build ID, so nothing in the binary depends on
// the machine that built it.
const LDFlags = "-s -w -buildid="

// Archs are the Lambda architectures, by GOARCH.
var Archs = map[string]string{"arm64": "arm64", "amd64": "x86_64"}

// Source says where a bootstrap came from.
type Source struct {
	Self bool   // the running binary, copied
	Dir  string // the source tree built, when not Self
	Go   string // the go command's version, when built
}

func (s Source) String() string {
	if s.Self {
		return "copied from this emrguard binary"
	}
	return fmt.Sprintf("built from the source tree %s with %s", s.Dir, s.Go)
}

// Bootstrap returns the linux/arch emrguard binary for the zip: the
// running binary when it is one (see SelfFits), else a build of the
// emrguard source tree holding dir (see Build). It fails, saying why,
// when neither is possible.
func Bootstrap(ctx context.Context, arch, dir string) ([]byte, Source, error) {
	if _, ok := Archs[arch]; !ok {
		return nil, Source{}, fmt.Errorf("architecture %q: want arm64 or amd64", arch)
	}
	why := SelfFits(arch)
	if why == "" {
		exe, err := os.Executable()
		if err == nil {
			var bin []byte
			if bin, err = os.ReadFile(exe); err == nil {
				return bin, Source{Self: true}, nil
			}
		}
		why = fmt.Sprintf("this binary cannot be read: %v", err)
	}
	root, err := ModuleRoot(dir)
	if err != nil {
		return nil, Source{}, fmt.Errorf("cannot package linux/%s: %s; and %v: run emrguard monitor package inside a checkout of %s (with Go installed), or use the linux/%s release binary", arch, why, err, Module, arch)
	}
	out, err := os.MkdirTemp("", "emrguard-bootstrap-")
	if err != nil {
		return nil, Source{}, err
	}
	defer os.RemoveAll(out)
	bin := filepath.Join(out, "bootstrap")
	src, err := Build(ctx, root, arch, bin)
	if err != nil {
		return nil, Source{}, err
	}
	data, err := os.ReadFile(bin)
	return data, src, err
}

// SelfFits returns "" when the running binary can be copied as the
// bootstrap of arch — emrguard's main package, built for linux/arch,
// static and with -trimpath — and otherwise why not.
func SelfFits(arch string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "this binary carries no build information"
	}
	if bi.Path != Main {
		return fmt.Sprintf("this program is %s, not %s", bi.Path, Main)
	}
	set := map[string]string{}
	for _, s := range bi.Settings {
		set[s.Key] = s.Value
	}
	switch {
	case set["GOOS"] != "linux" || set["GOARCH"] != arch:
		return fmt.Sprintf("this binary is for %s/%s", set["GOOS"], set["GOARCH"])
	case set["CGO_ENABLED"] != "0":
		return "this binary was built with cgo (CGO_ENABLED=0 makes the static binary Lambda runs)"
	case set["-trimpath"] != "true":
		return "this binary was built without -trimpath (a development build)"
	}
	return ""
}

// ModuleRoot returns the folder, dir or one above it, whose go.mod is the
// emrguard module's.
func ModuleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			if modfile.ModulePath(data) == Module {
				return d, nil
			}
			return "", fmt.Errorf("%s is module %s, not %s", filepath.Join(d, "go.mod"), modfile.ModulePath(data), Module)
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside the %s source tree", abs, Module)
		}
	}
}

// Build builds root's cmd/emrguard for linux/arch into out, reproducibly:
// -trimpath, -buildvcs=false, LDFlags, CGO_ENABLED=0, the baseline
// instruction set (GOAMD64=v1, GOARM64=v8.0) and no GOFLAGS or
// GOEXPERIMENT from the environment. It returns the go command's version.
func Build(ctx context.Context, root, arch, out string) (Source, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return Source{}, fmt.Errorf("building the linux/%s bootstrap needs the go command: %w", arch, err)
	}
	env := []string{"GOOS=linux", "GOARCH=" + arch, "CGO_ENABLED=0", "GOFLAGS=", "GOEXPERIMENT=", "GOAMD64=v1", "GOARM64=v8.0", "GOTOOLCHAIN=local"}
	ver, err := command(ctx, gobin, root, env, "env", "GOVERSION")
	if err != nil {
		return Source{}, err
	}
	if _, err := command(ctx, gobin, root, env, "build", "-trimpath", "-buildvcs=false", "-ldflags="+LDFlags, "-o", out, "./cmd/emrguard"); err != nil {
		return Source{}, err
	}
	return Source{Dir: root, Go: strings.TrimSpace(ver)}, nil
}

// command runs go with env added to the environment, in dir; its error
// quotes the command and what it printed.
func command(ctx context.Context, gobin, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var ee *exec.ExitError
		if errors.As(err, &ee) && msg != "" {
			err = errors.New(firstLines(msg, 20))
		}
		return "", fmt.Errorf("%s go %s (in %s): %w", strings.Join(env[:2], " "), strings.Join(args, " "), dir, err)
	}
	return stdout.String(), nil
}

func firstLines(s string, n int) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	for i := 0; i < n && sc.Scan(); i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(sc.Text())
	}
	return b.String()
}
