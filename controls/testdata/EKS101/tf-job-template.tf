# A job template names the role its jobs run as: that makes the role an
# execution role, whatever its trust policy says.
resource "aws_iam_role" "job" {
  name = "emr-eks-job"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"] # want EKS101:fail
}

resource "aws_iam_role" "other" {
  name = "not-a-job-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_emrcontainers_job_template" "nightly" {
  name = "nightly"
  job_template_data {
    execution_role_arn = aws_iam_role.job.arn
    release_label      = "emr-7.2.0-latest"
    job_driver {
      spark_submit_job_driver {
        entry_point = "s3://etl-code/nightly.py"
      }
    }
  }
}
