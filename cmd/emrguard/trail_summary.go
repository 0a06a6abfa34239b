package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// writeSummary prints launches per account, region, principal and failed
// control, then the configuration changes in time order.
func writeSummary(w io.Writer, a *audit) error {
	bw := bufio.NewWriter(w)
	attempts := 0
	for _, l := range a.launches {
		if l.attempt != "" {
			attempts++
		}
	}
	fmt.Fprintf(bw, "EMR launches (RunJobFlow): %d, of which %d failed attempts\n", len(a.launches), attempts)
	for _, dim := range []struct {
		title string
		keys  func(launch) []string
	}{
		{"by account", func(l launch) []string { return []string{l.ev.Account} }},
		{"by region", func(l launch) []string { return []string{l.ev.Account + "/" + l.ev.Region} }},
		{"by principal", func(l launch) []string { return []string{l.ev.Who()} }},
		{"by failed control", func(l launch) []string { return l.failed }},
	} {
		total, failing := map[string]int{}, map[string]int{}
		for _, l := range a.launches {
			for _, k := range dim.keys(l) {
				total[k]++
				if len(l.failed) > 0 {
					failing[k]++
				}
			}
		}
		keys := make([]string, 0, len(total))
		for k := range total {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(x, y string) int {
			if total[x] != total[y] {
				return total[y] - total[x]
			}
			return strings.Compare(x, y)
		})
		fmt.Fprintf(bw, "\n%s:\n", dim.title)
		for _, k := range keys {
			if dim.title == "by failed control" {
				fmt.Fprintf(bw, "  %-70s %6d launches\n", k, total[k])
				continue
			}
			fmt.Fprintf(bw, "  %-70s %6d launches, %6d failing a control\n", k, total[k], failing[k])
		}
	}
	fmt.Fprintf(bw, "\nconfiguration changes, in time order: %d\n", len(a.changes))
	for _, c := range a.changes {
		fmt.Fprintf(bw, "  %s  %s/%s  %s  by %s (event %s)\n", c.ev.Time, c.ev.Account, c.ev.Region, c.what, c.ev.Principal, c.ev.ID)
	}
	return bw.Flush()
}
