package awstest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/emrguard/emrguard/internal/awshttp"
	"github.com/emrguard/emrguard/source/snapshot"
)

// CallerKey is the access key ID of Config's credentials: requests signed
// with it are the first loaded account's.
const CallerKey = "AKIDTEST"

// defaultAccount is the caller's account when no estate was loaded (the
// monitor and notify tests only add security configurations and queues).
const defaultAccount = "210987654321"

// Server is an in-process AWS.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	accounts map[string]*account
	order    []string                   // account IDs in load order; order[0] is the caller's
	disabled map[string]map[string]bool // account ID → regions not enabled
	sessions map[string]*session        // AssumeRole access key ID → session
	denied   map[string]bool            // role ARNs AssumeRole refuses
	org      map[string]string          // account ID → status; nil: no organization
	objects  map[string][]byte          // S3 bucket + "/" + key → body
	pageSize int
	latency  time.Duration
	queues   map[string]*queue // by URL path's last element (queue name)
	tables   map[string]*table // DynamoDB: account/region/name
	sent     []Published
	events   []PutEvent
	findings []map[string]any
	faults   []*Fault
	calls    map[string]int
	clock    func() time.Time
}

// account is one loaded account: its snapshot, indexed by region.
type account struct {
	snap    *snapshot.Account
	regions map[string]*snapshot.Region
}

// session is the identity behind a set of AssumeRole credentials.
type session struct {
	account, role, name string
}

// Published is one SNS Publish the server accepted.
type Published struct {
	TopicARN, Subject, Message string
	Attributes                 map[string]string
	AttributeTypes             map[string]string // DataType by attribute name
	Region                     string
}

// Fault makes the next Times calls of Op (e.g. "sns.Publish",
// "emr.DescribeSecurityConfiguration", "ec2.DescribeSecurityGroups")
// misbehave; Account and Region, when set, restrict it to calls served
// from that account and made in that region. Times 0 means every call.
type Fault struct {
	Op       string
	Account  string
	Region   string
	Times    int
	Status   int           // HTTP status of the error reply (default 400)
	Code     string        // error code, e.g. "ThrottlingException", "AccessDeniedException"
	Message  string        // error message
	Delay    time.Duration // latency before the reply; alone, the call is then served
	Truncate bool          // send a 200 whose body is cut short
	used     int
}

// New starts a server; Close it when done.
func New() *Server {
	s := &Server{
		accounts: map[string]*account{}, disabled: map[string]map[string]bool{}, sessions: map[string]*session{}, denied: map[string]bool{},
		objects: map[string][]byte{}, queues: map[string]*queue{}, calls: map[string]int{}, clock: time.Now,
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// FaultSpec is a Fault or a *Fault: Inject takes either, so both the
// older value style and the pointer style compile.
type FaultSpec interface{ spec() Fault }

func (f Fault) spec() Fault { return f }

// Inject adds a fault (a copy: the server counts its uses, not the caller's).
func (s *Server) Inject(f FaultSpec) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := f.spec()
	v.used = 0
	s.faults = append(s.faults, &v)
}

// SetPageSize makes every paginated list operation return at most n items
// a page (0: each API's documented maximum); a smaller MaxResults wins.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = n
}

// SetLatency adds d to every call, as a remote endpoint would.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Published returns the SNS messages published so far.
func (s *Server) Published() []Published {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Published(nil), s.sent...)
}

// Calls returns how many calls of op ("sns.Publish",
// "ec2.DescribeSecurityGroups") reached the server, retries included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// CallCounts returns a copy of every operation's call count.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// Config returns an SDK configuration pointed at the server: static
// credentials (CallerKey), the region, BaseEndpoint, and a retryer with
// no backoff.
func (s *Server) Config(region string) aws.Config {
	cfg := aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(CallerKey, "secret", ""),
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
	awshttp.Use(&cfg)
	return cfg
}
