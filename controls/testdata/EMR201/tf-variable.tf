# The flag comes from a variable default; a second configuration keeps it on.
variable "block_public" {
  type    = bool
  default = false
}

resource "aws_emr_block_public_access_configuration" "eu" {
  block_public_security_group_rules = var.block_public # want EMR201:fail
}

resource "aws_emr_block_public_access_configuration" "us" {
  provider                          = aws.us
  block_public_security_group_rules = true # want EMR201:pass
}
