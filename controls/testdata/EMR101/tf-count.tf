# count: two clusters from one block; the second names no configuration.
variable "sc_names" {
  type    = list(string)
  default = ["hardened", null]
}

resource "aws_emr_cluster" "etl" { # want EMR101:fail
  count                  = 2
  name                   = "etl-${count.index}"
  release_label          = "emr-7.8.0"
  service_role           = "arn:aws:iam::111122223333:role/etl-emr-service"
  security_configuration = var.sc_names[count.index] # want EMR101:pass
}

resource "aws_emr_security_configuration" "sc" {
  name = "hardened"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = true
      InTransitEncryptionConfiguration = {
        TLSCertificateConfiguration = { CertificateProviderType = "PEM", S3Object = "s3://certs/c.zip" }
      }
      EnableAtRestEncryption = true
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration        = { EncryptionMode = "SSE-KMS", AwsKmsKey = local.key }
        LocalDiskEncryptionConfiguration = { EncryptionKeyProviderType = "AwsKms", AwsKmsKey = local.key, EnableEbsEncryption = true }
      }
    }
    InstanceMetadataServiceConfiguration = { MinimumInstanceMetadataServiceVersion = 2, HttpPutResponseHopLimit = 1 }
  })
}

locals {
  key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}
