// Package request reads the EMR API and CLI JSON that describes clusters
// before or after launch: a RunJobFlow request, `aws emr create-cluster`
// --cli-input-json, `aws emr describe-cluster` output, and `aws ec2
// describe-security-groups` output for the groups they name. Keys are
// matched ignoring case, '-' and '_', so the PascalCase of the API, the
// lowerCamelCase of CloudTrail's requestParameters and the CLI's own
// spellings are one shape; the monitor reuses Cluster on launch events.
package request
