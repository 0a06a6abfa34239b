package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Ensure --assume-role-name makes the monitor read a member account's
// configuration through the role assumed there: a member launch naming a
// weak configuration alerts on EMR102 as failing (not unknown), and a
// refused role makes the alert say the launch cannot be verified.
func TestMonitorAssumeRoleName(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.LoadAccounts(&snapshot.Account{ID: "111122223333"}, &snapshot.Account{ID: "444455556666", Regions: []*snapshot.Region{{Name: "eu-west-1",
		SecurityConfigurations: []*snapshot.SecurityConfiguration{{Name: "member-tls", Document: `{"EncryptionConfiguration":{"EnableInTransitEncryption":false,"EnableAtRestEncryption":false}}`}}}}})
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	file := "../../monitor/testdata/events/member-launch.json"
	for _, tc := range []struct {
		role, verdict, title string
	}{{"emrguard-read", "fail", "fails EMR102"}, {"locked", "unknown", "cannot be verified for EMR102"}} {
		s.DenyAssumeRole("arn:aws:iam::444455556666:role/locked")
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"monitor", "--events", file, "--endpoint-url", s.URL, "--assume-role-name", tc.role,
			"--notify", "stdout", "--format", "json", "--output", t.TempDir() + "/report.json"}, nil, &stdout, &stderr)
		var a struct {
			Title    string
			Resource struct{ Account string }
			Findings []struct{ Control, Verdict, Message string }
		}
		line, _, _ := strings.Cut(stdout.String(), "\n")
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("%s: exit %d, stdout %q, stderr %s", tc.role, code, stdout.String(), stderr.String())
		}
		if a.Resource.Account != "444455556666" || a.Findings[0].Control != "EMR102" || a.Findings[0].Verdict != tc.verdict || !strings.Contains(a.Title, tc.title) {
			t.Errorf("%s: alert %+v", tc.role, a)
		}
	}
	if n := s.Calls("sts.AssumeRole"); n != 2 {
		t.Errorf("%d AssumeRole calls, want one per run", n)
	}
}

// Ensure replaying the folder of event files (one per event type the
// monitor judges) against an account alerts exactly on the changes its
// evidence condemns or cannot verify.
func TestMonitorReplayEveryEvent(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	if err := s.LoadFile("../../monitor/testdata/events-estate.json"); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "eu-west-1",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"monitor", "--events", "../../monitor/testdata/events", "--endpoint-url", s.URL,
		"--notify", "stdout", "--format", "json", "--output", t.TempDir() + "/report.json"}, nil, &stdout, &stderr)
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var a struct {
			Event    struct{ Name string }
			Findings []struct {
				Control, Verdict string
				Alerting         bool
			}
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("%q: %v; stderr %s", line, err, stderr.String())
		}
		var alerting []string
		for _, f := range a.Findings {
			if f.Alerting {
				alerting = append(alerting, f.Control+":"+f.Verdict)
			}
		}
		got = append(got, a.Event.Name+" "+strings.Join(alerting, ","))
	}
	slices.Sort(got)
	want := []string{
		"CreateManagedEndpoint EKS201:fail,EKS202:fail",
		"DeleteSecurityConfiguration DeleteSecurityConfiguration:fail",
		"PutBlockPublicAccessConfiguration EMR201:fail",
		"PutBlockPublicAccessConfiguration EMR202:fail",
		// The member's configuration is looked for in this account
		// (no --assume-role-name): it does not exist here.
		"RunJobFlow EMR102:unknown",
		"StartJobRun EKS101:fail,EKS102:fail",
	}
	if !slices.Equal(got, want) {
		t.Errorf("alerts\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
