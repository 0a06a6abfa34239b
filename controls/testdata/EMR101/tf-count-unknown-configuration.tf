# A security configuration made once per name in var.configurations (a
# list without a value): when the list is empty the cluster names none
# and fails, when it is not the cluster uses one and passes. The worlds
# disagree, so EMR101 stays unknown and says what each gives.
variable "configurations" {
  type = list(string)
}

resource "aws_emr_security_configuration" "sc" {
  count = length(var.configurations)
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
