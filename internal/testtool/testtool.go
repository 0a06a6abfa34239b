// Package testtool gives tests the real outside programs they check
// against — moto_server (an independent AWS), cfn-lint and Chromium — with
// one rule: where a program is absent the test is skipped with a message
// saying how to get it, except under EMRGUARD_CI=1 (set by .ci/run), where
// its absence fails the test, so CI never skips.
package testtool

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Require returns the path of program, or skips (fails in CI) with how to
// install it.
func Require(t testing.TB, program, install string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	if os.Getenv("EMRGUARD_CI") == "1" {
		t.Fatalf("%s is required in CI (EMRGUARD_CI=1) but not found: %s", program, install)
	}
	t.Skipf("%s not found: skipping (%s; EMRGUARD_CI=1 makes this test required)", program, install)
	return ""
}

// Moto starts moto_server on a free loopback port for the test's lifetime
// and returns its URL once it answers.
func Moto(t testing.TB) string {
	t.Helper()
	bin := Require(t, "moto_server", "pip install 'moto[server]==5.2.1'")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	logPath := filepath.Join(t.TempDir(), "moto.log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); log.Close() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
	}
	data, _ := os.ReadFile(logPath)
	t.Fatalf("moto_server did not answer on %s within 30 s:\n%s", url, data)
	return ""
}
