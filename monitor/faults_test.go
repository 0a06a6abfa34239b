package monitor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
)

// hook is a webhook receiver whose mood the test sets: up, down (503), or
// hung (answers 503 after a while).
type hook struct {
	mu   sync.Mutex
	mode string
	hang time.Duration
	got  map[string]int // deliveries per alert ID
	hits int
}

func newHook(t *testing.T, mode string) (*hook, string) {
	h := &hook{mode: mode, got: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a struct{ ID string }
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &a)
		h.mu.Lock()
		h.hits++
		mode, hang := h.mode, h.hang
		if mode == "up" {
			h.got[a.ID]++
		}
		h.mu.Unlock()
		switch mode {
		case "up":
			return
		case "hang":
			time.Sleep(hang)
		}
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL + "/hooks/T0/B0/secret"
}

func (h *hook) set(mode string) {
	h.mu.Lock()
	h.mode = mode
	h.mu.Unlock()
}

func (h *hook) delivered(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got[id] > 0
}

// tally counts alerts: distinct IDs delivered and copies beyond the first.
func (h *hook) tally(ids []string) (delivered, duplicated, lost int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range ids {
		switch n := h.got[id]; {
		case n == 0:
			lost++
		default:
			delivered++
			duplicated += n - 1
		}
	}
	return
}

// spooledIDs returns the alert IDs kept in a spool folder (any depth).
func spooledIDs(dir string) map[string]bool {
	ids := map[string]bool{}
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.HasPrefix(e.Name(), ".tmp-") {
			return nil
		}
		var a notify.Alert
		if data, err := os.ReadFile(p); err == nil && json.Unmarshal(data, &a) == nil {
			ids[a.ID] = true
		}
		return nil
	})
	return ids
}

// watchSQS is the real SQS client with a witness on deletes: a message may
// be deleted only once its alert was delivered or is in the spool.
type watchSQS struct {
	*sqs.Client
	ok         func(eventID string) bool
	bodyID     map[string]string // message body → event ID
	mu         sync.Mutex
	receipts   map[string]string // receipt handle → event ID
	violations []string
}

func (w *watchSQS) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	out, err := w.Client.ReceiveMessage(ctx, in, opts...)
	if err == nil {
		w.mu.Lock()
		for _, m := range out.Messages {
			w.receipts[aws.ToString(m.ReceiptHandle)] = w.bodyID[aws.ToString(m.Body)]
		}
		w.mu.Unlock()
	}
	return out, err
}

func (w *watchSQS) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	w.mu.Lock()
	for _, e := range in.Entries {
		if id := w.receipts[aws.ToString(e.ReceiptHandle)]; !w.ok(id) {
			w.violations = append(w.violations, id)
		}
	}
	w.mu.Unlock()
	return w.Client.DeleteMessageBatch(ctx, in, opts...)
}

// launch returns the adhoc launch with its own event ID.
func launch(t testing.TB, id string) string {
	return strings.ReplaceAll(string(read(t, "adhoc-spark-launch.json")), "c4e1f9a0-7b2d-4e8f-9c13-5a6b7d8e9f01", id)
}

// syncBuffer is a log buffer safe to write from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Ensure under each fault that an SQS message is deleted only once its
// alert was delivered or durably spooled, that otherwise it stays on the
// queue and the daemon says so, and that after recovery every launch is
// alerted: counts of alerts expected, delivered, duplicated and lost.
func TestDaemonFaults(t *testing.T) {
	enospc := func(*os.File, []byte) error { return &os.PathError{Op: "write", Path: "spool", Err: syscall.ENOSPC} }
	for _, tc := range []struct {
		name string
		n    int
		// fault sets the faults of phase 1; it returns the spool folder.
		fault func(t *testing.T, s *awstest.Server, h *hook) (spool string, write func(*os.File, []byte) error)
		vis   time.Duration
		// kept: phase 1 leaves every message on the queue (nothing
		// delivered nor spooled); else the alerts are spooled and the
		// messages deleted.
		kept     bool
		deferred bool // a copy in flight was left on the queue
	}{
		{name: "sink outage then recovery, spool", n: 6, fault: func(t *testing.T, s *awstest.Server, h *hook) (string, func(*os.File, []byte) error) {
			h.set("down")
			return t.TempDir(), nil
		}},
		{name: "sink outage, no spool", n: 6, kept: true, fault: func(t *testing.T, s *awstest.Server, h *hook) (string, func(*os.File, []byte) error) {
			h.set("down")
			return "", nil
		}},
		{name: "spool parent is a file (read-only for root too)", n: 6, kept: true, fault: func(t *testing.T, s *awstest.Server, h *hook) (string, func(*os.File, []byte) error) {
			h.set("down")
			f := filepath.Join(t.TempDir(), "file")
			os.WriteFile(f, nil, 0o600)
			return filepath.Join(f, "spool"), nil
		}},
		{name: "spool disk full", n: 6, kept: true, fault: func(t *testing.T, s *awstest.Server, h *hook) (string, func(*os.File, []byte) error) {
			h.set("down")
			return t.TempDir(), enospc
		}},
		{name: "ChangeMessageVisibility fails, webhook hung, spool full", n: 3, kept: true, deferred: true, vis: time.Second,
			fault: func(t *testing.T, s *awstest.Server, h *hook) (string, func(*os.File, []byte) error) {
				s.Inject(awstest.Fault{Op: "sqs.ChangeMessageVisibility", Status: 500, Code: "InternalError"})
				h.mu.Lock()
				h.mode, h.hang = "hang", 2500*time.Millisecond
				h.mu.Unlock()
				return t.TempDir(), enospc
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.vis == 0 {
				// Short, so that a message a stopped daemon's last long
				// poll took (its answer lost) comes back soon.
				tc.vis = 2 * time.Second
			}
			s := awstest.New()
			defer s.Close()
			url := s.CreateQueue("events")
			h, hookURL := newHook(t, "up")
			spool, write := tc.fault(t, s, h)
			var ids []string
			bodies := map[string]string{}
			for i := range tc.n {
				id := fmt.Sprintf("launch-%02d", i)
				ids = append(ids, id)
				bodies[launch(t, id)] = id
				s.Enqueue("events", launch(t, id))
			}
			sinks, err := notify.Open(context.Background(), []string{hookURL}, notify.Env{Policy: notify.Policy{
				Attempts: 1, SpoolDir: spool, SpoolWrite: write}})
			if err != nil {
				t.Fatal(err)
			}
			retrier := sinks[0].(*notify.Retrier)
			var logs syncBuffer
			log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
			m := newMonitor(t, nil, sinks, func(c *monitor.Config) { c.Log = log })
			w := &watchSQS{Client: sqs.NewFromConfig(s.Config("eu-west-1")), bodyID: bodies, receipts: map[string]string{},
				ok: func(id string) bool { return h.delivered(id) || spooledIDs(spool)[id] }}
			d := &monitor.Daemon{Monitor: m, SQS: w, QueueURL: url, Workers: 4, Wait: time.Second, Visibility: tc.vis, Log: log}

			// Phase 1: under the fault.
			runDaemon(t, d, func() bool {
				st := d.Stats()
				if tc.kept { // a delete is already a failure: stop and report it
					return st.Deleted > 0 || st.Failed >= int64(tc.n) && (!tc.deferred || st.Deferred > 0)
				}
				return st.Deleted == int64(tc.n)
			})
			st := d.Stats()
			q := s.QueueState("events")
			if tc.kept {
				if q.Visible+q.InFlight != tc.n || st.Deleted != 0 {
					t.Errorf("phase 1: queue %+v, deleted %d; want every message kept", q, st.Deleted)
				}
				if !strings.Contains(logs.String(), "left on the queue for redelivery") {
					t.Errorf("the daemon did not say the messages stay:\n%s", logs.String())
				}
			} else if n := len(spooledIDs(spool)); n != tc.n || q.Visible+q.InFlight != 0 {
				t.Errorf("phase 1: %d spooled, queue %+v", n, q)
			}
			if tc.deferred && (st.Deferred == 0 || !strings.Contains(logs.String(), "in hand in another copy")) {
				t.Errorf("no copy in flight was deferred: %+v", st)
			}

			// Phase 2: the sink is back; redeliveries and the spool go through.
			h.set("up")
			s.Expire("events")
			if _, err := retrier.Flush(context.Background()); err != nil {
				t.Errorf("flush after recovery: %v", err)
			}
			d2 := &monitor.Daemon{Monitor: m, SQS: w, QueueURL: url, Workers: 4, Wait: time.Second, Visibility: tc.vis, Log: log}
			runDaemon(t, d2, func() bool { q := s.QueueState("events"); return q.Visible+q.InFlight == 0 })

			delivered, duplicated, lost := h.tally(ids)
			t.Logf("alerts: expected %d, delivered %d, duplicated %d, lost %d; phase 1 %+v, phase 2 %+v", tc.n, delivered, duplicated, lost, st, d2.Stats())
			if lost != 0 || delivered != tc.n {
				t.Errorf("lost %d of %d alerts", lost, tc.n)
			}
			if duplicated != 0 {
				t.Errorf("%d duplicate alerts", duplicated)
			}
			if len(w.violations) > 0 {
				t.Errorf("messages deleted before their alert was delivered or spooled: %v", w.violations)
			}
		})
	}
}

// Ensure a visibility SQS cannot be asked for stops the daemon at the
// start, before it takes a message: under a second would be sent as 0
// (and a nanosecond made the renewal ticker panic), over 12h is refused.
func TestDaemonVisibilityChecked(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	url := s.CreateQueue("events")
	s.Enqueue("events", launch(t, "v-1"))
	for _, vis := range []time.Duration{time.Nanosecond, 500 * time.Millisecond, -time.Second, 13 * time.Hour} {
		d := &monitor.Daemon{Monitor: newMonitor(t, nil, discard{}), SQS: sqs.NewFromConfig(s.Config("eu-west-1")), QueueURL: url, Wait: time.Second, Visibility: vis}
		if err := d.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "visibility") {
			t.Errorf("visibility %s: %v", vis, err)
		}
	}
	if n := s.Calls("sqs.ReceiveMessage"); n != 0 {
		t.Errorf("%d receives before the check", n)
	}
}
