# Permitted ranges from a local: 22 only passes; a range of ports fails.
locals {
  ssh = 22
}

resource "aws_emr_block_public_access_configuration" "ok" {
  block_public_security_group_rules = true

  permitted_public_security_group_rule_range { # want EMR202:pass
    min_range = local.ssh
    max_range = local.ssh
  }
}

resource "aws_emr_block_public_access_configuration" "wide" {
  block_public_security_group_rules = true

  permitted_public_security_group_rule_range {
    min_range = local.ssh
    max_range = local.ssh
  }

  permitted_public_security_group_rule_range { # want EMR202:fail
    min_range = 8000
    max_range = 8443
  }
}
