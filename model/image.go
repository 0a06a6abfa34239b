package model

// ContainerImage is an image a build file (a Dockerfile's FROM line)
// starts from: what EKS301 judges of custom images before they run.
type ContainerImage struct {
	Ref Ref // the FROM instruction; Kind "dockerfile:from"
	// Base is the image reference FROM names, build arguments substituted;
	// Unknown when an argument has no value the file gives.
	Base Field[string]
	// ReleaseLabel is the EMR release of an EMR on EKS or EMR Serverless
	// base image (emr-6.15.0 of …/spark/emr-6.15.0:latest); Absent when
	// Base is known and not an EMR base image, Unknown when Base is.
	ReleaseLabel Field[string]
}
