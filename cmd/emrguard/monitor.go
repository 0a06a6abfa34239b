package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/emrguard/emrguard/config"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
	"github.com/emrguard/emrguard/report"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/tree"
	"github.com/emrguard/emrguard/trail/deploy"
)

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type monitorFlags struct {
	out                     outputFlags
	events, queue, alertOn  string
	region, endpoint, spool string
	raisedBy, account       string
	assumeRole              string
	dedupTable              string
	notify                  multiFlag
	alertOnUnknown, noAWS   bool
	workers                 int
	visibility              time.Duration
}

// maxWorkers bounds --workers: each worker may hold an SQS message and a
// connection to the alert sink.
const maxWorkers = 1024

func runMonitor(ctx context.Context, e env, args []string) (int, error) {
	if len(args) > 0 && args[0] == "deploy" {
		return runDeploy(e, args[1:])
	}
	if len(args) > 0 && args[0] == "package" {
		return runPackage(ctx, e, args[1:])
	}
	fs := flag.NewFlagSet("emrguard monitor", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var f monitorFlags
	f.out.register(fs)
	fs.StringVar(&f.events, "events", "", "replay events from `FILE` ('-' for stdin, or a folder of .json/.jsonl files): JSON lines, a JSON array, or one event")
	fs.StringVar(&f.queue, "sqs-queue", "", "run as a daemon reading events from the SQS queue `URL`")
	fs.Var(&f.notify, "notify", "send alerts to `TARGET`: stdout, sns:TOPIC-ARN, slack:URL, teams:URL, eventbridge:BUS, securityhub[:REGION] or https://URL (repeatable)")
	fs.StringVar(&f.alertOn, "alert-on", strings.Join(monitor.DefaultAlertOn, ","), "control `IDs` whose failure raises an alert")
	fs.BoolVar(&f.alertOnUnknown, "alert-on-unknown", true, "also alert when an alerting control is unknown (the configuration could not be read)")
	fs.StringVar(&f.region, "region", "", "AWS `REGION` of the queue (default: from the queue URL or the environment)")
	fs.StringVar(&f.endpoint, "endpoint-url", "", "AWS endpoint override `URL` (tests, private endpoints)")
	fs.StringVar(&f.spool, "spool", "", "keep undeliverable alerts in `DIR` and resend them (default: the user cache folder; 'none' to disable)")
	fs.StringVar(&f.raisedBy, "raised-by", "", "how alerts name this host (default host/HOSTNAME)")
	fs.StringVar(&f.account, "account", "", "the `ACCOUNT` the credentials belong to; configurations of other accounts are not looked up (without --assume-role-name)")
	fs.StringVar(&f.assumeRole, "assume-role-name", "", "read a member account's objects through its role `NAME` (STS AssumeRole into arn:aws:iam::ACCOUNT:role/NAME; monitor deploy --org creates it)")
	fs.StringVar(&f.dedupTable, "dedup-table", "", "DynamoDB `TABLE` (key eventId, TTL on expiresAt) shared by every instance, so one alert goes out per event; without it, copies handled by different instances may each alert")
	fs.BoolVar(&f.noAWS, "no-aws", false, "do not call AWS to read security configurations (they are reported unknown)")
	fs.IntVar(&f.workers, "workers", 32, "events handled in parallel by the daemon")
	fs.DurationVar(&f.visibility, "visibility", 60*time.Second, "SQS visibility timeout asked for and renewed while an event is handled (1s to 12h, whole seconds)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard monitor --events FILE|- | --sqs-queue URL [flags]\n       emrguard monitor deploy [--multi-region | --org]\n       emrguard monitor package [--arch arm64|amd64] [--output FILE]\n\n"+
			"Evaluates CloudTrail events of EMR calls (EventBridge \"AWS API Call via CloudTrail\") and alerts.\n"+
			"Started by the Lambda runtime (AWS_LAMBDA_RUNTIME_API set), it runs as the Lambda handler.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	switch {
	case len(rest) > 0:
		return 0, usagef("monitor: unexpected argument %q", rest[0])
	case (f.events == "") == (f.queue == ""):
		return 0, usagef("monitor: give exactly one of --events FILE|- and --sqs-queue URL")
	case f.workers < 1 || f.workers > maxWorkers:
		return 0, usagef("--workers %d: want 1 to %d", f.workers, maxWorkers)
	}
	if err := monitor.CheckVisibility(f.visibility); err != nil {
		return 0, usagef("--visibility: %v", err)
	}
	s, err := f.out.check()
	if err != nil {
		return 0, err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfgFor := awsConfigs(ctx, f.endpoint)
	mcfg := monitor.Config{Controls: s.controls, Control: s.cfg, AlertOn: list(f.alertOn), AlertOnUnknown: f.alertOnUnknown,
		RaisedBy: f.raisedBy, Log: log}
	if mcfg.RaisedBy == "" {
		host, _ := os.Hostname()
		mcfg.RaisedBy = "host/" + host
	}
	if f.noAWS {
		mcfg.Fetcher = monitor.NoFetcher{Why: "--no-aws"}
	} else if c, err := cfgFor(""); err == nil {
		mcfg.Fetcher, mcfg.Reader = readers(c, f.account, f.assumeRole)
	} else {
		mcfg.Fetcher = monitor.NoFetcher{Why: "no AWS configuration: " + err.Error()}
	}
	if f.dedupTable != "" {
		c, err := cfgFor(f.region)
		if err != nil {
			return 0, fmt.Errorf("--dedup-table: AWS configuration: %w", err)
		}
		mcfg.Ledger = monitor.NewDynamoLedger(c, f.dedupTable)
	}
	policy := notify.Policy{Log: log}
	if f.queue != "" && f.spool != "none" {
		policy.SpoolDir = f.spool
		if policy.SpoolDir == "" {
			dir, err := os.UserCacheDir()
			if err != nil {
				return 0, fmt.Errorf("--spool: no default folder (%v); give one", err)
			}
			policy.SpoolDir = filepath.Join(dir, "emrguard", "spool")
		}
	}
	targets := f.notify
	if len(targets) == 0 {
		// Without --notify, the settings file's notify targets apply.
		if path := config.Find("."); path != "" {
			c, err := config.Load(path)
			if err != nil {
				return 0, err
			}
			targets = append(targets, c.Notify...)
		}
	}
	if len(targets) == 0 && f.queue != "" {
		targets = multiFlag{"stdout"}
	}
	var sinks notify.Multi
	if len(targets) > 0 {
		if sinks, err = notify.Open(ctx, targets, notify.Env{Stdout: e.stdout, AWS: cfgFor, Version: version(), Policy: policy}); err != nil {
			return 0, err
		}
		mcfg.Sink = sinks
	}
	m, err := monitor.New(mcfg)
	if err != nil {
		return 0, usagef("--alert-on: %v", err)
	}
	if f.queue != "" {
		return runDaemon(ctx, e, f, m, sinks, cfgFor, log)
	}
	return replay(ctx, e, f, s, m)
}

// readers returns the monitor's fetcher and reader for the credentials of
// cfg, reading member accounts through roleName when it is set.
func readers(cfg aws.Config, account, roleName string) (monitor.Fetcher, monitor.Reader) {
	acc := &monitor.Accounts{Base: cfg, Own: account, RoleName: roleName}
	return &monitor.AccountFetcher{Accounts: acc}, &monitor.AWSReader{Accounts: acc}
}

// awsConfigs loads the SDK configuration once and returns it per region.
func awsConfigs(ctx context.Context, endpoint string) func(region string) (aws.Config, error) {
	var base *aws.Config
	var loadErr error
	return func(region string) (aws.Config, error) {
		if base == nil && loadErr == nil {
			c, err := awsconfig.LoadDefaultConfig(ctx)
			if err != nil {
				loadErr = err
			} else {
				if endpoint != "" {
					c.BaseEndpoint = aws.String(endpoint)
				}
				awshttp.Use(&c)
				base = &c
			}
		}
		if loadErr != nil {
			return aws.Config{}, loadErr
		}
		c := base.Copy()
		if region != "" {
			c.Region = region
		}
		return c, nil
	}
}

// queueRegion reads the region from sqs.REGION.amazonaws.com URLs.
func queueRegion(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	parts := strings.Split(p.Hostname(), ".")
	if len(parts) >= 4 && parts[0] == "sqs" {
		return parts[1]
	}
	return ""
}

func runDaemon(ctx context.Context, e env, f monitorFlags, m *monitor.Monitor, sinks notify.Multi, cfgFor func(string) (aws.Config, error), log *slog.Logger) (int, error) {
	region := f.region
	if region == "" {
		region = queueRegion(f.queue)
	}
	c, err := cfgFor(region)
	if err != nil {
		return 0, fmt.Errorf("--sqs-queue: AWS configuration: %w", err)
	}
	if c.Region == "" {
		return 0, usagef("--sqs-queue: no region in the queue URL or the environment; give --region")
	}
	for _, s := range sinks {
		if r, ok := s.(*notify.Retrier); ok {
			go r.Run(ctx, 30*time.Second) // resend what an earlier run spooled
		}
	}
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(c), QueueURL: f.queue, Workers: f.workers, Visibility: f.visibility, Log: log}
	err = d.Run(ctx)
	st := d.Stats()
	fmt.Fprintf(e.stderr, "emrguard monitor: stopped: %d events handled, %d messages deleted, %d failed, %d left for a copy in hand\n", st.Handled, st.Deleted, st.Failed, st.Deferred)
	return exitOK, err
}

// replay handles the events of a file and reports their results.
func replay(ctx context.Context, e env, f monitorFlags, s *settings, m *monitor.Monitor) (int, error) {
	inputs, err := eventInputs(e, f.events)
	if err != nil {
		return 0, fmt.Errorf("--events: %w", err)
	}
	run := &report.Run{Tool: report.Tool{Name: "emrguard", Version: version()}, Show: s.show,
		Color: f.out.output == "" && isTerminal(e.stdout) && os.Getenv("NO_COLOR") == ""}
	handle := func(out monitor.Outcome, err error, at model.Loc) {
		var ie *event.InputError
		switch {
		case errors.As(err, &ie):
			run.Errors = append(run.Errors, source.Diagnostic{At: ie.At, Level: source.Error, Msg: strings.TrimPrefix(ie.Error(), ie.At.String()+": ")})
			return
		case err != nil:
			run.Errors = append(run.Errors, source.Diagnostic{At: at, Level: source.Error, Msg: err.Error()})
		}
		run.Results = append(run.Results, out.Results...)
		for _, d := range out.Diags {
			if d.Level == source.Warning {
				run.Warnings = append(run.Warnings, d)
			} else {
				run.Errors = append(run.Errors, d)
			}
		}
		if out.Kind == monitor.FailedCall {
			run.Warnings = append(run.Warnings, source.Diagnostic{At: at, Level: source.Warning,
				Msg: fmt.Sprintf("event %s: %s failed (%s); nothing was created", out.Event.ID, out.Event.Name, out.Failure)})
		}
	}
	for _, in := range inputs {
		for _, ev := range splitEvents(in.name, in.data) {
			if ev.err != nil {
				handle(monitor.Outcome{}, ev.err, ev.at)
				continue
			}
			out, err := m.HandleNode(ctx, in.name, ev.node)
			handle(out, err, ev.at)
		}
	}
	engine.SortResults(run.Results)
	if err := write(e, f.out.output, s.writer, run); err != nil {
		return 0, err
	}
	return exitCode(s, run), nil
}

type eventInput struct {
	name string
	data []byte
}

// maxEventInput bounds one --events input: a replay of a day of an
// organisation's launches is megabytes; a gigabyte is not an event file.
const maxEventInput = 1 << 30

// eventInputs reads --events: a file, '-' for stdin, or a folder whose
// *.json and *.jsonl files are read in name order.
func eventInputs(e env, path string) ([]eventInput, error) {
	if path == "-" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, maxEventInput+1))
		if err == nil && len(data) > maxEventInput {
			err = fmt.Errorf("<stdin>: more than %d bytes of events", maxEventInput)
		}
		return []eventInput{{"<stdin>", data}}, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		a, _ := filepath.Glob(filepath.Join(path, "*.json"))
		b, _ := filepath.Glob(filepath.Join(path, "*.jsonl"))
		files = append(a, b...)
		slices.Sort(files)
	}
	var out []eventInput
	for _, f := range files {
		data, err := readInput(f, maxEventInput) // not a FIFO, not /dev/zero
		if err != nil {
			return nil, err
		}
		out = append(out, eventInput{f, data})
	}
	return out, nil
}

type rawEvent struct {
	node *tree.Node
	at   model.Loc
	err  error
}

// splitEvents reads one event, a JSON array of events, or JSON lines,
// keeping each event's lines in the file.
func splitEvents(file string, data []byte) []rawEvent {
	trimmed := bytes.TrimSpace(data)
	if root, err := tree.ParseJSON(file, data); err == nil {
		if root.Kind == tree.Array {
			out := make([]rawEvent, len(root.Items))
			for i, it := range root.Items {
				out[i] = rawEvent{node: it, at: it.At}
			}
			return out
		}
		return []rawEvent{{node: root, at: root.At}}
	} else if len(trimmed) > 0 && trimmed[0] == '[' {
		return []rawEvent{{err: &event.InputError{At: model.Loc{File: file}, Msg: err.Error()}}}
	}
	// Lines are cut from data, not scanned: a line over the limit is one
	// bad event, and every line after it is still read.
	var out []rawEvent
	for n, rest := 1, data; len(rest) > 0; n++ {
		raw := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			raw, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line := bytes.TrimSpace(raw)
		if len(line) == 0 {
			continue
		}
		at := model.Loc{File: file, Line: n}
		if len(line) > monitor.MaxEventSize {
			out = append(out, rawEvent{at: at, err: &event.InputError{At: at,
				Msg: fmt.Sprintf("event is %d bytes, over EventBridge's %d-byte limit", len(line), monitor.MaxEventSize)}})
			continue
		}
		node, err := tree.ParseEmbedded(string(line), at)
		if err != nil {
			msg := err.Error()
			var pe *tree.ParseError
			if errors.As(err, &pe) {
				msg = pe.Msg
			}
			out = append(out, rawEvent{at: at, err: &event.InputError{At: at, Msg: msg}})
			continue
		}
		out = append(out, rawEvent{node: node, at: at})
	}
	return out
}

func runDeploy(e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard monitor deploy", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	multi := fs.Bool("multi-region", false, "one template for a StackSet: the monitor in CentralRegion, rules forwarding events from every other region and account")
	org := fs.Bool("org", false, "the organization template instead: a service-managed StackSet putting the forwarding rule and the monitor's read-only role into every member account and region")
	alertOn := fs.String("alert-on", strings.Join(monitor.DefaultAlertOn, ","), "default of the AlertOn parameter")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard monitor deploy [--multi-region | --org] > monitor.json\n\nPrints the CloudFormation template that deploys the launch monitor.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if rest, err := parseFlags(fs, args); err != nil {
		return 0, err
	} else if len(rest) > 0 {
		return 0, usagef("monitor deploy: unexpected argument %q", rest[0])
	}
	var t []byte
	var err error
	switch {
	case *org && *multi:
		return 0, usagef("monitor deploy: give at most one of --org and --multi-region")
	case *org:
		t, err = monitor.OrgTemplate()
	default:
		t, err = monitor.Template(monitor.DeployOptions{MultiRegion: *multi, AlertOn: list(*alertOn)})
	}
	if err != nil {
		return 0, err
	}
	_, err = e.stdout.Write(t)
	return exitOK, err
}

// lambdaMode reports whether the Lambda runtime started the process.
func lambdaMode(args []string) bool {
	return os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" && (len(args) == 0 || args[0] == "monitor")
}

// runLambda serves the Lambda runtime; configured by the environment the
// deploy template sets (EMRGUARD_NOTIFY, EMRGUARD_ALERT_ON,
// EMRGUARD_ACCOUNT, EMRGUARD_ASSUME_ROLE_NAME, EMRGUARD_DEDUP_TABLE).
// Undeliverable alerts are not spooled: the invocation fails, Lambda
// retries it and then sends it to the dead-letter queue.
func runLambda(ctx context.Context, e env) int {
	if mode := os.Getenv(deploy.ModeVar); mode != "" && mode != "monitor" {
		return runTrailLambda(ctx, e, mode) // the trail template's functions
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	fail := func(err error) int {
		log.Error("emrguard monitor cannot start", "err", err)
		return exitError
	}
	cfgFor := awsConfigs(ctx, "")
	c, err := cfgFor("")
	if err != nil {
		return fail(err)
	}
	var o outputFlags
	o.format = "json"
	o.failOn = "low"
	o.show = "all"
	s, err := o.check()
	if err != nil {
		return fail(err)
	}
	targets := strings.FieldsFunc(os.Getenv("EMRGUARD_NOTIFY"), func(r rune) bool { return r == ',' || r == ' ' })
	if len(targets) == 0 {
		return fail(errors.New("EMRGUARD_NOTIFY is empty: no alert target"))
	}
	sinks, err := notify.Open(ctx, targets, notify.Env{Stdout: e.stdout, AWS: cfgFor, Version: version(), Policy: notify.Policy{Log: log, Attempts: 3}})
	if err != nil {
		return fail(err)
	}
	alertOn := monitor.DefaultAlertOn
	if v := os.Getenv("EMRGUARD_ALERT_ON"); v != "" {
		alertOn = list(v)
	}
	fetcher, reader := readers(c, os.Getenv("EMRGUARD_ACCOUNT"), os.Getenv("EMRGUARD_ASSUME_ROLE_NAME"))
	mcfg := monitor.Config{Controls: s.controls, Control: s.cfg, AlertOn: alertOn, AlertOnUnknown: true,
		Fetcher: fetcher, Reader: reader, Sink: sinks, Log: log}
	if t := os.Getenv("EMRGUARD_DEDUP_TABLE"); t != "" {
		mcfg.Ledger = monitor.NewDynamoLedger(c, t)
	}
	m, err := monitor.New(mcfg)
	if err != nil {
		return fail(err)
	}
	lambda.StartWithOptions(m.Lambda(), lambda.WithContext(ctx))
	return exitOK
}
