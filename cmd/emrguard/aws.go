package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/source/awsapi"
	"github.com/emrguard/emrguard/source/snapshot"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// awsFlags are the flags of `emrguard aws` beyond the output flags.
type awsFlags struct {
	regions, roles                          stringList
	allRegions, printPolicy                 bool
	externalID, orgRole, snapshotOut, since string
	concurrency                             int
}

func runAWS(ctx context.Context, e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard aws", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var o outputFlags
	o.register(fs)
	o.registerBaseline(fs)
	var wf workflowFlags
	wf.registerSettings(fs)
	var a awsFlags
	var cf complianceFlags
	cf.register(fs)
	fs.Var(&a.regions, "region", "scan `REGION` (repeatable; default: the SDK's, from AWS_REGION or the profile)")
	fs.BoolVar(&a.allRegions, "all-regions", false, "scan every region enabled for the account (EC2 DescribeRegions)")
	fs.StringVar(&wf.profile, "profile", "", "AWS shared config `PROFILE` to start from")
	fs.Var(&a.roles, "role-arn", "assume `ARN` and scan its account (repeatable); without it the caller's account is scanned")
	fs.StringVar(&a.externalID, "external-id", "", "external `ID` for --role-arn and --org-role")
	fs.StringVar(&a.orgRole, "org-role", "", "assume role `NAME` in every ACTIVE account of the organization (Organizations ListAccounts, from the management or a delegated administrator account)")
	fs.StringVar(&wf.endpointURL, "endpoint-url", "", "send every AWS call to `URL` (tests, private endpoints)")
	fs.StringVar(&a.snapshotOut, "snapshot-out", "", "save the evidence to `FILE` (JSON; gzip when it ends in .gz); 'emrguard scan FILE' replays it")
	fs.BoolVar(&a.printPolicy, "print-policy", false, "print the least-privilege IAM policy the scan needs, and exit")
	fs.IntVar(&a.concurrency, "concurrency", 4, "calls in flight per service, region and account")
	fs.StringVar(&a.since, "job-runs-since", "90d", "read EMR on EKS job runs created within `AGE` (e.g. 30d, 72h)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard aws [flags]\n\nScans live AWS accounts: active EMR clusters and their security configurations, block public\naccess, security groups, subnets, IAM roles, trails, KMS keys, custom AMIs, EMR on EKS.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("aws takes no arguments (got %q); to replay a snapshot, run 'emrguard scan %s'", pos[0], pos[0])
	}
	if a.printPolicy {
		fmt.Fprintln(e.stdout, strings.TrimSpace(awsapi.Policy()))
		return exitOK, nil
	}
	since, err := parseAge(a.since)
	if err != nil {
		return 0, usagef("--job-runs-since: %v", err)
	}
	if a.concurrency < 1 {
		return 0, usagef("--concurrency must be at least 1, got %d", a.concurrency)
	}
	s, cfg, err := configure(fs, &o, &wf, nil)
	if err != nil {
		return 0, err
	}
	fws, err := cf.load()
	if err != nil {
		return 0, err
	}
	awsCfg, err := loadAWSConfig(ctx, wf.profile, a.regions, wf.endpointURL)
	if err != nil {
		return 0, err
	}
	if len(a.regions) == 0 && !a.allRegions && awsCfg.Region == "" {
		return 0, usagef("no region: give --region (repeatable) or --all-regions, or set AWS_REGION")
	}
	wf.region = awsCfg.Region
	prog := startProgress(e.stderr, isTerminal(e.stderr))
	defer prog.Stop()
	prog.Stage("scanning AWS")
	snap, err := awsapi.Scan(ctx, awsCfg, awsapi.Options{
		Regions: a.regions, AllRegions: a.allRegions, RoleARNs: a.roles, ExternalID: a.externalID,
		OrgRole: a.orgRole, Concurrency: a.concurrency, JobRunsSince: since,
		Progress: func(p awsapi.Progress) {
			prog.Stage(fmt.Sprintf("scanning AWS: accounts %d/%d, regions %d/%d, %d clusters, %d calls, %d retries",
				p.AccountsDone, p.Accounts, p.RegionsDone, p.Regions, p.Clusters, p.Calls, p.Retries))
		},
	})
	if err != nil {
		return 0, err
	}
	if a.snapshotOut != "" {
		if err := snapshot.WriteFile(a.snapshotOut, snap); err != nil {
			return 0, fmt.Errorf("--snapshot-out: %w", err)
		}
	}
	prog.Stage("evaluating")
	ev, diags := snapshot.Evidence(snap)
	results := engine.Evaluate(s.controls, ev, evaluated, s.cfg)
	return deliver(ctx, e, delivery{s: s, o: &o, wf: &wf, cfg: cfg, prog: prog, fws: fws}, results, diags)
}

// loadAWSConfig reads the SDK's configuration (environment, shared files,
// profile) with the first --region as the home region and, when given, one
// endpoint for every service.
func loadAWSConfig(ctx context.Context, profile string, regions []string, endpoint string) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if profile != "" {
		opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
	}
	if len(regions) > 0 {
		opts = append(opts, awsconfig.WithRegion(regions[0]))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("AWS configuration: %w", err)
	}
	awshttp.Use(&cfg)
	if endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	return cfg, nil
}

// parseAge reads "90d", "72h", "30m" (days beyond what time.ParseDuration takes).
func parseAge(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != d {
			return 0, fmt.Errorf("%q is not an age (e.g. 90d, 72h)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	t, err := time.ParseDuration(s)
	if err != nil || t <= 0 {
		return 0, fmt.Errorf("%q is not an age (e.g. 90d, 72h)", s)
	}
	return t, nil
}
