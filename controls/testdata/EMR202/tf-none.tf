resource "aws_emr_block_public_access_configuration" "none" { # want EMR202:pass
  block_public_security_group_rules = true
}
