package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// emrguard runs the command in-process and returns stdout, stderr and the
// exit code.
func emrguard(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

type jsonReport struct {
	Tool    map[string]string `json:"tool"`
	Results []struct {
		Control  string            `json:"control"`
		Severity string            `json:"severity"`
		Verdict  string            `json:"verdict"`
		Resource map[string]string `json:"resource"`
		Location *struct {
			File string
			Line int
		} `json:"location"`
		Message      string `json:"message"`
		BestPractice string `json:"best_practice"`
	} `json:"results"`
	Errors []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Summary struct {
		Total     int            `json:"total"`
		ByVerdict map[string]int `json:"by_verdict"`
	} `json:"summary"`
}

func decode(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return r
}

// verdicts returns control:verdict for the results on resource id.
func (r jsonReport) verdicts(id string) map[string]string {
	out := map[string]string{}
	for _, x := range r.Results {
		if x.Resource["id"] == id {
			out[x.Control] = x.Verdict
		}
	}
	return out
}

// Ensure the quickstart scan finds what examples/README.md says and exits 1.
func TestScanExamples(t *testing.T) {
	out, stderr, code := emrguard(t, "", "scan", "../../examples", "--format", "json")
	if code != 1 || strings.Contains(stderr, "error") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	r := decode(t, out)
	adhoc := r.verdicts("adhoc-spark")
	for _, c := range []string{"EMR101", "EMR102", "EMR103", "EMR204", "EMR401", "EMR402", "EMR501", "EMR704", "EMR802"} {
		if adhoc[c] != "fail" {
			t.Errorf("adhoc-spark %s = %q, want fail", c, adhoc[c])
		}
	}
	// nightly-etl fails nothing; what a request cannot show (its subnet,
	// roles, log bucket) is unknown with the reason, never pass.
	for _, x := range r.Results {
		if x.Resource["id"] != "nightly-etl" || x.Verdict == "pass" {
			continue
		}
		if x.Verdict != "unknown" || !strings.Contains(x.Message, "not in the") {
			t.Errorf("nightly-etl %s = %s (%s), want pass, or unknown for evidence not in the inputs", x.Control, x.Verdict, x.Message)
		}
	}
	for _, c := range []string{"EMR101", "EMR102", "EMR103", "EMR104", "EMR105", "EMR106", "EMR107", "EMR108", "EMR111", "EMR401", "EMR402", "EMR403", "EMR501", "EMR704", "EMR801", "EMR802"} {
		if v := r.verdicts("nightly-etl")[c]; v != "pass" {
			t.Errorf("nightly-etl %s = %s, want pass", c, v)
		}
	}
	reporting := r.verdicts("reporting")
	for c, want := range map[string]string{"EMR102": "fail", "EMR103": "pass", "EMR106": "fail", "EMR108": "fail", "EMR401": "fail", "EMR403": "fail", "EMR111": "fail"} {
		if reporting[c] != want {
			t.Errorf("reporting %s = %q, want %s", c, reporting[c], want)
		}
	}
	if v := r.verdicts("j-3KQ7V0EXAMPLE")["EMR102"]; v != "unknown" {
		t.Errorf("describe-cluster naming a configuration not in the inputs: EMR102 = %q, want unknown", v)
	}
	if r.Summary.Total != len(r.Results) || r.Summary.ByVerdict["fail"] == 0 {
		t.Errorf("summary %+v", r.Summary)
	}
	// The configurations used by clusters are judged on the clusters only.
	for _, x := range r.Results {
		if x.Resource["kind"] == "emr:security-configuration" && (x.Resource["id"] == "hardened" || x.Resource["id"] == "weak") {
			t.Errorf("used configuration judged on its own: %s on %s", x.Control, x.Resource["id"])
		}
	}
}

// Ensure the JSON contract of DESIGN.md keeps every field name.
func TestJSONContract(t *testing.T) {
	out, _, _ := emrguard(t, "", "scan", "../../examples/requests/adhoc-spark.json", "../../examples/missing.json", "--format", "json")
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) string {
		var k []string
		for x := range m {
			k = append(k, x)
		}
		return strings.Join(sorted(k), ",")
	}
	if got := keys(raw); got != "errors,report_version,results,summary,tool" {
		t.Errorf("top-level keys %s", got)
	}
	if got := keys(raw["tool"].(map[string]any)); got != "name,version" {
		t.Errorf("tool keys %s", got)
	}
	res := raw["results"].([]any)[0].(map[string]any)
	if got := keys(res); got != "best_practice,control,id,location,message,resource,severity,verdict" {
		t.Errorf("result keys %s", got)
	}
	if got := keys(res["resource"].(map[string]any)); got != "account,id,kind,name,region" {
		t.Errorf("resource keys %s", got)
	}
	if got := keys(res["location"].(map[string]any)); got != "file,line" {
		t.Errorf("location keys %s", got)
	}
	e := raw["errors"].([]any)[0].(map[string]any)
	if got := keys(e); got != "file,message" {
		t.Errorf("error keys %s", got)
	}
	if got := keys(raw["summary"].(map[string]any)); got != "by_severity,by_verdict,errors,suppressed,total" {
		t.Errorf("summary keys %s", got)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// Ensure each bad input gives one clear error naming the file (and
// line:col where known), lands in errors, the other files are still
// scanned, and the exit code is 2.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"Name": "ok", "ReleaseLabel": "emr-7.14.0", "Instances": {}}`)
	malformed := write("malformed.json", "{\n  \"Name\": \"x\",\n  \"ReleaseLabel\": emr\n}")
	deep := write("deep.json", strings.Repeat("[", 100000))
	big := write("big.json", `{"Name": "big", "ReleaseLabel": "emr-7.14.0", "Instances": {}, "Pad": "`+strings.Repeat("x", 2048)+`"}`)
	unreadable := write("unreadable.json", `{}`)
	os.Chmod(unreadable, 0)
	loopDir := filepath.Join(dir, "loop")
	os.Mkdir(loopDir, 0o755)
	os.Symlink(loopDir, filepath.Join(loopDir, "again"))

	out, stderr, code := emrguard(t, "", "scan", "--format", "json", "--max-file-size", "1KiB",
		good, malformed, big, unreadable, loopDir, filepath.Join(dir, "missing.json"))
	if code != 2 {
		t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
	}
	r := decode(t, out)
	if len(r.verdicts("ok")) == 0 {
		t.Error("the good file was not scanned")
	}
	want := map[string]string{
		malformed:                          "invalid JSON",
		big:                                "over the 1.0 KiB limit",
		filepath.Join(dir, "missing.json"): "no such file",
		filepath.Join(loopDir, "again"):    "directory loop",
	}
	if os.Geteuid() != 0 { // root reads files whatever their mode
		want[unreadable] = "permission denied"
	}
	for file, msg := range want {
		found := false
		for _, e := range r.Errors {
			if e.File == file && strings.Contains(e.Message, msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no error %q for %s in %+v", msg, file, r.Errors)
		}
	}
	// A 1 GB file (sparse: no disk used) is refused by its size, unread.
	huge := filepath.Join(dir, "huge.json")
	if f, err := os.Create(huge); err == nil {
		f.Truncate(1 << 30)
		f.Close()
	}
	out, _, code = emrguard(t, "", "scan", "--format", "json", huge)
	if r2 := decode(t, out); code != 2 || len(r2.Errors) != 1 || !strings.Contains(r2.Errors[0].Message, "file is 1.0 GiB, over the 20.0 MiB limit") {
		t.Errorf("1 GB file: exit %d, %+v", code, r2.Errors)
	}
	// A JSON nested 100,000 deep (100 kB, under the default limit) is refused, not walked.
	out, _, code = emrguard(t, "", "scan", "--format", "json", deep, good)
	if r2 := decode(t, out); code != 2 || len(r2.Errors) != 1 || !strings.Contains(r2.Errors[0].Message, "nested deeper than 512") || len(r2.verdicts("ok")) == 0 {
		t.Errorf("deep: exit %d, %+v", code, r2.Errors)
	}
	for _, e := range r.Errors {
		if e.File == malformed && e.Line != 3 {
			t.Errorf("malformed JSON error at line %d, want 3", e.Line)
		}
	}
}

// Ensure stdin is read for "-" and the table goes to stdout.
func TestScanStdin(t *testing.T) {
	out, _, code := emrguard(t, `{"Name": "from-stdin", "ReleaseLabel": "emr-7.14.0", "Instances": {}}`, "scan", "-", "--show", "all")
	if code != 1 || !strings.Contains(out, "emr:cluster from-stdin") || !strings.Contains(out, "<stdin>:1") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}

// Ensure --controls, --skip and --fail-on select what runs and what fails.
func TestSelection(t *testing.T) {
	adhoc := "../../examples/requests/adhoc-spark.json"
	out, _, code := emrguard(t, "", "scan", adhoc, "--format", "json", "--controls", "emr704,EMR501")
	r := decode(t, out)
	if code != 1 || len(r.verdicts("adhoc-spark")) != 2 {
		t.Errorf("--controls: exit %d, %v", code, r.verdicts("adhoc-spark"))
	}
	out, _, _ = emrguard(t, "", "scan", adhoc, "--format", "json", "--skip", "EMR704")
	if _, ok := decode(t, out).verdicts("adhoc-spark")["EMR704"]; ok {
		t.Error("--skip EMR704 still ran it")
	}
	if _, _, code := emrguard(t, "", "scan", adhoc, "--controls", "EMR704,EMR501", "--fail-on", "medium"); code != 0 {
		t.Errorf("--fail-on medium with only low failures: exit %d, want 0", code)
	}
	if _, _, code := emrguard(t, "", "scan", adhoc, "--fail-on", "none"); code != 0 {
		t.Errorf("--fail-on none: exit %d", code)
	}
	for _, args := range [][]string{{"--controls", "EMR999"}, {"--format", "xml"}, {"--fail-on", "severe"}, {"--bogus"}, {"--max-file-size", "big"}} {
		_, stderr, code := emrguard(t, "", append([]string{"scan", adhoc}, args...)...)
		if code != 2 || !strings.Contains(stderr, "emrguard:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// Ensure --output writes the whole report, and a failed write leaves no file.
func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	out, _, code := emrguard(t, "", "scan", "../../examples", "--format", "json", "--output", path)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	data, err := os.ReadFile(path)
	if err != nil || len(decode(t, string(data)).Results) == 0 {
		t.Fatalf("report file: %v", err)
	}
	_, stderr, code := emrguard(t, "", "scan", "../../examples", "--output", filepath.Join(dir, "no", "such", "dir", "r.json"))
	if code != 2 || !strings.Contains(stderr, "--output") {
		t.Errorf("unwritable --output: exit %d, stderr %q", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("leftover files: %v", entries)
	}
}

// Ensure rules lists the whole catalogue and --explain prints title,
// remediation per medium and the good and bad examples.
func TestRules(t *testing.T) {
	out, _, code := emrguard(t, "", "rules")
	if code != 0 || strings.Count(out, "\nEMR") != 34 || strings.Count(out, "\nEKS") != 14 {
		t.Errorf("exit %d, rules:\n%s", code, out)
	}
	out, _, code = emrguard(t, "", "rules", "--explain", "emr102")
	for _, want := range []string{"EMR102  In-transit encryption is not enabled", "Severity:      high", "CLI:", "CloudFormation:", "Terraform:", "Bad example: in-transit-false.json", "Good example: in-transit-string-true.json", "EnableInTransitEncryption"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q", want)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if _, stderr, code := emrguard(t, "", "rules", "--explain", "EMR000"); code != 2 || !strings.Contains(stderr, "no control") {
		t.Errorf("unknown control: exit %d %q", code, stderr)
	}
}

// Ensure help, version and unknown commands answer with the right codes.
func TestCommands(t *testing.T) {
	if out, _, code := emrguard(t, "", "help"); code != 0 || !strings.Contains(out, "emrguard scan") {
		t.Errorf("help: %d %q", code, out)
	}
	if out, _, code := emrguard(t, "", "version"); code != 0 || !strings.HasPrefix(out, "emrguard ") {
		t.Errorf("version: %d %q", code, out)
	}
	if _, stderr, code := emrguard(t, "", "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown: %d %q", code, stderr)
	}
	if _, _, code := emrguard(t, ""); code != 2 {
		t.Errorf("no args: %d", code)
	}
}

// Ensure warnings (an unknown key) reach stderr with machine formats and
// the table otherwise, and do not change the exit code.
func TestWarnings(t *testing.T) {
	doc := `{"EncryptionConfiguration": {"EnableInTransitEncryption": true, "EnableAtRestEncryptoin": true}}`
	out, stderr, code := emrguard(t, doc, "scan", "-", "--format", "json", "--controls", "EMR102")
	if code != 0 || !strings.Contains(stderr, `warning: <stdin>:1:65: unknown key "EnableAtRestEncryptoin"`) || len(decode(t, out).Errors) != 0 {
		t.Errorf("json: exit %d, stderr %q", code, stderr)
	}
	out, stderr, _ = emrguard(t, doc, "scan", "-", "--controls", "EMR102")
	if stderr != "" || !strings.Contains(out, "warning: <stdin>:1:65") {
		t.Errorf("table: stderr %q, out %q", stderr, out)
	}
}
