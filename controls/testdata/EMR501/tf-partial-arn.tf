# Role ARNs built from the account the caller runs in: the account ID is
# read from AWS when planning, but the role names are literal. The first
# cluster uses EMR's shared default roles (fails), the second its own
# (passes); each is decided although its ARNs are known only in part.
data "aws_caller_identity" "current" {}

resource "aws_emr_cluster" "shared" {
  name          = "shared"
  release_label = "emr-7.2.0"
  service_role  = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/EMR_DefaultRole" # want EMR501:fail
  ec2_attributes {
    instance_profile = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:instance-profile/EMR_EC2_DefaultRole"
  }
}

resource "aws_emr_cluster" "own" {
  name          = "own"
  release_label = "emr-7.2.0"
  service_role  = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/etl-emr-service" # want EMR501:pass
  ec2_attributes {
    instance_profile = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:instance-profile/etl-emr-ec2"
  }
}
