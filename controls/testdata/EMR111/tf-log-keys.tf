# A log key made in the same configuration is known only after apply, but
# it is a KMS key all the same; an ARN of something else is not judged.
resource "aws_kms_key" "logs" {
  description         = "EMR logs"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "etl-logs"
}

resource "aws_emr_cluster" "with_key" {
  name                      = "with-key"
  release_label             = "emr-7.2.0"
  service_role              = "EMR_DefaultRole"
  log_uri                   = "s3://etl-logs/with-key/"
  log_encryption_kms_key_id = aws_kms_key.logs.arn # want EMR111:pass
}

resource "aws_emr_cluster" "without_key" {
  name          = "without-key"
  release_label = "emr-7.2.0"
  service_role  = "EMR_DefaultRole"
  log_uri       = "s3://etl-logs/without-key/" # want EMR111:fail
}

resource "aws_emr_cluster" "not_a_key" {
  name                      = "not-a-key"
  release_label             = "emr-7.2.0"
  service_role              = "EMR_DefaultRole"
  log_uri                   = "s3://etl-logs/not-a-key/"
  log_encryption_kms_key_id = aws_s3_bucket.logs.arn # want EMR111:unknown
}
