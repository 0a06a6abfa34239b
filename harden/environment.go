package harden

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/release"
)

// EnvSpec is what `emrguard harden environment` is asked for: the
// walkthrough's environment with SSM Session Manager in place of the SSH
// bastion.
type EnvSpec struct {
	Prefix       string // names of roles, keys, groups and the cluster (default emr)
	Account      string // the AWS account ID (role ARNs in the key policies)
	Region       string
	CIDR         string // the VPC's range (default 10.0.0.0/16); subnets are its quarters
	BucketPrefix string // bucket names: PREFIX-emr-logs, PREFIX-access-logs, PREFIX-data (default PREFIX-ACCOUNT-REGION)
	DataBuckets  []string
	// In-transit certificates, as SecConfSpec.
	CertS3, CertJAR, CertClass string
	S3Mode                     string
	Release                    string // default: the newest release the table knows
	InstanceType               string // default m7g.xlarge
}

// env is a validated EnvSpec with its derived names.
type env struct {
	EnvSpec
	partition                          string
	subnets                            [3]string // private A, private B, public
	logBucket, accessBucket, ownBucket string    // ownBucket: "" when data buckets are given
	keys                               []key
	roles                              []*role
	secconf                            *secConfDoc
	secName                            string
}

// Placeholders stand for the ARNs of the keys the environment creates
// while the shared generators build the documents that name them; they
// are valid key ARNs (the generators check them) and are replaced by
// references to the keys before anything is written.
const (
	emrfsPlaceholder = "00000000-0000-4000-8000-00000000e001"
	diskPlaceholder  = "00000000-0000-4000-8000-00000000e002"
)

func (e *env) keyARN(id string) string {
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", e.partition, e.Region, e.Account, id)
}

// newestRelease is the newest release of the table's series that still
// receive fixes (EMR801, EMR802 pass on it).
func newestRelease() string {
	var best release.Label
	label := ""
	for _, s := range release.Default().Series {
		l, err := release.Parse(s.Newest)
		// The numbered series only (emr-7.x): the example cluster runs
		// Hadoop and Spark, which other lines may not offer.
		if _, num := strconv.Atoi(s.Series); err != nil || num != nil || !s.ReceivesFixes {
			continue
		}
		if label == "" || release.Compare(best, l) < 0 {
			best, label = l, s.Newest
		}
	}
	return label
}

func (s EnvSpec) build() (*env, error) {
	e := &env{EnvSpec: s}
	if e.Prefix == "" {
		e.Prefix = "emr"
	}
	if err := checkName("--prefix", e.Prefix); err != nil {
		return nil, err
	}
	if !accountRe.MatchString(e.Account) {
		return nil, fmt.Errorf("--account: %q is not a 12-digit AWS account ID", e.Account)
	}
	if err := checkRegion("--region", e.Region); err != nil {
		return nil, err
	}
	e.partition = model.PartitionOf(e.Region)
	if e.CIDR == "" {
		e.CIDR = "10.0.0.0/16"
	}
	pfx, err := netip.ParsePrefix(e.CIDR)
	if err != nil || !pfx.Addr().Is4() || pfx.Bits() < 16 || pfx.Bits() > 24 || pfx.Masked() != pfx {
		return nil, fmt.Errorf("--cidr: %q is not an IPv4 network from /16 to /24 (e.g. 10.0.0.0/16)", e.CIDR)
	}
	// Quarters of the VPC: two private subnets, then the public one (the
	// NAT gateway's); the fourth is left for growth.
	step := uint32(1) << (32 - pfx.Bits() - 2)
	base := pfx.Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	for i := range e.subnets {
		v := n + uint32(i)*step
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		e.subnets[i] = netip.PrefixFrom(a, pfx.Bits()+2).String()
	}
	if e.BucketPrefix == "" {
		e.BucketPrefix = strings.ToLower(e.Prefix) + "-" + e.Account + "-" + e.Region
	}
	e.logBucket, e.accessBucket = e.BucketPrefix+"-emr-logs", e.BucketPrefix+"-access-logs"
	if len(e.DataBuckets) == 0 {
		e.ownBucket = e.BucketPrefix + "-data"
		e.DataBuckets = []string{e.ownBucket}
	}
	for _, b := range []string{e.logBucket, e.accessBucket} {
		if err := checkBucket("--bucket-prefix", b); err != nil {
			return nil, err
		}
	}
	if e.Release == "" {
		e.Release = newestRelease()
	}
	if _, err := release.Parse(e.Release); err != nil {
		return nil, fmt.Errorf("--release: %w", err)
	}
	if e.InstanceType == "" {
		e.InstanceType = "m7g.xlarge"
	}
	if !instanceTypeRe.MatchString(e.InstanceType) {
		return nil, fmt.Errorf("--instance-type: %q is not an EC2 instance type", e.InstanceType)
	}

	// The shared generators, on the placeholders of the keys to come.
	emrfs, disk := e.keyARN(emrfsPlaceholder), e.keyARN(diskPlaceholder)
	e.secName = e.Prefix + "-hardened"
	sc := SecConfSpec{Name: e.secName, CertS3: e.CertS3, CertJAR: e.CertJAR, CertClass: e.CertClass,
		S3Mode: e.S3Mode, S3Key: emrfs, LocalDiskKey: disk}
	if e.secconf, err = sc.document(); err != nil {
		return nil, err
	}
	is := IAMSpec{Prefix: e.Prefix, Partition: e.partition, Account: e.Account, Region: e.Region,
		Buckets: e.DataBuckets, LogBucket: e.logBucket, KMSKeys: []string{emrfs, disk},
		CertObject: e.CertS3 + e.CertJAR, SessionManager: true, For: "cluster"}
	if e.roles, err = is.roles(); err != nil {
		return nil, err
	}
	ks := KeysSpec{Prefix: e.Prefix,
		InstanceRole: fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition, e.Account, e.roles[1].RoleName),
		ServiceRole:  fmt.Sprintf("arn:%s:iam::%s:role/%s", e.partition, e.Account, e.roles[0].RoleName)}
	if e.keys, err = ks.keys(); err != nil {
		return nil, err
	}
	return e, nil
}

var instanceTypeRe = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)

// managedTags is the tag AmazonEMRServicePolicy_v2 requires on the
// subnets, security groups and clusters EMR acts on.
func managedTags() []any {
	return []any{map[string]any{"Key": ManagedTag, "Value": "true"}}
}

// bpaNote says what CloudFormation cannot hold.
const bpaNote = "EMR block public access has no CloudFormation resource: turn it on once per region with `aws emr put-block-public-access-configuration --block-public-access-configuration '{\"BlockPublicSecurityGroupRules\":true}'` (emrguard judges it, EMR201/EMR202, from Terraform or the live account, not from a template)."

// Environment renders the walkthrough's environment as one CloudFormation
// template (cfn) or one Terraform root module (terraform): a VPC with two
// private subnets in two zones and a public one holding a NAT gateway, an
// S3 gateway endpoint, KMS-encrypted buckets that refuse plain HTTP (the
// cluster logs' with server access logging), the two keys of Keys, the
// roles of IAM (with Session Manager for the nodes), the security
// configuration of SecConf and a cluster in a private subnet using them.
// The Terraform module also turns EMR block public access on.
func Environment(s EnvSpec, f Format) ([]byte, error) {
	e, err := s.build()
	if err != nil {
		return nil, err
	}
	switch f {
	case CFN, "":
		return e.cfn()
	case Terraform:
		return e.terraform(), nil
	}
	return nil, unsupported("harden environment", f, CFN, Terraform)
}

// EnvironmentNote is what a user of the form f should know that the
// output cannot do for them ("" when nothing).
func EnvironmentNote(f Format) string {
	if f == CFN || f == "" {
		return bpaNote
	}
	return ""
}

// substitute replaces every string of v equal to a key of refs by its
// value, in a JSON-shaped copy of v.
func substitute(v any, refs map[string]any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return nil, err
	}
	var walk func(x any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case string:
			if r, ok := refs[x]; ok {
				return r
			}
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return x
	}
	return walk(x), nil
}
