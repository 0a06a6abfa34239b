# Log URIs made by functions Terraform has and emrguard used to refuse
# ("call to unknown function", an input error, every verdict on the
# cluster unknown): templatestring (Terraform 1.9) with a bucket known
# only at apply still certainly writes an s3:// URI; 0.11's map(), read
# as Terraform 0.12 to 0.14 read it, gives the URI itself.
variable "log_bucket" {
  type = string
}

locals {
  log_uri_template = "s3://$${bucket}/emr/$${name}/"
}

resource "aws_emr_cluster" "templated" {
  name          = "templated"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = templatestring(local.log_uri_template, { bucket = var.log_bucket, name = "templated" }) # want EMR704:pass
}

resource "aws_emr_cluster" "legacy_map" {
  name          = "legacy-map"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = lookup(map("prod", "s3://prod-logs/emr/", "dev", "s3://dev-logs/emr/"), "prod") # want EMR704:pass
}

resource "aws_emr_cluster" "home" {
  name          = "home"
  release_label = "emr-7.14.0"
  service_role  = "etl-emr-service"
  log_uri       = pathexpand("~/emr-logs") # want EMR704:unknown
}
