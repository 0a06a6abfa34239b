# A log URI whose bucket comes from a variable without a value is still
# an s3:// URI: whether a key encrypts the logs is decided all the same.
variable "log_bucket" {
  type = string
}

resource "aws_kms_key" "logs" {
  description         = "EMR logs"
  enable_key_rotation = true
}

resource "aws_emr_cluster" "plain" {
  name          = "plain"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = "s3://${var.log_bucket}/plain/" # want EMR111:fail
}

resource "aws_emr_cluster" "keyed" {
  name                      = "keyed"
  release_label             = "emr-7.14.0"
  service_role              = "etl-emr-service"
  log_uri                   = format("s3://%s/keyed/", var.log_bucket)
  log_encryption_kms_key_id = aws_kms_key.logs.arn # want EMR111:pass
}
