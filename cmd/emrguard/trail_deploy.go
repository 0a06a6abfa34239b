package main

import (
	"flag"
	"fmt"

	"github.com/emrguard/emrguard/trail/deploy"
)

// runTrailDeploy prints the CloudFormation template that runs trail in
// Lambda shards under Step Functions (trail/deploy).
func runTrailDeploy(e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard trail deploy", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard trail deploy > trail.json\n\n"+
			"Prints the CloudFormation template that audits a CloudTrail archive in S3 beyond one machine:\n"+
			"a Step Functions Distributed Map runs one Lambda function (this binary, from the zip of\n"+
			"'emrguard monitor package') per shard, then merges the parts into one report in S3 and,\n"+
			"with SecurityHub=true, Security Hub. See the README, \"Trail beyond one machine\".\n")
	}
	if rest, err := parseFlags(fs, args); err != nil {
		return 0, err
	} else if len(rest) > 0 {
		return 0, usagef("trail deploy: unexpected argument %q (the archive and output are the template's parameters)", rest[0])
	}
	t, err := deploy.Template()
	if err != nil {
		return 0, err
	}
	_, err = e.stdout.Write(t)
	return exitOK, err
}
