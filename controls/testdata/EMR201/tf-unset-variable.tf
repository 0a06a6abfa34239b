# A variable with no value: unknown, never guessed.
variable "block_public" {
  type = bool
}

resource "aws_emr_block_public_access_configuration" "this" {
  block_public_security_group_rules = var.block_public # want EMR201:unknown
}
