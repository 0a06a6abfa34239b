# for_each: one configuration per team; one of them leaves S3 out.
locals {
  teams = {
    ingest = { s3 = { EncryptionMode = "SSE-KMS", AwsKmsKey = aws_kms_key.emr.arn } }
    adhoc  = {}
  }
}

resource "aws_kms_key" "emr" {
  description = "EMR"
}

resource "aws_emr_security_configuration" "team" {
  for_each = local.teams
  name     = "team-${each.key}"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = true
      EnableAtRestEncryption    = true # want EMR104:fail
      AtRestEncryptionConfiguration = merge( # want EMR104:pass
        { LocalDiskEncryptionConfiguration = { EncryptionKeyProviderType = "AwsKms", AwsKmsKey = aws_kms_key.emr.arn } },
        length(each.value) > 0 ? { S3EncryptionConfiguration = each.value.s3 } : {},
      )
    }
  })
}

resource "aws_emr_cluster" "team" {
  for_each               = local.teams
  name                   = each.key
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/s"
  security_configuration = aws_emr_security_configuration.team[each.key].name
}
