package snapshot

import (
	"time"

	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
	emrtypes "github.com/aws/aws-sdk-go-v2/service/emr/types"
	ectypes "github.com/aws/aws-sdk-go-v2/service/emrcontainers/types"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Format is the value of Snapshot.Format that marks a file as a snapshot.
const Format = "emrguard-snapshot"

// Version is the snapshot version this build writes and reads; a newer
// one is refused with an error naming both.
const Version = 1

// Snapshot is one live scan: every account it reached.
type Snapshot struct {
	Format   string     `json:"format"`
	Version  int        `json:"version"`
	Tool     string     `json:"tool,omitempty"` // "emrguard v…" that took it
	Taken    time.Time  `json:"taken"`          // when the scan started; ages and expiry are judged against it
	Accounts []*Account `json:"accounts"`
}

// Account is what one account showed. ID is empty only when the account
// could not be reached at all (Failures then says why, e.g. an AssumeRole
// denied for Via).
type Account struct {
	ID        string `json:"id"`
	Partition string `json:"partition,omitempty"` // aws, aws-cn, aws-us-gov
	Via       string `json:"via,omitempty"`       // the role ARN assumed into it, if any

	IAM     *IAM      `json:"iam,omitempty"`     // global
	Buckets []*Bucket `json:"buckets,omitempty"` // the clusters' log buckets
	Regions []*Region `json:"regions,omitempty"`

	// Failures are the calls of the account (STS, IAM, S3, and regions
	// that could not be listed) that failed after retries.
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is one call that failed after retries: it becomes unknown for
// the controls that needed it, and an entry of the report's errors.
type Failure struct {
	Service   string `json:"service"`            // emr, ec2, iam, sts, s3, cloudtrail, kms, emr-containers, eks, organizations
	Operation string `json:"operation"`          // DescribeCluster
	Region    string `json:"region,omitempty"`   // empty for global calls
	Resource  string `json:"resource,omitempty"` // what was asked about: a cluster ID, role name, bucket, key ARN
	Code      string `json:"code"`               // the API error code, e.g. AccessDeniedException; "" for a transport failure
	Message   string `json:"message"`
}

// Region is what one region of an account showed.
type Region struct {
	Name string `json:"name"`

	// BlockPublicAccess is nil when it could not be read (see Failures).
	BlockPublicAccess      *emrtypes.BlockPublicAccessConfiguration `json:"blockPublicAccess,omitempty"`
	Clusters               []*Cluster                               `json:"clusters,omitempty"`
	SecurityConfigurations []*SecurityConfiguration                 `json:"securityConfigurations,omitempty"`

	SecurityGroups         []ec2types.SecurityGroup         `json:"securityGroups,omitempty"`
	Subnets                []ec2types.Subnet                `json:"subnets,omitempty"`
	RouteTables            []ec2types.RouteTable            `json:"routeTables,omitempty"`
	VPCEndpoints           []ec2types.VpcEndpoint           `json:"vpcEndpoints,omitempty"`
	Images                 []ec2types.Image                 `json:"images,omitempty"`
	LaunchTemplateVersions []ec2types.LaunchTemplateVersion `json:"launchTemplateVersions,omitempty"`

	Trails  []*Trail  `json:"trails,omitempty"`
	KMSKeys []*KMSKey `json:"kmsKeys,omitempty"`

	VirtualClusters  []*VirtualCluster  `json:"virtualClusters,omitempty"`
	ManagedEndpoints []ectypes.Endpoint `json:"managedEndpoints,omitempty"`
	JobRuns          []ectypes.JobRun   `json:"jobRuns,omitempty"`

	Nodegroups []ekstypes.Nodegroup `json:"nodegroups,omitempty"`
	// PodIdentityAssociations are the EKS Pod Identity associations in the
	// namespaces of the virtual clusters (DescribePodIdentityAssociation).
	PodIdentityAssociations []ekstypes.PodIdentityAssociation `json:"podIdentityAssociations,omitempty"`

	// Certificates are the in-transit PEM zips the region's security
	// configurations name, as far as they were read.
	Certificates []*CertificateZip `json:"certificates,omitempty"`

	Failures []Failure `json:"failures,omitempty"`
}

// Cluster is one active cluster: DescribeCluster, and ListInstances of
// its primary group or fleet (nil Primary when that call failed).
type Cluster struct {
	Cluster emrtypes.Cluster    `json:"cluster"`
	Primary []emrtypes.Instance `json:"primary,omitempty"`
	// PrimaryRead is true when Primary is the whole list (possibly empty).
	PrimaryRead bool `json:"primaryRead"`
}

// SecurityConfiguration is DescribeSecurityConfiguration's reply.
type SecurityConfiguration struct {
	Name             string     `json:"name"`
	Document         string     `json:"document"` // the JSON document, as EMR returns it
	CreationDateTime *time.Time `json:"creationDateTime,omitempty"`
}

// Trail is one trail with its status and selectors; Status and the
// selectors are nil when their calls failed.
type Trail struct {
	Trail                  cttypes.Trail                   `json:"trail"`
	Status                 *TrailStatus                    `json:"status,omitempty"`
	SelectorsRead          bool                            `json:"selectorsRead"`
	EventSelectors         []cttypes.EventSelector         `json:"eventSelectors,omitempty"`
	AdvancedEventSelectors []cttypes.AdvancedEventSelector `json:"advancedEventSelectors,omitempty"`
}

// TrailStatus is the part of GetTrailStatus the controls read.
type TrailStatus struct {
	IsLogging           *bool      `json:"IsLogging,omitempty"`
	LatestDeliveryError *string    `json:"LatestDeliveryError,omitempty"`
	LatestDeliveryTime  *time.Time `json:"LatestDeliveryTime,omitempty"`
}

// KMSKey is DescribeKey, and GetKeyRotationStatus for customer keys.
type KMSKey struct {
	Ref      string                `json:"ref"` // the key ID, ARN or alias a security configuration or cluster gave
	Metadata *kmstypes.KeyMetadata `json:"metadata,omitempty"`
	// RotationEnabled is nil when GetKeyRotationStatus was not called or failed.
	RotationEnabled *bool `json:"rotationEnabled,omitempty"`
}

// IAM is the account's roles, instance profiles and policies the
// clusters, job runs and nodegroups use, each fetched once.
type IAM struct {
	Roles            []*Role                    `json:"roles,omitempty"`
	InstanceProfiles []iamtypes.InstanceProfile `json:"instanceProfiles,omitempty"`
	// Policies are the customer-managed policies attached to those roles,
	// with their default version's document.
	Policies []*Policy `json:"policies,omitempty"`
	// Holders lists, per v1 EMR managed policy, who holds it.
	Holders []*PolicyHolders `json:"holders,omitempty"`
}

// Role is GetRole, ListAttachedRolePolicies and the inline policies
// (ListRolePolicies, GetRolePolicy); AttachedRead / InlineRead say
// whether those lists are whole. Documents are URL-decoded JSON.
type Role struct {
	Role             iamtypes.Role             `json:"role"`
	AttachedPolicies []iamtypes.AttachedPolicy `json:"attachedPolicies,omitempty"`
	AttachedRead     bool                      `json:"attachedRead"`
	InlinePolicies   []InlinePolicy            `json:"inlinePolicies,omitempty"`
	InlineRead       bool                      `json:"inlineRead"`
}

// InlinePolicy is one GetRolePolicy reply, its document URL-decoded.
type InlinePolicy struct {
	Name     string `json:"name"`
	Document string `json:"document"`
}

// Policy is a managed policy and its default version's document
// (URL-decoded); Document is "" when GetPolicyVersion failed.
type Policy struct {
	Policy   iamtypes.Policy `json:"policy"`
	Document string          `json:"document,omitempty"`
}

// PolicyHolders is ListEntitiesForPolicy of one policy ARN; Read is false
// when the listing failed or stopped part way.
type PolicyHolders struct {
	PolicyARN string                 `json:"policyArn"`
	Users     []iamtypes.PolicyUser  `json:"users,omitempty"`
	Groups    []iamtypes.PolicyGroup `json:"groups,omitempty"`
	Roles     []iamtypes.PolicyRole  `json:"roles,omitempty"`
	Read      bool                   `json:"read"`
}

// Bucket is GetBucketLogging of a log bucket; LoggingRead is false when
// the call failed.
type Bucket struct {
	Name        string                  `json:"name"`
	Logging     *s3types.LoggingEnabled `json:"logging,omitempty"` // nil: logging off
	LoggingRead bool                    `json:"loggingRead"`
}

// CertificateZip is the in-transit PEM zip at Location, read from S3:
// its certificateChain.pem and trustedCertificates.pem, never the key.
// Read is false when GetObject failed (Failures says why).
type CertificateZip struct {
	Location string `json:"location"` // s3://bucket/key
	Read     bool   `json:"read"`
	// Files maps a PEM file of the zip to its text (certificates only).
	Files map[string]string `json:"files,omitempty"`
	// Problem says what was wrong with the zip itself (not a zip, no
	// certificateChain.pem, …), when it was read.
	Problem string `json:"problem,omitempty"`
}

// VirtualCluster is DescribeVirtualCluster's reply. It is not the SDK's
// type, whose container provider info is a union interface that
// encoding/json cannot read back.
type VirtualCluster struct {
	ID                      string            `json:"Id"`
	Name                    string            `json:"Name,omitempty"`
	Arn                     string            `json:"Arn,omitempty"`
	State                   string            `json:"State,omitempty"`
	EKSCluster              string            `json:"EksCluster,omitempty"` // ContainerProvider.Id
	ProviderType            string            `json:"ProviderType,omitempty"`
	Namespace               string            `json:"Namespace,omitempty"` // ContainerProvider.Info.EksInfo.Namespace
	SecurityConfigurationID string            `json:"SecurityConfigurationId,omitempty"`
	CreatedAt               *time.Time        `json:"CreatedAt,omitempty"`
	Tags                    map[string]string `json:"Tags,omitempty"`
}
