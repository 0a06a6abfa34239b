package model

import "time"

// The evidence only a live account (or a snapshot of one) shows.

// AccountRegion is one account and region a live scan looked at: the
// subject of controls that judge a region as a whole (EMR701).
type AccountRegion struct {
	Ref Ref // Kind "aws:region", ID "<account>/<region>"
	// TrailsComplete is Set(true) when every trail visible from the region
	// was read (DescribeTrails with shadow trails, and each one's status and
	// selectors); Unknown with the failed call otherwise.
	TrailsComplete Field[bool]
}

// Trail is a CloudTrail trail as seen from one region (a multi-region
// trail is seen from every region, its HomeRegion once).
type Trail struct {
	Ref          Ref
	Name         Field[string]
	ARN          Field[string]
	HomeRegion   Field[string]
	MultiRegion  Field[bool]
	Organization Field[bool]
	// Logging is GetTrailStatus.IsLogging.
	Logging Field[bool]
	// LatestDeliveryError is GetTrailStatus.LatestDeliveryError; Absent
	// when the trail reports none.
	LatestDeliveryError Field[string]
	// ManagementWrites is Set(true) when the event selectors record
	// management write events (basic or advanced selectors).
	ManagementWrites Field[bool]
}

// KMSKey is a KMS key with its state and rotation.
type KMSKey struct {
	Ref     Ref
	KeyID   Field[string]
	ARN     Field[string]
	Aliases []string // alias/… names pointing at the key
	Enabled Field[bool]
	// State is KeyMetadata.KeyState: Enabled, Disabled, PendingDeletion, …
	State   Field[string]
	Manager Field[string] // AWS or CUSTOMER
	// RotationEnabled is GetKeyRotationStatus.KeyRotationEnabled.
	RotationEnabled Field[bool]
}

// AMI is an EC2 image a cluster launches from (CustomAmiId).
type AMI struct {
	Ref     Ref
	ImageID Field[string]
	Created Field[time.Time]
	// AsOf is when the evidence was gathered; an image's age is measured
	// to it, so a snapshot gives the same verdict whenever it is replayed.
	AsOf time.Time
}

// PolicyHolders lists the principals a managed policy is attached to
// (IAM ListEntitiesForPolicy): the evidence of EMR603.
type PolicyHolders struct {
	Ref       Ref // the managed policy
	PolicyARN Field[string]
	Users     []string
	Groups    []string
	Roles     []string
	// Complete is Set(true) when every entity was listed; Unknown (with
	// the failed call) otherwise.
	Complete Field[bool]
}

// Nodegroup is an EKS managed nodegroup: the role its nodes run as and
// the launch template they start from.
type Nodegroup struct {
	Ref                   Ref
	Name                  Field[string]
	ClusterName           Field[string]
	NodeRole              Field[string] // role ARN, name or resource ID
	LaunchTemplate        Field[string] // ID or name
	LaunchTemplateVersion Field[string]
}

// Node is one instance of a cluster's instance group or fleet.
type Node struct {
	InstanceID string
	PublicIP   string
	PublicDNS  string
}

// Certificate is what EMR109 reads of one certificate of the in-transit
// PEM material: never the private key itself.
type Certificate struct {
	File       string // the file of the zip it came from, e.g. certificateChain.pem
	Subject    string
	Issuer     string
	SelfSigned bool
	NotAfter   time.Time
	KeyAlgo    string // RSA, ECDSA, Ed25519
	KeyBits    int
}

// CertificateBundle is the PEM zip a security configuration names,
// as far as it could be read.
type CertificateBundle struct {
	At     Loc
	Source string // s3://bucket/key, or the local file
	Certs  []Certificate
	// AsOf is when it was read: expiry is judged against it.
	AsOf time.Time
}
