// Package config reads .emrguard.yaml, the project's settings file: which
// controls run, severity overrides, the fail-on threshold, EMR on EKS
// namespaces, the use-case tag key and shared-role limit, the AMI age limit, notify targets and
// suppressions. The file is found upward from the scanned path, or named
// with --config; command-line flags win over it. Unknown keys are errors
// naming the key and its line, so a typo never silently disables a setting.
//
// An example:
//
//	controls:            # on/off per control (default: all on)
//	  EMR204: off
//	severity:            # override a control's severity
//	  EMR402: high
//	fail-on: medium      # low, medium, high, critical or none
//	emr-namespaces: [spark-jobs, analytics]
//	use-case-tag-key: use-case  # EMR502: the tag naming a cluster's use case
//	shared-role-limit: 3        # EMR502: clusters one role may serve when none has that tag
//	ami-age-limit-days: 90      # EMR803: the age past which a custom AMI fails
//	notify: [arn:aws:sns:eu-west-1:111122223333:emrguard, https://hooks.example.com/emr]
//	suppressions:
//	  - control: EMR102           # one ID, a list, or "*"
//	    resource: "legacy-*"      # path.Match pattern on resource ID or name
//	    file: "infra/legacy/*"    # pattern on the result's file
//	    account: "111122223333"
//	    region: "eu-*"
//	    until: 2027-03-31         # inclusive, UTC
//	    reason: "decommissioned in Q1, ticket OPS-12"
package config
