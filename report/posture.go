package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// The posture view of the HTML page: results grouped by resource, and a
// matrix of resources × best practices whose cells hold the worst verdict.

// worseRank orders verdicts from worst to best for a roll-up: a failure
// outweighs an unknown (missing evidence), which outweighs a pass; n/a is
// what a cell with only n/a results shows.
var worseRank = map[control.Verdict]int{control.Failed: 0, control.Unknown: 1, control.Passed: 2, control.NotApplicable: 3}

// worst returns the worse of a and b.
func worst(a, b control.Verdict) control.Verdict {
	if worseRank[b] < worseRank[a] {
		return b
	}
	return a
}

// resourceKey identifies a resource across results: the same ID in two
// files, accounts or events is two resources.
type resourceKey struct {
	Kind, ID, Account, Region, File, Event string
}

func keyOf(ref model.Ref) resourceKey {
	k := resourceKey{Kind: ref.Kind, ID: ref.ID, Account: ref.Account, Region: ref.Region, File: ref.Loc.File}
	if ref.Event != nil {
		k.Event = ref.Event.ID
	}
	return k
}

// resourceGroup is one resource's results, in orderForPeople's order.
type resourceGroup struct {
	Ref     model.Ref
	Results []control.Result
	Worst   control.Verdict
	Counts  [4]int // by verdict
	// MaxFail is the highest severity among the failures (0 without any).
	MaxFail control.Severity
	// ByBP is the worst verdict per best practice among the results.
	ByBP map[string]control.Verdict
}

// bestPractice names the column of a control in the matrix.
func bestPractice(c *control.Control) string {
	if c.BestPractice == "" {
		return "other"
	}
	return c.BestPractice
}

// groupByResource groups rs by resource: failing resources first (most
// severe failure, then most failures), then unknown, pass and n/a, then
// by kind, ID and file, so the order is stable.
func groupByResource(rs []control.Result) []*resourceGroup {
	byKey := map[resourceKey]*resourceGroup{}
	var groups []*resourceGroup
	for _, res := range orderForPeople(rs) {
		k := keyOf(res.Resource)
		g := byKey[k]
		if g == nil {
			g = &resourceGroup{Ref: res.Resource, Worst: res.Verdict, ByBP: map[string]control.Verdict{}}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.Results = append(g.Results, res)
		g.Worst = worst(g.Worst, res.Verdict)
		if int(res.Verdict) < len(g.Counts) {
			g.Counts[res.Verdict]++
		}
		if res.Verdict == control.Failed && res.Control.Severity > g.MaxFail {
			g.MaxFail = res.Control.Severity
		}
		bp := bestPractice(res.Control)
		if v, ok := g.ByBP[bp]; ok {
			g.ByBP[bp] = worst(v, res.Verdict)
		} else {
			g.ByBP[bp] = res.Verdict
		}
	}
	slices.SortStableFunc(groups, func(a, b *resourceGroup) int {
		return cmp.Or(
			cmp.Compare(worseRank[a.Worst], worseRank[b.Worst]),
			cmp.Compare(b.MaxFail, a.MaxFail),
			cmp.Compare(b.Counts[control.Failed], a.Counts[control.Failed]),
			cmp.Compare(b.Counts[control.Unknown], a.Counts[control.Unknown]),
			cmp.Compare(a.Ref.Kind, b.Ref.Kind),
			cmp.Compare(a.Ref.ID, b.Ref.ID),
			cmp.Compare(a.Ref.Loc.File, b.Ref.Loc.File),
		)
	})
	return groups
}

// bestPractices returns the best practices of rs's controls: the EMR ones
// in number order (BP 3.2 before BP 3.10), then the others by name.
func bestPractices(rs []control.Result) []string {
	seen := map[string]bool{}
	var out []string
	for i := range rs {
		if bp := bestPractice(rs[i].Control); !seen[bp] {
			seen[bp] = true
			out = append(out, bp)
		}
	}
	slices.SortFunc(out, compareBP)
	return out
}

// compareBP compares "BP 3.2" and "BP 3.10" by their numbers; names that
// are not "BP n.m" come after, by name.
func compareBP(a, b string) int {
	na, oka := bpNumbers(a)
	nb, okb := bpNumbers(b)
	switch {
	case oka && okb:
		return cmp.Or(cmp.Compare(na[0], nb[0]), cmp.Compare(na[1], nb[1]), cmp.Compare(a, b))
	case oka:
		return -1
	case okb:
		return 1
	}
	return cmp.Compare(a, b)
}

// bpNumbers reads "BP 3.10" as {3, 10}.
func bpNumbers(s string) ([2]int, bool) {
	var n [2]int
	if len(s) < 6 || s[:3] != "BP " {
		return n, false
	}
	major, minor, ok := strings.Cut(s[3:], ".")
	if !ok {
		return n, false
	}
	var err1, err2 error
	n[0], err1 = strconv.Atoi(major)
	n[1], err2 = strconv.Atoi(minor)
	return n, err1 == nil && err2 == nil
}
