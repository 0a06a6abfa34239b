# The legacy splat on a resource without count is a list of one, as in
# Terraform: the log bucket's name is known, so the cluster writes logs to S3.
resource "aws_s3_bucket" "logs" {
  bucket = "example-emr-logs"
}

data "aws_caller_identity" "current" {}

resource "aws_emr_cluster" "etl" {
  name          = "etl"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::${data.aws_caller_identity.current.*.account_id[0]}:role/etl-emr-service"
  log_uri       = "s3://${element(aws_s3_bucket.logs.*.bucket, 0)}/etl/" # want EMR704:pass EMR111:fail
}

# No log_uri: no logs in S3.
resource "aws_emr_cluster" "adhoc" { # want EMR704:fail EMR111:n/a
  name          = "adhoc"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/adhoc-emr-service"
}
