variable "security_configuration" {
  type = string
}

resource "aws_emr_cluster" "c" {
  name                   = "etl"
  release_label          = "emr-7.2.0"
  service_role           = "etl-service"
  security_configuration = var.security_configuration # want EMR101:pass
}
