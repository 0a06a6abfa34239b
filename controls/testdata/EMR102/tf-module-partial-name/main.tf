# A security configuration whose name is known only in part (the prefix is
# the deployer's), handed to a module that launches the cluster. The module's
# var.security_configuration still names aws_emr_security_configuration.sc,
# so the cluster is judged by that configuration: in-transit encryption off.
variable "name_prefix" {
  type = string
}

resource "aws_emr_security_configuration" "sc" {
  name = format("%s-%s", var.name_prefix, "security-configuration")
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = false # want EMR102:fail
      EnableAtRestEncryption    = false
    }
  })
}

module "cluster" {
  source                 = "./cluster"
  security_configuration = aws_emr_security_configuration.sc.name
}
