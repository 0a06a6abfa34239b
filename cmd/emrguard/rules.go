package main

import (
	"bufio"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/controls"
)

func runRules(e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard rules", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	explain := fs.String("explain", "", "print the control `ID`'s rationale, remediation and examples")
	var cf complianceFlags
	cf.register(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("rules takes no arguments (got %q); use --explain ID", pos[0])
	}
	fws, err := cf.load()
	if err != nil {
		return 0, err
	}
	if len(fws.selected) > 0 {
		listMapping(e, fws)
		return exitOK, nil
	}
	if *explain != "" {
		return exitOK, explainControl(e, strings.ToUpper(*explain), fws.known)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSOURCES\tBP\tSTATUS\tTITLE")
	n := 0
	for _, c := range controls.All() {
		status := "planned"
		if c.Implemented() {
			status = "active"
			n++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Sources, c.BestPractice, status, c.Title)
	}
	tw.Flush()
	if all := len(controls.All()); n == all {
		fmt.Fprintf(e.stdout, "\n%d controls, all active.\n", all)
	} else {
		fmt.Fprintf(e.stdout, "\n%d controls, %d active (the others are judged by sources not built yet).\n", all, n)
	}
	return exitOK, nil
}

func explainControl(e env, id string, fws []*compliance.Framework) error {
	c, ok := controls.Lookup(id)
	if !ok {
		return usagef("--explain: no control %q (see 'emrguard rules')", id)
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	title, body, _ := strings.Cut(c.Doc, "\n")
	fmt.Fprintf(w, "%s  %s\n\n", c.ID, title)
	fmt.Fprintf(w, "Severity:      %s\nBest practice: %s\nSources:       %s (I = infrastructure code, L = live account, E = launch event)\nDocumentation: %s\n", c.Severity, c.BestPractice, c.Sources, c.URL)
	if !c.Implemented() {
		fmt.Fprintf(w, "Status:        planned: judged once its sources are built\n")
	}
	var reqs []string
	for _, f := range fws {
		for _, r := range f.RequirementsOf(c.ID) {
			reqs = append(reqs, f.Short+" "+r)
		}
	}
	if len(reqs) > 0 {
		fmt.Fprintf(w, "Frameworks:    %s\n", strings.Join(reqs, ", "))
	}
	fmt.Fprintf(w, "\n%s\n\nRemediation\n  %s\n", strings.TrimSpace(body), c.Remediation.Text)
	for _, m := range []struct{ name, text string }{{"CLI", c.Remediation.CLI}, {"CloudFormation", c.Remediation.CloudFormation}, {"Terraform", c.Remediation.Terraform}} {
		if m.text != "" {
			fmt.Fprintf(w, "\n  %s:\n    %s\n", m.name, strings.ReplaceAll(m.text, "\n", "\n    "))
		}
	}
	exs, err := controls.Examples(id)
	if err != nil || len(exs) == 0 {
		return nil
	}
	for _, bad := range []bool{true, false} {
		label := "Good example"
		if bad {
			label = "Bad example"
		}
		for _, ex := range exs {
			if ex.Bad(id) != bad {
				continue
			}
			fmt.Fprintf(w, "\n%s: %s\n", label, ex.Name)
			for _, f := range ex.Files {
				fmt.Fprintf(w, "  --- %s\n", f.Path)
				for _, line := range strings.Split(strings.TrimRight(f.Content, "\n"), "\n") {
					fmt.Fprintf(w, "  %s\n", line)
				}
			}
			var wants []string
			for _, wn := range ex.Wants {
				if wn.Control == id {
					wants = append(wants, wn.String())
				}
			}
			fmt.Fprintf(w, "  => %s\n", strings.Join(wants, ", "))
		}
	}
	return nil
}
