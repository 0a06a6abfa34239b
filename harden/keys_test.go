package harden_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/harden"
)

func keysSpec() harden.KeysSpec {
	return harden.KeysSpec{
		Prefix:       "etl",
		InstanceRole: "arn:aws:iam::210987654321:role/etl-ec2-role",
		ServiceRole:  "arn:aws:iam::210987654321:role/etl-service-role",
	}
}

// TestKeysRoundTrip: the template passes cfn-lint, both forms scan with
// no input error and no failing or unknown result, and each key has
// rotation on and lets exactly the two roles use it.
func TestKeysRoundTrip(t *testing.T) {
	cfn, err := harden.Keys(keysSpec(), harden.CFN)
	if err != nil {
		t.Fatal(err)
	}
	cfnLint(t, "keys.json", cfn)
	tf, err := harden.Keys(keysSpec(), harden.Terraform)
	if err != nil {
		t.Fatal(err)
	}
	// No control reads KMS keys from infrastructure code (EMR110 is live):
	// the scan must read both forms without an input error, and nothing
	// may fail or be unknown.
	requirePass(t, scanFiles(t, map[string][]byte{"keys.template.json": cfn}))
	requirePass(t, scanFiles(t, map[string][]byte{"keys.tf": tf}))
	if !strings.Contains(string(tf), "enable_key_rotation = true") || strings.Count(string(tf), `resource "aws_kms_key"`) != 2 {
		t.Errorf("terraform:\n%s", tf)
	}

	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				EnableKeyRotation bool
				KeyPolicy         struct {
					Statement []struct {
						Sid       string
						Principal struct{ AWS any }
						Action    []string
					}
				}
			}
		}
	}
	if err := json.Unmarshal(cfn, &tmpl); err != nil {
		t.Fatal(err)
	}
	keys := 0
	for id, r := range tmpl.Resources {
		if r.Type != "AWS::KMS::Key" {
			continue
		}
		keys++
		if !r.Properties.EnableKeyRotation {
			t.Errorf("%s: rotation off", id)
		}
		for _, s := range r.Properties.KeyPolicy.Statement {
			var got []string
			switch p := s.Principal.AWS.(type) {
			case string:
				got = []string{p}
			case []any:
				for _, x := range p {
					got = append(got, x.(string))
				}
			}
			sort.Strings(got)
			uses := false
			for _, a := range s.Action {
				uses = uses || a == "kms:Decrypt" || a == "kms:CreateGrant" || a == "kms:*"
			}
			if uses && strings.Join(got, ",") != "arn:aws:iam::210987654321:role/etl-ec2-role,arn:aws:iam::210987654321:role/etl-service-role" {
				t.Errorf("%s %s: used by %v", id, s.Sid, got)
			}
			if !uses && strings.Join(got, ",") != "arn:aws:iam::210987654321:root" {
				t.Errorf("%s %s: administered by %v", id, s.Sid, got)
			}
		}
	}
	if keys != 2 {
		t.Errorf("%d keys, want 2", keys)
	}
}

func TestKeysBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*harden.KeysSpec)
		want string
	}{
		{"not a role", func(s *harden.KeysSpec) { s.InstanceRole = "arn:aws:iam::210987654321:instance-profile/etl" }, "--instance-role"},
		{"user not role", func(s *harden.KeysSpec) { s.ServiceRole = "arn:aws:iam::210987654321:user/bob" }, "--service-role"},
		{"accounts differ", func(s *harden.KeysSpec) { s.ServiceRole = "arn:aws:iam::123456789012:role/etl-service-role" }, "different accounts"},
		{"same role", func(s *harden.KeysSpec) { s.ServiceRole = s.InstanceRole }, "same role"},
		{"bad admin", func(s *harden.KeysSpec) { s.Admin = "root" }, "--admin"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := keysSpec()
			c.edit(&s)
			_, err := harden.Keys(s, harden.CFN)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := harden.Keys(keysSpec(), harden.JSON); err == nil {
		t.Error("--as json accepted")
	}
}
