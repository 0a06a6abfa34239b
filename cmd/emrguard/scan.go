package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/emrguard/emrguard/config"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/memlimit"
	"github.com/emrguard/emrguard/internal/outfile"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/scan"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/suppress"
)

// outputFlags are the flags every command that produces results takes.
type outputFlags struct {
	format, output, only, skip, failOn, releases, show string
	baseline                                           string // scan and aws only (registerBaseline)
}

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.format, "format", "table", "output format: "+strings.Join(report.Formats(), ", "))
	fs.StringVar(&o.output, "output", "", "write the report to `FILE` instead of stdout (written whole or not at all)")
	fs.StringVar(&o.only, "controls", "", "run only these control `IDs` (comma-separated)")
	fs.StringVar(&o.skip, "skip", "", "skip these control `IDs` (comma-separated)")
	fs.StringVar(&o.failOn, "fail-on", "low", "exit 1 when a result fails at or above `SEVERITY` (low, medium, high, critical) or never (none)")
	fs.StringVar(&o.releases, "releases", "", "read the EMR release table from `FILE` instead of the built-in one")
	fs.StringVar(&o.show, "show", "fail,unknown", "verdicts the table lists: fail, pass, unknown, n/a, or all")
}

// registerBaseline adds --baseline, which only the commands that judge a
// whole estate (scan, aws) take.
func (o *outputFlags) registerBaseline(fs *flag.FlagSet) {
	fs.StringVar(&o.baseline, "baseline", "", "compare with the earlier JSON report `FILE` (emrguard --format json): mark each result new or unchanged, list the fixed ones, and let --fail-on count only new failures")
}

// settings is the checked form of outputFlags.
type settings struct {
	writer   report.Writer
	controls []*control.Control
	failOn   control.Severity
	never    bool
	cfg      control.Config
	show     []control.Verdict
	baseline *report.Baseline // --baseline, read before any work
}

func (o *outputFlags) check() (*settings, error) {
	s := &settings{}
	var ok bool
	if s.writer, ok = report.Writers[o.format]; !ok {
		return nil, usagef("unknown --format %q (want one of %s)", o.format, strings.Join(report.Formats(), ", "))
	}
	if o.failOn == "none" {
		s.never = true
	} else {
		sev, err := control.ParseSeverity(o.failOn)
		if err != nil {
			return nil, usagef("--fail-on: %v", err)
		}
		s.failOn = sev
	}
	only, skip := map[string]bool{}, map[string]bool{}
	for flagName, ids := range map[string][]string{"--controls": list(o.only), "--skip": list(o.skip)} {
		for _, id := range ids {
			id = strings.ToUpper(id)
			if _, ok := controls.Lookup(id); !ok {
				return nil, usagef("%s: no control %q (see 'emrguard rules')", flagName, id)
			}
			if flagName == "--controls" {
				only[id] = true
			} else {
				skip[id] = true
			}
		}
	}
	for _, c := range controls.All() {
		if (len(only) == 0 || only[c.ID]) && !skip[c.ID] {
			s.controls = append(s.controls, c)
		}
	}
	s.cfg.Releases = release.Default()
	if o.releases != "" {
		t, err := release.Load(o.releases)
		if err != nil {
			return nil, err
		}
		s.cfg.Releases = t
	}
	if o.baseline != "" {
		b, err := report.ReadBaseline(o.baseline)
		if err != nil {
			return nil, fmt.Errorf("--baseline: %w", err)
		}
		s.baseline = b
	}
	if o.show != "all" {
		for _, v := range list(o.show) {
			verdict, err := control.ParseVerdict(v)
			if err != nil {
				return nil, usagef("--show: %v", err)
			}
			s.show = append(s.show, verdict)
		}
	}
	return s, nil
}

// configure reads the settings file (named by --config, else found upward
// from the first path), puts it under the flags given on the command line,
// and checks the result: what every command that produces results does
// once its flags are parsed.
func configure(fs *flag.FlagSet, o *outputFlags, wf *workflowFlags, paths []string) (*settings, *config.File, error) {
	wf.noted(fs)
	cfg, err := wf.loadConfig(paths)
	if err != nil {
		return nil, nil, err
	}
	applyConfig(cfg, o, wf)
	s, err := o.check()
	if err != nil {
		return nil, nil, err
	}
	if cfg != nil {
		// On/off switches, severity overrides, and the controls' settings
		// (use-case tag key, AMI age limit, …).
		s.controls = cfg.Apply(s.controls)
		cfg.Settings(&s.cfg)
	}
	return s, cfg, nil
}

func runScan(ctx context.Context, e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard scan", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o outputFlags
	o.register(fs)
	o.registerBaseline(fs)
	var wf workflowFlags
	wf.register(fs)
	var cf complianceFlags
	cf.register(fs)
	maxSize := fs.String("max-file-size", "20MiB", "refuse input files larger than `SIZE` (bytes, or with KiB, MiB, GiB)")
	var certs multi
	fs.Var(&certs, "certs", "a PEM certificate zip for EMR109, as `FILE` (for configurations whose in-transit S3 object has its name) or s3://BUCKET/KEY.zip=FILE (repeatable)")
	cfnParams := fs.String("cfn-params", "", "CloudFormation parameter values from `FILE` ([{\"ParameterKey\",\"ParameterValue\"}] or {\"Parameters\":{…}}); pseudo parameters such as AWS::Region may be given too")
	var emrNS namespaces
	var tf tfFlags
	tf.register(fs)
	fs.Var(&emrNS, "emr-namespace", "treat Kubernetes `NAMESPACE` as EMR on EKS's (repeatable), beside those the inputs show")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard scan [PATH|-]... [flags]\n\nScans Terraform modules and plans, CloudFormation templates, security configurations, RunJobFlow /\ncreate-cluster requests, describe-cluster and describe-security-groups output, and\nsnapshots of live scans (emrguard aws --snapshot-out; .json or .json.gz).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	paths, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	limit, err := parseSize(*maxSize)
	if err != nil {
		return 0, usagef("--max-file-size: %v", err)
	}
	wf.readLimit = limit // the settings file and sidecars are bounded as inputs
	s, cfg, err := configure(fs, &o, &wf, paths)
	if err != nil {
		return 0, err
	}
	fws, err := cf.load()
	if err != nil {
		return 0, err
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	opt := scan.Options{MaxFileSize: limit, Stdin: e.stdin, EMRNamespaces: emrNS, TFVars: tf.vars, TFVarFiles: tf.varFiles,
		Keep: suppress.HasDirective}
	if cfg != nil {
		// The settings file adds namespaces; --emr-namespace adds more.
		opt.EMRNamespaces = append(append([]string(nil), cfg.EMRNamespaces...), emrNS...)
	}
	opt.Certs = certs
	if *cfnParams != "" {
		if opt.CFNParams, err = readParams(*cfnParams, limit); err != nil {
			return 0, usagef("--cfn-params: %v", err)
		}
	}
	// A corpus's evidence and results stay in memory to the end: keep the
	// heap near 288 MiB, or 1.6× the live data beyond (GOMEMLIMIT wins).
	defer memlimit.Start(memlimit.Floor, 100*time.Millisecond)()
	prog := startProgress(e.stderr, isTerminal(e.stderr))
	defer prog.Stop()
	prog.Stage("scanning " + strings.Join(paths, " "))
	res := scan.Paths(paths, opt)
	prog.Stage("evaluating")
	// Results hold what they say (copies of the refs and locations), so no
	// reference to the evidence is kept past Evaluate: on 10,000 templates
	// it is a third of the heap, freed before the results are merged.
	ev := res.Evidence
	res.Evidence = nil
	results := engine.Options{Room: corpusRoom}.Evaluate(s.controls, ev, evaluated, s.cfg)
	return deliver(ctx, e, delivery{s: s, o: &o, wf: &wf, cfg: cfg, prog: prog, met: res.Met, fws: fws}, results, res.Diags)
}

// corpusRoom makes room for a corpus's merged results (engine.Options.Room),
// which the process is about to allocate beside its evidence. It collects
// the evidence first, as the scan holds it no more (the runtime would start
// a cycle only after the allocation, with the evidence, a third of the
// heap, still counted). Nothing becomes garbage from there to the end of
// the merge, yet a cycle started by the slice's allocation ran during the
// merge and put a write barrier on every pointer copied: so the next cycle
// is put past the slice until the merge is done (figures: bench/README.md,
// "Figures behind code comments"). The monitor, its Lambda and trail audits
// never tune the process's collector.
func corpusRoom(bytes uint64) (resume func()) {
	runtime.GC()
	return memlimit.Room(bytes)
}

// evaluated are the kinds of evidence scan and aws judge: snapshots among
// a scan's inputs are judged by the live controls, and each control sees
// only the origins its Sources name, so evidence from files and events is
// judged as before, and a live run and the replay of its snapshot agree.
const evaluated = control.IaC | control.Event | control.Live

// delivery is what a command that produced results needs to report them.
type delivery struct {
	s    *settings
	o    *outputFlags
	wf   *workflowFlags
	cfg  *config.File
	prog *progress
	met  scan.Met
	// logs: the results' files are logs (CloudTrail), which carry no
	// inline suppressions and have no sidecars; only the settings file's
	// rules apply.
	logs bool
	// fws are the compliance frameworks (--compliance, --compliance-file);
	// nil: the built-in ones, none reported.
	fws *frameworkSet
}

// deliver applies suppressions, sends to Security Hub when asked, writes
// the report and decides the exit code: the one tail of scan and aws.
func deliver(ctx context.Context, e env, d delivery, results []control.Result, diags source.Diagnostics) (int, error) {
	s, o, wf := d.s, d.o, d.wf
	suppDiags, err := suppressResults(results, d.cfg, d.met, wf.limit(), d.logs)
	if err != nil {
		return 0, err
	}
	run := &report.Run{
		Tool:     report.Tool{Name: "emrguard", Version: version()},
		Results:  results,
		Show:     s.show,
		Color:    o.output == "" && isTerminal(e.stdout) && os.Getenv("NO_COLOR") == "",
		Time:     now(),
		Account:  wf.account,
		Region:   wf.region,
		Baseline: s.baseline,
	}
	if d.fws != nil {
		run.Frameworks, run.Compliance = d.fws.known, d.fws.selected
	}
	run.Errors, run.Warnings = splitDiags(append(diags, suppDiags...))
	if wf.securityHub {
		d.prog.Stage("sending findings to Security Hub")
		if err := sendToSecurityHub(ctx, e, wf, run); err != nil {
			return 0, err
		}
	}
	d.prog.Stop()
	if err := write(e, o.output, s.writer, run); err != nil {
		return 0, err
	}
	if o.format != "table" || o.output != "" {
		// Machine formats carry errors but not warnings; say them on stderr,
		// buffered (a corpus can have a warning per file).
		bw := bufio.NewWriter(e.stderr)
		for _, w := range run.Warnings {
			fmt.Fprintf(bw, "emrguard: warning: %s\n", w.Error())
		}
		bw.Flush()
	}
	return exitCode(s, run), nil
}

// exitCode decides the exit status once for every command.
func exitCode(s *settings, r *report.Run) int {
	if len(r.Errors) > 0 {
		return exitError
	}
	if !s.never && r.Failing(s.failOn) {
		return exitFailing
	}
	return exitOK
}

// write renders run to stdout, or to path whole or not at all (a report
// is shared like any build output, e.g. read by the SARIF upload step:
// 0644).
func write(e env, path string, w report.Writer, run *report.Run) error {
	if path == "" {
		return w(e.stdout, run)
	}
	if err := outfile.Write(path, 0o644, false, func(f io.Writer) error { return w(f, run) }); err != nil {
		return fmt.Errorf("--output %s: %w", path, err)
	}
	return nil
}

// parseSize reads "20MiB", "512KiB", "1GiB" or a number of bytes.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size (e.g. 20MiB)", s)
	}
	return n * mult, nil
}

// readParams is cfn.ReadParams reading as inputs are read: a regular file
// (a FIFO would block, a device never end), within the size bound.
func readParams(path string, limit int64) (cfn.Params, error) {
	data, err := readInput(path, limit)
	if err != nil {
		return cfn.Params{}, fmt.Errorf("cfn parameters: %w", err)
	}
	p, err := cfn.ParseParams(data)
	if err != nil {
		return cfn.Params{}, fmt.Errorf("cfn parameters %s: %w", path, err)
	}
	p.File = path
	return p, nil
}
