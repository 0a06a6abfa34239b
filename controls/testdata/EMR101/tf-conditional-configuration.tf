# A security configuration made only when var.harden is true (count 0 or 1,
# the variable without a value), and named by the cluster through a splat:
# with it EMR101 passes, without it the cluster names none and fails. The two
# cases disagree, so the verdict stays unknown and says both.
variable "harden" {
  type = bool
}

resource "aws_emr_security_configuration" "sc" {
  count = var.harden ? 1 : 0
  name  = "hardened"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = false
      EnableAtRestEncryption    = false
    }
  })
}

resource "aws_emr_cluster" "c" {
  name                   = "etl"
  release_label          = "emr-7.2.0"
  service_role           = "etl-service"
  security_configuration = join("", aws_emr_security_configuration.sc[*].name) # want EMR101:unknown
}
