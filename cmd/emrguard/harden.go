package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emrguard/emrguard/harden"
)

const hardenUsage = `Usage: emrguard harden secconf|certs|keys|iam|environment|fix [flags]

Generates what the "Secure Amazon EMR with Encryption" walkthrough builds by hand;
everything it writes passes emrguard's own scan.

  secconf  a security configuration: in-transit (PEM zip or custom provider),
           at rest (S3 SSE-KMS/CSE-KMS, local disk and EBS with KMS), IMDSv2, hop limit 1
  certs    the PEM zip in-transit encryption reads, signed by your CA or a new private one
  keys     the two KMS keys (EMRFS data, local disk) for the EMR roles only, rotation on
  iam      least-privilege EMR service role, EC2 instance profile, EMR on EKS job role
  environment
           all of the above in one CloudFormation template or Terraform module: VPC with
           private subnets, NAT gateway, S3 endpoint, log buckets, and a private cluster
           reached through SSM Session Manager instead of an SSH bastion
  fix      the patch (a unified diff) of the mechanical fixes of a scan's failing results in
           CloudFormation and Terraform files; --write applies it; the rest is listed with why

Run 'emrguard harden COMMAND -h' for its flags.
`

func runHarden(e env, args []string) (int, error) {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, hardenUsage)
		return 0, usagef("harden needs a command: secconf, certs, keys, iam, environment or fix")
	}
	switch args[0] {
	case "secconf":
		return hardenSecConf(e, args[1:])
	case "certs":
		return hardenCerts(e, args[1:])
	case "keys":
		return hardenKeys(e, args[1:])
	case "iam":
		return hardenIAM(e, args[1:])
	case "environment":
		return hardenEnvironment(e, args[1:])
	case "fix":
		return hardenFix(e, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, hardenUsage)
		return exitOK, nil
	}
	return 0, usagef("harden: unknown command %q (secconf, certs, keys, iam, environment or fix)", args[0])
}

// multi is a repeatable flag.
type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }

func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// outFlags are the output flags every harden command shares.
type outFlags struct {
	as, out *string
	force   *bool
}

func (o *outFlags) register(fs *flag.FlagSet, def string, forms ...harden.Format) {
	var names []string
	for _, f := range forms {
		names = append(names, string(f))
	}
	o.as = fs.String("as", def, "output `FORM`: "+strings.Join(names, ", "))
	o.out = fs.String("out", "", "write to `FILE` instead of standard output")
	o.force = fs.Bool("force", false, "replace an existing --out file")
}

// emit writes what a generator made to --out (all or nothing, never over
// an existing file without --force) or standard output.
func (o *outFlags) emit(e env, cmd string, data []byte) (int, error) {
	if *o.out == "" || *o.out == "-" {
		_, err := e.stdout.Write(data)
		return exitOK, err
	}
	if err := harden.WriteFiles([]harden.File{{Path: *o.out, Data: data, Perm: 0o644}}, *o.force); err != nil {
		return 0, fmt.Errorf("%s: %w", cmd, err)
	}
	fmt.Fprintf(e.stderr, "wrote %s\n", *o.out)
	return exitOK, nil
}

func newHardenFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("emrguard harden "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard harden %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// encryptionFlags are the in-transit certificate and S3 mode flags of
// secconf and environment.
func encryptionFlags(fs *flag.FlagSet, certS3, certJAR, certClass, s3Mode *string) {
	fs.StringVar(certS3, "cert-s3", "", "in-transit: the PEM zip at s3://BUCKET/KEY.zip (see 'emrguard harden certs')")
	fs.StringVar(certJAR, "cert-jar", "", "in-transit: a custom certificate provider's JAR at s3://BUCKET/KEY.jar")
	fs.StringVar(certClass, "cert-class", "", "in-transit: the custom provider's Java `CLASS`")
	fs.StringVar(s3Mode, "s3-mode", "SSE-KMS", "S3 (EMRFS) encryption `MODE`: SSE-KMS or CSE-KMS")
}

func noArgs(cmd string, pos []string) error {
	if len(pos) > 0 {
		return usagef("harden %s takes no arguments (got %q)", cmd, pos[0])
	}
	return nil
}

func hardenSecConf(e env, args []string) (int, error) {
	fs := newHardenFlags(e, "secconf", "secconf (--cert-s3 URI | --cert-jar URI --cert-class CLASS) --s3-key ARN --local-disk-key ARN [flags]")
	var s harden.SecConfSpec
	var overrides multi
	fs.StringVar(&s.Name, "name", "emrguard-hardened", "the security configuration's `NAME`")
	encryptionFlags(fs, &s.CertS3, &s.CertJAR, &s.CertClass, &s.S3Mode)
	fs.StringVar(&s.S3Key, "s3-key", "", "KMS key `ARN` of EMRFS data in S3")
	fs.StringVar(&s.LocalDiskKey, "local-disk-key", "", "KMS key `ARN` of local disks and EBS volumes")
	fs.Var(&overrides, "s3-override", "a per-bucket S3 mode, `BUCKET=MODE=KEY_ARN` (repeatable; SSE-KMS or CSE-KMS)")
	var o outFlags
	o.register(fs, "json", harden.JSON, harden.CLI, harden.CFN, harden.Terraform)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if err := noArgs("secconf", pos); err != nil {
		return 0, err
	}
	s.Overrides = overrides
	data, err := harden.SecConf(s, harden.Format(*o.as))
	if err != nil {
		return 0, fmt.Errorf("harden secconf: %w", err)
	}
	return o.emit(e, "harden secconf", data)
}

func hardenKeys(e env, args []string) (int, error) {
	fs := newHardenFlags(e, "keys", "keys --instance-role ARN --service-role ARN [flags]")
	var s harden.KeysSpec
	fs.StringVar(&s.Prefix, "prefix", "emr", "alias `PREFIX`: alias/PREFIX-s3, alias/PREFIX-local-disk")
	fs.StringVar(&s.InstanceRole, "instance-role", "", "`ARN` of the role of the clusters' EC2 instance profile")
	fs.StringVar(&s.ServiceRole, "service-role", "", "`ARN` of the EMR service role")
	fs.StringVar(&s.Admin, "admin", "", "role `ARN` that administers the keys (default: the account root)")
	var o outFlags
	o.register(fs, "cfn", harden.CFN, harden.Terraform)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if err := noArgs("keys", pos); err != nil {
		return 0, err
	}
	data, err := harden.Keys(s, harden.Format(*o.as))
	if err != nil {
		return 0, fmt.Errorf("harden keys: %w", err)
	}
	return o.emit(e, "harden keys", data)
}

func hardenIAM(e env, args []string) (int, error) {
	fs := newHardenFlags(e, "iam", "iam --account ID --region REGION --bucket NAME... [flags]")
	var s harden.IAMSpec
	var buckets, keys multi
	fs.StringVar(&s.Prefix, "prefix", "emr", "role name `PREFIX`: PREFIX-service-role, PREFIX-ec2-role, PREFIX-job-role")
	fs.StringVar(&s.Partition, "partition", "aws", "AWS `PARTITION`: aws, aws-cn, aws-us-gov")
	fs.StringVar(&s.Account, "account", "", "the AWS account `ID` (default: the OIDC provider's)")
	fs.StringVar(&s.Region, "region", "", "the clusters' `REGION` (default: the OIDC provider's)")
	fs.Var(&buckets, "bucket", "a data bucket `NAME` the roles read and write (repeatable)")
	fs.StringVar(&s.LogBucket, "log-bucket", "", "the bucket `NAME` of the clusters' LogUri")
	fs.Var(&keys, "kms-key", "a KMS key `ARN` the roles use (repeatable)")
	fs.StringVar(&s.OIDCProvider, "eks-oidc-provider", "", "EMR on EKS: the EKS cluster's IAM OIDC provider `ARN`")
	fs.StringVar(&s.Namespace, "eks-namespace", "", "EMR on EKS: the virtual cluster's `NAMESPACE`")
	fs.StringVar(&s.JobRoleName, "job-role-name", "", "EMR on EKS: the job execution role's `NAME` (default PREFIX-job-role)")
	fs.StringVar(&s.LogGroup, "log-group", "", "EMR on EKS: the CloudWatch log `GROUP` jobs write to")
	fs.BoolVar(&s.SessionManager, "session-manager", false, "let the nodes register with SSM Session Manager (reach the primary node without SSH)")
	fs.StringVar(&s.For, "for", "", "which roles: cluster, eks or both (default: both with --eks-oidc-provider, else cluster)")
	var o outFlags
	o.register(fs, "json", harden.JSON, harden.CFN, harden.Terraform)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if err := noArgs("iam", pos); err != nil {
		return 0, err
	}
	s.Buckets, s.KMSKeys = buckets, keys
	data, err := harden.IAM(s, harden.Format(*o.as))
	if err != nil {
		return 0, fmt.Errorf("harden iam: %w", err)
	}
	code, err := o.emit(e, "harden iam", data)
	if err == nil && s.For != "eks" {
		fmt.Fprintf(e.stderr, "note: AmazonEMRServicePolicy_v2 acts only on resources tagged %s=true: tag the clusters' subnets and security groups, and launch clusters with that tag\n", harden.ManagedTag)
	}
	return code, err
}

func hardenEnvironment(e env, args []string) (int, error) {
	fs := newHardenFlags(e, "environment", "environment --account ID --region REGION (--cert-s3 URI | --cert-jar URI --cert-class CLASS) [flags]")
	var s harden.EnvSpec
	var buckets multi
	fs.StringVar(&s.Prefix, "prefix", "emr", "`PREFIX` of the names of roles, keys, groups and the cluster")
	fs.StringVar(&s.Account, "account", "", "the AWS account `ID` (the key policies name its roles)")
	fs.StringVar(&s.Region, "region", "", "the `REGION` of the environment")
	fs.StringVar(&s.CIDR, "cidr", "10.0.0.0/16", "the VPC's IPv4 `RANGE` (/16 to /24); the subnets are its first three quarters")
	fs.StringVar(&s.BucketPrefix, "bucket-prefix", "", "`PREFIX` of the bucket names PREFIX-emr-logs, PREFIX-access-logs, PREFIX-data (default PREFIX-ACCOUNT-REGION)")
	fs.Var(&buckets, "data-bucket", "an existing data bucket `NAME` the cluster reads and writes (repeatable; default: a new PREFIX-data bucket)")
	encryptionFlags(fs, &s.CertS3, &s.CertJAR, &s.CertClass, &s.S3Mode)
	fs.StringVar(&s.Release, "release", "", "the example cluster's `LABEL` (default: the newest emr-N release emrguard knows)")
	fs.StringVar(&s.InstanceType, "instance-type", "m7g.xlarge", "the example cluster's instance `TYPE`")
	var o outFlags
	o.register(fs, "cfn", harden.CFN, harden.Terraform)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if err := noArgs("environment", pos); err != nil {
		return 0, err
	}
	s.DataBuckets = buckets
	data, err := harden.Environment(s, harden.Format(*o.as))
	if err != nil {
		return 0, fmt.Errorf("harden environment: %w", err)
	}
	code, err := o.emit(e, "harden environment", data)
	if note := harden.EnvironmentNote(harden.Format(*o.as)); err == nil && note != "" {
		fmt.Fprintf(e.stderr, "note: %s\n", note)
	}
	return code, err
}

func hardenCerts(e env, args []string) (int, error) {
	fs := newHardenFlags(e, "certs", "certs --region REGION [--ca-cert FILE --ca-key FILE] [flags]")
	var s harden.CertSpec
	var domains multi
	fs.StringVar(&s.Region, "region", "", "the clusters' `REGION`: the certificate covers its private DNS names")
	fs.Var(&domains, "domain", "a custom DNS `DOMAIN` of the VPC, covered as *.DOMAIN (repeatable)")
	validity := fs.String("validity", "365d", "how long the node certificate is valid: `DURATION` in days (365d) or Go form (8760h)")
	fs.BoolVar(&s.ECDSA, "ecdsa", false, "P-256 ECDSA keys instead of RSA")
	fs.IntVar(&s.RSABits, "rsa-bits", 2048, "RSA key size in `BITS` (2048 or more)")
	caCert := fs.String("ca-cert", "", "PEM `FILE` of the CA that signs (default: make a new private CA)")
	caKey := fs.String("ca-key", "", "PEM `FILE` of that CA's private key")
	out := fs.String("out", "emr-certs.zip", "the zip to write (privateKey.pem, certificateChain.pem, trustedCertificates.pem)")
	caOut := fs.String("ca-cert-out", "", "where a new CA's certificate goes (default: emr-ca.pem beside --out)")
	caKeyOut := fs.String("ca-key-out", "", "where a new CA's key goes, mode 0600 (default: emr-ca-key.pem beside --out)")
	force := fs.Bool("force", false, "replace existing output files")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if err := noArgs("certs", pos); err != nil {
		return 0, err
	}
	if s.Validity, err = parseValidity(*validity); err != nil {
		return 0, usagef("harden certs: --validity: %v", err)
	}
	s.Domains = domains
	for _, f := range []struct {
		path string
		dst  *[]byte
	}{{*caCert, &s.CACert}, {*caKey, &s.CAKey}} {
		if f.path == "" {
			continue
		}
		if *f.dst, err = readInput(f.path, 1<<20); err != nil { // PEM: kilobytes
			return 0, fmt.Errorf("harden certs: %w", err)
		}
	}
	b, err := harden.Certs(s)
	if err != nil {
		return 0, fmt.Errorf("harden certs: %w", err)
	}
	// The zip holds the node's private key: 0600, like the CA's key.
	files := []harden.File{{Path: *out, Data: b.Zip, Perm: 0o600}}
	if b.CAKey != nil {
		dir := filepath.Dir(*out)
		if *caOut == "" {
			*caOut = filepath.Join(dir, "emr-ca.pem")
		}
		if *caKeyOut == "" {
			*caKeyOut = filepath.Join(dir, "emr-ca-key.pem")
		}
		files = append(files, harden.File{Path: *caOut, Data: b.CACert, Perm: 0o644}, harden.File{Path: *caKeyOut, Data: b.CAKey, Perm: 0o600})
	}
	if err := harden.WriteFiles(files, *force); err != nil {
		return 0, fmt.Errorf("harden certs: %w", err)
	}
	fmt.Fprintf(e.stdout, "node certificate: %s, names %s, valid until %s, issued by %s\n",
		b.Leaf.Subject.CommonName, strings.Join(b.Leaf.DNSNames, " "), b.Leaf.NotAfter.UTC().Format(time.DateOnly), b.Leaf.Issuer.CommonName)
	for _, f := range files {
		fmt.Fprintf(e.stdout, "wrote %s (%04o)\n", f.Path, f.Perm)
	}
	fmt.Fprintf(e.stdout, "upload: aws s3 cp %s s3://BUCKET/KEY.zip, then emrguard harden secconf --cert-s3 s3://BUCKET/KEY.zip ...\n", *out)
	for _, w := range b.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	return exitOK, nil
}

// parseValidity reads "365d" or a Go duration.
func parseValidity(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 || n > 100*365 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a duration (365d, 8760h)", s)
	}
	return v, nil
}
