# Log URIs whose bucket is known only at apply: a template and format()
# still certainly write an s3:// URI; a bare variable may be anything.
variable "log_bucket" {
  type = string
}

variable "log_uri" {
  type = string
}

resource "aws_emr_cluster" "template" {
  name          = "template"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = "s3://${var.log_bucket}/emr/template/" # want EMR704:pass
}

resource "aws_emr_cluster" "formatted" {
  name          = "formatted"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = format("s3://%s/emr/formatted/", var.log_bucket) # want EMR704:pass
}

resource "aws_emr_cluster" "bare" {
  name          = "bare"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = var.log_uri # want EMR704:unknown
}

resource "aws_emr_cluster" "none" { # want EMR704:fail
  name          = "none"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
}
