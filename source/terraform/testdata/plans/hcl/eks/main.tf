# EMR on EKS: a virtual cluster on an EKS cluster's namespace, a job
# execution role trusted by that namespace's service accounts with an
# admin policy, and a nodegroup whose launch template allows IMDSv1.
resource "aws_emrcontainers_virtual_cluster" "analytics" {
  name = "analytics"
  container_provider {
    id   = "eks-analytics"
    type = "EKS"
    info {
      eks_info {
        namespace = "spark"
      }
    }
  }
}

resource "aws_iam_role" "job" {
  name = "emr-eks-job"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE" }
      Condition = {
        StringLike = { "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE:sub" = "system:serviceaccount:spark:emr-containers-sa-*" }
      }
    }]
  })
}

resource "aws_iam_role_policy" "job_admin" {
  name = "admin"
  role = aws_iam_role.job.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
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

resource "aws_iam_role" "node" {
  name = "eks-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonS3FullAccess"]
}

resource "aws_launch_template" "nodes" {
  name = "eks-nodes"
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 2
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = "eks-analytics"
  node_group_name = "workers"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = ["subnet-0123456789abcdef0"]
  launch_template {
    id      = aws_launch_template.nodes.id
    version = "1"
  }
  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}
