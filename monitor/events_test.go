package monitor_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
)

const estate = "111122223333"

// eventsAWS serves the account the replayed event files act in
// (testdata/events-estate.json): execution roles emr-eks-wide (s3:* on *,
// trusting any service account) and emr-eks-scoped, the endpoint the
// CreateManagedEndpoint created, in a public subnet behind a group open to
// the internet, and two active clusters, one using the configuration that
// is deleted.
func eventsAWS(t testing.TB) *awstest.Server {
	t.Helper()
	s := awstest.New()
	t.Cleanup(s.Close)
	if err := s.LoadFile(filepath.Join("testdata", "events-estate.json")); err != nil {
		t.Fatal(err)
	}
	return s
}

func eventFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withAWS points a monitor's fetcher and reader at s, through Accounts.
func withAWS(s *awstest.Server, roleName string) func(*monitor.Config) {
	return func(c *monitor.Config) {
		acc := &monitor.Accounts{Base: s.Config("eu-west-1"), RoleName: roleName}
		c.Fetcher = &monitor.AccountFetcher{Accounts: acc}
		c.Reader = &monitor.AWSReader{Accounts: acc}
	}
}

// Ensure a replayed event file of each new event type alerts, or not, as
// its evidence (the event and what the monitor reads for it) says.
func TestEveryEMRChange(t *testing.T) {
	s := eventsAWS(t)
	for _, tc := range []struct {
		file    string
		alert   []string // "CONTROL:verdict" of the alerting findings; nil: no alert
		results []string // results that must be among out.Results
		title   string
	}{
		{file: "bpa-off.json", alert: []string{"EMR201:fail"}, results: []string{"EMR202:n/a"}, title: "block public access of 111122223333/eu-west-1"},
		{file: "bpa-extra-ports.json", alert: []string{"EMR202:fail"}, results: []string{"EMR201:pass"}},
		{file: "bpa-on.json", results: []string{"EMR201:pass", "EMR202:pass"}},
		{file: "delete-security-configuration.json", alert: []string{"DeleteSecurityConfiguration:fail"}, title: "deleted while clusters j-USESTLS use it"},
		{file: "create-virtual-cluster.json"},
		{file: "create-managed-endpoint.json", alert: []string{"EKS201:fail", "EKS202:fail"}, results: []string{"EKS101:pass", "EKS102:pass"}, title: "EMR on EKS managed endpoint studio-notebooks (8e2f4a6c1b3d5e7f9)"},
		{file: "start-job-run.json", alert: []string{"EKS101:fail", "EKS102:fail"}, title: "execution role emr-eks-wide"},
		{file: "create-job-template.json", results: []string{"EKS101:pass", "EKS102:pass"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			sink := &recorder{}
			m := newMonitor(t, nil, sink, withAWS(s, ""))
			out, err := m.Handle(context.Background(), tc.file, eventFile(t, tc.file))
			if err != nil || out.Kind != monitor.Evaluated {
				t.Fatalf("%v %v", out.Kind, err)
			}
			var got []string
			for _, r := range out.Results {
				got = append(got, r.Control.ID+":"+r.Verdict.String())
				if r.Resource.Event == nil || r.Resource.Event.ID != out.Event.ID {
					t.Errorf("%s result on %s does not carry the event", r.Control.ID, r.Resource.ID)
				}
			}
			for _, w := range tc.results {
				if !slices.Contains(got, w) {
					t.Errorf("results %v lack %s", got, w)
				}
			}
			if len(out.Diags) != 0 {
				t.Errorf("diags %v", out.Diags)
			}
			if tc.alert == nil {
				if out.Alert != nil {
					t.Errorf("unexpected alert %q", out.Alert.Title)
				}
				return
			}
			if out.Alert == nil {
				t.Fatalf("no alert; results %v", got)
			}
			var alerting []string
			for _, f := range out.Alert.Findings {
				if f.Alerting {
					alerting = append(alerting, f.Control+":"+f.Verdict)
				}
			}
			if !slices.Equal(alerting, tc.alert) {
				t.Errorf("alerting %v, want %v", alerting, tc.alert)
			}
			if !strings.Contains(out.Alert.Title, tc.title) || out.Alert.Event.Who != "arn:aws:iam::111122223333:role/platform-admin (session asmith)" {
				t.Errorf("title %q (want %q), who %q", out.Alert.Title, tc.title, out.Alert.Event.Who)
			}
		})
	}
}

// Ensure execution roles are read once while cached, however many job
// runs name them, with the four IAM calls the role needs.
func TestRoleCache(t *testing.T) {
	s := eventsAWS(t)
	m := newMonitor(t, nil, &recorder{}, withAWS(s, ""))
	base := string(eventFile(t, "start-job-run.json"))
	for i := range 3 {
		ev := strings.ReplaceAll(base, "0b7e1c2a-1111-4d2e-9f3a-000000000007", fmt.Sprintf("run-%d", i))
		if _, err := m.Handle(context.Background(), "", []byte(ev)); err != nil {
			t.Fatal(err)
		}
	}
	for op, want := range map[string]int{"iam.GetRole": 1, "iam.ListRolePolicies": 1, "iam.GetRolePolicy": 1, "iam.ListAttachedRolePolicies": 1} {
		if n := s.Calls(op); n != want {
			t.Errorf("%s: %d calls, want %d", op, n, want)
		}
	}
}

// Ensure what cannot be read makes the alerting controls unknown with the
// reason, never pass: a denied GetRole, a denied DescribeManagedEndpoint,
// and clusters that cannot be listed for a deleted configuration.
func TestEventReadsDenied(t *testing.T) {
	s := eventsAWS(t)
	s.Inject(awstest.Fault{Op: "iam.GetRole", Status: 403, Code: "AccessDenied", Message: "not authorized to perform: iam:GetRole"})
	s.Inject(awstest.Fault{Op: "emr-containers.DescribeManagedEndpoint", Status: 403, Code: "AccessDeniedException", Message: "not authorized"})
	s.Inject(awstest.Fault{Op: "emr.ListClusters", Status: 400, Code: "AccessDeniedException", Message: "not authorized to perform: elasticmapreduce:ListClusters"})
	sink := &recorder{}
	m := newMonitor(t, nil, sink, withAWS(s, ""))
	for file, want := range map[string][]string{
		"start-job-run.json":                 {"EKS101:unknown:iam GetRole", "EKS102:unknown:AccessDenied"},
		"create-managed-endpoint.json":       {"EKS201:unknown:DescribeManagedEndpoint failed: AccessDeniedException", "EKS202:unknown:DescribeManagedEndpoint"},
		"delete-security-configuration.json": {"DeleteSecurityConfiguration:unknown:could not be checked"},
	} {
		out, err := m.Handle(context.Background(), file, eventFile(t, file))
		if err != nil || out.Alert == nil {
			t.Fatalf("%s: %v %+v", file, err, out)
		}
		for _, w := range want {
			p := strings.SplitN(w, ":", 3)
			i := slices.IndexFunc(out.Alert.Findings, func(f notify.Finding) bool { return f.Control == p[0] })
			if i < 0 || out.Alert.Findings[i].Verdict != p[1] || !strings.Contains(out.Alert.Findings[i].Message, p[2]) {
				t.Errorf("%s: want %s in %+v", file, w, out.Alert.Findings)
			}
		}
		if !strings.Contains(out.Alert.Title, "cannot be verified") && !strings.Contains(out.Alert.Title, "could not check") {
			t.Errorf("%s: title %q does not say it could not be verified", file, out.Alert.Title)
		}
	}
}
