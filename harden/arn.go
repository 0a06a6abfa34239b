package harden

import (
	"fmt"
	"regexp"
	"strings"
)

// The shapes of the identifiers the generators take. They are checked
// before anything is generated, so a typo is an error naming the flag, not
// a template CloudFormation rejects later (or, worse, accepts).
var (
	partitionRe = `(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)`
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	accountRe   = regexp.MustCompile(`^\d{12}$`)
	kmsKeyRe    = regexp.MustCompile(`^arn:` + partitionRe + `:kms:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	roleARNRe   = regexp.MustCompile(`^arn:` + partitionRe + `:iam::(\d{12}):role/([\w+=,.@/-]{1,512})$`)
	oidcARNRe   = regexp.MustCompile(`^arn:` + partitionRe + `:iam::(\d{12}):oidc-provider/(oidc\.eks\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?/id/[0-9A-Za-z]{1,64})$`)
	bucketRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	nameRe      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	namespaceRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	classRe     = regexp.MustCompile(`^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$`)
)

// KeyARN is a parsed KMS key ARN.
type KeyARN struct {
	ARN, Partition, Region, Account string
}

// ParseKeyARN checks that s is a KMS key ARN (not an alias or a bare key
// ID: EMR's security configuration and key policies need the full ARN).
func ParseKeyARN(flag, s string) (KeyARN, error) {
	m := kmsKeyRe.FindStringSubmatch(s)
	if m == nil {
		hint := ""
		switch {
		case strings.Contains(s, ":alias/") || strings.HasPrefix(s, "alias/"):
			hint = " (an alias: give the key's ARN, arn:aws:kms:REGION:ACCOUNT:key/ID)"
		case !strings.HasPrefix(s, "arn:"):
			hint = " (a key ID: give the key's full ARN, arn:aws:kms:REGION:ACCOUNT:key/ID)"
		}
		return KeyARN{}, fmt.Errorf("%s: %q is not a KMS key ARN%s", flag, s, hint)
	}
	return KeyARN{ARN: s, Partition: m[1], Region: m[2], Account: m[3]}, nil
}

// RoleARN is a parsed IAM role ARN.
type RoleARN struct {
	ARN, Partition, Account, Name string
}

// ParseRoleARN checks that s is an IAM role ARN.
func ParseRoleARN(flag, s string) (RoleARN, error) {
	m := roleARNRe.FindStringSubmatch(s)
	if m == nil {
		return RoleARN{}, fmt.Errorf("%s: %q is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", flag, s)
	}
	name := m[3]
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return RoleARN{}, fmt.Errorf("%s: %q names no role", flag, s)
	}
	return RoleARN{ARN: s, Partition: m[1], Account: m[2], Name: name}, nil
}

// OIDCProvider is a parsed EKS OIDC provider ARN.
type OIDCProvider struct {
	ARN, Partition, Account, Host, Region string
}

// ParseOIDCProvider checks that s is the IAM OIDC provider of an EKS
// cluster (arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID).
func ParseOIDCProvider(flag, s string) (OIDCProvider, error) {
	m := oidcARNRe.FindStringSubmatch(s)
	if m == nil {
		return OIDCProvider{}, fmt.Errorf("%s: %q is not an EKS OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID)", flag, s)
	}
	return OIDCProvider{ARN: s, Partition: m[1], Account: m[2], Host: m[3], Region: m[4]}, nil
}

// checkBucket checks an S3 bucket name (the general-purpose rules).
func checkBucket(flag, b string) error {
	if !bucketRe.MatchString(b) || strings.Contains(b, "..") || strings.HasPrefix(b, "xn--") {
		return fmt.Errorf("%s: %q is not an S3 bucket name", flag, b)
	}
	return nil
}

// parseS3URI checks an s3://bucket/key location whose key ends in ext.
func parseS3URI(flag, s, ext string) error {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return fmt.Errorf("%s: %q is not an s3://BUCKET/KEY location", flag, s)
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if err := checkBucket(flag, bucket); err != nil {
		return err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return fmt.Errorf("%s: %q names no object", flag, s)
	}
	if !strings.HasSuffix(strings.ToLower(key), ext) {
		return fmt.Errorf("%s: %q is not a %s object", flag, s, ext)
	}
	return nil
}

func checkRegion(flag, r string) error {
	if !regionRe.MatchString(r) {
		return fmt.Errorf("%s: %q is not an AWS region (e.g. eu-west-1)", flag, r)
	}
	return nil
}

func checkName(flag, n string) error {
	if !nameRe.MatchString(n) {
		return fmt.Errorf("%s: %q is not a name (letters, digits, '_', '.', '-'; up to 64)", flag, n)
	}
	return nil
}
