package report

import (
	"strconv"

	"github.com/emrguard/emrguard/control"
)

// The HTML page's chart: horizontal bars, one per best practice and one per
// severity, each stacked by verdict. The geometry is computed here and the
// page template draws it as inline SVG, so the page needs no script library
// and prints as drawn.

// Chart geometry, in SVG user units (pixels at 100%).
const (
	chartLabelW = 120 // the label column
	chartBarW   = 520 // the longest bar
	chartCountW = 60  // the total after a bar
	chartRowH   = 18
	chartGap    = 6
	chartHeadH  = 24 // a section heading
)

// chartVerdicts is the order of the segments in a bar.
var chartVerdicts = []control.Verdict{control.Failed, control.Unknown, control.Passed, control.NotApplicable}

type (
	htmlChart struct {
		Width, Height int
		Heads         []chartHead
		Bars          []chartBar
	}
	chartHead struct {
		Y    int
		Text string
	}
	chartBar struct {
		Group, Label string // Group: "bp" or "severity"
		Y, TextY     int
		Total        int
		TotalX       string
		Segs         []chartSeg
	}
	chartSeg struct {
		Verdict string
		N       int
		X, W    string // formatted, so the output does not depend on float printing
	}
)

// chartRow is one bar's label and counts by verdict before layout.
type chartRow struct {
	group, label string
	n            [4]int
}

// buildChart lays out the bars of rs by best practice (in bps's order) and
// by severity (in sevs's order).
func buildChart(rs []control.Result, bps, sevs []string) htmlChart {
	byBP, bySev := map[string]*[4]int{}, map[string]*[4]int{}
	for _, k := range bps {
		byBP[k] = &[4]int{}
	}
	for _, k := range sevs {
		bySev[k] = &[4]int{}
	}
	for i := range rs {
		v := rs[i].Verdict
		if int(v) >= 4 {
			continue
		}
		if n := byBP[bestPractice(rs[i].Control)]; n != nil {
			n[v]++
		}
		if n := bySev[rs[i].Control.Severity.String()]; n != nil {
			n[v]++
		}
	}
	var rows []chartRow
	for _, k := range bps {
		rows = append(rows, chartRow{"bp", k, *byBP[k]})
	}
	for _, k := range sevs {
		rows = append(rows, chartRow{"severity", k, *bySev[k]})
	}
	most := 1
	for _, r := range rows {
		most = max(most, r.n[0]+r.n[1]+r.n[2]+r.n[3])
	}
	c := htmlChart{Width: chartLabelW + chartBarW + chartCountW}
	y := 0
	group := ""
	for _, r := range rows {
		if r.group != group {
			group = r.group
			head := "By best practice"
			if group == "severity" {
				head = "By severity"
			}
			c.Heads = append(c.Heads, chartHead{Y: y + 16, Text: head})
			y += chartHeadH
		}
		b := chartBar{Group: r.group, Label: r.label, Y: y, TextY: y + chartRowH - 5}
		x := float64(chartLabelW)
		for _, v := range chartVerdicts {
			n := r.n[v]
			b.Total += n
			if n == 0 {
				continue
			}
			w := float64(n) * chartBarW / float64(most)
			b.Segs = append(b.Segs, chartSeg{Verdict: v.String(), N: n, X: num(x), W: num(w)})
			x += w
		}
		b.TotalX = num(x + 6)
		c.Bars = append(c.Bars, b)
		y += chartRowH + chartGap
	}
	c.Height = y
	return c
}

// num formats an SVG coordinate with one decimal.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
