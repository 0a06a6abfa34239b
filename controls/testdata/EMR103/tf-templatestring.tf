# Configurations rendered by templatestring (Terraform 1.9) with one
# variable known only after apply (the key ARN): as with templatefile,
# the rest of each document is read, and at-rest encryption decided
# (results point into the heredocs: tf-templatestring.tf.want).
resource "aws_kms_key" "emr" {
  description         = "EMR at rest"
  enable_key_rotation = true
}

locals {
  at_rest = <<-JSON
    {
      "EncryptionConfiguration": {
        "EnableInTransitEncryption": false,
        "EnableAtRestEncryption": true,
        "AtRestEncryptionConfiguration": {
          "LocalDiskEncryptionConfiguration": {
            "EncryptionKeyProviderType": "AwsKms",
            "AwsKmsKey": "$${key_arn}"
          },
          "S3EncryptionConfiguration": {
            "EncryptionMode": "SSE-KMS",
            "AwsKmsKey": "$${key_arn}"
          }
        }
      }
    }
  JSON
  clear = <<-JSON
    {
      "EncryptionConfiguration": {
        "EnableInTransitEncryption": false,
        "EnableAtRestEncryption": false,
        "Unused": "$${key_arn}"
      }
    }
  JSON
}

resource "aws_emr_security_configuration" "at_rest" {
  name          = "at-rest"
  configuration = templatestring(local.at_rest, { key_arn = aws_kms_key.emr.arn })
}

resource "aws_emr_security_configuration" "clear" {
  name          = "clear"
  configuration = templatestring(local.clear, { key_arn = aws_kms_key.emr.arn })
}
