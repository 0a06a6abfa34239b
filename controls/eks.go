package controls

import "github.com/emrguard/emrguard/control"

const (
	urlEKS      = "https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/security-best-practices.html"
	urlEKSRole  = "https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/iam-execution-role.html"
	urlEKSTrust = "https://docs.aws.amazon.com/emr/latest/EMR-on-EKS-DevelopmentGuide/setting-up-trust-policy.html"
)

// remRBAC is shared by the five forbidden RBAC permissions (EKS601–605).
var remRBAC = control.Remediation{
	Text:           "Remove the permission from roles bound to job submitters in EMR namespaces; only EMR's own `emr-containers` subject needs it.",
	CLI:            "kubectl -n NAMESPACE edit role ROLE   # drop the rule; or kubectl delete rolebinding BINDING",
	CloudFormation: "Not managed by CloudFormation: edit the Kubernetes Role/ClusterRole manifest.",
	Terraform:      "Edit the kubernetes_role / kubernetes_cluster_role rules, or the manifest applied with kubernetes_manifest.",
}

// EKS101 fails when a job execution role's policies allow wildcard actions on all resources.
var EKS101 = &control.Control{
	Run: runEKS101,
	ID:  "EKS101", Title: "Job execution role allows wildcard actions on all resources", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKSRole,
	Remediation: control.Remediation{
		Text:           "Scope the execution role to the buckets, keys, tables and log groups its jobs use (`emrguard harden iam --for eks`).",
		CLI:            "aws iam put-role-policy --role-name JOBROLE --policy-name scoped --policy-document file://scoped.json",
		CloudFormation: "Narrow `Action` and `Resource` in the execution role's policies.",
		Terraform:      "Narrow `actions` and `resources` in the execution role's policy documents.",
	},
	Doc: `Job execution role allows wildcard actions on all resources

Every job submitted with the role, and every user who may submit with it, gets
full control of the service across the account.

Execution roles are those a job run, job template or managed endpoint names,
those whose trust lets EMR's job service accounts in (see EKS102), however
the trust is written, and those an EKS Pod Identity association gives to
EMR's service accounts (emr-containers-sa-..., as aws emr-containers
create-role-associations names them) or to a service account of an EMR
namespace (a virtual cluster's, or one given with --emr-namespace).`,
}

// EKS102 fails when an execution role's trust policy is not scoped to one namespace's EMR service accounts.
var EKS102 = &control.Control{
	Run: runEKS102,
	ID:  "EKS102", Title: "Job execution role trust is not scoped to EMR service accounts of one namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKSTrust,
	Remediation: control.Remediation{
		Text:           "Trust only the cluster's OIDC provider with a `StringLike` `sub` of `system:serviceaccount:<namespace>:emr-containers-sa-*-*-<account>-<base36 role name>`; `emrguard harden iam --eks-oidc-provider ARN --eks-namespace NAMESPACE` writes such a role. For a role given by EKS Pod Identity, add to the `pods.eks.amazonaws.com` statement `StringEquals` `aws:RequestTag/kubernetes-namespace` = the job namespace and `StringLike` `aws:RequestTag/kubernetes-service-account` = `emr-containers-sa-*`.",
		CLI:            "aws emr-containers update-role-trust-policy --cluster-name CLUSTER --namespace NAMESPACE --role-name JOBROLE",
		CloudFormation: "Write the `AssumeRolePolicyDocument` with the OIDC `sub` condition for one namespace.",
		Terraform:      "Write the role's `assume_role_policy` with the OIDC `sub` condition for one namespace.",
	},
	Doc: `Job execution role trust is not scoped to EMR service accounts of one namespace

A trust policy without a namespace-scoped sub condition lets any pod that can
use a service account of the cluster (or any principal, with a wildcard) take
the role.

A role is judged as an execution role by what its trust lets in: web
identities of an EKS OIDC provider (its ARN, one known only at deploy, one
given by a variable, data source or module output, one still holding a
${...} placeholder, or an empty one) whose :sub conditions can match an EMR
job service account, system:serviceaccount:<namespace>:emr-containers-sa-*
(a trust with no :sub condition matches every one). A role named by a job
run, job template or managed endpoint is one too, and so is one an EKS Pod
Identity association gives to EMR's service accounts (emr-containers-sa-...)
or to a service account of an EMR namespace. The EKS service principals
alone do not make one: the EKS cluster role and Pod Identity roles trust them.

For a role a Pod Identity association gives to EMR, the trust of
pods.eks.amazonaws.com is how the role reaches the job: it is scoped when its
conditions keep the session tags EKS Pod Identity sets to one namespace
(aws:RequestTag/kubernetes-namespace) and to EMR's service accounts, or the
association's own (aws:RequestTag/kubernetes-service-account). Without them
any Pod Identity association, in any namespace or cluster, can give the role:
it fails, as does a wildcard namespace, a service account not EMR's, or an
operator other than StringEquals or StringLike.

Fails: a :sub pattern wider than emr-containers-sa-* (emr-containers*), any
namespace, several namespaces across the trust, no :sub condition, a :sub for
another provider, an operator other than StringEquals or StringLike, an empty
provider, and principals beside EMR's service accounts: the wildcard, AWS
accounts or roles, eks.amazonaws.com, pods.eks.amazonaws.com on a role no
EMR association gives (Pod Identity gives the role to any pod an association
names), other identity providers.
A service principal such as elasticmapreduce.amazonaws.com is not judged. A
provider known only at deploy does not make the verdict unknown: only tokens
whose sub meets the condition get in, whichever provider issued them.`,
}

// EKS201 fails when a managed endpoint is public.
var EKS201 = &control.Control{
	Run: runEKS201,
	ID:  "EKS201", Title: "Managed endpoint is exposed to the internet", Severity: control.High,
	BestPractice: "EKS", Sources: control.Live | control.Event, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Recreate the endpoint with an internal load balancer in private subnets.",
		CLI:            "aws emr-containers create-managed-endpoint ... --configuration-overrides '{\"applicationConfiguration\":[...]}'",
		CloudFormation: "Recreate AWS::EMRContainers::Endpoint in private subnets.",
		Terraform:      "Recreate the endpoint in private subnets.",
	},
	Doc: `Managed endpoint is exposed to the internet

An interactive endpoint in a public subnet or behind an internet-facing load
balancer lets anyone on the internet reach the Jupyter Enterprise Gateway.

What is judged: the endpoint's subnets (subnetIds), each through its route
table (or its VPC's main table), exactly as EMR301 judges a cluster's: one
that sends 0.0.0.0/0 or ::/0 to an internet gateway fails the endpoint.
What is not seen: the load balancer's scheme. The EMR on EKS API returns
neither the load balancer nor its scheme (serverUrl is the endpoint's
address, configurationOverrides the Spark and Jupyter settings), so an
internet-facing balancer is seen only through the public subnet it needs.
A subnet or route table not among the evidence makes the verdict unknown.`,
}

// EKS202 fails when a managed endpoint's security group allows ingress from anywhere.
var EKS202 = &control.Control{
	Run: runEKS202,
	ID:  "EKS202", Title: "Managed endpoint security group allows ingress from the internet", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Restrict the endpoint's security group to the CIDRs of EMR Studio or your clients.",
		CLI:            "aws ec2 revoke-security-group-ingress --group-id sg-... --protocol tcp --port 18888 --cidr 0.0.0.0/0",
		CloudFormation: "Narrow the SecurityGroupIngress of the endpoint's group.",
		Terraform:      "Narrow the ingress of the endpoint's group.",
	},
	Doc: `Managed endpoint security group allows ingress from the internet

The endpoint's group guards an interactive Spark gateway; 0.0.0.0/0 lets anyone
try it. The group is the endpoint's securityGroup (describe-managed-endpoint,
or a live scan), judged as EMR203 judges a cluster's groups; a group not
among the inputs makes the verdict unknown.`,
}

// EKS301 fails when a custom image is built on an outdated release.
var EKS301 = &control.Control{
	Run: runEKS301,
	ID:  "EKS301", Title: "Custom image's EMR base release is not the newest in its series", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live | control.Event, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Rebuild custom images on the newest EMR on EKS base image of the series and use the matching release label.",
		CLI:            "aws emr-containers start-job-run ... --release-label emr-7.14.0-latest",
		CloudFormation: "Set `ReleaseLabel` on AWS::EMRContainers::Endpoint to the newest release.",
		Terraform:      "Set the newest release label on the job template or endpoint.",
	},
	Doc: `Custom image's EMR base release is not the newest in its series

A custom image freezes the base image's packages; older bases miss security
fixes of newer ones.

Judged: job runs and managed endpoints that set a custom image
(spark.kubernetes.container.image), by their release label (the base the
image must be built on), and Dockerfiles whose FROM names an EMR on EKS or
EMR Serverless base image (…/spark/emr-7.1.0, …/notebook-spark/…,
…/notebook-python/…, public.ecr.aws/emr-on-eks/…, …/emr-serverless/spark/…),
by the release in the image path. The registry account is not checked: any
ECR repository of that name and form is taken for the base. Other FROM
images are n/a; a FROM whose build argument has no value is unknown.`,
}

// EKS401 fails when pods in EMR namespaces use another credential provider than IRSA.
var EKS401 = &control.Control{
	Run: runEKS401,
	ID:  "EKS401", Title: "Pods in an EMR namespace use a credential provider other than IRSA", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Remove kube2iam/kiam annotations (`iam.amazonaws.com/role`) and grant access through IRSA service accounts only.",
		CLI:            "kubectl -n NAMESPACE annotate pod POD iam.amazonaws.com/role-",
		CloudFormation: "Not managed by CloudFormation: edit the pod template.",
		Terraform:      "Remove the annotation from the pod template.",
	},
	Doc: `Pods in an EMR namespace use a credential provider other than IRSA

kube2iam and kiam intercept IMDS for every pod on the node; EMR on EKS supports
only IRSA, which scopes credentials to a service account.`,
}

// EKS501 fails when one virtual cluster runs jobs under roles of different privilege.
var EKS501 = &control.Control{
	Run: runEKS501,
	ID:  "EKS501", Title: "Virtual cluster mixes execution roles of different privilege", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Run untrusted or differently privileged jobs in their own virtual cluster and namespace.",
		CLI:            "aws emr-containers create-virtual-cluster --name untrusted --container-provider ...",
		CloudFormation: "Add an AWS::EMRContainers::VirtualCluster per trust level.",
		Terraform:      "Add an aws_emrcontainers_virtual_cluster per trust level.",
	},
	Doc: `Virtual cluster mixes execution roles of different privilege

Jobs of one namespace share nodes, service accounts and secrets; a job under a
weak role can reach the credentials of a privileged one.

The roles compared are the execution roles of the virtual cluster's job runs
and managed endpoints; their permissions are their managed policy ARNs
(compared across partitions) and their policy documents (compared statement
by statement, whatever the order or Sid). One role, or roles of equal
permissions, pass; a role not among the evidence, or whose policies are not
all known, makes the verdict unknown unless two known roles already differ.`,
}

// EKS601 fails when a subject other than EMR's can modify configmaps in an EMR namespace.
var EKS601 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permConfigmaps) },
	ID:  "EKS601", Title: "A subject other than EMR can modify configmaps in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can modify configmaps in an EMR namespace

EMR passes job configuration to pods through configmaps; whoever can edit them
can change what a job runs and with which role.`,
}

// EKS602 fails when a subject other than EMR can exec into pods in an EMR namespace.
var EKS602 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permExec) },
	ID:  "EKS602", Title: "A subject other than EMR can exec into pods in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can exec into pods in an EMR namespace

Exec into a job pod yields its IRSA credentials and data. WebSocket exec is
authorised as get on pods/exec before Kubernetes 1.35, so get counts too.`,
}

// EKS603 fails when a subject other than EMR can create pods in an EMR namespace.
var EKS603 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permCreatePods) },
	ID:  "EKS603", Title: "A subject other than EMR can create pods in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can create pods in an EMR namespace

A pod created with an EMR job service account gets that job's execution role.`,
}

// EKS604 fails when a subject other than EMR can modify mutating webhooks.
var EKS604 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permWebhooks) },
	ID:  "EKS604", Title: "A subject other than EMR can modify mutating webhook configurations", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can modify mutating webhook configurations

A mutating webhook rewrites every pod created in the cluster, EMR's included.`,
}

// EKS605 fails when a subject other than EMR can read secrets in an EMR namespace.
var EKS605 = &control.Control{
	Run: func(p *control.Pass) { rbacControl(p, permSecrets) },
	ID:  "EKS605", Title: "A subject other than EMR can read secrets in an EMR namespace", Severity: control.High,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS, Remediation: remRBAC,
	Doc: `A subject other than EMR can read secrets in an EMR namespace

EMR namespaces hold service-account tokens and TLS material of jobs and
endpoints.`,
}

// EKS701 fails when a nodegroup role has policies beyond the worker ones.
var EKS701 = &control.Control{
	Run: runEKS701,
	ID:  "EKS701", Title: "Nodegroup role has policies beyond the worker, CNI and registry ones", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Keep only AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and AmazonEC2ContainerRegistryPullOnly (or ReadOnly) on node roles; give jobs their access through IRSA.",
		CLI:            "aws iam detach-role-policy --role-name NODEROLE --policy-arn ARN",
		CloudFormation: "Trim `ManagedPolicyArns` and `Policies` of the node role.",
		Terraform:      "Remove extra aws_iam_role_policy_attachment resources of the node role.",
	},
	Doc: `Nodegroup role has policies beyond the worker, CNI and registry ones

Any pod that reaches IMDS gets the node role; extra policies there are granted
to every pod on the node.

The node policies are the AWS-managed ones the EKS user guide names for node
roles, matched by name in any partition: AmazonEKSWorkerNodePolicy (or
AmazonEKSWorkerNodeMinimalPolicy of Auto Mode), AmazonEKS_CNI_Policy,
AmazonEC2ContainerRegistryReadOnly and AmazonEC2ContainerRegistryPullOnly.
Every other policy fails, its wildcard grant named when it has one;
AmazonSSMManagedInstanceCore too: EKS does not need it, and it lets any pod
read every SSM parameter as the node.`,
}

// EKS702 fails when the nodegroup launch template allows an IMDS hop limit above 1.
var EKS702 = &control.Control{
	Run: runEKS702,
	ID:  "EKS702", Title: "Pods can reach the node's instance profile credentials", Severity: control.Medium,
	BestPractice: "EKS", Sources: control.IaC | control.Live, URL: urlEKS,
	Remediation: control.Remediation{
		Text:           "Set the nodegroup launch template's `HttpPutResponseHopLimit` to 1 and `HttpTokens` to required.",
		CLI:            "aws ec2 modify-instance-metadata-options --instance-id i-... --http-put-response-hop-limit 1 --http-tokens required",
		CloudFormation: "Set `MetadataOptions.HttpPutResponseHopLimit: 1` in the AWS::EC2::LaunchTemplate.",
		Terraform:      "Set `metadata_options { http_put_response_hop_limit = 1 }` in aws_launch_template.",
	},
	Doc: `Pods can reach the node's instance profile credentials

With a hop limit above 1, pods not on the host network reach IMDS and the node
role's credentials.`,
}
