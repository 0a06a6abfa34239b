//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileTree writes a Terraform tree whose file functions reach for the
// runner's files, beside a secret outside the tree holding fileMarker,
// and returns the tree.
func hostileTree(t *testing.T, fileMarker string) string {
	t.Helper()
	base := t.TempDir()
	tree := filepath.Join(base, "tree")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(base, "secret.txt")
	if err := os.WriteFile(secret, []byte(fileMarker), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(tree, "pipe"), 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for link, target := range map[string]string{"out.json": secret, "zero.json": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(tree, link)); err != nil {
			t.Fatal(err)
		}
	}
	up := strings.Repeat("../", strings.Count(tree, "/"))
	exprs := []string{
		`file("/proc/self/environ")`,
		`file("` + up + `etc/passwd")`,
		`file("../secret.txt")`,
		`file("/dev/stdout")`,
		`file("${path.module}/pipe")`,
		`file("out.json")`,
		`file("zero.json")`,
		`templatefile("../secret.txt", {})`,
		`templatefile("/etc/hostname", {})`,
	}
	var src strings.Builder
	for i, e := range exprs {
		fmt.Fprintf(&src, "resource \"aws_emr_security_configuration\" \"s%d\" {\n  name          = \"s%d\"\n  configuration = %s\n}\n\n", i, i, e)
	}
	if err := os.WriteFile(filepath.Join(tree, "main.tf"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return tree
}

// Ensure no report format carries a byte of a file outside the scanned
// tree or of the scanner's environment, and that the reports say why the
// configurations are unknown.
func TestHostileFileFunctions(t *testing.T) {
	const fileMarker, envMarker = "FILE-MARKER-7c2e91", "ENV-MARKER-40af3d"
	t.Setenv("EMRGUARD_TEST_SECRET", envMarker)
	tree := hostileTree(t, fileMarker)
	for _, format := range []string{"json", "sarif", "html", "markdown", "table"} {
		out, errs, code := emrguard(t, "", "scan", tree, "--format", format, "--fail-on", "none")
		for _, m := range []string{fileMarker, envMarker} {
			if strings.Contains(out, m) || strings.Contains(errs, m) {
				t.Errorf("%s: the report quotes %s", format, m)
			}
		}
		if code != exitOK {
			t.Errorf("%s: exit %d, want 0 (a file not read is no input error)\n%s", format, code, errs)
		}
		if format == "json" {
			for _, want := range []string{`file(\"/proc/self/environ\"): outside the scanned folder, not read`, `templatefile(\"../secret.txt\"): outside the scanned folder, not read`, "a named pipe (FIFO), not a regular file; not read"} {
				if !strings.Contains(out, want) {
					t.Errorf("json: no %q in the report", want)
				}
			}
		}
	}
}

// Ensure a FIFO, a socket's stand-in (a device) named on the command line
// is an input error naming it, exit 2, with nothing read from it (the
// FIFO has no writer: a read would never return).
func TestNonRegularOnCommandLine(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.tf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	for _, c := range []struct{ path, kind string }{{fifo, "a named pipe (FIFO)"}, {"/dev/null", "a character device"}} {
		out, _, code := emrguard(t, "", "scan", c.path, "--format", "json")
		if code != exitError {
			t.Errorf("%s: exit %d, want 2", c.path, code)
		}
		r := decode(t, out)
		found := false
		for _, e := range r.Errors {
			found = found || e.File == c.path && strings.Contains(e.Message, c.kind+", not a regular file or folder; not read")
		}
		if !found {
			t.Errorf("%s: errors %+v, want one naming it %s", c.path, r.Errors, c.kind)
		}
	}
}

// buildEmrguard builds the command for tests that need a real process.
func buildEmrguard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "emrguard")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Ensure SIGTERM and SIGINT end a scan blocked in a read no context
// reaches (standard input, a pipe no one writes to or closes) with
// 128 + the signal, and that a second signal exits at once. The bound
// only catches a process that never ends; it times nothing.
func TestSignalEndsBlockedScan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := buildEmrguard(t)
	for _, c := range []struct {
		name string
		sigs []syscall.Signal
		code int
	}{
		{"term", []syscall.Signal{syscall.SIGTERM}, 143},
		{"int", []syscall.Signal{syscall.SIGINT}, 130},
		{"twice", []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}, 0}, // 130 or 143: see below
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "scan", "-", "--format", "json")
			w, err := cmd.StdinPipe() // kept open: the scan blocks reading it
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// A signal before the handler is installed would kill the
			// process with no code: wait until it blocks reading stdin.
			waitPipeRead(t, cmd.Process.Pid)
			for _, s := range c.sigs {
				if err := cmd.Process.Signal(s); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("still running 20 s after %v", c.sigs)
			}
			got := cmd.ProcessState.ExitCode()
			if len(c.sigs) == 2 {
				// Two signals sent back to back may reach the process in
				// either order: the exit code is the later one's, and the
				// second must have ended it at once (not the grace).
				if got != 130 && got != 143 || !strings.Contains(stderr.String(), "again; exiting now") {
					t.Errorf("exit %d, want 130 or 143 after a second signal; stderr:\n%s", got, stderr.String())
				}
				return
			}
			if got != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, c.code, stderr.String())
			}
		})
	}
}

// waitPipeRead waits until a thread of process pid sleeps in a pipe read
// (Linux's /proc says where: wchan), so the command is past its start and
// blocked on standard input; where /proc does not tell, it waits a second.
func waitPipeRead(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
		if err != nil || len(tasks) == 0 {
			time.Sleep(time.Second)
			return
		}
		for _, f := range tasks {
			if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), "pipe_read") {
				return
			}
		}
	}
	t.Fatalf("process %d never blocked reading its standard input", pid)
}

// Ensure the files the workflow reads besides inputs are read as inputs
// are: a settings file linked to /dev/zero and a FIFO given to --config
// or --cfn-params are errors naming what they are (exit 2), not reads
// without end; a FIFO sidecar is no sidecar, and the scan goes on.
func TestWorkflowFilesRegular(t *testing.T) {
	dir := t.TempDir()
	sc := `{"EncryptionConfiguration": {"EnableInTransitEncryption": false, "EnableAtRestEncryption": false}}`
	if err := os.WriteFile(filepath.Join(dir, "sc.json"), []byte(sc), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "sc.json.emrguard-ignore"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := emrguard(t, "", "scan", dir, "--format", "json")
	if code != exitFailing {
		t.Errorf("FIFO sidecar: exit %d, want 1 (the results, unsuppressed)\n%s", code, errs)
	}
	for _, c := range []struct{ args []string }{
		{[]string{"--config", fifo}},
		{[]string{"--cfn-params", fifo}},
	} {
		_, errs, code := emrguard(t, "", append([]string{"scan", dir}, c.args...)...)
		if code != exitError || !strings.Contains(errs, "a named pipe (FIFO), not a regular file; not read") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and the FIFO named", c.args, code, errs)
		}
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, ".emrguard.yaml")); err != nil {
		t.Fatal(err)
	}
	_, errs, code = emrguard(t, "", "scan", dir)
	if code != exitError || !strings.Contains(errs, "a character device, not a regular file; not read") {
		t.Errorf(".emrguard.yaml linked to /dev/zero: exit %d, stderr %q; want 2 and the device named", code, errs)
	}
}

// Ensure a module of another checkout on the runner, called by a relative
// path or by a link inside the scanned tree, never reaches the JSON
// report, while a module of the scanned folder's own repository is read;
// the report says why the outside call's outputs are unknown.
func TestHostileModuleSource(t *testing.T) {
	const marker = "MODULE-MARKER-3e8a70"
	base := t.TempDir()
	outside := filepath.Join(base, "other-checkout", "secrets-module")
	repo := filepath.Join(base, "repo")
	scanned := filepath.Join(repo, "infra", "prod")
	for _, d := range []string{outside, filepath.Join(repo, ".git"), filepath.Join(repo, "modules", "sc"), scanned} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(outside, "main.tf"): `resource "aws_emr_security_configuration" "leak" {
  name          = "` + marker + `"
  configuration = "{}"
}
output "name" { value = "` + marker + `" }
`,
		filepath.Join(repo, "modules", "sc", "main.tf"): `output "name" { value = "repo-sc" }` + "\n",
		filepath.Join(scanned, "main.tf"): `module "repo" { source = "../../modules/sc" }
module "other" { source = "../../../other-checkout/secrets-module" }
module "linked" { source = "./linked" }
resource "aws_emr_cluster" "a" {
  name                   = "a"
  release_label          = "emr-7.2.0"
  service_role           = "s"
  security_configuration = module.repo.name
}
resource "aws_emr_cluster" "b" {
  name                   = "b"
  release_label          = "emr-7.2.0"
  service_role           = "s"
  security_configuration = module.other.name
}
resource "aws_emr_cluster" "c" {
  name                   = "c"
  release_label          = "emr-7.2.0"
  service_role           = "s"
  security_configuration = module.linked.name
}
`,
	}
	for p, text := range files {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(scanned, "linked")); err != nil {
		t.Fatal(err)
	}
	out, errs, code := emrguard(t, "", "scan", scanned, "--format", "json", "--fail-on", "none")
	if strings.Contains(out, marker) || strings.Contains(errs, marker) {
		t.Errorf("the report quotes the outside module:\n%s", out)
	}
	if code != exitOK {
		t.Errorf("exit %d, want 0 (a module not read is no input error)\n%s", code, errs)
	}
	for _, want := range []string{`repo-sc`, `module source ../../../other-checkout/secrets-module is outside the scanned folders and their repository; not read`, `module source ./linked is outside the scanned folders and their repository; not read`} {
		if !strings.Contains(out, want) && !strings.Contains(errs, want) {
			t.Errorf("no %q in the report or the warnings\n%s\n%s", want, out, errs)
		}
	}
}
