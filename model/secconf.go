package model

// SecurityConfiguration is an EMR (on EC2) security configuration, decoded
// once by source/secconf whatever file or API it came from.
type SecurityConfiguration struct {
	Ref  Ref
	Name Field[string]

	InTransit       Field[bool]   // EncryptionConfiguration.EnableInTransitEncryption
	TLSProvider     Field[string] // PEM, Custom or EMR
	TLSCertificates Field[string] // S3 object of the PEM zip or provider JAR
	// Certificates is the PEM zip TLSCertificates names, when it was read
	// (a live scan, or a local zip); Absent when not looked at.
	Certificates Field[*CertificateBundle]

	AtRest Field[bool] // EncryptionConfiguration.EnableAtRestEncryption

	// S3Mode is the default EMRFS encryption mode; Absent when the
	// configuration has no S3EncryptionConfiguration.
	S3Mode      Field[string]
	S3KMSKey    Field[string]
	S3Overrides []S3Override

	// LocalDisk is Set (true) when a LocalDiskEncryptionConfiguration is present.
	LocalDisk         Field[bool]
	LocalDiskProvider Field[string] // AwsKms or Custom
	LocalDiskKMSKey   Field[string]
	EBSEncryption     Field[bool] // LocalDiskEncryptionConfiguration.EnableEbsEncryption

	// IMDS is Set (true) when InstanceMetadataServiceConfiguration is present.
	IMDS            Field[bool]
	IMDSMinVersion  Field[int]
	IMDSHopLimit    Field[int]
	KerberosEnabled Field[bool]
}

// S3Override is a per-bucket exception to the default S3 encryption mode.
type S3Override struct {
	Bucket Field[string]
	Mode   Field[string]
	At     Loc
}
