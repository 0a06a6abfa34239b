package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/emrguard/emrguard/config"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/rawopen"
	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/scan"
	"github.com/emrguard/emrguard/securityhub"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/suppress"
)

// now is the clock of a run (suppression expiry, ASFF timestamps); tests
// set it.
var now = time.Now

// workflowFlags are the flags of the settings file, suppressions and the
// AWS context, shared by every command that produces results.
type workflowFlags struct {
	config, endpointURL, region, profile, account string
	securityHub                                   bool
	set                                           map[string]bool // flags given on the command line
	// readLimit bounds the settings file and suppression sidecars, as
	// --max-file-size bounds inputs; 0 means scan.DefaultMaxFileSize.
	readLimit int64
}

// limit is the size bound of the files the workflow reads.
func (w *workflowFlags) limit() int64 {
	if w.readLimit > 0 {
		return w.readLimit
	}
	return scan.DefaultMaxFileSize
}

func (w *workflowFlags) register(fs *flag.FlagSet) {
	w.registerSettings(fs)
	fs.StringVar(&w.endpointURL, "endpoint-url", "", "send AWS calls to `URL` (tests, private endpoints)")
	fs.StringVar(&w.region, "region", "", "AWS `REGION` for --security-hub and ASFF output (default: the SDK's: AWS_REGION, profile)")
	fs.StringVar(&w.profile, "profile", "", "AWS shared config `PROFILE` for --security-hub")
}

// registerSettings registers the flags every command that produces
// results shares; register adds the AWS context of --security-hub, which
// the aws command declares its own way (--region is repeatable there).
func (w *workflowFlags) registerSettings(fs *flag.FlagSet) {
	fs.StringVar(&w.config, "config", "", "read settings from `FILE` (default: "+config.FileName+" in the scanned folder or above)")
	fs.BoolVar(&w.securityHub, "security-hub", false, "send the results to AWS Security Hub as ASFF findings (BatchImportFindings)")
	fs.StringVar(&w.account, "aws-account", "", "AWS account `ID` for ASFF output of resources that do not name one (default with --security-hub: the caller's)")
}

// noted records which flags were given, so the config file only fills the
// others.
func (w *workflowFlags) noted(fs *flag.FlagSet) {
	w.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { w.set[f.Name] = true })
}

func known(id string) bool { _, ok := controls.Lookup(strings.ToUpper(id)); return ok }

// loadConfig reads the config file named by --config, else the one found
// upward from the first scanned path; nil when there is none.
func (w *workflowFlags) loadConfig(paths []string) (*config.File, error) {
	path := w.config
	if path == "" {
		start := "."
		if len(paths) > 0 && paths[0] != "-" {
			start = paths[0]
		}
		if path = config.Find(start); path == "" {
			return nil, nil
		}
	}
	// Read as inputs are: a regular file, within the size bound (a
	// .emrguard.yaml linked to /dev/zero would never end, a FIFO block).
	data, err := readInput(path, w.limit())
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	f, err := config.Parse(path, data)
	if err != nil {
		return nil, err
	}
	if err := f.Check(known); err != nil {
		return nil, err
	}
	return f, nil
}

// readInput reads a file named on the command line as inputs are read: a
// regular file (a FIFO would block, a device never end), within limit
// bytes; every error names the file.
func readInput(path string, limit int64) ([]byte, error) {
	data, err := rawopen.ReadRegular(path, limit)
	var big *rawopen.TooBigError
	if errors.As(err, &big) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, err
}

// applyConfig puts the config file's settings under the command line's:
// fail-on when --fail-on was not given, then the on/off switches and
// severity overrides on the selected controls.
func applyConfig(f *config.File, o *outputFlags, w *workflowFlags) {
	if f == nil {
		return
	}
	if f.FailOn != "" && !w.set["fail-on"] {
		o.failOn = f.FailOn
	}
}

// suppressResults marks accepted risks and returns the problems found.
func suppressResults(results []control.Result, f *config.File, met scan.Met, limit int64, logs bool) (source.Diagnostics, error) {
	opt := suppress.Options{Now: now(), Known: known, ReadFile: func(name string) ([]byte, error) {
		if logs {
			return nil, fs.ErrNotExist
		}
		if data, read := met.Kept(name); read {
			return data, nil // nil when the scan found no directive in it
		}
		if met.Absent(name) {
			return nil, fs.ErrNotExist // a sidecar the walk did not find
		}
		return rawopen.ReadRegular(name, limit) // a sidecar: a regular file, bounded
	}}
	if f != nil {
		rules, err := f.Rules(known)
		if err != nil {
			return nil, err
		}
		opt.Rules = rules
	}
	return suppress.Apply(results, opt), nil
}

// sendToSecurityHub imports run's findings and adds the calls that failed
// and the findings AWS rejected to run.Errors.
func sendToSecurityHub(ctx context.Context, e env, w *workflowFlags, run *report.Run) error {
	t, err := securityhub.Connect(ctx, securityhub.Options{Region: w.region, Profile: w.profile, EndpointURL: w.endpointURL})
	if err != nil {
		return fmt.Errorf("--security-hub: %w", err)
	}
	if run.Account == "" {
		run.Account = t.Account
	}
	run.Region, run.Partition = t.Region, t.Partition
	findings, err := report.ASFFFindings(run)
	if err != nil {
		return fmt.Errorf("--security-hub: %w", err)
	}
	sum, diags := securityhub.Import(ctx, t.Client, findings)
	run.Errors = append(run.Errors, diags...)
	fmt.Fprintf(e.stderr, "emrguard: Security Hub %s/%s: %d findings sent in %d batches, %d imported, %d failed\n",
		t.Account, t.Region, sum.Sent, sum.Batches, sum.Imported, sum.Failed)
	return nil
}

// splitDiags separates errors and warnings.
func splitDiags(ds source.Diagnostics) (errs, warns source.Diagnostics) {
	for _, d := range ds {
		if d.Level == source.Warning {
			warns = append(warns, d)
		} else {
			errs = append(errs, d)
		}
	}
	return errs, warns
}
