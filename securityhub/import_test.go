package securityhub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sh "github.com/aws/aws-sdk-go-v2/service/securityhub"

	"github.com/emrguard/emrguard/report"
)

// fakeHub speaks Security Hub's wire protocol (REST-JSON: POST
// /findings/import, errors named in X-Amzn-ErrorType) for BatchImportFindings.
type fakeHub struct {
	mu       sync.Mutex
	throttle int             // answer this many calls with 429 TooManyRequestsException first
	reject   map[string]bool // finding Ids to put in FailedFindings
	calls    int
	batches  []int // findings per successful call
	imported []map[string]any
}

func (f *fakeHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if r.Method != http.MethodPost || r.URL.Path != "/findings/import" {
		w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"Message":"no such route"}`)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256") {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if f.throttle > 0 {
		f.throttle--
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"Code":"TooManyRequestsException","Message":"Rate exceeded"}`)
		return
	}
	var in struct{ Findings []map[string]any }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Findings) == 0 || len(in.Findings) > BatchSize {
		w.Header().Set("X-Amzn-ErrorType", "InvalidInputException")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"Code":"InvalidInputException","Message":"bad batch of %d: %v"}`, len(in.Findings), err)
		return
	}
	type failed struct{ Id, ErrorCode, ErrorMessage string }
	out := struct {
		FailedCount, SuccessCount int
		FailedFindings            []failed
	}{FailedFindings: []failed{}}
	for _, fd := range in.Findings {
		id, _ := fd["Id"].(string)
		if f.reject[id] {
			out.FailedCount++
			out.FailedFindings = append(out.FailedFindings, failed{id, "InvalidInput", "Finding does not adhere to ASFF"})
			continue
		}
		out.SuccessCount++
		f.imported = append(f.imported, fd)
	}
	f.batches = append(f.batches, len(in.Findings))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// client is the real SDK client pointed at url, with no backoff so that
// retries are exercised without waiting.
func client(url string) *sh.Client {
	return sh.New(sh.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 4
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	})
}

func findings(n int) []report.ASFFFinding {
	out := make([]report.ASFFFinding, n)
	for i := range out {
		f := &out[i]
		f.SchemaVersion, f.Id = report.ASFFSchemaVersion, fmt.Sprintf("emrguard/v1/EMR102/111122223333/eu-west-1/%032d", i)
		f.ProductArn = "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"
		f.GeneratorId, f.AwsAccountId, f.Region, f.Types = "emrguard-EMR102", "111122223333", "eu-west-1", []string{"Software and Configuration Checks"}
		f.CreatedAt, f.UpdatedAt = "2026-11-24T09:30:00.000Z", "2026-11-24T09:30:00.000Z"
		f.Severity.Label, f.Title, f.Description = "HIGH", "EMR102 In-transit encryption is not enabled", "off"
		f.Compliance.Status, f.Workflow.Status, f.RecordState = "FAILED", "NEW", "ACTIVE"
		f.Resources = []report.ASFFResource{{Type: "Other", Id: fmt.Sprintf("Cluster%d", i), Partition: "aws", Region: "eu-west-1"}}
	}
	return out
}

// Ensure findings go in batches of at most 100, all of them arrive, and
// the wire shape carries the ASFF fields under their ASFF names.
func TestImportBatches(t *testing.T) {
	hub := &fakeHub{}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	sum, diags := Import(context.Background(), client(srv.URL), findings(250))
	if len(diags) != 0 {
		t.Fatal(diags.Err())
	}
	if fmt.Sprint(hub.batches) != "[100 100 50]" || sum.Imported != 250 || sum.Batches != 3 || sum.Failed != 0 {
		t.Errorf("batches %v, summary %+v", hub.batches, sum)
	}
	f := hub.imported[0]
	if f["Id"] != "emrguard/v1/EMR102/111122223333/eu-west-1/"+strings.Repeat("0", 32) || f["Compliance"].(map[string]any)["Status"] != "FAILED" || f["Resources"].([]any)[0].(map[string]any)["Type"] != "Other" {
		t.Errorf("wire finding %v", f)
	}
}

// Ensure throttling is retried by the client and the import succeeds.
func TestImportThrottled(t *testing.T) {
	hub := &fakeHub{throttle: 2}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	sum, diags := Import(context.Background(), client(srv.URL), findings(3))
	if len(diags) != 0 || sum.Imported != 3 || hub.calls != 3 {
		t.Errorf("calls %d, summary %+v, diags %v", hub.calls, sum, diags.Err())
	}
}

// Ensure throttling past the retries is an error naming the call and the
// batch, with the SDK's error inside, and the next batch is still sent.
func TestImportThrottledOut(t *testing.T) {
	hub := &fakeHub{throttle: 4}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	sum, diags := Import(context.Background(), client(srv.URL), findings(150))
	if len(diags) != 1 || sum.Failed != 100 || sum.Imported != 50 {
		t.Fatalf("summary %+v, diags %v", sum, diags.Err())
	}
	if d := diags[0]; d.Call != "securityhub BatchImportFindings (batch 1 of 2)" || !strings.Contains(d.Msg, "TooManyRequestsException") {
		t.Errorf("diagnostic %q", d.Error())
	}
}

// Ensure findings Security Hub rejects (FailedFindings) are errors naming
// the call and the finding.
func TestImportPartialFailure(t *testing.T) {
	fs := findings(5)
	hub := &fakeHub{reject: map[string]bool{fs[1].Id: true, fs[3].Id: true}}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	sum, diags := Import(context.Background(), client(srv.URL), fs)
	if sum.Imported != 3 || sum.Failed != 2 || len(diags) != 2 {
		t.Fatalf("summary %+v, diags %v", sum, diags.Err())
	}
	want := "securityhub BatchImportFindings (batch 1 of 1): finding " + fs[1].Id + " rejected: InvalidInput: Finding does not adhere to ASFF"
	if diags[0].Error() != want {
		t.Errorf("got  %s\nwant %s", diags[0].Error(), want)
	}
}

// Ensure a finding missing a required field is refused by the SDK's own
// validation (the Security Hub API model) before anything is sent.
func TestImportValidation(t *testing.T) {
	hub := &fakeHub{}
	srv := httptest.NewServer(hub)
	defer srv.Close()
	fs := findings(1)
	fs[0].Resources = nil
	_, diags := Import(context.Background(), client(srv.URL), fs)
	if len(diags) != 1 || !strings.Contains(diags[0].Msg, "Resources") || hub.calls != 0 {
		t.Errorf("calls %d, diags %v", hub.calls, diags.Err())
	}
}
