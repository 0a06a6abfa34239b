package harden_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/harden"
)

func envSpec() harden.EnvSpec {
	return harden.EnvSpec{Prefix: "etl", Account: "210987654321", Region: "eu-west-1", CIDR: "10.20.0.0/16",
		CertS3: "s3://acme-emr-artifacts/tls/emr-certs.zip"}
}

// envControls are the controls the environment must pass in both forms;
// the Terraform form adds block public access (EMR201, EMR202).
var envControls = []string{"EMR101", "EMR102", "EMR103", "EMR104", "EMR105", "EMR106", "EMR107", "EMR108", "EMR111",
	"EMR203", "EMR204", "EMR205", "EMR301", "EMR303", "EMR401", "EMR402", "EMR403", "EMR501", "EMR602", "EMR703", "EMR704", "EMR801", "EMR802"}

// TestEnvironmentRoundTrip: both forms scan with no input error and
// every result passing (the controls above among them: the scan saw the
// cluster, its subnet's routes, the endpoint, the groups, the roles and
// the log bucket); the template passes cfn-lint; no placeholder of the
// keys is left; the nodes may use Session Manager; the keys wait for
// the roles their policies name.
func TestEnvironmentRoundTrip(t *testing.T) {
	cfn, err := harden.Environment(envSpec(), harden.CFN)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := harden.Environment(envSpec(), harden.Terraform)
	if err != nil {
		t.Fatal(err)
	}
	cfnLint(t, "environment.json", cfn)
	requirePass(t, scanFiles(t, map[string][]byte{"environment.template.json": cfn}), envControls...)
	requirePass(t, scanFiles(t, map[string][]byte{"main.tf": tf}), append(envControls, "EMR201", "EMR202")...)
	for name, out := range map[string][]byte{"cfn": cfn, "terraform": tf} {
		if strings.Contains(string(out), "00000000-0000-4000-8000") {
			t.Errorf("%s: a key placeholder is left", name)
		}
		for _, want := range []string{"ssmmessages:OpenDataChannel", "10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18", "emr-7.", ":role/etl-ec2-role"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("%s: no %q", name, want)
			}
		}
		if strings.Contains(string(out), "KeyName") || strings.Contains(string(out), "key_name") {
			t.Errorf("%s: an SSH key pair", name)
		}
	}
	if !strings.Contains(string(tf), "depends_on = [aws_iam_role.service, aws_iam_role.instance]") ||
		!strings.Contains(string(tf), "security_configuration    = aws_emr_security_configuration.hardened.name") {
		t.Errorf("terraform: the keys do not wait for the roles, or the cluster names no configuration")
	}

	var tmpl struct {
		Description string
		Resources   map[string]struct {
			Type       string
			DependsOn  any
			Properties map[string]any
		}
	}
	if err := json.Unmarshal(cfn, &tmpl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tmpl.Description, "put-block-public-access-configuration") {
		t.Errorf("the template does not say how to turn block public access on: %s", tmpl.Description)
	}
	key := tmpl.Resources["EMRFSKey"]
	if key.Type != "AWS::KMS::Key" || len(key.DependsOn.([]any)) != 2 {
		t.Errorf("EMRFSKey: %+v", key)
	}
	// The security configuration names the template's keys.
	sc, _ := json.Marshal(tmpl.Resources["SecurityConfiguration"].Properties)
	for _, want := range []string{`{"Fn::GetAtt":["EMRFSKey","Arn"]}`, `{"Fn::GetAtt":["LocalDiskKey","Arn"]}`} {
		if !strings.Contains(string(sc), want) {
			t.Errorf("security configuration: no %s in %s", want, sc)
		}
	}
	// Role policies stand apart from the roles: the keys name the roles,
	// the policies name the keys.
	if tmpl.Resources["InstanceRolePolicy"].Type != "AWS::IAM::Policy" || tmpl.Resources["InstanceRole"].Properties["Policies"] != nil {
		t.Errorf("instance role policy: %+v", tmpl.Resources["InstanceRolePolicy"])
	}
}

// TestEnvironmentBadInput: each malformed flag is an error naming it.
func TestEnvironmentBadInput(t *testing.T) {
	for flag, mut := range map[string]func(*harden.EnvSpec){
		"--account":       func(s *harden.EnvSpec) { s.Account = "2109876" },
		"--region":        func(s *harden.EnvSpec) { s.Region = "europe" },
		"--cidr":          func(s *harden.EnvSpec) { s.CIDR = "10.20.0.1/16" },
		"--cert-s3":       func(s *harden.EnvSpec) { s.CertS3 = "https://acme/emr-certs.zip" },
		"certificates":    func(s *harden.EnvSpec) { s.CertS3 = "" },
		"--bucket-prefix": func(s *harden.EnvSpec) { s.BucketPrefix = "Acme_Data" },
		"--release":       func(s *harden.EnvSpec) { s.Release = "seven" },
		"--instance-type": func(s *harden.EnvSpec) { s.InstanceType = "big" },
	} {
		s := envSpec()
		mut(&s)
		if _, err := harden.Environment(s, harden.CFN); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("%s: error %v", flag, err)
		}
	}
	// A custom provider: the nodes may read its JAR.
	s := envSpec()
	s.CertS3, s.CertJAR, s.CertClass = "", "s3://acme-emr-artifacts/tls/provider.jar", "com.acme.TLS"
	if out, err := harden.Environment(s, harden.CFN); err != nil || !strings.Contains(string(out), "arn:aws:s3:::acme-emr-artifacts/tls/provider.jar") {
		t.Errorf("custom provider: %v", err)
	}
	if _, err := harden.Environment(envSpec(), harden.JSON); err == nil {
		t.Error("--as json: no error")
	}
}
