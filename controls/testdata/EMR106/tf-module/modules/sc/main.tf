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
      EnableAtRestEncryption = true
      AtRestEncryptionConfiguration = {
        LocalDiskEncryptionConfiguration = {
          EncryptionKeyProviderType = "AwsKms"
          AwsKmsKey                 = var.kms_key
          EnableEbsEncryption       = false # want EMR106:fail
        }
      }
    }
  })
}

output "name" {
  value = aws_emr_security_configuration.this.name
}
