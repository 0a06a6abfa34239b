package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Exit codes (DESIGN.md): 0 no failing result at or above --fail-on; 1
// some; 2 a usage or input error; 128 + the signal (130, 143) after
// SIGINT or SIGTERM (signals.go).
const (
	exitOK      = 0
	exitFailing = 1
	exitError   = 2
)

const usage = `emrguard checks Amazon EMR against the EMR security best practices.

Usage:
  emrguard scan [PATH|-]... [flags]   scan files and folders (default .); '-' reads stdin
  emrguard aws [flags]                scan live AWS accounts (every region, every account)
  emrguard rules [--explain ID]       list the controls, or explain one
  emrguard rules --compliance NAME    list a compliance framework's mapping to the controls
  emrguard docs --out DIR             write one Markdown page per control, and an index
  emrguard version                    the module version and commit of this build
  emrguard monitor --events FILE|-    evaluate CloudTrail events of EMR calls and alert
  emrguard monitor --sqs-queue URL    the same, as a daemon reading an SQS queue
  emrguard monitor deploy             print the CloudFormation that deploys the monitor
  emrguard monitor package            write the monitor's Lambda zip (reproducible)
  emrguard harden secconf|certs|keys|iam|environment|fix [flags]
                                      generate a security configuration, PEM certificates,
                                      KMS keys or IAM roles that pass emrguard's scan
  emrguard trail PATH|s3://B/P        audit a CloudTrail archive's EMR calls (who launched what)
  emrguard trail deploy               print the CloudFormation that runs trail in Lambda shards
  emrguard help                       this text

Run 'emrguard scan -h' and 'emrguard aws -h' for their flags.
Exit status: 0 no failing result at or above --fail-on, 1 some, 2 usage or input error,
130/143 after SIGINT/SIGTERM.
`

// env is what a command needs from the process, so tests can run it
// in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// usageError is a mistake in the command line: reported with exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr}
	if lambdaMode(args) {
		return runLambda(ctx, e)
	}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError
	}
	var code int
	var err error
	switch args[0] {
	case "scan":
		code, err = runScan(ctx, e, args[1:])
	case "aws":
		code, err = runAWS(ctx, e, args[1:])
	case "rules":
		code, err = runRules(e, args[1:])
	case "docs":
		code, err = runDocs(e, args[1:])
	case "monitor":
		code, err = runMonitor(ctx, e, args[1:])
	case "harden":
		code, err = runHarden(e, args[1:])
	case "trail":
		code, err = runTrail(ctx, e, args[1:])
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "version", "--version":
		fmt.Fprintln(stdout, versionLine())
		return exitOK
	default:
		err = usagef("unknown command %q", args[0])
	}
	var ue usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "emrguard: %s\nRun 'emrguard help' for usage.\n", ue.msg)
		return exitError
	case err != nil:
		fmt.Fprintf(stderr, "emrguard: %v\n", err)
		return exitError
	}
	return code
}

// parseFlags parses flags that may come before, between or after the
// positional arguments ("scan examples/ --format json"); everything after
// "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, rest...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// list splits a comma-separated flag value.
func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// isTerminal reports whether w is a terminal, for colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
