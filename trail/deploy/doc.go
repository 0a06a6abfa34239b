// Package deploy makes the CloudFormation template that runs emrguard
// trail beyond one machine: a Step Functions state machine whose
// Distributed Map runs one Lambda function per shard of a CloudTrail
// archive (the emrguard binary, `trail --shard I/N --part-out s3://…`),
// then a merge function (`trail --merge s3://…/parts/RUN/`) writing the
// report to S3 and, when asked, the findings to Security Hub.
//
// The functions are the monitor's deployment package (monitor/lambdazip:
// `emrguard monitor package`); the EMRGUARD_LAMBDA variable the template
// sets tells the binary which handler it is. Each role is scoped to what
// its function reads and writes: the shard function reads the archive
// prefix and writes parts, the merge function reads parts, writes reports
// and imports findings; the state machine may invoke only these two
// functions and start its own Distributed Map child executions.
package deploy
