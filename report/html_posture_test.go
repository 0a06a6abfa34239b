package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"golang.org/x/net/html"
)

// postureRun is the fixture with results that make the roll-up matter: one
// resource with several verdicts under one best practice (fail beats pass,
// unknown beats pass, pass beats n/a), and the same kind and ID in two
// files, which are two resources.
func postureRun() *Run {
	r := fixture()
	etl := r.Results[0].Resource
	twin := etl
	twin.Loc = model.Loc{File: "infra/etl-copy.yaml", Line: 5}
	ctlEnc := &control.Control{ID: "EMR101", Title: "At-rest encryption is not enabled", Severity: control.Critical, BestPractice: "BP 3.1"}
	ctlKey := &control.Control{ID: "EMR112", Title: "Local disk encryption has no key", Severity: control.High, BestPractice: "BP 3.4"}
	ctlEKS := &control.Control{ID: "EMR901", Title: "Job role trusts any namespace", Severity: control.Medium, BestPractice: "EKS"}
	r.Results = append(r.Results,
		control.Result{Control: ctlEnc, Resource: etl, Verdict: control.Passed, Message: "at rest on"},
		control.Result{Control: ctlKey, Resource: etl, Verdict: control.Passed, Message: "key set"},
		control.Result{Control: ctlLogs, Resource: etl, Verdict: control.Unknown, Message: "key unresolved"},
		control.Result{Control: ctlEnc, Resource: twin, Verdict: control.Passed, Message: "at rest on"},
		control.Result{Control: ctlTLS, Resource: twin, Verdict: control.NotApplicable, Message: "no security configuration needed"},
		control.Result{Control: ctlKey, Resource: twin, Verdict: control.NotApplicable, Message: "no local disks"},
		control.Result{Control: ctlEKS, Resource: twin, Verdict: control.Passed, Message: "namespace bound"},
	)
	return r
}

// nodes is a parsed page with its elements by id.
type nodes struct {
	root *html.Node
	byID map[string]*html.Node
}

func parsePage(t *testing.T, r *Run) nodes {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	root, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	p := nodes{root: root, byID: map[string]*html.Node{}}
	for n := range root.Descendants() {
		if id := attr(n, "id"); id != "" {
			if p.byID[id] != nil {
				t.Errorf("id %q used twice", id)
			}
			p.byID[id] = n
		}
	}
	return p
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, c string) bool {
	return n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+c+" ")
}

// find returns the element descendants of n named tag with class c ("" for any).
func find(n *html.Node, tag, c string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag && (c == "" || hasClass(d, c)) {
			out = append(out, d)
		}
	}
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// rowKey names a resource as its matrix row shows it: "kind id @ where".
func rowKey(ref model.Ref) string {
	where := ref.Account + "/" + ref.Region
	switch {
	case ref.Loc.File != "":
		where = ref.Loc.String()
	case ref.Event != nil:
		where = ref.Event.Name + " event " + ref.Event.ID + " at " + ref.Event.Time
	}
	return ref.Kind + " " + ref.ID + " @ " + where
}

// expectedWorst computes, apart from the writer's code, the worst verdict
// of each resource × best practice: resources keyed by "kind id @ where".
func expectedWorst(rs []control.Result) map[string]map[string]string {
	rank := map[string]int{"fail": 0, "unknown": 1, "pass": 2, "n/a": 3}
	out := map[string]map[string]string{}
	for _, res := range rs {
		key := rowKey(res.Resource)
		bp := res.Control.BestPractice
		if out[key] == nil {
			out[key] = map[string]string{}
		}
		v := res.Verdict.String()
		if old, ok := out[key][bp]; !ok || rank[v] < rank[old] {
			out[key][bp] = v
		}
	}
	return out
}

// Ensure the matrix has a row per resource and a column per best practice,
// each cell's colour is the worst verdict of that resource's results under
// that practice (computed here independently), every cell links to an
// element that exists and is that resource's group of findings, and the
// group holds exactly the resource's results.
func TestHTMLMatrix(t *testing.T) {
	r := postureRun()
	p := parsePage(t, r)
	want := expectedWorst(r.Results)
	matrix := p.byID["matrix"]
	if matrix == nil {
		t.Fatal("no matrix")
	}
	var cols []string
	for _, th := range find(matrix, "th", "")[1:] {
		cols = append(cols, text(th))
	}
	if got := strings.Join(cols, ","); got != "BP 3.1,BP 3.4,BP 4.2,BP 6.1,EKS" {
		t.Errorf("columns %s", got)
	}
	rows := find(find(matrix, "tbody", "")[0], "tr", "")
	if len(rows) != len(want) {
		t.Errorf("%d rows, want %d resources", len(rows), len(want))
	}
	seen := map[string]bool{}
	articles := 0
	for _, tr := range rows {
		res := find(tr, "td", "res")[0]
		link := find(res, "a", "")[0]
		where := find(res, "span", "where")[0]
		key := text(link) + " @ " + text(where)
		exp, ok := want[key]
		if !ok || seen[key] {
			t.Errorf("row %q: not a resource of the run, or twice", key)
			continue
		}
		seen[key] = true
		cells := find(tr, "td", "cell")
		if len(cells) != len(cols) {
			t.Fatalf("row %q has %d cells", key, len(cells))
		}
		for i, td := range cells {
			v, judged := exp[cols[i]]
			class := "c-none"
			if judged {
				class = "c-" + strings.Replace(v, "n/a", "na", 1)
			}
			if !hasClass(td, class) {
				t.Errorf("%s × %s: class %q, want %s", key, cols[i], attr(td, "class"), class)
			}
			as := find(td, "a", "")
			if (len(as) == 1) != judged || len(as) > 1 {
				t.Errorf("%s × %s: %d links, want %v", key, cols[i], len(as), judged)
			}
			for _, a := range as {
				href := attr(a, "href")
				target := p.byID[strings.TrimPrefix(href, "#")]
				if !strings.HasPrefix(href, "#") || target == nil || !hasClass(target, "resource") {
					t.Errorf("%s × %s links to %q, which is no resource group", key, cols[i], href)
				}
				if href != attr(link, "href") {
					t.Errorf("%s × %s links to %q, the row to %q", key, cols[i], href, attr(link, "href"))
				}
			}
		}
		group := p.byID[strings.TrimPrefix(attr(link, "href"), "#")]
		if group == nil {
			t.Fatalf("row %q links to nothing", key)
		}
		n := 0
		for _, res := range r.Results {
			if rowKey(res.Resource) == key {
				n++
			}
		}
		if got := len(find(group, "article", "finding")); got != n {
			t.Errorf("group of %s holds %d findings, want %d", key, got, n)
		}
		articles += n
	}
	if articles != len(r.Results) {
		t.Errorf("groups hold %d findings, want %d", articles, len(r.Results))
	}
}

// Ensure the chart's bars add up: each best practice's and each severity's
// bar has one segment per verdict present, whose counts are the run's
// results of that practice or severity and verdict, and all bars of a group
// together count every result.
func TestHTMLChartTotals(t *testing.T) {
	r := postureRun()
	p := parsePage(t, r)
	chart := p.byID["verdict-chart"]
	if chart == nil || chart.Data != "svg" {
		t.Fatal("no inline SVG chart")
	}
	want := map[string]int{} // "group label verdict" → results
	for _, res := range r.Results {
		v := res.Verdict.String()
		want["bp "+res.Control.BestPractice+" "+v]++
		want["severity "+res.Control.Severity.String()+" "+v]++
	}
	got := map[string]int{}
	sums := map[string]int{}
	for _, g := range find(chart, "g", "bar") {
		group, label := attr(g, "data-group"), attr(g, "data-label")
		total := 0
		for _, rect := range find(g, "rect", "") {
			n, err := strconv.Atoi(attr(rect, "data-n"))
			if err != nil || n <= 0 {
				t.Errorf("%s %s: segment count %q", group, label, attr(rect, "data-n"))
			}
			got[fmt.Sprintf("%s %s %s", group, label, attr(rect, "data-verdict"))] += n
			total += n
		}
		if attr(g, "data-total") != strconv.Itoa(total) {
			t.Errorf("%s %s: total says %s, segments add to %d", group, label, attr(g, "data-total"), total)
		}
		sums[group] += total
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: chart shows %d, run has %d", k, got[k], n)
		}
	}
	for k := range got {
		if want[k] == 0 {
			t.Errorf("%s: chart shows %d, run has none", k, got[k])
		}
	}
	if sums["bp"] != len(r.Results) || sums["severity"] != len(r.Results) {
		t.Errorf("bars count %v, want %d each", sums, len(r.Results))
	}
}

// Ensure groups come failing first, then unknown, pass and n/a, and that
// the compliance view appears only with --compliance, a table per
// framework with each requirement's status as compliance.Evaluate says.
func TestHTMLGroupsAndCompliance(t *testing.T) {
	r := postureRun()
	p := parsePage(t, r)
	rank := map[string]int{"fail": 0, "unknown": 1, "pass": 2, "n/a": 3}
	last := 0
	for _, g := range find(p.root, "details", "resource") {
		w := attr(g, "data-worst")
		if rank[w] < last {
			t.Errorf("group %s (%s) after a better one", attr(g, "id"), w)
		}
		last = rank[w]
	}
	if len(find(p.root, "table", "req")) != 0 {
		t.Error("compliance tables without --compliance")
	}
	r.Compliance = []*compliance.Framework{builtin(t, "fsbp"), builtin(t, "nist-800-53")}
	p = parsePage(t, r)
	tables := find(p.root, "table", "req")
	if len(tables) != 2 {
		t.Fatalf("%d compliance tables, want 2", len(tables))
	}
	for i, f := range r.Compliance {
		rep := compliance.Evaluate(f, r.Results)
		rows := find(find(tables[i], "tbody", "")[0], "tr", "")
		if len(rows) != len(rep.Requirements) {
			t.Fatalf("%s: %d rows, want %d", f.Short, len(rows), len(rep.Requirements))
		}
		for j, s := range rep.Requirements {
			tds := find(rows[j], "td", "")
			if text(tds[0]) != s.ID || text(tds[1]) != s.Verdict.String() {
				t.Errorf("%s row %d: %s %s, want %s %s", f.Short, j, text(tds[0]), text(tds[1]), s.ID, s.Verdict)
			}
		}
	}
	var buf bytes.Buffer
	if err := HTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/golden/run.compliance.html", buf.Bytes())
}
