# Block public access switched off: the permitted ranges are exceptions to a
# block that is not there, so every port may be public. EMR201 fails on the
# setting and EMR202 is n/a; it must never pass "permits no public port".
resource "aws_emr_block_public_access_configuration" "off" {
  block_public_security_group_rules = false # want EMR201:fail EMR202:n/a
}

# Off, with a leftover range wider than port 22: still n/a, EMR201 carries it.
resource "aws_emr_block_public_access_configuration" "off_with_ranges" {
  provider                          = aws.us
  block_public_security_group_rules = false # want EMR201:fail EMR202:n/a

  permitted_public_security_group_rule_range {
    min_range = 8000
    max_range = 8443
  }
}

variable "block" {
  type = bool
}

# Whether the block is on is unknown: so is whether its ranges apply.
resource "aws_emr_block_public_access_configuration" "unset" {
  provider                          = aws.eu
  block_public_security_group_rules = var.block # want EMR201:unknown EMR202:unknown
}
