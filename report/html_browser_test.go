package report

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/testtool"
)

const chromiumPath = "/usr/bin/chromium"

// chromium runs headless Chromium (Debian's package) with args, or skips
// the test when it is absent, unless EMRGUARD_CI=1, where it fails.
func chromium(t *testing.T, args ...string) []byte {
	t.Helper()
	testtool.Require(t, chromiumPath, "apt-get install -y chromium")
	// Headless Chromium on a loaded 2-core machine now and then dies of a
	// signal while starting; a crash is retried (a real failure of the page
	// is not a crash and is reported at once).
	var lastErr error
	var lastStderr []byte
	for attempt := 0; attempt < 3; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
			"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir()}
		cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		cancel()
		if err == nil {
			return out.Bytes()
		}
		lastErr, lastStderr = err, errb.Bytes()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ProcessState.Exited() {
			break // not killed by a signal: no point in retrying
		}
		t.Logf("chromium attempt %d died (%v); retrying", attempt+1, err)
	}
	t.Fatalf("chromium %v: %v\n%s", args, lastErr, lastStderr)
	return nil
}

// writePage renders the fixture run to an HTML file and returns its URL.
func writePage(t *testing.T) (path string) {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, fixture()); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var articleRE = regexp.MustCompile(`<article class="finding[^"]*" data-control="([^"]+)" data-verdict="([^"]+)" data-bp="[^"]*"( hidden="")?>`)

// groupRE matches a resource group's opening tag in a dumped DOM.
var groupRE = regexp.MustCompile(`<details class="resource[^"]*" id="(r\d+)" data-worst="[^"]+"([^>]*)>`)

// groups lists the resource groups' ids, with "+" after an open one and
// "-" after a hidden one.
func groups(dom []byte) string {
	var out []string
	for _, m := range groupRE.FindAllSubmatch(dom, -1) {
		s := string(m[1])
		if bytes.Contains(m[2], []byte(`open=""`)) {
			s += "+"
		}
		if bytes.Contains(m[2], []byte(`hidden=""`)) {
			s += "-"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// screenshot renders url in Chromium to name.png in the test's artifact
// directory (kept with go test -artifacts) and in EMRGUARD_SCREENSHOT_DIR
// when set, and checks it is not blank.
func screenshot(t *testing.T, url, name string) {
	t.Helper()
	shot := filepath.Join(t.ArtifactDir(), name+".png")
	chromium(t, "--screenshot="+shot, "--window-size=1280,1800", "--hide-scrollbars", url)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10_000 {
		t.Fatalf("screenshot %s: %v", shot, err)
	}
	t.Logf("screenshot %s", shot)
	if dir := os.Getenv("EMRGUARD_SCREENSHOT_DIR"); dir != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644)
	}
}

// visible lists "CONTROL:verdict" of the findings the page shows.
func visible(dom []byte) (shown []string, total int) {
	for _, m := range articleRE.FindAllSubmatch(dom, -1) {
		total++
		if len(m[3]) == 0 {
			shown = append(shown, string(m[1])+":"+string(m[2]))
		}
	}
	return shown, total
}

// Ensure the page renders in a real browser: a screenshot is taken, the
// filter script runs from the query string and hides the other findings,
// and the counter says how many are shown. The page makes no network
// request (it has no external assets), so --disable-background-networking
// with a file: URL is enough.
func TestHTMLInChromium(t *testing.T) {
	page := writePage(t)
	screenshot(t, "file://"+page, "report")
	screenshot(t, "file://"+page+"?verdict=fail#r2", "report-filtered")

	const all = "EMR102:fail EMR204:fail EMR111:unknown EMR802:fail EMR102:pass EMR111:n/a"
	for _, tc := range []struct {
		query  string
		want   string
		count  string
		groups string
	}{
		{"", all, "6 of 6 shown", "r1 r2 r3 r4"},
		{"?control=EMR102&verdict=fail", "EMR102:fail", "1 of 6 shown", "r1+ r2- r3- r4-"},
		{"?verdict=fail", "EMR102:fail EMR204:fail EMR802:fail", "3 of 6 shown", "r1+ r2+ r3+ r4-"},
		{"?bp=BP+3.4", "EMR111:unknown EMR111:n/a", "2 of 6 shown", "r1- r2+ r3- r4+"},
		{"?control=EMR999", all, "6 of 6 shown", "r1 r2 r3 r4"}, // unknown values are ignored
		// A matrix cell's link opens its resource's group.
		{"#r3", all, "6 of 6 shown", "r1 r2 r3+ r4"},
	} {
		dom := chromium(t, "--dump-dom", "file://"+page+tc.query)
		shown, total := visible(dom)
		if total != 6 || strings.Join(shown, " ") != tc.want {
			t.Errorf("%q: shown %v of %d, want %s", tc.query, shown, total, tc.want)
		}
		if !bytes.Contains(dom, []byte(`<span id="shown">`+tc.count+`</span>`)) {
			t.Errorf("%q: counter does not say %q", tc.query, tc.count)
		}
		if got := groups(dom); got != tc.groups {
			t.Errorf("%q: groups %q, want %q", tc.query, got, tc.groups)
		}
	}

	// Every link of the rendered matrix points at an element of the
	// rendered page.
	dom := chromium(t, "--dump-dom", "file://"+page)
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllSubmatch(dom, -1) {
		ids[string(m[1])] = true
	}
	start, end := bytes.Index(dom, []byte(`<table class="matrix"`)), bytes.Index(dom, []byte(`<h2 id="chart"`))
	if start < 0 || end < start {
		t.Fatal("no matrix in the rendered page")
	}
	links := regexp.MustCompile(`href="#([^"]*)"`).FindAllSubmatch(dom[start:end], -1)
	if len(links) != 4+6 { // a link per row and per judged cell
		t.Errorf("matrix has %d links, want 10", len(links))
	}
	for _, m := range links {
		if !ids[string(m[1])] {
			t.Errorf("matrix links to #%s, which the page lacks", m[1])
		}
	}
}

// Ensure the page has no external assets and escapes input text.
func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, fixture()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{`<script src`, `<link`, `@import`, `url(`, `<img`, `<b>"secure"</b>`} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, "(prod &lt;b&gt;&#34;secure&#34;&lt;/b&gt; | `x`)") {
		t.Error("resource name not escaped")
	}
}

var pdfPageRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

// Ensure the page prints with every group and remediation open: printed to
// PDF, it takes more pages than the same page without its print rules
// (where the closed groups print as one line each).
func TestHTMLPrintsOpen(t *testing.T) {
	page := writePage(t)
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	closed := bytes.Replace(data, []byte("details::details-content"), []byte("details::no-such-part"), 1)
	closed = bytes.Replace(closed, []byte("all[i].open = true;"), nil, 1)
	if bytes.Equal(closed, data) {
		t.Fatal("the page has no print rule for details")
	}
	closedPage := filepath.Join(t.TempDir(), "closed.html")
	if err := os.WriteFile(closedPage, closed, 0o644); err != nil {
		t.Fatal(err)
	}
	pages := func(html, name string) int {
		pdf := filepath.Join(t.ArtifactDir(), name+".pdf")
		chromium(t, "--print-to-pdf="+pdf, "--no-pdf-header-footer", "file://"+html)
		out, err := os.ReadFile(pdf)
		if err != nil {
			t.Fatal(err)
		}
		return len(pdfPageRE.FindAll(out, -1))
	}
	open, shut := pages(page, "report"), pages(closedPage, "report-closed")
	if shut == 0 || open <= shut {
		t.Errorf("printed: %d pages, %d without the print rules; want more with them", open, shut)
	}
}
