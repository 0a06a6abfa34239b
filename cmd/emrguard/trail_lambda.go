package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/emrguard/emrguard/source/cloudtrail"
	"github.com/emrguard/emrguard/trail/deploy"
)

// The Lambda modes of the trail template, chosen by the EMRGUARD_LAMBDA
// variable it sets on each function; unset, the binary is the launch
// monitor's function.
const (
	lambdaTrailShard = deploy.ModeShard
	lambdaTrailMerge = deploy.ModeMerge
)

// trailFilter narrows what a shard reads: trail's --since, --until,
// --account and --region. The state machine passes the execution's input
// as it is, so a misspelt field is an error, not a filter ignored.
type trailFilter struct {
	Since   string   `json:"since,omitempty"`
	Until   string   `json:"until,omitempty"`
	Account []string `json:"account,omitempty"`
	Region  []string `json:"region,omitempty"`
}

// shardEvent is the shard function's input: read shard Shard of Of
// (1-based, as --shard I/N) of the archive at Source, write the part to
// Part.
type shardEvent struct {
	Source string      `json:"source"`
	Shard  int         `json:"shard"`
	Of     int         `json:"of"`
	Part   string      `json:"part"`
	Filter trailFilter `json:"filter"`
}

// mergeEvent is the merge function's input: judge every part under Parts,
// write the report (Format, default json) to Report, and send the findings
// to Security Hub when SecurityHub is set.
type mergeEvent struct {
	Parts       string `json:"parts"`
	Report      string `json:"report"`
	Format      string `json:"format,omitempty"`
	FailOn      string `json:"fail_on,omitempty"`
	SecurityHub bool   `json:"securityhub,omitempty"`
}

// mergeResult is the merge function's answer. ExitCode is trail's: 0,
// 1 (failing results at or above FailOn), 2 (files not read in whole or
// Security Hub errors, listed in the report); the state machine fails
// the execution on 2 with Message as the cause, after the report is
// written.
type mergeResult struct {
	Report   string   `json:"report"`
	ExitCode int      `json:"exit_code"`
	Errors   []string `json:"errors"` // the first maxErrorLines
	// ErrorCount counts the files not read in whole (the report lists them).
	ErrorCount int    `json:"error_count"`
	Message    string `json:"message"`
}

// trailLambda runs trail's command line for one event.
type trailLambda struct {
	endpointURL string // S3 and Security Hub at this URL (tests); "" in Lambda
	stdout      io.Writer
	stderr      io.Writer
}

// decodeEvent reads an event strictly: unknown fields are errors.
func decodeEvent(raw []byte, v any, what string) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s event: %w", what, err)
	}
	return nil
}

func (h *trailLambda) run(ctx context.Context, args []string, hooks trailHooks) (int, error) {
	if h.endpointURL != "" {
		args = append(args, "--endpoint-url", h.endpointURL)
	}
	return runTrailHooked(ctx, env{stdout: h.stdout, stderr: h.stderr}, args, hooks)
}

// shard reads one shard of the archive into its part in S3: the command
// line `trail SOURCE --shard I/N --part-out PART` with the filter's flags.
func (h *trailLambda) shard(ctx context.Context, raw []byte) (*partStats, error) {
	var ev shardEvent
	if err := decodeEvent(raw, &ev, lambdaTrailShard); err != nil {
		return nil, err
	}
	if _, _, ok := cloudtrail.ParseS3(ev.Source); !ok {
		return nil, fmt.Errorf("%s event: source %q: want s3://BUCKET/PREFIX", lambdaTrailShard, ev.Source)
	}
	if _, _, ok := cloudtrail.ParseS3Object(ev.Part); !ok {
		return nil, fmt.Errorf("%s event: part %q: want s3://BUCKET/KEY", lambdaTrailShard, ev.Part)
	}
	args := []string{ev.Source, "--shard", fmt.Sprintf("%d/%d", ev.Shard, ev.Of), "--part-out", ev.Part}
	if ev.Filter.Since != "" {
		args = append(args, "--since", ev.Filter.Since)
	}
	if ev.Filter.Until != "" {
		args = append(args, "--until", ev.Filter.Until)
	}
	for _, a := range ev.Filter.Account {
		args = append(args, "--account", a)
	}
	for _, r := range ev.Filter.Region {
		args = append(args, "--region", r)
	}
	var st *partStats
	code, err := h.run(ctx, args, trailHooks{part: func(p partStats) { st = &p }})
	if err != nil {
		return nil, fmt.Errorf("%s %d/%d: %w", lambdaTrailShard, ev.Shard, ev.Of, err)
	}
	if code != exitOK || st == nil {
		return nil, fmt.Errorf("%s %d/%d: exit %d, no part written", lambdaTrailShard, ev.Shard, ev.Of, code)
	}
	return st, nil
}

// merge judges the parts as one archive and writes the report to S3: the
// command line `trail --merge PARTS --output REPORT` (with
// --security-hub), the report written to a temporary file and uploaded.
func (h *trailLambda) merge(ctx context.Context, raw []byte) (*mergeResult, error) {
	var ev mergeEvent
	if err := decodeEvent(raw, &ev, lambdaTrailMerge); err != nil {
		return nil, err
	}
	bucket, key, ok := cloudtrail.ParseS3Object(ev.Report)
	if !ok {
		return nil, fmt.Errorf("%s event: report %q: want s3://BUCKET/KEY", lambdaTrailMerge, ev.Report)
	}
	if !strings.HasPrefix(ev.Parts, "s3://") {
		return nil, fmt.Errorf("%s event: parts %q: want s3://BUCKET/PREFIX/", lambdaTrailMerge, ev.Parts)
	}
	dir, err := os.MkdirTemp("", "emrguard-report-")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lambdaTrailMerge, err)
	}
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, filepath.Base(key))
	format := ev.Format
	if format == "" {
		format = "json"
	}
	args := []string{"--merge", ev.Parts, "--output", local, "--format", format}
	if ev.FailOn != "" {
		args = append(args, "--fail-on", ev.FailOn)
	}
	if ev.SecurityHub {
		args = append(args, "--security-hub")
	}
	res := &mergeResult{Report: ev.Report, Errors: []string{}}
	code, err := h.run(ctx, args, trailHooks{judged: func(errs []error) { res.Errors, res.ErrorCount = errorLines(errs) }})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", lambdaTrailMerge, err)
	}
	// The report is written whatever the exit code: it lists the errors.
	api, err := trailS3(ctx, &workflowFlags{endpointURL: h.endpointURL})
	if err != nil {
		return nil, err
	}
	if err := putFile(ctx, api, bucket, key, local, "trail report"); err != nil {
		return nil, err
	}
	res.ExitCode = code
	switch {
	case code == exitError && len(res.Errors) > 0:
		res.Message = fmt.Sprintf("%d files not read in whole (listed in %s); first: %s", res.ErrorCount, ev.Report, res.Errors[0])
	case code == exitError:
		res.Message = "the run had errors; they are listed in " + ev.Report
	case code == exitFailing:
		res.Message = "failing results; the report is " + ev.Report
	default:
		res.Message = "no failing result; the report is " + ev.Report
	}
	return res, nil
}

// runTrailLambda serves the Lambda runtime as the trail template's shard
// or merge function. A handler's error fails the invocation (the state
// machine retries throttling only).
func runTrailLambda(ctx context.Context, e env, mode string) int {
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	h := &trailLambda{stdout: e.stdout, stderr: e.stderr}
	var handler func(ctx context.Context, raw json.RawMessage) (any, error)
	switch mode {
	case lambdaTrailShard:
		handler = func(ctx context.Context, raw json.RawMessage) (any, error) { return h.shard(ctx, raw) }
	case lambdaTrailMerge:
		handler = func(ctx context.Context, raw json.RawMessage) (any, error) { return h.merge(ctx, raw) }
	default:
		log.Error("emrguard cannot start", "err", fmt.Sprintf("EMRGUARD_LAMBDA=%q: want %s, %s or monitor (or unset)", mode, lambdaTrailShard, lambdaTrailMerge))
		return exitError
	}
	lambda.StartWithOptions(handler, lambda.WithContext(ctx))
	return exitOK
}
