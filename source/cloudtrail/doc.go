// Package cloudtrail reads a CloudTrail archive in the S3 layout
// (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz, and the
// organization trails' AWSLogs/<org-id>/<account>/…) and hands back the
// records of EMR calls, for the trail command to judge.
//
// Most of an archive is other services' records, so the reading is built
// around not decoding them: files are listed and pruned by the folders'
// account, region and date before any is opened; files are decompressed in
// parallel; a file's records are delimited by a byte scanner that only
// tracks strings and nesting (Records), and a record is decoded only when
// its bytes name an EMR event source. The candidates are decoded by
// source/event, the monitor's reader, so the archive and the live monitor
// read a record alike; records that only mention EMR (an EC2 call made by
// EMR, an IAM policy naming elasticmapreduce:RunJobFlow) are dropped there.
//
// Every buffer is bounded: a file that decompresses past the limit, a
// truncated or non-gzip file, or a record that is not JSON is an error
// naming the file, and the other files are still read.
package cloudtrail
