package report

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/emrguard/emrguard/control"
)

// untilText returns a suppression's end date, or "" when it has none.
func untilText(s *control.Suppression) string {
	if s.Until.IsZero() {
		return ""
	}
	return s.Until.Format(time.DateOnly)
}

// suppressionText says "suppressed until 2027-03-31 (file:3): reason".
func suppressionText(s *control.Suppression) string {
	t := "suppressed"
	if u := untilText(s); u != "" {
		t += " until " + u
	}
	return fmt.Sprintf("%s (%s): %s", t, s.Origin, s.Reason)
}

// remediationText returns the control's remediation as plain text: the
// general advice, then each medium's variant.
func remediationText(c *control.Control) string {
	var b strings.Builder
	b.WriteString(c.Remediation.Text)
	for _, m := range remediationVariants(c) {
		fmt.Fprintf(&b, "\n\n%s:\n%s", m.Name, m.Text)
	}
	return b.String()
}

// variant is one medium's remediation.
type variant struct{ Name, Text string }

func remediationVariants(c *control.Control) []variant {
	var out []variant
	for _, m := range []variant{{"CLI", c.Remediation.CLI}, {"CloudFormation", c.Remediation.CloudFormation}, {"Terraform", c.Remediation.Terraform}} {
		if strings.TrimSpace(m.Text) != "" {
			out = append(out, m)
		}
	}
	return out
}

// docSummary returns the rationale of a control: its Doc without the
// title line.
func docSummary(c *control.Control) string {
	_, body, _ := strings.Cut(c.Doc, "\n")
	if body = strings.TrimSpace(body); body == "" {
		return c.Title
	}
	return body
}

// usedControls returns the distinct controls of the results of rs that
// keep accepts (all when keep is nil), sorted by ID.
func usedControls(rs []control.Result, keep func(*control.Result) bool) []*control.Control {
	seen := map[string]*control.Control{}
	var ids []string
	for i := range rs {
		r := &rs[i]
		if keep != nil && !keep(r) {
			continue
		}
		if _, ok := seen[r.Control.ID]; !ok {
			seen[r.Control.ID] = r.Control
			ids = append(ids, r.Control.ID)
		}
	}
	sortStrings(ids)
	out := make([]*control.Control, len(ids))
	for i, id := range ids {
		out[i] = seen[id]
	}
	return out
}

func sortStrings(s []string) { sort.Strings(s) }

func sortStable(rs []control.Result, cmp func(a, b control.Result) int) {
	slices.SortStableFunc(rs, cmp)
}

// where says where a result was found, for people: the file position, else
// the CloudTrail event, else the account and region.
func where(res control.Result) string {
	if loc := res.Location(); loc.File != "" {
		return loc.String()
	}
	if w := resourceWhere(res.Resource); w != "" {
		return w
	}
	return "-"
}

// baselineLine says how r compares with its baseline, e.g. "against
// baseline old.json: 3 new (1 failing), 460 unchanged, 2 fixed"; "" when
// r has none.
func baselineLine(r *Run) string {
	c, ok := CountBaseline(r)
	if !ok {
		return ""
	}
	return fmt.Sprintf("against baseline %s: %d new (%d failing), %d unchanged, %d fixed", c.File, c.New, c.NewFailing, c.Unchanged, c.Fixed)
}

// fixedText describes a fixed result of the baseline on one line.
func fixedText(f BaselineResult) string {
	where := f.Resource.Kind + " " + f.Resource.ID
	if l := f.Location; l != nil && l.File != "" {
		where += fmt.Sprintf(" (%s:%d)", l.File, l.Line)
	}
	return fmt.Sprintf("%s %s %s was %s: %s", f.Severity, f.Control, where, f.Verdict, f.Message)
}
