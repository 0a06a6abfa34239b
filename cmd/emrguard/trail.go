package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/emrguard/emrguard/config"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/cloudtrail"
)

type trailFlags struct {
	out                   outputFlags
	wf                    workflowFlags
	since, until, maxSize string
	accounts, regions     multiFlag
	summary               bool
	workers               int
	shard, partOut        string
	merge, resolve        bool
	assumeRole            string
	hooks                 trailHooks
}

func runTrail(ctx context.Context, e env, args []string) (int, error) {
	if len(args) > 0 && args[0] == "deploy" {
		return runTrailDeploy(e, args[1:])
	}
	return runTrailHooked(ctx, e, args, trailHooks{})
}

// runTrailHooked is runTrail telling hooks what the run did: the Lambda
// handlers (trail_lambda.go) run the command line itself, so that a shard
// in Lambda reads exactly the files --shard picks and the merge judges
// exactly as --merge does.
func runTrailHooked(ctx context.Context, e env, args []string, hooks trailHooks) (int, error) {
	fs := flag.NewFlagSet("emrguard trail", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := trailFlags{hooks: hooks}
	f.out.register(fs)
	f.wf.registerSettings(fs)
	fs.StringVar(&f.since, "since", "", "only events at or after `TIME` (RFC 3339, or a date YYYY-MM-DD in UTC)")
	fs.StringVar(&f.until, "until", "", "only events before `TIME` (RFC 3339, or a date YYYY-MM-DD: the end of that day)")
	fs.Var(&f.accounts, "account", "only this AWS `ACCOUNT` (repeatable, or comma-separated)")
	fs.Var(&f.regions, "region", "only this `REGION` (repeatable, or comma-separated)")
	fs.BoolVar(&f.summary, "summary", false, "print launches per account, region, principal and violation, and the configuration changes, instead of the report")
	fs.StringVar(&f.maxSize, "max-file-size", "128MiB", "refuse log files that decompress to more than `SIZE`")
	fs.IntVar(&f.workers, "workers", 0, "log files decompressed at once (default: one per core; 16 for s3://)")
	fs.StringVar(&f.wf.endpointURL, "endpoint-url", "", "send S3 calls to `URL` (tests, private endpoints)")
	fs.StringVar(&f.wf.profile, "profile", "", "AWS shared config `PROFILE` for s3://")
	fs.StringVar(&f.shard, "shard", "", "read only part `I/N` of the archive's files, for --part-out")
	fs.StringVar(&f.partOut, "part-out", "", "write the EMR records read (and the files that could not be) to `FILE` or s3://BUCKET/KEY (.gz: compressed) for --merge, instead of a report")
	fs.BoolVar(&f.resolve, "resolve", false, "read a security configuration the archive never created from AWS (DescribeSecurityConfiguration, once per name): judged as it is today, not as it was at the launch")
	fs.StringVar(&f.assumeRole, "assume-role-name", "", "with --resolve, read other accounts' configurations through their role `NAME` (as monitor --assume-role-name)")
	fs.BoolVar(&f.merge, "merge", false, "judge the parts given as arguments (files, s3://BUCKET/KEY, or every *.json[.gz] under s3://BUCKET/PREFIX/; written by --part-out) as one archive: the report of the whole run")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard trail PATH|s3://BUCKET/PREFIX [flags]\n       emrguard trail PATH|s3://BUCKET/PREFIX --shard I/N --part-out FILE   (one per machine)\n       emrguard trail --merge PART... [flags]\n       emrguard trail deploy [flags]   (print the CloudFormation running shards in Lambda, merged by Step Functions)\n\n"+
			"Audits a CloudTrail archive in the S3 layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz,\n"+
			"organization trails too): every EMR call is judged as the launch monitor judges it; a security\n"+
			"configuration created in the archive judges the later launches naming it; failed calls are attempts.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	paths, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if f.merge {
		if len(paths) == 0 || f.shard != "" || f.partOut != "" || f.since != "" || f.until != "" || len(f.accounts) > 0 || len(f.regions) > 0 {
			return 0, usagef("trail --merge: give the parts' files, without --shard, --part-out or filters (the parts were filtered when read)")
		}
	} else if len(paths) != 1 {
		return 0, usagef("trail: give one archive PATH")
	}
	var shard cloudtrail.Shard
	if f.shard != "" {
		if shard, err = cloudtrail.ParseShard(f.shard); err != nil {
			return 0, usagef("--shard: %v", err)
		}
		if f.partOut == "" {
			return 0, usagef("--shard needs --part-out: a shard's records are judged with the others' by --merge (a launch may name a configuration created in a file another shard read)")
		}
	}
	if _, _, ok := cloudtrail.ParseS3Object(f.partOut); strings.HasPrefix(f.partOut, "s3://") && !ok {
		return 0, usagef("--part-out %s: want s3://BUCKET/KEY, one object", f.partOut)
	}
	s, cfg, err := configure(fs, &f.out, &f.wf, paths)
	if err != nil {
		return 0, err
	}
	flt := cloudtrail.Filter{Accounts: listAll(f.accounts), Regions: listAll(f.regions)}
	if flt.Since, err = parseWhen(f.since, false); err != nil {
		return 0, usagef("--since: %v", err)
	}
	if flt.Until, err = parseWhen(f.until, true); err != nil {
		return 0, usagef("--until: %v", err)
	}
	limit, err := parseSize(f.maxSize)
	if err != nil {
		return 0, usagef("--max-file-size: %v", err)
	}
	prog := startProgress(e.stderr, isTerminal(e.stderr))
	defer prog.Stop()
	if f.merge {
		prog.Stage("merging")
		cands, readErrs, err := mergeParts(ctx, &f, paths, limit*int64(16))
		if err != nil {
			return 0, err
		}
		return judgeTrail(ctx, e, &f, s, cfg, prog, cands, readErrs)
	}
	prog.Stage("listing " + paths[0])
	var api *s3.Client
	if strings.HasPrefix(paths[0], "s3://") || strings.HasPrefix(f.partOut, "s3://") {
		if api, err = trailS3(ctx, &f.wf); err != nil {
			return 0, err
		}
	}
	opt := cloudtrail.Options{Filter: flt, Workers: f.workers, MaxFileSize: limit}
	var files []cloudtrail.File
	if bucket, prefix, ok := cloudtrail.ParseS3(paths[0]); ok {
		if files, err = cloudtrail.ListS3(ctx, api, bucket, prefix, flt); err != nil {
			return 0, err
		}
		opt.Open = cloudtrail.S3Opener(ctx, api)
		if opt.Workers == 0 {
			opt.Workers = 16 // network-bound: more requests in flight than cores
		}
	} else if strings.HasPrefix(paths[0], "s3://") {
		return 0, usagef("trail: %q names no bucket (want s3://BUCKET/PREFIX)", paths[0])
	} else if files, err = cloudtrail.List(paths[0], flt); err != nil {
		return 0, err
	}
	if shard.N > 0 {
		files = shard.Only(files)
	}
	var counters cloudtrail.Counters
	opt.Counters = &counters
	stop := trailProgress(prog, &counters, len(files))
	cands, readErrs := cloudtrail.Read(files, opt)
	stop()
	if f.partOut != "" {
		prog.Stop()
		if shard.N == 0 {
			shard = cloudtrail.Shard{I: 1, N: 1}
		}
		if err := writePart(ctx, api, f.partOut, shard, cands, readErrs); err != nil {
			return 0, err
		}
		fmt.Fprintf(e.stderr, "emrguard: part %d/%d: %d files, %d EMR records, %d files not read in whole, written to %s\n",
			shard.I, shard.N, len(files), len(cands), len(readErrs), f.partOut)
		if f.hooks.part != nil {
			st := partStats{Part: f.partOut, Files: len(files), Bytes: counters.Bytes.Load(), Records: counters.Records.Load(), Events: len(cands)}
			st.Errors, st.ErrorCount = errorLines(readErrs)
			f.hooks.part(st)
		}
		return exitOK, nil
	}
	return judgeTrail(ctx, e, &f, s, cfg, prog, cands, readErrs)
}

// judgeTrail judges an archive's EMR records (read, or merged from parts)
// and delivers the report or the summary.
func judgeTrail(ctx context.Context, e env, f *trailFlags, s *settings, cfg *config.File, prog *progress, cands []cloudtrail.Candidate, readErrs []error) (int, error) {
	prog.Stage("evaluating")
	a := newAudit(s)
	if f.resolve {
		c, err := loadAWSConfig(ctx, f.wf.profile, nil, f.wf.endpointURL)
		if err != nil {
			return 0, fmt.Errorf("trail --resolve: %w", err)
		}
		if c.Region == "" {
			c.Region = "us-east-1" // STS; each configuration is read in its own region
		}
		// The credentials' own account, so that another account's
		// configuration is never looked up with them (it would seem not
		// to exist): unknown, unless --assume-role-name reads it.
		id, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return 0, fmt.Errorf("trail --resolve: sts GetCallerIdentity: %w", err)
		}
		fetcher, _ := readers(c, aws.ToString(id.Account), f.assumeRole)
		a.resolve = func(account, region, name string) (*model.SecurityConfiguration, error) {
			return fetcher.SecurityConfiguration(ctx, account, region, name)
		}
	} else if f.assumeRole != "" {
		return 0, usagef("--assume-role-name is for --resolve")
	}
	for _, c := range cands {
		a.add(c)
	}
	if f.hooks.judged != nil {
		f.hooks.judged(readErrs)
	}
	var diags source.Diagnostics
	for _, err := range readErrs {
		var fe *cloudtrail.FileError
		at := model.Loc{}
		msg := err.Error()
		if errors.As(err, &fe) {
			at.File, msg = fe.Path, fe.Err.Error()
		}
		diags = append(diags, source.Diagnostic{At: at, Level: source.Error, Msg: msg})
	}
	diags = append(diags, a.diags...)
	if f.summary {
		prog.Stop()
		if err := writeSummary(e.stdout, a); err != nil {
			return 0, err
		}
		if len(diags) > 0 {
			for _, d := range diags {
				fmt.Fprintf(e.stderr, "emrguard: %s\n", d.Error())
			}
		}
		if diags.Err() != nil {
			return exitError, nil
		}
		return exitCodeOf(s, a.results), nil
	}
	return deliver(ctx, e, delivery{s: s, o: &f.out, wf: &f.wf, cfg: cfg, prog: prog, logs: true}, a.results, diags)
}

// exitCodeOf is exitCode for results not yet in a report.
func exitCodeOf(s *settings, rs []control.Result) int {
	for _, r := range rs {
		if !s.never && r.Verdict == control.Failed && r.Control.Severity >= s.failOn {
			return exitFailing
		}
	}
	return exitOK
}

func listAll(m multiFlag) []string {
	var out []string
	for _, v := range m {
		out = append(out, list(v)...)
	}
	return out
}

// parseWhen reads RFC 3339 or a date; a date as an upper bound means the
// end of that day.
func parseWhen(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339 nor YYYY-MM-DD", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// trailProgress shows files, bytes and events per second while the
// archive is read; the returned func stops it.
func trailProgress(p *progress, c *cloudtrail.Counters, total int) func() {
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			el := time.Since(start).Seconds()
			p.Stage(fmt.Sprintf("reading %d/%d files, %.0f MB, %.0f MB/s, %.0f events/s, %d EMR events",
				c.Files.Load(), total, float64(c.Bytes.Load())/1e6, float64(c.Bytes.Load())/1e6/max(el, 1e-3),
				float64(c.Records.Load())/max(el, 1e-3), c.Candidates.Load()))
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// trailS3 returns the S3 client for an s3:// archive: path-style against
// an --endpoint-url (moto, private endpoints), the SDK's configuration
// otherwise.
func trailS3(ctx context.Context, wf *workflowFlags) (*s3.Client, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if wf.profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(wf.profile))
	}
	c, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("trail s3://: AWS configuration: %w", err)
	}
	awshttp.Use(&c)
	if c.Region == "" {
		c.Region = "us-east-1" // S3 redirects to the bucket's region
	}
	return s3.NewFromConfig(c, func(o *s3.Options) {
		if wf.endpointURL != "" {
			o.BaseEndpoint = aws.String(wf.endpointURL)
			o.UsePathStyle = true
		}
	}), nil
}
