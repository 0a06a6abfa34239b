package awstest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Server is an in-process AWS.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	secconf map[string]string // region + "/" + name → document
	queues  map[string]*queue // by URL path's last element (queue name)
	sent    []Published
	faults  []*Fault
	calls   map[string]int
	clock   func() time.Time
}

// Published is one SNS Publish the server accepted.
type Published struct {
	TopicARN, Subject, Message string
	Attributes                 map[string]string
	Region                     string
}

// Fault makes the next Times calls of Op (e.g. "sns.Publish",
// "emr.DescribeSecurityConfiguration", "sqs.ReceiveMessage") misbehave.
// Times 0 means every call.
type Fault struct {
	Op       string
	Times    int
	Status   int           // HTTP status of the error reply (default 400)
	Code     string        // error code, e.g. "ThrottlingException", "AccessDeniedException"
	Message  string        // error message
	Delay    time.Duration // latency before the reply
	Truncate bool          // send a 200 whose body is cut short
	used     int
}

// New starts a server; Close it when done.
func New() *Server {
	s := &Server{secconf: map[string]string{}, queues: map[string]*queue{}, calls: map[string]int{}, clock: time.Now}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// AddSecurityConfiguration stores a security configuration document.
func (s *Server) AddSecurityConfiguration(region, name, doc string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secconf[region+"/"+name] = doc
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Published returns the SNS messages published so far.
func (s *Server) Published() []Published {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Published(nil), s.sent...)
}

// Calls returns how many calls of op ("sns.Publish") reached the server.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Config returns an SDK configuration pointed at the server: static
// credentials, the region, BaseEndpoint, and a retryer with no backoff.
func (s *Server) Config(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(s.URL),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		},
		HTTPClient: s.Client(),
	}
}

var scopeRe = regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		http.Error(w, "awstest: request is not SigV4-signed", http.StatusForbidden)
		return
	}
	region, service := m[1], m[2]
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var op string
	switch service {
	case "elasticmapreduce", "sqs":
		t := r.Header.Get("X-Amz-Target")
		op = t[strings.LastIndexByte(t, '.')+1:]
	case "sns":
		form, err := parseForm(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		op = form.Get("Action")
		if f := s.fault("sns." + op); f != nil {
			s.replyFault(w, "sns", f)
			return
		}
		s.sns(w, region, op, form)
		return
	default:
		http.Error(w, "awstest: no service "+service, http.StatusNotFound)
		return
	}
	name := map[string]string{"elasticmapreduce": "emr", "sqs": "sqs"}[service]
	if f := s.fault(name + "." + op); f != nil {
		s.replyFault(w, name, f)
		return
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		jsonError(w, "1.1", 400, "SerializationException", "body is not JSON: "+err.Error())
		return
	}
	if service == "sqs" {
		s.sqs(w, r, op, in)
		return
	}
	s.emr(w, region, op, in)
}

// fault counts the call and returns the fault to apply, if any.
func (s *Server) fault(op string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[op]++
	for _, f := range s.faults {
		if f.Op == op && (f.Times == 0 || f.used < f.Times) {
			f.used++
			return f
		}
	}
	return nil
}

func (s *Server) replyFault(w http.ResponseWriter, service string, f *Fault) {
	if f.Delay > 0 {
		time.Sleep(f.Delay)
	}
	if f.Truncate {
		w.Header().Set("Content-Length", "200")
		w.WriteHeader(200)
		io.WriteString(w, `{"Name":"trunc`)
		return
	}
	if f.Code == "" { // latency only: let the call through
		return
	}
	status := f.Status
	if status == 0 {
		status = 400
	}
	msg := f.Message
	if msg == "" {
		msg = "injected " + f.Code
	}
	switch service {
	case "sns":
		queryError(w, status, f.Code, msg)
	case "sqs":
		jsonError(w, "1.0", status, f.Code, msg)
	default:
		jsonError(w, "1.1", status, f.Code, msg)
	}
}

func jsonError(w http.ResponseWriter, version string, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

func jsonReply(w http.ResponseWriter, version string, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-"+version)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) emr(w http.ResponseWriter, region, op string, in map[string]any) {
	switch op {
	case "DescribeSecurityConfiguration":
		name, _ := in["Name"].(string)
		s.mu.Lock()
		doc, ok := s.secconf[region+"/"+name]
		s.mu.Unlock()
		if !ok {
			jsonError(w, "1.1", 400, "InvalidRequestException", fmt.Sprintf("Security configuration with name '%s' does not exist.", name))
			return
		}
		jsonReply(w, "1.1", map[string]any{"Name": name, "SecurityConfiguration": doc, "CreationDateTime": 1767225600.0})
	default:
		jsonError(w, "1.1", 400, "UnknownOperationException", "awstest: EMR "+op+" is not served")
	}
}
