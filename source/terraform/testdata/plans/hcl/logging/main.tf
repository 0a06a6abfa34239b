# Cluster log buckets: one whose access logging a bucket logging
# resource turns on, one with none, and one with the legacy inline block.
resource "aws_s3_bucket" "access_logs" {
  bucket = "access-logs-111122223333"
}

resource "aws_s3_bucket" "logged" {
  bucket = "emr-logs-logged-111122223333"
}

resource "aws_s3_bucket_logging" "logged" {
  bucket        = aws_s3_bucket.logged.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "emr/"
}

resource "aws_s3_bucket" "unlogged" {
  bucket = "emr-logs-unlogged-111122223333"
}

resource "aws_s3_bucket" "legacy" {
  bucket = "emr-logs-legacy-111122223333"
  logging {
    target_bucket = aws_s3_bucket.access_logs.id
  }
}

resource "aws_emr_cluster" "logged" {
  name          = "logged"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  log_uri       = "s3://${aws_s3_bucket.logged.bucket}/logs/"
}

resource "aws_emr_cluster" "unlogged" {
  name          = "unlogged"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  log_uri       = "s3://emr-logs-unlogged-111122223333/logs/"
}

resource "aws_emr_cluster" "legacy" {
  name          = "legacy"
  release_label = "emr-7.8.0"
  service_role  = "arn:aws:iam::111122223333:role/emr-service"
  log_uri       = "s3://emr-logs-legacy-111122223333/"
}
