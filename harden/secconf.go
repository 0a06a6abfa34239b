package harden

import (
	"encoding/json"
	"fmt"
	"strings"
)

// SecConfSpec is what `emrguard harden secconf` is asked for.
type SecConfSpec struct {
	Name string // the configuration's name (clusters name it)
	// In-transit: a PEM zip in S3 (CertS3), or a custom provider's JAR
	// and class (CertJAR, CertClass).
	CertS3, CertJAR, CertClass string
	S3Mode                     string // SSE-KMS (default) or CSE-KMS
	S3Key                      string // KMS key ARN of EMRFS data in S3
	Overrides                  []string
	LocalDiskKey               string // KMS key ARN of local disks and EBS
}

// The security configuration document (aws-emr-facts.md §1): structs so
// that the JSON keeps the documented order.
type secConfDoc struct {
	EncryptionConfiguration              encryptionConf `json:"EncryptionConfiguration"`
	InstanceMetadataServiceConfiguration imdsConf       `json:"InstanceMetadataServiceConfiguration"`
}

type encryptionConf struct {
	EnableInTransitEncryption        bool          `json:"EnableInTransitEncryption"`
	EnableAtRestEncryption           bool          `json:"EnableAtRestEncryption"`
	InTransitEncryptionConfiguration inTransitConf `json:"InTransitEncryptionConfiguration"`
	AtRestEncryptionConfiguration    atRestConf    `json:"AtRestEncryptionConfiguration"`
}

type inTransitConf struct {
	TLSCertificateConfiguration tlsConf `json:"TLSCertificateConfiguration"`
}

type tlsConf struct {
	CertificateProviderType  string `json:"CertificateProviderType"`
	S3Object                 string `json:"S3Object"`
	CertificateProviderClass string `json:"CertificateProviderClass,omitempty"`
}

type atRestConf struct {
	S3EncryptionConfiguration        s3Conf        `json:"S3EncryptionConfiguration"`
	LocalDiskEncryptionConfiguration localDiskConf `json:"LocalDiskEncryptionConfiguration"`
}

type s3Conf struct {
	EncryptionMode string       `json:"EncryptionMode"`
	AwsKmsKey      string       `json:"AwsKmsKey"`
	Overrides      []s3Override `json:"Overrides,omitempty"`
}

type s3Override struct {
	BucketName     string `json:"BucketName"`
	EncryptionMode string `json:"EncryptionMode"`
	AwsKmsKey      string `json:"AwsKmsKey"`
}

type localDiskConf struct {
	EncryptionKeyProviderType string `json:"EncryptionKeyProviderType"`
	AwsKmsKey                 string `json:"AwsKmsKey"`
	EnableEbsEncryption       bool   `json:"EnableEbsEncryption"`
}

type imdsConf struct {
	MinimumInstanceMetadataServiceVersion int `json:"MinimumInstanceMetadataServiceVersion"`
	HttpPutResponseHopLimit               int `json:"HttpPutResponseHopLimit"`
}

// kmsModes are the S3 modes harden writes: both keep the key in the
// user's hands (EMR107). SSE-S3 is refused, as default or override
// (EMR108 fails an override weaker than the default).
var kmsModes = map[string]bool{"SSE-KMS": true, "CSE-KMS": true}

// document validates s and builds its document.
func (s SecConfSpec) document() (*secConfDoc, error) {
	if s.Name == "" {
		s.Name = "emrguard-hardened"
	}
	if err := checkName("--name", s.Name); err != nil {
		return nil, err
	}
	var tls tlsConf
	switch {
	case s.CertS3 != "" && (s.CertJAR != "" || s.CertClass != ""):
		return nil, fmt.Errorf("--cert-s3 and --cert-jar/--cert-class are alternatives: give one")
	case s.CertS3 != "":
		if err := parseS3URI("--cert-s3", s.CertS3, ".zip"); err != nil {
			return nil, err
		}
		tls = tlsConf{CertificateProviderType: "PEM", S3Object: s.CertS3}
	case s.CertJAR != "" || s.CertClass != "":
		if s.CertJAR == "" || s.CertClass == "" {
			return nil, fmt.Errorf("a custom certificate provider needs both --cert-jar and --cert-class")
		}
		if err := parseS3URI("--cert-jar", s.CertJAR, ".jar"); err != nil {
			return nil, err
		}
		if !classRe.MatchString(s.CertClass) {
			return nil, fmt.Errorf("--cert-class: %q is not a Java class name", s.CertClass)
		}
		tls = tlsConf{CertificateProviderType: "Custom", S3Object: s.CertJAR, CertificateProviderClass: s.CertClass}
	default:
		return nil, fmt.Errorf("in-transit encryption needs certificates: --cert-s3 s3://BUCKET/KEY.zip (a PEM zip, see `emrguard harden certs`) or --cert-jar and --cert-class")
	}
	mode := strings.ToUpper(s.S3Mode)
	if mode == "" {
		mode = "SSE-KMS"
	}
	if !kmsModes[mode] {
		return nil, fmt.Errorf("--s3-mode: %q is not SSE-KMS or CSE-KMS (SSE-S3 leaves the key with S3: EMR107)", s.S3Mode)
	}
	if s.S3Key == "" {
		return nil, fmt.Errorf("--s3-key: the KMS key ARN of EMRFS data in S3 is required for %s", mode)
	}
	if _, err := ParseKeyARN("--s3-key", s.S3Key); err != nil {
		return nil, err
	}
	if s.LocalDiskKey == "" {
		return nil, fmt.Errorf("--local-disk-key: the KMS key ARN of local disk and EBS encryption is required")
	}
	if _, err := ParseKeyARN("--local-disk-key", s.LocalDiskKey); err != nil {
		return nil, err
	}
	var ovs []s3Override
	seen := map[string]bool{}
	for _, o := range s.Overrides {
		ov, err := parseOverride(o)
		if err != nil {
			return nil, err
		}
		if seen[ov.BucketName] {
			return nil, fmt.Errorf("--s3-override: bucket %s given twice", ov.BucketName)
		}
		seen[ov.BucketName] = true
		ovs = append(ovs, ov)
	}
	return &secConfDoc{
		EncryptionConfiguration: encryptionConf{
			EnableInTransitEncryption:        true,
			EnableAtRestEncryption:           true,
			InTransitEncryptionConfiguration: inTransitConf{TLSCertificateConfiguration: tls},
			AtRestEncryptionConfiguration: atRestConf{
				S3EncryptionConfiguration: s3Conf{EncryptionMode: mode, AwsKmsKey: s.S3Key, Overrides: ovs},
				LocalDiskEncryptionConfiguration: localDiskConf{
					EncryptionKeyProviderType: "AwsKms", AwsKmsKey: s.LocalDiskKey,
					// EBS root and storage volumes too (EMR106).
					EnableEbsEncryption: true,
				},
			},
		},
		// IMDSv2 only, and a hop limit of 1 so containers on a node cannot
		// reach its credentials (EMR401, EMR403).
		InstanceMetadataServiceConfiguration: imdsConf{MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 1},
	}, nil
}

// parseOverride reads BUCKET=MODE=KEY_ARN: an override names its own key,
// since a KMS mode without one would fall back to nothing.
func parseOverride(o string) (s3Override, error) {
	parts := strings.SplitN(o, "=", 3)
	if len(parts) != 3 {
		return s3Override{}, fmt.Errorf("--s3-override: %q is not BUCKET=MODE=KMS_KEY_ARN", o)
	}
	if err := checkBucket("--s3-override", parts[0]); err != nil {
		return s3Override{}, err
	}
	mode := strings.ToUpper(parts[1])
	if !kmsModes[mode] {
		return s3Override{}, fmt.Errorf("--s3-override %s: mode %q is not SSE-KMS or CSE-KMS (a weaker override fails EMR108)", parts[0], parts[1])
	}
	if _, err := ParseKeyARN("--s3-override "+parts[0], parts[2]); err != nil {
		return s3Override{}, err
	}
	return s3Override{BucketName: parts[0], EncryptionMode: mode, AwsKmsKey: parts[2]}, nil
}

// SecConf renders the security configuration of s in form f: the raw
// document (json), the input of `aws emr create-security-configuration
// --cli-input-json` (cli), an AWS::EMR::SecurityConfiguration template
// (cfn), or an aws_emr_security_configuration with jsonencode (terraform).
func SecConf(s SecConfSpec, f Format) ([]byte, error) {
	doc, err := s.document()
	if err != nil {
		return nil, err
	}
	name := s.Name
	if name == "" {
		name = "emrguard-hardened"
	}
	switch f {
	case JSON, "":
		return marshal(doc)
	case CLI:
		text, err := json.Marshal(doc)
		if err != nil {
			return nil, err
		}
		return marshal(struct {
			Name                  string `json:"Name"`
			SecurityConfiguration string `json:"SecurityConfiguration"`
		}{name, string(text)})
	case CFN:
		t := newTemplate("EMR security configuration: in-transit and at-rest encryption (S3, local disk, EBS), IMDSv2 only. Generated by emrguard harden secconf.")
		t.addSecConf(name, doc)
		return marshal(t)
	case Terraform:
		tf := newTF()
		tf.addSecConf(name, doc)
		return tf.bytes(), nil
	}
	return nil, unsupported("harden secconf", f, JSON, CLI, CFN, Terraform)
}

// addSecConf adds the configuration named name and its name as an output.
func (t *template) addSecConf(name string, doc *secConfDoc) {
	t.Resources["SecurityConfiguration"] = resource("AWS::EMR::SecurityConfiguration", map[string]any{
		"Name": name, "SecurityConfiguration": doc,
	})
	t.Outputs["SecurityConfigurationName"] = map[string]any{"Value": map[string]any{"Ref": "SecurityConfiguration"}}
}

// addSecConf adds the aws_emr_security_configuration "hardened".
func (tf *tfFile) addSecConf(name string, doc *secConfDoc) {
	tf.add(`resource "aws_emr_security_configuration" "hardened"`,
		(&tfBlock{}).set("name", name).jsonencode("configuration", doc))
	tf.add(`output "security_configuration_name"`, (&tfBlock{}).raw("value", "aws_emr_security_configuration.hardened.name"))
}
