package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/harden"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/scan"
)

// hardenFix scans PATH... (CloudFormation and Terraform), and prints the
// patch of the failing results that have a mechanical fix as a unified
// diff; with --write it applies it, every file or none. Results that need
// a decision are listed on stderr with the reason. A file the scan cannot
// read stops it before anything is written: a fix computed without it
// could contradict it.
func hardenFix(e env, args []string) (int, error) {
	fs := newHardenFlags(e, "fix", "fix [--write] PATH...")
	write := fs.Bool("write", false, "apply the patch to the files (each replaced whole, all or none) instead of printing it only")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(paths) == 0 {
		return 0, usagef("harden fix needs a PATH: a CloudFormation template, a Terraform folder, or a folder of them")
	}
	for _, p := range paths {
		if p == "-" {
			return 0, usagef("harden fix edits files: '-' (standard input) has none to edit")
		}
	}
	res := scan.Paths(paths, scan.Options{})
	if errs := res.Diags.Errors(); len(errs) > 0 {
		for _, d := range errs {
			fmt.Fprintf(e.stderr, "emrguard: %v\n", d)
		}
		return 0, fmt.Errorf("harden fix: %d input errors: nothing fixed or written (fix what the scan cannot read first)", len(errs))
	}
	if res.Files == 0 {
		return 0, fmt.Errorf("harden fix: no CloudFormation or Terraform file in %v", paths)
	}
	tbl := release.Default()
	results := engine.Evaluate(controls.All(), res.Evidence, control.IaC, control.Config{Releases: tbl})
	patch, err := harden.Fix(results, os.ReadFile, tbl)
	if err != nil {
		return 0, fmt.Errorf("harden fix: %w", err)
	}
	if _, err := e.stdout.Write(patch.Diff()); err != nil {
		return 0, err
	}
	for _, f := range patch.Fixes() {
		fmt.Fprintf(e.stderr, "fix: %s\n", f)
	}
	for _, m := range patch.Manual {
		at := m.Result.At
		if !at.IsValid() {
			at = m.Result.Resource.Loc
		}
		fmt.Fprintf(e.stderr, "decide: %s: %s on %s: %s\n", at, m.Result.Control.ID, m.Result.Resource.ID, m.Reason)
	}
	fmt.Fprintf(e.stderr, "%s\n", patch.Summary())
	if !*write {
		return exitOK, nil
	}
	var files []harden.File
	for name, data := range patch.Files() {
		st, err := os.Stat(name)
		if err != nil {
			return 0, fmt.Errorf("harden fix: %w", err)
		}
		files = append(files, harden.File{Path: name, Data: data, Perm: st.Mode().Perm()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	if err := harden.WriteFiles(files, true); err != nil {
		return 0, fmt.Errorf("harden fix: nothing written: %w", err)
	}
	for _, f := range files {
		fmt.Fprintf(e.stderr, "wrote %s\n", f.Path)
	}
	return exitOK, nil
}
