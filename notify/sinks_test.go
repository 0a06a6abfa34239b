package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/notify"
)

// chatHook is a webhook receiver that answers the first `throttle` posts
// with 429 and Retry-After, then 200, keeping each body.
type chatHook struct {
	mu       sync.Mutex
	bodies   []map[string]any
	throttle int
	after    string
}

func (h *chatHook) serve(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("body %q: %v", body, err)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.bodies = append(h.bodies, v)
		if h.throttle > 0 {
			h.throttle--
			w.Header().Set("Retry-After", h.after)
			http.Error(w, "rate_limited", http.StatusTooManyRequests)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sleeps records the waits Retrying makes.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return nil
}

// deliver opens target and sends a through it.
func deliver(t *testing.T, target string, env notify.Env, a notify.Alert) {
	t.Helper()
	sinks, err := notify.Open(context.Background(), []string{target}, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := sinks.Send(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// Ensure the Slack sink posts Block Kit (text, a header, the facts as
// fields, a section per finding with mrkdwn escaped) and waits out a 429's
// Retry-After before the next try.
func TestSlackSink(t *testing.T) {
	h := &chatHook{throttle: 1, after: "7"}
	srv := h.serve(t)
	sl := &sleeps{}
	a := sample()
	a.Findings[1].Message = "no LogUri <set one> & keep it"
	deliver(t, "slack:"+srv.URL+"/services/T0/B0/secret", notify.Env{Policy: notify.Policy{Attempts: 3, Sleep: sl.sleep}}, a)
	if len(h.bodies) != 2 || len(sl.d) != 1 || sl.d[0] != 7*time.Second {
		t.Fatalf("%d posts, waits %v: want 2 posts and one 7s wait", len(h.bodies), sl.d)
	}
	b := h.bodies[1]
	if b["text"] != a.Title || at(b, "blocks", 0, "type") != "header" || at(b, "blocks", 0, "text", "text") != a.Title {
		t.Errorf("text/header %v", b)
	}
	if f := at(b, "blocks", 1, "fields", 1, "text"); f != "*Account / region*\n210987654321 / eu-west-1" {
		t.Errorf("account field %v", f)
	}
	if s, _ := at(b, "blocks", 2, "text", "text").(string); !strings.HasPrefix(s, "*EMR101* FAIL (high) [alert]: Cluster has no security configuration.") {
		t.Errorf("first finding %q", s)
	}
	if s, _ := at(b, "blocks", 3, "text", "text").(string); !strings.Contains(s, "no LogUri &lt;set one&gt; &amp; keep it") {
		t.Errorf("second finding not escaped: %q", s)
	}
	if at(b, "blocks", 4, "type") != "context" {
		t.Errorf("last block %v", at(b, "blocks", 4))
	}
}

// Ensure the Teams sink posts a message with one Adaptive Card (title,
// FactSet, a text block per finding), recognised by its webhook host too,
// and that a Retry-After beyond the policy's bound spools the alert
// instead of holding the sender.
func TestTeamsSink(t *testing.T) {
	h := &chatHook{throttle: 1, after: "2"}
	srv := h.serve(t)
	sl := &sleeps{}
	deliver(t, "teams:"+srv.URL+"/workflows/abc/triggers/manual/paths/invoke?sig=secret", notify.Env{Policy: notify.Policy{Attempts: 2, Sleep: sl.sleep}}, sample())
	b := h.bodies[1]
	if b["type"] != "message" || at(b, "attachments", 0, "contentType") != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("message %v", b)
	}
	card := at(b, "attachments", 0, "content")
	if at(card, "type") != "AdaptiveCard" || at(card, "version") != "1.4" || at(card, "body", 0, "text") != sample().Title {
		t.Errorf("card %v", card)
	}
	facts, _ := at(card, "body", 1, "facts").([]any)
	var titles []string
	for _, f := range facts {
		titles = append(titles, at(f, "title").(string)+"="+at(f, "value").(string))
	}
	if !slices.Contains(titles, "Account=210987654321") || !slices.Contains(titles, "Who=arn:aws:iam::210987654321:role/data-engineer (session jdoe)") {
		t.Errorf("facts %v", titles)
	}
	if s, _ := at(card, "body", 2, "text").(string); !strings.HasPrefix(s, "**EMR101** FAIL (high) [alert]") {
		t.Errorf("finding %q", s)
	}
	if len(sl.d) != 1 || sl.d[0] != 2*time.Second {
		t.Errorf("waits %v, want one of 2s", sl.d)
	}

	// Throttled for an hour: spooled after one try, no hour-long wait.
	h2 := &chatHook{throttle: 5, after: "3600"}
	srv2 := h2.serve(t)
	dir := t.TempDir()
	sl2 := &sleeps{}
	deliver(t, "teams:"+srv2.URL+"/hook", notify.Env{Policy: notify.Policy{Attempts: 4, Sleep: sl2.sleep, SpoolDir: dir}}, sample())
	spooled, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if len(h2.bodies) != 1 || len(sl2.d) != 0 || len(spooled) != 1 {
		t.Errorf("%d posts, waits %v, spooled %v", len(h2.bodies), sl2.d, spooled)
	}
	if strings.Contains(spooled[0], "secret") {
		t.Error("spool path names the URL")
	}
}

// Ensure Slack and Teams webhook URLs are recognised by host, so a plain
// URL gets the service's payload.
func TestChatHostsRecognised(t *testing.T) {
	for target, want := range map[string]string{
		"https://hooks.slack.com/services/T0/B0/x":                          "*notify.Slack",
		"https://contoso.webhook.office.com/webhookb2/x":                    "*notify.Teams",
		"https://prod-01.westeurope.logic.azure.com:443/workflows/x/invoke": "*notify.Teams",
		"https://hooks.example.com/x":                                       "*notify.Webhook",
	} {
		s, err := notify.Open(context.Background(), []string{target}, notify.Env{})
		if err != nil {
			t.Fatal(err)
		}
		if got := notify.Describe(s[0]); got != want {
			t.Errorf("%s: %s, want %s", target, got, want)
		}
	}
}

// Ensure the EventBridge sink puts one event (source emrguard) on the bus
// the target names, in its region, with the detail rules route on.
func TestEventBridgeSink(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.Inject(awstest.Fault{Op: "events.PutEvents", Times: 1, Status: 400, Code: "ThrottlingException", Message: "Rate exceeded"})
	bus := "arn:aws:events:eu-central-1:210987654321:event-bus/security"
	deliver(t, "eventbridge:"+bus, snsEnv(s), sample())
	evs := s.PutEvents()
	if len(evs) != 1 || s.Calls("events.PutEvents") != 2 {
		t.Fatalf("%d events in %d calls", len(evs), s.Calls("events.PutEvents"))
	}
	e := evs[0]
	if e.Source != "emrguard" || e.DetailType != "emrguard Finding" || e.EventBusName != bus || e.Region != "eu-central-1" {
		t.Errorf("event %+v", e)
	}
	var d struct {
		ID, Severity, Account, Region string
		Controls                      []string
		Findings                      []notify.Finding
	}
	if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
		t.Fatal(err)
	}
	if d.ID != sample().ID || d.Severity != "high" || d.Account != "210987654321" || d.Region != "eu-west-1" ||
		!slices.Equal(d.Controls, []string{"EMR101", "EMR704"}) || len(d.Findings) != 2 {
		t.Errorf("detail %s", e.Detail)
	}
}

// Ensure the Security Hub sink imports the alert's findings as the ASFF
// report writes them (stable Id), owned by the importing account while
// naming the resource's.
func TestSecurityHubSink(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	a := sample()
	a.Resource.Account = "444455556666"
	deliver(t, "securityhub:eu-west-1", snsEnv(s), a)
	fs := s.ImportedFindings()
	if len(fs) != 2 {
		t.Fatalf("%d findings", len(fs))
	}
	f := fs[0]
	if id, _ := f["Id"].(string); !strings.HasPrefix(id, "emrguard/v1/EMR101/444455556666/eu-west-1/") {
		t.Errorf("Id %v", f["Id"])
	}
	if f["AwsAccountId"] != "444455556666" || f["ProductArn"] != "arn:aws:securityhub:eu-west-1:210987654321:product/210987654321/default" ||
		at(f, "Compliance", "Status") != "FAILED" || at(f, "Severity", "Label") != "HIGH" || at(f, "Resources", 0, "Id") != "j-1XEXAMPLE9ZQ" {
		t.Errorf("finding %v", f)
	}
}

// Ensure SNS messages carry the attributes subscribers filter on, with
// control as a String.Array, on the wire.
func TestSNSAttributes(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	deliver(t, "sns:arn:aws:sns:eu-west-1:210987654321:emr-alerts", snsEnv(s), sample())
	p := s.Published()[0]
	for name, want := range map[string]string{"control": `["EMR101","EMR704"]`, "severity": "high", "account": "210987654321", "region": "eu-west-1"} {
		if p.Attributes[name] != want {
			t.Errorf("%s = %q, want %q", name, p.Attributes[name], want)
		}
	}
	if p.AttributeTypes["control"] != "String.Array" || p.AttributeTypes["severity"] != "String" {
		t.Errorf("types %v", p.AttributeTypes)
	}
}
