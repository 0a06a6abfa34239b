package model

// Bucket is an S3 bucket with the settings controls read.
type Bucket struct {
	Ref  Ref
	Name Field[string]
	// AccessLogging is Set(true) when server access logging is on, Set(false)
	// when the source shows it off; Absent means off (S3's default).
	AccessLogging Field[bool]
	// LogTarget is the bucket access logs go to, when logging is on.
	LogTarget Field[string]
	Scope     string // the template or Terraform root that declares it, as Role.Scope
}
