# Terraform 0.11-era forms that Terraform still evaluates: a bare `map` type
# (map(any)), a quoted "string" type, and lookup with a null default.
variable "configurations" {
  type = map
  default = {
    analytics = "hardened"
  }
}

variable "team" {
  type    = "string"
  default = "analytics"
}

resource "aws_emr_cluster" "analytics" {
  name                   = "analytics"
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/analytics-emr-service"
  security_configuration = lookup(var.configurations, var.team, null) # want EMR101:pass
}

# No configuration for this team: lookup gives the null default, so the
# cluster names no security configuration.
resource "aws_emr_cluster" "adhoc" { # want EMR101:fail
  name                   = "adhoc"
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/adhoc-emr-service"
  security_configuration = lookup(var.configurations, "adhoc", null)
}
