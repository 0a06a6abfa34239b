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
        S3EncryptionConfiguration = {
          EncryptionMode = "SSE-KMS"
          AwsKmsKey      = var.kms_key
          Overrides = [
            { BucketName = "scratch", EncryptionMode = "SSE-S3" }, # want EMR108:fail
          ]
        }
      }
    }
  })
}

output "name" {
  value = aws_emr_security_configuration.this.name
}
