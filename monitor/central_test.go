package monitor_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/source/snapshot"
)

const member = "444455556666"

// centralEstate is a central account (the caller) and a member account
// holding the configuration its launch names.
func centralEstate(memberConf string) *awstest.Server {
	s := awstest.New()
	s.LoadAccounts(&snapshot.Account{ID: estate}, &snapshot.Account{ID: member, Regions: []*snapshot.Region{{Name: "eu-west-1",
		SecurityConfigurations: []*snapshot.SecurityConfiguration{{Name: "member-tls", Document: memberConf}}}}})
	return s
}

// Ensure a central monitor reads a member account's configuration
// through the role it assumes there, once per account while the
// credentials last: a hardened member launch raises nothing, a weak one
// alerts on EMR102 judged from the member's own configuration.
func TestCentralAccountReads(t *testing.T) {
	for _, tc := range []struct {
		doc   string
		alert bool
	}{{hardened, false}, {noTransit, true}} {
		s := centralEstate(tc.doc)
		defer s.Close()
		sink := &recorder{}
		m := newMonitor(t, nil, sink, withAWS(s, "emrguard-read"))
		base := string(eventFile(t, "member-launch.json"))
		for _, id := range []string{"m-1", "m-2"} {
			out, err := m.Handle(context.Background(), "", []byte(strings.ReplaceAll(base, "0b7e1c2a-1111-4d2e-9f3a-000000000009", id)))
			if err != nil || len(out.Diags) != 0 {
				t.Fatalf("%v %v", err, out.Diags)
			}
			if (out.Alert != nil) != tc.alert {
				t.Fatalf("alert %+v, want one: %v", out.Alert, tc.alert)
			}
			if tc.alert && (out.Alert.Resource.Account != member || out.Alert.Findings[0].Control != "EMR102" || out.Alert.Findings[0].Verdict != "fail") {
				t.Errorf("alert %+v", out.Alert)
			}
		}
		for op, want := range map[string]int{"sts.AssumeRole": 1, "sts.GetCallerIdentity": 1, "emr.DescribeSecurityConfiguration": 1} {
			if n := s.Calls(op); n != want {
				t.Errorf("%s: %d calls, want %d", op, n, want)
			}
		}
	}
}

// Ensure a member account whose role cannot be assumed makes the launch
// unknown with the reason (AssumeRole refused, naming the role), and the
// alert says the launch could not be verified; and that without a role
// name a monitor that knows its own account says why it did not look.
func TestCentralAccountDenied(t *testing.T) {
	s := centralEstate(hardened)
	defer s.Close()
	s.DenyAssumeRole("arn:aws:iam::" + member + ":role/emrguard-read")
	sink := &recorder{}
	m := newMonitor(t, nil, sink, withAWS(s, "emrguard-read"))
	out, err := m.Handle(context.Background(), "", eventFile(t, "member-launch.json"))
	if err != nil || out.Alert == nil {
		t.Fatalf("%v %+v", err, out)
	}
	a := out.Alert
	f := a.Findings[0]
	if f.Control != "EMR102" || f.Verdict != "unknown" || !strings.Contains(f.Message, "AssumeRole of arn:aws:iam::444455556666:role/emrguard-read was refused (AccessDenied") {
		t.Errorf("finding %+v", f)
	}
	if !strings.Contains(a.Title, "cannot be verified for EMR102") || a.Resource.ID != "j-2MEMBEREXAMPLE" {
		t.Errorf("title %q", a.Title)
	}
	if len(out.Diags) != 1 || !strings.Contains(out.Diags[0].Msg, "sts AssumeRole arn:aws:iam::444455556666:role/emrguard-read") {
		t.Errorf("diags %v", out.Diags)
	}
	if s.Calls("emr.DescribeSecurityConfiguration") != 0 {
		t.Error("the member's configuration was asked for with the central account's credentials")
	}

	// The typed error, for callers that route on it.
	acc := &monitor.Accounts{Base: s.Config("eu-west-1"), RoleName: "emrguard-read"}
	_, err = acc.Config(context.Background(), member)
	var ae *monitor.AssumeError
	if !errors.As(err, &ae) || ae.Account != member || ae.RoleARN != "arn:aws:iam::444455556666:role/emrguard-read" {
		t.Errorf("err %v", err)
	}

	// No role to assume: the monitor reads its own account only.
	own := &monitor.Accounts{Base: s.Config("eu-west-1"), Own: estate}
	_, err = own.Config(context.Background(), member)
	if err == nil || !strings.Contains(err.Error(), "no --assume-role-name") {
		t.Errorf("err %v", err)
	}
	if cfg, err := own.Config(context.Background(), estate); err != nil || cfg.Credentials == nil {
		t.Errorf("own account: %v", err)
	}
}

// Ensure concurrent events of one member account assume its role once,
// and a refusal is remembered for NegativeTTL, then asked again.
func TestAssumeRoleOncePerAccount(t *testing.T) {
	s := centralEstate(hardened)
	defer s.Close()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	acc := &monitor.Accounts{Base: s.Config("eu-west-1"), Own: estate, RoleName: "emrguard-read", Now: func() time.Time { return now }}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := acc.Config(context.Background(), member); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := s.Calls("sts.AssumeRole"); n != 1 {
		t.Errorf("%d AssumeRole calls for 16 concurrent events, want 1", n)
	}

	s.DenyAssumeRole("arn:aws:iam::" + member + ":role/locked")
	locked := &monitor.Accounts{Base: s.Config("eu-west-1"), Own: estate, RoleName: "locked", Now: func() time.Time { return now }}
	for _, step := range []struct {
		advance time.Duration
		calls   int
	}{{0, 2}, {30 * time.Second, 2}, {2 * time.Minute, 3}} {
		now = now.Add(step.advance)
		if _, err := locked.Config(context.Background(), member); err == nil {
			t.Fatal("locked role assumed")
		}
		if n := s.Calls("sts.AssumeRole"); n != step.calls {
			t.Errorf("after %s: %d AssumeRole calls, want %d", step.advance, n, step.calls)
		}
	}
}

// Ensure the Lambda front door logs why a member account could not be
// read, so the reason is in the function's logs as well as the alert.
func TestLambdaLogsRefusedAccount(t *testing.T) {
	s := centralEstate(hardened)
	defer s.Close()
	s.DenyAssumeRole("arn:aws:iam::" + member + ":role/emrguard-read")
	var logs bytes.Buffer
	m := newMonitor(t, nil, &recorder{}, withAWS(s, "emrguard-read"), func(c *monitor.Config) { c.Log = slog.New(slog.NewJSONHandler(&logs, nil)) })
	if _, err := lambda.NewHandler(m.Lambda()).Invoke(lambdaCtx(), eventFile(t, "member-launch.json")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `"account":"444455556666"`) || !strings.Contains(logs.String(), "sts AssumeRole arn:aws:iam::444455556666:role/emrguard-read") {
		t.Errorf("logs %s", logs.String())
	}
}
