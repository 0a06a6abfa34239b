package controls

// Documentation of EMR on EKS that the EKS controls (eksiam.go, eksendpoint.go,
// eksimage.go, eksrole.go, rbac.go) point to.
const (
	urlEKS      = "https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/security-best-practices.html"
	urlEKSRole  = "https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/iam-execution-role.html"
	urlEKSTrust = "https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/setting-up-trust-policy.html"
)
