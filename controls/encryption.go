package controls

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

const (
	urlSecConf   = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-create-security-configuration.html"
	urlEncOpts   = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html"
	iacLiveEvent = control.IaC | control.Live | control.Event
)

// remSecConf is the remediation shared by the controls fixed by attaching a
// hardened security configuration.
var remSecConf = control.Remediation{
	Text: "Create a security configuration that enables in-transit and at-rest encryption " +
		"(S3 with SSE-KMS or CSE-KMS, local disks with AWS KMS and EBS encryption) and IMDSv2, " +
		"and launch clusters with it. `emrguard harden secconf` writes one; `emrguard harden fix` attaches a template's only configuration to its clusters.",
	CLI: "aws emr create-security-configuration --name hardened --security-configuration file://hardened.json\n" +
		"aws emr create-cluster ... --security-configuration hardened",
	CloudFormation: "Add an AWS::EMR::SecurityConfiguration resource and set the cluster's " +
		"`SecurityConfiguration: !Ref HardenedSecurityConfiguration`.",
	Terraform: "Add an aws_emr_security_configuration resource and set " +
		"`security_configuration = aws_emr_security_configuration.hardened.name` on aws_emr_cluster.",
}

// EMR101 fails when a cluster has no security configuration.
var EMR101 = &control.Control{
	ID: "EMR101", Title: "Cluster has no security configuration", Severity: control.High,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlSecConf, Remediation: remSecConf,
	Doc: `Cluster has no security configuration

A cluster launched without a security configuration gets none of EMR's
encryption, IMDSv2 or authentication settings: data in transit and at rest is
unencrypted and instances allow IMDSv1. Every other security-configuration
control depends on it.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			switch f := c.SecurityConfiguration; {
			case f.IsSet():
				p.Passf(c.Ref, f.At, "cluster uses security configuration %q", f.Val)
			case c.SecurityConfigurationID != "":
				// The source followed the reference to the configuration's
				// resource: the cluster has one, whatever its (generated) name.
				p.Passf(c.Ref, f.At.Or(c.Ref.Loc), "cluster uses security configuration %s", c.SecurityConfigurationID)
			case f.IsUnknown():
				p.Unknownf(c.Ref, f.At, "security configuration name is unknown: %s", f.Why)
			default:
				p.Failf(c.Ref, c.Ref.Loc, "cluster names no security configuration")
			}
		})
	},
}

// flag judges a boolean Enable* flag that must be true (EMR102, EMR103).
func flag(p *control.Pass, what, key string) {
	withConfiguration(p,
		func(s subject) {
			p.Failf(s.ref, s.link.At, "cluster has no security configuration, so %s encryption is off", what)
		},
		func(s subject, sc *model.SecurityConfiguration) {
			f := sc.InTransit
			if key == "EnableAtRestEncryption" {
				f = sc.AtRest
			}
			switch {
			case f.IsUnknown():
				p.Unknownf(s.ref, f.At, "whether %s encryption is on is unknown: %s", what, f.Why)
			case f.IsAbsent():
				p.Failf(s.ref, sc.Ref.Loc, "%s does not set %s (absent means false), so %s encryption is off", name(sc), key, what)
			case !f.Val:
				p.Failf(s.ref, f.At, "%s sets %s to false", name(sc), key)
			default:
				p.Passf(s.ref, f.At, "%s enables %s encryption", name(sc), what)
			}
		})
}

// EMR102 fails when in-transit encryption is not enabled.
var EMR102 = &control.Control{
	ID: "EMR102", Title: "In-transit encryption is not enabled", Severity: control.High,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text: "Set `EncryptionConfiguration.EnableInTransitEncryption` to true with a TLS certificate provider " +
			"(PEM zip in S3, a custom provider JAR, or EMR-managed certificates). " +
			"`emrguard harden certs` builds the PEM zip and `emrguard harden secconf --cert-s3 s3://BUCKET/KEY.zip` the configuration; " +
			"`emrguard harden fix` turns the flag on where certificates are configured.",
		CLI:            `"EncryptionConfiguration": {"EnableInTransitEncryption": true, "InTransitEncryptionConfiguration": {"TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://bucket/certs.zip"}}}`,
		CloudFormation: "In AWS::EMR::SecurityConfiguration `SecurityConfiguration.EncryptionConfiguration`, set `EnableInTransitEncryption: true` and `InTransitEncryptionConfiguration.TLSCertificateConfiguration`.",
		Terraform:      "In the `configuration` JSON of aws_emr_security_configuration, set `EnableInTransitEncryption = true` and a `TLSCertificateConfiguration`.",
	},
	Doc: `In-transit encryption is not enabled

Without in-transit encryption, Spark shuffle, HDFS block transfer, Hadoop RPC
and web UI traffic between nodes travel in clear text. This is the launch
monitor's headline control (the AWS pattern that alerts on RunJobFlow).`,
	Run: func(p *control.Pass) { flag(p, "in-transit", "EnableInTransitEncryption") },
}

// EMR103 fails when at-rest encryption is not enabled.
var EMR103 = &control.Control{
	ID: "EMR103", Title: "At-rest encryption is not enabled", Severity: control.High,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Set `EncryptionConfiguration.EnableAtRestEncryption` to true with an `AtRestEncryptionConfiguration` covering S3 and local disks. `emrguard harden secconf` writes one.",
		CLI:            `"EncryptionConfiguration": {"EnableAtRestEncryption": true, "AtRestEncryptionConfiguration": {"S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "arn:aws:kms:..."}, "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "arn:aws:kms:...", "EnableEbsEncryption": true}}}`,
		CloudFormation: "Set `EnableAtRestEncryption: true` and `AtRestEncryptionConfiguration` in the AWS::EMR::SecurityConfiguration document.",
		Terraform:      "Set `EnableAtRestEncryption = true` and `AtRestEncryptionConfiguration` in the aws_emr_security_configuration `configuration`.",
	},
	Doc: `At-rest encryption is not enabled

A filled-in AtRestEncryptionConfiguration does nothing while
EnableAtRestEncryption is false or absent: EMRFS data in S3 and local disks stay
unencrypted by EMR.`,
	Run: func(p *control.Pass) { flag(p, "at-rest", "EnableAtRestEncryption") },
}

// EMR104 fails when at-rest encryption is on but S3 (EMRFS) encryption is not configured.
var EMR104 = &control.Control{
	ID: "EMR104", Title: "At-rest encryption configures no S3 (EMRFS) encryption", Severity: control.High,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Add `AtRestEncryptionConfiguration.S3EncryptionConfiguration` with `EncryptionMode` SSE-KMS or CSE-KMS and a KMS key (`emrguard harden secconf --s3-key ARN`).",
		CLI:            `"S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "arn:aws:kms:region:account:key/id"}`,
		CloudFormation: "Add `S3EncryptionConfiguration` under `AtRestEncryptionConfiguration` in the security configuration document.",
		Terraform:      "Add `S3EncryptionConfiguration` under `AtRestEncryptionConfiguration` in the `configuration` JSON.",
	},
	Doc: `At-rest encryption configures no S3 (EMRFS) encryption

With at-rest encryption on but no S3EncryptionConfiguration, data that EMRFS
writes to S3 is not encrypted by EMR's settings.`,
	Run: func(p *control.Pass) {
		withConfiguration(p, naNoConfiguration(p), func(s subject, sc *model.SecurityConfiguration) {
			if !atRestOn(p, s, sc) {
				return
			}
			switch f := sc.S3Mode; {
			case f.IsUnknown():
				p.Unknownf(s.ref, f.At, "S3 encryption mode is unknown: %s", f.Why)
			case f.IsAbsent():
				p.Failf(s.ref, sc.AtRest.At.Or(sc.Ref.Loc), "%s turns at-rest encryption on without an S3EncryptionConfiguration", name(sc))
			default:
				p.Passf(s.ref, f.At, "EMRFS data in S3 is encrypted with %s", f.Val)
			}
		})
	},
}

// EMR105 fails when at-rest encryption is on but local disk encryption is not configured.
var EMR105 = &control.Control{
	ID: "EMR105", Title: "At-rest encryption configures no local disk encryption", Severity: control.High,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Add `AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration` with `EncryptionKeyProviderType: AwsKms`, a KMS key and `EnableEbsEncryption: true` (`emrguard harden secconf --local-disk-key ARN`).",
		CLI:            `"LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "arn:aws:kms:region:account:key/id", "EnableEbsEncryption": true}`,
		CloudFormation: "Add `LocalDiskEncryptionConfiguration` under `AtRestEncryptionConfiguration` in the security configuration document.",
		Terraform:      "Add `LocalDiskEncryptionConfiguration` under `AtRestEncryptionConfiguration` in the `configuration` JSON.",
	},
	Doc: `At-rest encryption configures no local disk encryption

Instance store and EBS volumes hold HDFS blocks, shuffle and spill files;
without LocalDiskEncryptionConfiguration they are written unencrypted.`,
	Run: func(p *control.Pass) {
		withConfiguration(p, naNoConfiguration(p), func(s subject, sc *model.SecurityConfiguration) {
			if !atRestOn(p, s, sc) {
				return
			}
			switch f := sc.LocalDisk; {
			case f.IsUnknown():
				p.Unknownf(s.ref, f.At, "local disk encryption is unknown: %s", f.Why)
			case f.IsAbsent():
				p.Failf(s.ref, sc.AtRest.At.Or(sc.Ref.Loc), "%s turns at-rest encryption on without a LocalDiskEncryptionConfiguration", name(sc))
			default:
				p.Passf(s.ref, f.At, "local disks are encrypted (%s)", sc.LocalDiskProvider.Get("provider not stated"))
			}
		})
	},
}

// EMR106 fails when local disk encryption leaves EBS volumes out.
var EMR106 = &control.Control{
	ID: "EMR106", Title: "Local disk encryption leaves EBS volumes unencrypted", Severity: control.Medium,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Set `LocalDiskEncryptionConfiguration.EnableEbsEncryption: true` (AWS KMS provider, release 5.24.0 or later) and let the EMR service role use the key (`emrguard harden secconf` and `emrguard harden keys`; `emrguard harden fix` sets the flag in your files).",
		CLI:            `"LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "arn:aws:kms:...", "EnableEbsEncryption": true}`,
		CloudFormation: "Add `EnableEbsEncryption: true` to `LocalDiskEncryptionConfiguration`.",
		Terraform:      "Add `EnableEbsEncryption = true` to `LocalDiskEncryptionConfiguration` in the `configuration` JSON.",
	},
	Doc: `Local disk encryption leaves EBS volumes unencrypted

LUKS-based local disk encryption covers instance store and attached storage
volumes but not the EBS root device; EnableEbsEncryption encrypts the root and
storage EBS volumes with the KMS key.`,
	Run: func(p *control.Pass) {
		withConfiguration(p, naNoConfiguration(p), func(s subject, sc *model.SecurityConfiguration) {
			if !atRestOn(p, s, sc) {
				return
			}
			switch d := sc.LocalDisk; {
			case d.IsUnknown():
				p.Unknownf(s.ref, d.At, "local disk encryption is unknown: %s", d.Why)
				return
			case d.IsAbsent():
				p.NAf(s.ref, sc.AtRest.At.Or(sc.Ref.Loc), "no local disk encryption is configured (EMR105 reports it)")
				return
			}
			switch f := sc.EBSEncryption; {
			case f.IsUnknown():
				p.Unknownf(s.ref, f.At, "EnableEbsEncryption is unknown: %s", f.Why)
			case !f.Get(false):
				p.Failf(s.ref, f.At.Or(sc.LocalDisk.At), "%s encrypts local disks without EnableEbsEncryption, so EBS root and storage volumes are not covered", name(sc))
			default:
				p.Passf(s.ref, f.At, "EBS volumes are encrypted")
			}
		})
	},
}

// s3Strength ranks S3 encryption modes by key control (facts §1.1).
var s3Strength = map[string]int{"SSE-S3": 0, "SSE-KMS": 1, "CSE-KMS": 1, "CSE-Custom": 1}

// s3Default returns the default S3 mode when at-rest is on and the mode is
// known; otherwise it has reported n/a or Unknown.
func s3Default(p *control.Pass, s subject, sc *model.SecurityConfiguration) (string, bool) {
	if !atRestOn(p, s, sc) {
		return "", false
	}
	switch f := sc.S3Mode; {
	case f.IsUnknown():
		p.Unknownf(s.ref, f.At, "S3 encryption mode is unknown: %s", f.Why)
	case f.IsAbsent():
		p.NAf(s.ref, sc.AtRest.At.Or(sc.Ref.Loc), "no S3 encryption is configured (EMR104 reports it)")
	default:
		if _, ok := s3Strength[f.Val]; !ok {
			p.Unknownf(s.ref, f.At, "S3 encryption mode %q is not one EMR documents (SSE-S3, SSE-KMS, CSE-KMS, CSE-Custom)", f.Val)
			return "", false
		}
		return f.Val, true
	}
	return "", false
}

// EMR107 fails when the default S3 encryption mode is SSE-S3.
var EMR107 = &control.Control{
	ID: "EMR107", Title: "Default S3 encryption mode is SSE-S3", Severity: control.Low,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Use `EncryptionMode: SSE-KMS` (or CSE-KMS) with a customer managed KMS key, so key use is controlled by key policy and logged in CloudTrail (`emrguard harden keys`, then `emrguard harden secconf`).",
		CLI:            `"S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "arn:aws:kms:region:account:key/id"}`,
		CloudFormation: "Set `EncryptionMode: SSE-KMS` and `AwsKmsKey` in `S3EncryptionConfiguration`.",
		Terraform:      "Set `EncryptionMode = \"SSE-KMS\"` and `AwsKmsKey` in `S3EncryptionConfiguration`.",
	},
	Doc: `Default S3 encryption mode is SSE-S3

SSE-S3 encrypts with keys S3 owns: nobody can restrict or audit their use.
SSE-KMS, CSE-KMS or a custom provider put the key under your control.
Per-bucket overrides are EMR108's.`,
	Run: func(p *control.Pass) {
		withConfiguration(p, naNoConfiguration(p), func(s subject, sc *model.SecurityConfiguration) {
			mode, ok := s3Default(p, s, sc)
			switch {
			case !ok:
			case mode == "SSE-S3":
				p.Failf(s.ref, sc.S3Mode.At, "%s encrypts EMRFS data with SSE-S3, keys you cannot control or audit", name(sc))
			default:
				p.Passf(s.ref, sc.S3Mode.At, "default S3 encryption mode is %s", mode)
			}
		})
	},
}

// EMR108 fails when a per-bucket override is weaker than the default mode.
var EMR108 = &control.Control{
	ID: "EMR108", Title: "A per-bucket S3 encryption override is weaker than the default", Severity: control.Medium,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Remove the override or give it a KMS-backed mode (SSE-KMS or CSE-KMS) at least as strong as the default (`emrguard harden secconf --s3-override BUCKET=SSE-KMS=KEY_ARN`).",
		CLI:            `"Overrides": [{"BucketName": "bucket", "EncryptionMode": "SSE-KMS", "AwsKmsKey": "arn:aws:kms:..."}]`,
		CloudFormation: "Edit `S3EncryptionConfiguration.Overrides` in the security configuration document.",
		Terraform:      "Edit `S3EncryptionConfiguration.Overrides` in the `configuration` JSON.",
	},
	Doc: `A per-bucket S3 encryption override is weaker than the default

Overrides quietly carve buckets out of the default mode; an SSE-S3 override
under an SSE-KMS or CSE default loses key control for that bucket.`,
	Run: func(p *control.Pass) {
		withConfiguration(p, naNoConfiguration(p), func(s subject, sc *model.SecurityConfiguration) {
			def, ok := s3Default(p, s, sc)
			if !ok {
				return
			}
			var weak []string
			var at model.Loc
			for _, o := range sc.S3Overrides {
				if o.Mode.IsUnknown() || o.Bucket.IsUnknown() {
					p.Unknownf(s.ref, o.At, "a per-bucket override cannot be read: %s", firstWhy(o.Mode.Why, o.Bucket.Why))
					return
				}
				if rank, known := s3Strength[o.Mode.Val]; !known || rank >= s3Strength[def] {
					continue
				}
				weak = append(weak, fmt.Sprintf("%s uses %s", o.Bucket.Get("(no bucket name)"), o.Mode.Val))
				if !at.IsValid() {
					at = o.Mode.At.Or(o.At)
				}
			}
			if len(weak) > 0 {
				p.Failf(s.ref, at, "%s overrides its %s default with a weaker mode: %s", name(sc), def, strings.Join(weak, "; "))
				return
			}
			p.Passf(s.ref, sc.S3Mode.At, "no per-bucket override is weaker than %s (%d overrides)", def, len(sc.S3Overrides))
		})
	},
}

func firstWhy(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// EMR109 judges the in-transit PEM certificate material.
var EMR109 = &control.Control{
	ID: "EMR109", Title: "In-transit certificate is self-signed, expiring or weak", Severity: control.Medium,
	BestPractice: "BP 3.1", Sources: control.IaC | control.Live, URL: urlEncOpts,
	Remediation: control.Remediation{
		Text:           "Issue node certificates from a private CA with RSA keys of at least 2048 bits, renew them more than 30 days before expiry, or use the EMR certificate provider. `emrguard harden certs` builds a bundle.",
		CLI:            "aws s3 cp certs.zip s3://bucket/tls/certs.zip  # privateKey.pem, certificateChain.pem, trustedCertificates.pem",
		CloudFormation: "Point `TLSCertificateConfiguration.S3Object` at the renewed zip, or set `CertificateProviderType: EMR`.",
		Terraform:      "Point `TLSCertificateConfiguration.S3Object` at the renewed zip, or set `CertificateProviderType = \"EMR\"`.",
	},
	Doc: `In-transit certificate is self-signed, expiring or weak

An expired certificate stops new nodes from joining; a self-signed leaf or a
short RSA key weakens the TLS that in-transit encryption relies on. The leaf
is the first certificate of certificateChain.pem (the CAs of
trustedCertificates.pem sign themselves by nature); expiry (within 30 days
of when the material was read) and RSA keys under 2048 bits count for every
certificate. A live scan reads the zip from S3; a file scan reads a .zip in
the configuration's folder with the file name of its S3 key, and judges
only the configurations whose zip it found.`,
	Run: func(p *control.Pass) {
		for _, s := range subjects(p.Evidence) {
			live := s.ref.Origin == model.FromLive
			switch s.link.State {
			case model.LinkNone:
				if live {
					p.NAf(s.ref, s.link.At, "cluster has no security configuration (EMR101 reports it)")
				}
				continue
			case model.LinkUnknown:
				if live {
					p.Unknownf(s.ref, s.link.At, "%s", s.link.Why)
				}
				continue
			}
			// A file cannot show the material unless its zip is scanned
			// beside it: judged only then (CONTROLS.md, "Sources").
			if sc := s.sc(); live || !sc.Certificates.IsAbsent() {
				judgeCertificates(p, s, sc)
			}
		}
	},
}

// certWarning is how close to expiry a certificate fails EMR109.
const certWarning = 30 * 24 * time.Hour

func judgeCertificates(p *control.Pass, s subject, sc *model.SecurityConfiguration) {
	switch f := sc.InTransit; {
	case f.IsUnknown():
		p.Unknownf(s.ref, f.At, "whether in-transit encryption is on is unknown: %s", f.Why)
		return
	case !f.Get(false):
		p.NAf(s.ref, f.At.Or(sc.Ref.Loc), "in-transit encryption is off (EMR102 reports it)")
		return
	}
	switch f := sc.TLSProvider; {
	case f.IsUnknown():
		p.Unknownf(s.ref, f.At, "the certificate provider is unknown: %s", f.Why)
		return
	case f.IsAbsent():
		p.Unknownf(s.ref, sc.InTransit.At, "%s names no certificate provider", name(sc))
		return
	case !strings.EqualFold(f.Val, "PEM"):
		p.NAf(s.ref, f.At, "certificates come from the %s provider, not a PEM zip", f.Val)
		return
	}
	at := sc.TLSCertificates.At.Or(sc.TLSProvider.At)
	f := sc.Certificates
	switch {
	case f.IsUnknown():
		p.Unknownf(s.ref, at, "%s", f.Why)
		return
	case f.IsAbsent() || f.Val == nil:
		p.Unknownf(s.ref, at, "the PEM zip %s was not read", sc.TLSCertificates.Get("(no S3 object named)"))
		return
	}
	b := f.Val
	at = b.At.Or(at)
	if b.AsOf.IsZero() {
		p.Unknownf(s.ref, at, "the PEM zip %s has no time it was read, so expiry cannot be judged", b.Source)
		return
	}
	var faults []string
	leaf := -1
	for i, c := range b.Certs {
		if leaf < 0 && path.Base(c.File) == "certificateChain.pem" {
			leaf = i
			if c.SelfSigned {
				faults = append(faults, fmt.Sprintf("the node certificate %s is self-signed", c.Subject))
			}
		}
		switch {
		case !c.NotAfter.After(b.AsOf):
			faults = append(faults, fmt.Sprintf("%s (%s) expired on %s", c.Subject, c.File, c.NotAfter.UTC().Format("2006-01-02")))
		case c.NotAfter.Before(b.AsOf.Add(certWarning)):
			faults = append(faults, fmt.Sprintf("%s (%s) expires on %s, within 30 days", c.Subject, c.File, c.NotAfter.UTC().Format("2006-01-02")))
		}
		if c.KeyAlgo == "RSA" && c.KeyBits < 2048 {
			faults = append(faults, fmt.Sprintf("%s (%s) has a %d-bit RSA key", c.Subject, c.File, c.KeyBits))
		}
	}
	switch {
	case len(faults) > 0:
		p.Failf(s.ref, at, "PEM zip %s: %s", b.Source, strings.Join(faults, "; "))
	case leaf < 0:
		p.Unknownf(s.ref, at, "the PEM zip %s holds no certificateChain.pem certificate", b.Source)
	default:
		p.Passf(s.ref, at, "PEM zip %s: %d certificates, the node's signed by %s, none expiring within 30 days or with an RSA key under 2048 bits", b.Source, len(b.Certs), b.Certs[leaf].Issuer)
	}
}

// EMR110 judges the KMS keys of the security configuration.
var EMR110 = &control.Control{
	ID: "EMR110", Title: "KMS key of the security configuration is not rotated or not usable", Severity: control.Low,
	BestPractice: "BP 3.1", Sources: control.Live, URL: "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
	Remediation: control.Remediation{
		Text:           "Enable automatic rotation on customer managed keys used by EMR; re-enable a disabled key or cancel its deletion. `emrguard harden keys` writes keys with rotation on.",
		CLI:            "aws kms enable-key-rotation --key-id KEY_ID\naws kms cancel-key-deletion --key-id KEY_ID",
		CloudFormation: "Set `EnableKeyRotation: true` on the AWS::KMS::Key.",
		Terraform:      "Set `enable_key_rotation = true` on aws_kms_key.",
	},
	Doc: `KMS key of the security configuration is not rotated or not usable

Keys without rotation keep the same material for years; a disabled key or one
pending deletion makes encrypted data unreadable and clusters fail to start.
The keys are those of the configuration's at-rest encryption: the S3
(SSE-KMS, CSE-KMS) key and the local disk key. Rotation disabled is low; a
disabled key or one pending deletion is high, and its message says so
(the control's severity is the lower one). AWS managed keys rotate on
their own. The log key is EMR111's.`,
	Run: func(p *control.Pass) {
		for _, s := range liveSubjects(p.Evidence) {
			switch s.link.State {
			case model.LinkNone:
				p.NAf(s.ref, s.link.At, "cluster has no security configuration (EMR101 reports it)")
				continue
			case model.LinkUnknown:
				p.Unknownf(s.ref, s.link.At, "%s", s.link.Why)
				continue
			}
			judgeKeys(p, s, s.sc())
		}
	},
}

// keyUse is a KMS key a security configuration names, and for what.
type keyUse struct {
	key model.Field[string]
	use string
}

// configurationKeys returns the KMS keys of sc's at-rest encryption; ok
// is false when it has reported n/a or Unknown instead.
func configurationKeys(p *control.Pass, s subject, sc *model.SecurityConfiguration) (keys []keyUse, ok bool) {
	if !atRestOn(p, s, sc) {
		return nil, false
	}
	if m := sc.S3Mode.Get(""); sc.S3Mode.IsUnknown() || m == "SSE-KMS" || m == "CSE-KMS" {
		if f := sc.S3KMSKey; !f.IsAbsent() {
			keys = append(keys, keyUse{f, "S3 encryption"})
		}
	}
	if sc.LocalDiskProvider.Get("") != "Custom" && sc.LocalDisk.Get(false) || sc.LocalDisk.IsUnknown() {
		if f := sc.LocalDiskKMSKey; !f.IsAbsent() {
			keys = append(keys, keyUse{f, "local disk encryption"})
		}
	}
	if len(keys) == 0 {
		p.NAf(s.ref, sc.AtRest.At.Or(sc.Ref.Loc), "%s uses no KMS key", name(sc))
		return nil, false
	}
	return keys, true
}

func judgeKeys(p *control.Pass, s subject, sc *model.SecurityConfiguration) {
	keys, ok := configurationKeys(p, s, sc)
	if !ok {
		return
	}
	var faults, unknown, fine []string
	var at model.Loc
	fault := func(u keyUse, format string, args ...any) {
		faults = append(faults, fmt.Sprintf(format, args...))
		if !at.IsValid() {
			at = u.key.At
		}
	}
	for _, u := range keys {
		if u.key.IsUnknown() {
			unknown = append(unknown, fmt.Sprintf("the %s key is unknown: %s", u.use, u.key.Why))
			continue
		}
		k := kmsKey(p.Evidence, u.key.Val, sc.Ref)
		if k == nil {
			unknown = append(unknown, fmt.Sprintf("%s key %s is not in the scanned evidence", u.use, u.key.Val))
			continue
		}
		switch st := k.State; {
		case st.IsUnknown():
			unknown = append(unknown, fmt.Sprintf("the state of %s key %s is unknown: %s", u.use, u.key.Val, st.Why))
			continue
		case st.Val == "PendingDeletion" || st.Val == "PendingReplicaDeletion":
			fault(u, "%s key %s is pending deletion (high: data it encrypts becomes unreadable)", u.use, u.key.Val)
			continue
		case st.Val == "Disabled" || (k.Enabled.IsSet() && !k.Enabled.Val):
			fault(u, "%s key %s is disabled (high: clusters cannot start or read their data)", u.use, u.key.Val)
			continue
		}
		switch r := k.RotationEnabled; {
		case k.Manager.Get("") == "AWS":
			fine = append(fine, u.key.Val+" (AWS managed)")
		case r.IsSet() && !r.Val:
			fault(u, "%s key %s has automatic rotation disabled", u.use, u.key.Val)
		case !r.IsSet():
			unknown = append(unknown, fmt.Sprintf("whether %s key %s rotates is unknown: %s", u.use, u.key.Val, firstWhy(r.Why, "not read")))
		default:
			fine = append(fine, u.key.Val)
		}
	}
	switch {
	case len(faults) > 0:
		p.Failf(s.ref, at.Or(sc.Ref.Loc), "%s: %s", name(sc), strings.Join(faults, "; "))
	case len(unknown) > 0:
		p.Unknownf(s.ref, keys[0].key.At.Or(sc.Ref.Loc), "%s: %s", name(sc), strings.Join(unknown, "; "))
	default:
		p.Passf(s.ref, keys[0].key.At.Or(sc.Ref.Loc), "the KMS keys of %s are enabled and rotate: %s", name(sc), strings.Join(fine, ", "))
	}
}

// EMR111 fails when cluster logs go to S3 without a KMS key.
var EMR111 = &control.Control{
	ID: "EMR111", Title: "Cluster logs in S3 are not encrypted with a KMS key", Severity: control.Low,
	BestPractice: "BP 3.1", Sources: iacLiveEvent, URL: "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-plan-debugging.html",
	Remediation: control.Remediation{
		Text:           "Set the cluster's log encryption KMS key (release 5.30.0 or later, except 6.0.0).",
		CLI:            "aws emr create-cluster ... --log-uri s3://bucket/logs/ --log-encryption-kms-key-id arn:aws:kms:region:account:key/id",
		CloudFormation: "Set `LogEncryptionKmsKeyId` on AWS::EMR::Cluster.",
		Terraform:      "Set `log_encryption_kms_key_id` on aws_emr_cluster.",
	},
	Doc: `Cluster logs in S3 are not encrypted with a KMS key

Step, application and daemon logs often hold queries, paths and credentials in
arguments; without LogEncryptionKmsKeyId they are stored with the bucket's
default encryption only.`,
	Run: func(p *control.Pass) {
		clusters(p, func(c *model.Cluster) {
			// A URI or key known in part ("s3://aws-logs-${AWS::AccountId}/")
			// is set all the same: only its text is partly unknown.
			u, k := c.LogURI, c.LogKMSKey
			uri, uriSet := nonEmpty(u)
			key, keySet := nonEmpty(k)
			switch {
			case !uriSet && u.IsUnknown():
				p.Unknownf(c.Ref, u.At, "log URI is unknown: %s", u.Why)
			case !uriSet:
				p.NAf(c.Ref, c.Ref.Loc, "cluster writes no logs to S3 (EMR704 reports it)")
			case keySet:
				p.Passf(c.Ref, k.At, "logs are encrypted with %s", key)
			case k.IsUnknown():
				p.Unknownf(c.Ref, k.At, "log encryption key is unknown: %s", k.Why)
			default:
				p.Failf(c.Ref, u.At, "logs go to %s without a KMS key (LogEncryptionKmsKeyId)", uri)
			}
		})
	},
}
