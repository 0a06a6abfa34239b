package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// Hostile names: an OSC 8 hyperlink (a terminal would show "click" linking
// to evil), a file name with a newline, markdown pipes, backticks and a
// javascript: link, and NUL and form feed, which XML 1.0 forbids.
const (
	osc8     = "\x1b]8;;http://evil\x07click\x1b]8;;\x07"
	nlFile   = "infra/evil\nname.tf"
	mdHostil = "a|b `c` [x](javascript:alert(1))"
	xmlBad   = "nul\x00ff\x0cend"
)

func hostileRun() *Run {
	res := func(ref model.Ref, v control.Verdict, msg string) control.Result {
		return control.Result{Control: ctlTLS, Resource: ref, Verdict: v, Message: msg, At: ref.Loc}
	}
	return &Run{
		Tool: Tool{Name: "emrguard", Version: "v0"},
		Results: []control.Result{
			res(model.Ref{Kind: "aws_emr_cluster", ID: "aws_emr_cluster." + osc8, Name: osc8, Loc: model.Loc{File: nlFile, Line: 3}}, control.Failed, "name "+osc8),
			res(model.Ref{Kind: "aws_emr_cluster", ID: mdHostil, Loc: model.Loc{File: "x|`y`.tf", Line: 4}}, control.Failed, "value "+mdHostil),
			res(model.Ref{Kind: "aws_emr_cluster", ID: xmlBad, Name: xmlBad, Loc: model.Loc{File: "f\x00\x0c.tf", Line: 5}}, control.Unknown, "value "+xmlBad),
			{Control: ctlSSH, Resource: model.Ref{Kind: "aws_emr_cluster", ID: "s", Loc: model.Loc{File: "s.tf", Line: 1}}, Verdict: control.Failed, Message: "m",
				Suppressed: &control.Suppression{Reason: "because " + osc8 + mdHostil, Origin: model.Loc{File: "s.tf", Line: 1}}},
		},
		Errors:   source.Diagnostics{{At: model.Loc{File: nlFile, Line: 1}, Msg: "bad " + osc8 + xmlBad}},
		Warnings: source.Diagnostics{{At: model.Loc{File: "w.tf", Line: 1}, Level: source.Warning, Msg: "warn " + osc8}},
	}
}

func write(t *testing.T, name string, r *Run) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Writers[name](&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawControls lists the control bytes other than newline (and tab, in
// indentation) found in out.
func rawControls(out []byte) []byte {
	var found []byte
	for _, c := range out {
		if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			found = append(found, c)
		}
	}
	return found
}

// Ensure the table view shows escape sequences and newlines in names,
// files, messages, suppressions and diagnostics as text: a terminal gets
// no ESC, BEL, NUL or form feed, and a file name cannot start a line.
func TestTableEscapesHostileNames(t *testing.T) {
	out := write(t, "table", hostileRun())
	if c := rawControls(out); len(c) > 0 {
		t.Errorf("table writes control bytes %q:\n%s", c, out)
	}
	for _, want := range []string{`\x1b]8;;http://evil\x07click`, `infra/evil\nname.tf:3`, `nul\x00ff\x0cend`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "name.tf") {
			t.Errorf("a file name's newline started a line: %q", line)
		}
	}
	// With colour on, the only escape sequences are the writer's own SGR codes.
	r := hostileRun()
	r.Color = true
	colored := string(write(t, "table", r))
	for _, code := range []string{ansiReset, ansiBold, ansiDim, ansiRed, ansiGreen, ansiYellow} {
		colored = strings.ReplaceAll(colored, code, "")
	}
	if strings.ContainsAny(colored, "\x1b\x07") {
		t.Errorf("coloured table writes an escape sequence from the input:\n%q", colored)
	}
}

// Ensure the markdown comment keeps its table shape and forms no link or
// code span from input text.
func TestMarkdownEscapesHostileNames(t *testing.T) {
	out := string(write(t, "markdown", hostileRun()))
	if c := rawControls([]byte(out)); len(c) > 0 {
		t.Errorf("markdown writes control bytes %q", c)
	}
	if strings.Contains(withoutCodeSpans(out), "[x](javascript") {
		t.Errorf("markdown keeps a javascript: link:\n%s", out)
	}
	if !strings.Contains(out, `\[x\](javascript:alert(1))`) {
		t.Errorf("markdown lacks the escaped link text:\n%s", out)
	}
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| severity | fail") {
			continue
		}
		if n := unescapedPipes(line); n != 6 && !strings.HasPrefix(line, "| critical") && !strings.HasPrefix(line, "| high") && !strings.HasPrefix(line, "| medium") && !strings.HasPrefix(line, "| low") && !strings.HasPrefix(line, "| info") {
			t.Errorf("row has %d cell separators, want 6: %q", n, line)
		}
		rows++
	}
	if rows < 4 {
		t.Errorf("want at least 4 result rows, got %d:\n%s", rows, out)
	}
}

// withoutCodeSpans drops the code spans of s (a run of n backticks up to
// the next run of exactly n), where markdown forms no link.
func withoutCodeSpans(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '`' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		j := i + n
		for j < len(s) {
			if s[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(s) && s[j+m] == '`' {
				m++
			}
			if m == n {
				break
			}
			j += m
		}
		i = j + n
	}
	return b.String()
}

// unescapedPipes counts the | not preceded by a backslash: GFM splits table
// cells on those, inside code spans too.
func unescapedPipes(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' {
			i++
			continue
		}
		if line[i] == '|' {
			n++
		}
	}
	return n
}

// Ensure the HTML page holds no control characters (HTML forbids them) and
// no markup or link from input text.
func TestHTMLEscapesHostileNames(t *testing.T) {
	out := string(write(t, "html", hostileRun()))
	if c := rawControls([]byte(out)); len(c) > 0 {
		t.Errorf("html writes control bytes %q", c)
	}
	if strings.Contains(out, `href="javascript`) || strings.Contains(out, `href="http://evil`) {
		t.Error("html links to an input's target")
	}
	if !strings.Contains(out, `\x1b]8;;http://evil\x07click`) || !strings.Contains(out, `infra/evil\nname.tf:3`) {
		t.Error("html does not show the escaped names")
	}
}

// Ensure the JUnit document is well-formed XML 1.0 (Go's decoder rejects
// the characters XML forbids) and shows them as escapes.
func TestJUnitEscapesHostileNames(t *testing.T) {
	out := write(t, "junit", hostileRun())
	if c := rawControls(out); len(c) > 0 {
		t.Errorf("junit writes control bytes %q", c)
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	var names []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("junit is not well-formed XML: %v\n%s", err, out)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "testcase" {
			for _, a := range se.Attr {
				if a.Name.Local == "name" {
					names = append(names, a.Value)
				}
			}
		}
	}
	if !strings.Contains(strings.Join(names, "\n"), `nul\x00ff\x0cend`) {
		t.Errorf("no test case is named with the escaped NUL and form feed: %q", names)
	}
	if strings.ContainsRune(string(out), '\uFFFD') {
		t.Error("junit replaced a character with U+FFFD instead of showing it")
	}
}

// Ensure SARIF is valid JSON without raw control bytes and that a message
// shaped like an embedded link has its brackets escaped (§3.11.6).
func TestSARIFEscapesHostileNames(t *testing.T) {
	out := write(t, "sarif", hostileRun())
	if c := rawControls(out); len(c) > 0 {
		t.Errorf("sarif writes control bytes %q", c)
	}
	var doc struct {
		Runs []struct {
			Results []struct{ Message struct{ Text string } }
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range doc.Runs[0].Results {
		texts = append(texts, r.Message.Text)
	}
	all := strings.Join(texts, "\n")
	if strings.Contains(all, "[x](javascript") || !strings.Contains(all, `\[x\](javascript:alert(1))`) {
		t.Errorf("sarif message keeps a link shape: %q", texts)
	}
	if !strings.Contains(all, osc8) {
		t.Errorf("sarif should carry the message's text itself (JSON-escaped), got %q", texts)
	}
}

// Ensure the JSON and ASFF documents are valid and hold no raw control
// bytes: their encoders escape them.
func TestJSONWritersEscapeHostileNames(t *testing.T) {
	for _, name := range []string{"json", "asff"} {
		r := hostileRun()
		r.Time = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		r.Account, r.Region = "111122223333", "eu-west-1"
		out := write(t, name, r)
		if c := rawControls(out); len(c) > 0 {
			t.Errorf("%s writes control bytes %q", name, c)
		}
		if !json.Valid(out) {
			t.Errorf("%s is not valid JSON", name)
		}
	}
}

// Ensure printable leaves ordinary text alone and escapes what it must.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain café ✓":        "plain café ✓",
		"a\x1b[31mred":        `a\x1b[31mred`,
		"csi\u009b2J":         `csi\u009b2J`,
		"tab\tnl\ncr\r":       `tab\tnl\ncr\r`,
		"rtl\u202egnp.exe":    `rtl\u202egnp.exe`,
		"bad\xffutf8":         `bad\xffutf8`,
		"del\x7f nul\x00":     `del\x7f nul\x00`,
		"line\u2028separator": `line\u2028separator`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
