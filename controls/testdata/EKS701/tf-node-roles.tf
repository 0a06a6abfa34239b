# Two nodegroups of the cluster EMR on EKS runs on: one whose role has only
# the node policies, one whose role can also read every S3 bucket, which
# every pod that reaches the instance metadata service then can too.
data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "spark_nodes" {
  name               = "spark-nodes"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy_attachment" "spark_nodes" {
  for_each   = toset(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"])
  role       = aws_iam_role.spark_nodes.name
  policy_arn = "arn:aws:iam::aws:policy/${each.key}"
}

resource "aws_eks_node_group" "spark" {
  cluster_name    = "data-eks"
  node_group_name = "spark"
  node_role_arn   = aws_iam_role.spark_nodes.arn # want EKS701:pass
  subnet_ids      = ["subnet-0aa11bb22cc33dd44"]
  scaling_config {
    desired_size = 3
    max_size     = 10
    min_size     = 1
  }
  launch_template {
    id      = aws_launch_template.spark.id
    version = "$Latest"
  }
}

resource "aws_launch_template" "spark" {
  name = "spark-nodes"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}

resource "aws_iam_role" "batch_nodes" {
  name               = "batch-nodes"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy_attachment" "batch_worker" {
  role       = aws_iam_role.batch_nodes.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
}

resource "aws_iam_role_policy_attachment" "batch_s3" {
  role       = aws_iam_role.batch_nodes.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" # want EKS701:fail
}

resource "aws_eks_node_group" "batch" {
  cluster_name    = "data-eks"
  node_group_name = "batch"
  node_role_arn   = aws_iam_role.batch_nodes.arn
  subnet_ids      = ["subnet-0aa11bb22cc33dd44"]
  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 0
  }
}
