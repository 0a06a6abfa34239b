variable "name" {
  type = string
}

variable "kms_key" {
  type    = string
  default = null
}

resource "aws_emr_security_configuration" "this" {
  name          = var.name
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = true
      EnableAtRestEncryption    = true # want EMR105:fail
      AtRestEncryptionConfiguration = {
        S3EncryptionConfiguration = { EncryptionMode = "SSE-KMS", AwsKmsKey = var.kms_key }
      }
    }
  })
}

output "name" {
  value = aws_emr_security_configuration.this.name
}
