# Both branches of each condition give the same value, so var.strict (no
# value) cannot change the verdicts: in-transit encryption is off either way
# (EMR102 fails), at-rest encryption on either way (EMR103 passes).
variable "strict" {
  type = bool
}

resource "aws_emr_security_configuration" "sc" {
  name = "sc"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = var.strict ? false : false # want EMR102:fail
      EnableAtRestEncryption    = var.strict ? true : true # want EMR103:pass
    }
  })
}
