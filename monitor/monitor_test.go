package monitor_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/source/event"
)

const (
	hardened  = `{"EncryptionConfiguration":{"EnableInTransitEncryption":true,"InTransitEncryptionConfiguration":{"TLSCertificateConfiguration":{"CertificateProviderType":"PEM","S3Object":"s3://b/c.zip"}},"EnableAtRestEncryption":true,"AtRestEncryptionConfiguration":{"S3EncryptionConfiguration":{"EncryptionMode":"SSE-KMS","AwsKmsKey":"arn:aws:kms:eu-west-1:210987654321:key/k"},"LocalDiskEncryptionConfiguration":{"EncryptionKeyProviderType":"AwsKms","AwsKmsKey":"arn:aws:kms:eu-west-1:210987654321:key/k","EnableEbsEncryption":true}}},"InstanceMetadataServiceConfiguration":{"MinimumInstanceMetadataServiceVersion":2,"HttpPutResponseHopLimit":1}}`
	noTransit = `{"EncryptionConfiguration":{"EnableInTransitEncryption":false,"EnableAtRestEncryption":false}}`
)

type recorder struct {
	mu   sync.Mutex
	got  []notify.Alert
	fail int // fail this many sends first
}

func (r *recorder) Send(_ context.Context, a notify.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return errors.New("sink down")
	}
	r.got = append(r.got, a)
	return nil
}

func (r *recorder) alerts() []notify.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Alert(nil), r.got...)
}

func newMonitor(t testing.TB, s *awstest.Server, sink notify.Sink, mut ...func(*monitor.Config)) *monitor.Monitor {
	t.Helper()
	cfg := monitor.Config{Controls: controls.All(), Control: control.Config{Releases: release.Default()}, Sink: sink,
		RaisedBy: "host:test", AlertOnUnknown: true}
	if s != nil {
		cfg.Fetcher = monitor.NewEMRFetcher(s.Config("eu-west-1"), "")
	}
	for _, f := range mut {
		f(&cfg)
	}
	m, err := monitor.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// withConfiguration rewrites the adhoc launch to name a configuration.
func withConfiguration(t testing.TB, name, eventID string) []byte {
	s := string(read(t, "adhoc-spark-launch.json"))
	s = strings.Replace(s, `"releaseLabel": "emr-6.1.0",`, `"releaseLabel": "emr-6.1.0", "securityConfiguration": "`+name+`",`, 1)
	return []byte(strings.ReplaceAll(s, "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01", eventID))
}

// Ensure a launch without a security configuration raises one alert with
// everything the pattern's e-mail had and more: cluster name and ID, every
// violated control, region, account, principal, event ID and time, and
// who raised it.
func TestAlertContent(t *testing.T) {
	sink := &recorder{}
	m := newMonitor(t, nil, sink)
	out, err := m.Handle(context.Background(), "", read(t, "adhoc-spark-launch.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Kind != monitor.Evaluated || out.Alert == nil || len(sink.alerts()) != 1 {
		t.Fatalf("outcome %v alert %v", out.Kind, out.Alert)
	}
	a := sink.alerts()[0]
	if a.ID != "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01" || a.Resource.ID != "j-1XEXAMPLE9ZQ" || a.Resource.Name != "adhoc-spark" ||
		a.Resource.Account != "210987654321" || a.Resource.Region != "eu-west-1" || a.Event.Time != "2026-09-14T08:02:09Z" ||
		a.Event.Principal != "arn:aws:sts::210987654321:assumed-role/data-engineer/jdoe" ||
		a.Event.Who != "arn:aws:iam::210987654321:role/data-engineer (session jdoe)" || a.RaisedBy != "host:test" {
		t.Errorf("alert = %+v", a)
	}
	got := map[string]bool{}
	for _, f := range a.Findings {
		got[f.Control+":"+f.Verdict] = true
		if f.Message == "" {
			t.Errorf("%s has no message", f.Control)
		}
	}
	for _, want := range []string{"EMR101:fail", "EMR102:fail", "EMR103:fail", "EMR401:fail", "EMR402:fail", "EMR501:fail", "EMR704:fail"} {
		if !got[want] {
			t.Errorf("alert lacks %s: %v", want, got)
		}
	}
	if a.Findings[0].Control != "EMR101" || !a.Findings[0].Alerting || !a.Findings[1].Alerting || a.Findings[2].Alerting {
		t.Errorf("alerting findings must come first: %+v", a.Findings[:3])
	}
	for _, r := range out.Results {
		if r.Resource.Event == nil || r.Resource.Event.ID != a.ID {
			t.Fatalf("result %s has no event", r.Control.ID)
		}
		if r.Control.Sources&control.Event == 0 {
			t.Errorf("%s does not take source E but was evaluated", r.Control.ID)
		}
	}
}

// Ensure the named configuration is fetched from EMR in the event's region
// and cached: a hardened launch raises no alert, and two launches make one
// call.
func TestFetchAndCache(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "hardened", hardened)
	sink := &recorder{}
	m := newMonitor(t, s, sink)
	for _, id := range []string{"e-1", "e-2"} {
		out, err := m.Handle(context.Background(), "", withConfiguration(t, "hardened", id))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Results {
			if r.Control.ID == "EMR102" && r.Verdict != control.Passed {
				t.Errorf("EMR102 %s: %s", r.Verdict, r.Message)
			}
		}
	}
	if n := len(sink.alerts()); n != 0 {
		t.Errorf("%d alerts for hardened launches: %+v", n, sink.alerts())
	}
	if n := s.Calls("emr.DescribeSecurityConfiguration"); n != 1 {
		t.Errorf("%d DescribeSecurityConfiguration calls, want 1 (cached)", n)
	}
	// A weak configuration alerts on EMR102 only.
	s.AddSecurityConfiguration("eu-west-1", "weak", noTransit)
	out, _ := m.Handle(context.Background(), "", withConfiguration(t, "weak", "e-3"))
	if out.Alert == nil || out.Alert.Findings[0].Control != "EMR102" || !strings.Contains(out.Alert.Findings[0].Message, "weak") {
		t.Errorf("weak: %+v", out.Alert)
	}
}

// Ensure AccessDenied on DescribeSecurityConfiguration makes the
// configuration controls unknown with the reason, is reported as an error
// of the call, and (AlertOnUnknown) still alerts, marked unknown.
func TestAccessDenied(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.Inject(awstest.Fault{Op: "emr.DescribeSecurityConfiguration", Code: "AccessDeniedException", Message: "not authorized to perform elasticmapreduce:DescribeSecurityConfiguration"})
	sink := &recorder{}
	m := newMonitor(t, s, sink)
	out, err := m.Handle(context.Background(), "", withConfiguration(t, "hardened", "e-ad"))
	if err != nil {
		t.Fatal(err)
	}
	var emr102 *control.Result
	for i, r := range out.Results {
		if r.Control.ID == "EMR102" {
			emr102 = &out.Results[i]
		}
	}
	if emr102 == nil || emr102.Verdict != control.Unknown || !strings.Contains(emr102.Message, "AccessDenied on DescribeSecurityConfiguration") {
		t.Errorf("EMR102 = %+v", emr102)
	}
	if len(out.Diags) != 1 || out.Diags[0].Call == "" {
		t.Errorf("diags %v", out.Diags)
	}
	if out.Alert == nil || out.Alert.Findings[0].Verdict != "unknown" {
		t.Errorf("alert %+v", out.Alert)
	}
	m2 := newMonitor(t, s, &recorder{}, func(c *monitor.Config) { c.AlertOnUnknown = false })
	if out, _ := m2.Handle(context.Background(), "", withConfiguration(t, "hardened", "e-ad2")); out.Alert != nil {
		t.Error("AlertOnUnknown=false still alerted")
	}
}

// Ensure a duplicate delivery alerts once, and a delivery that failed is
// handled again when redelivered (not dropped as a duplicate).
func TestDedup(t *testing.T) {
	sink := &recorder{fail: 1}
	m := newMonitor(t, nil, sink)
	ev := read(t, "adhoc-spark-launch.json")
	if _, err := m.Handle(context.Background(), "", ev); err == nil {
		t.Fatal("sink failure not returned")
	}
	out, err := m.Handle(context.Background(), "", ev)
	if err != nil || out.Alert == nil {
		t.Fatalf("redelivery after failure: %v %v", out.Kind, err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			out, err := m.Handle(context.Background(), "", ev)
			if err != nil || out.Kind != monitor.Duplicate {
				t.Errorf("copy: %v %v", out.Kind, err)
			}
		})
	}
	wg.Wait()
	if n := len(sink.alerts()); n != 1 {
		t.Errorf("%d alerts, want 1", n)
	}
}

// Ensure failed calls, ignored calls and bad input are told apart.
func TestOutcomes(t *testing.T) {
	sink := &recorder{}
	m := newMonitor(t, nil, sink)
	out, err := m.Handle(context.Background(), "", read(t, "failed-launch.json"))
	if err != nil || out.Kind != monitor.FailedCall || !strings.Contains(out.Failure, "ValidationException") || out.Alert != nil {
		t.Errorf("failed launch: %v %v %q", out.Kind, err, out.Failure)
	}
	out, err = m.Handle(context.Background(), "", []byte(`{"eventID":"t1","eventSource":"elasticmapreduce.amazonaws.com","eventName":"AddTags","requestParameters":{}}`))
	if err != nil || out.Kind != monitor.Ignored {
		t.Errorf("AddTags: %v %v", out.Kind, err)
	}
	out, err = m.Handle(context.Background(), "", read(t, "create-weak-security-configuration.json"))
	if err != nil || out.Alert == nil || out.Alert.Resource.Kind != "emr:security-configuration" || out.Alert.Findings[0].Control != "EMR102" {
		t.Errorf("weak configuration: %v %+v", err, out.Alert)
	}
	// Without credentials to read its execution role, a job run cannot be
	// verified: EKS101 and EKS102 are unknown, and it alerts.
	out, err = m.Handle(context.Background(), "", read(t, "start-job-run.json"))
	if err != nil || out.Kind != monitor.Evaluated || out.Alert == nil || out.Alert.Findings[0].Control != "EKS101" ||
		out.Alert.Findings[0].Verdict != "unknown" || !strings.Contains(out.Alert.Title, "cannot be verified for EKS101, EKS102") {
		t.Errorf("StartJobRun: %v %v %+v", out.Kind, err, out.Alert)
	}
	for name, bad := range map[string]string{
		"malformed":     `{"detail":`,
		"other service": `{"id":"x","detail-type":"AWS API Call via CloudTrail","detail":{"eventID":"o1","eventSource":"s3.amazonaws.com","eventName":"PutObject"}}`,
		"huge":          `{"x":"` + strings.Repeat("a", monitor.MaxEventSize) + `"}`,
		"deep":          strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
	} {
		_, err := m.Handle(context.Background(), "", []byte(bad))
		var ie *event.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: err %v is not an InputError", name, err)
		}
	}
	if n := len(sink.alerts()); n != 2 {
		t.Errorf("%d alerts", n)
	}
}

// Ensure configuring alerts on a control E cannot judge is refused.
func TestAlertOnValidation(t *testing.T) {
	for _, ids := range [][]string{{"EMR999"}, {"EMR203"}} {
		_, err := monitor.New(monitor.Config{Controls: controls.All(), AlertOn: ids})
		if err == nil {
			t.Errorf("%v accepted", ids)
		}
	}
}

// failNth fails the n-th send (1-based) once.
type failNth struct {
	inner *recorder
	n, i  int
	mu    sync.Mutex
}

func (f *failNth) Send(ctx context.Context, a notify.Alert) error {
	f.mu.Lock()
	f.i++
	fail := f.i == f.n
	f.mu.Unlock()
	if fail {
		return errors.New("sink down")
	}
	return f.inner.Send(ctx, a)
}

type discard struct{}

func (discard) Send(context.Context, notify.Alert) error { return nil }
