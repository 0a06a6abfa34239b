package awstest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

type queue struct {
	msgs    []*message
	nextID  int
	waiters chan struct{} // closed and replaced when a message arrives
}

type message struct {
	id, body, receipt string
	visibleAt         time.Time
	receives          int
}

// Queue is the state of one queue, for assertions.
type Queue struct {
	Visible, InFlight int
}

// CreateQueue makes a queue and returns its URL.
func (s *Server) CreateQueue(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queues[name] == nil {
		s.queues[name] = &queue{waiters: make(chan struct{})}
	}
	return s.URL + "/210987654321/" + name
}

// QueueState counts the messages of a queue.
func (s *Server) QueueState(name string) Queue {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st Queue
	now := s.clock()
	for _, m := range s.queues[name].msgs {
		if m.visibleAt.After(now) {
			st.InFlight++
		} else {
			st.Visible++
		}
	}
	return st
}

// Enqueue adds a message to a queue without going through the SDK.
func (s *Server) Enqueue(name, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enqueue(s.queues[name], body)
}

func (s *Server) enqueue(q *queue, body string) string {
	q.nextID++
	id := fmt.Sprintf("00000000-0000-4000-9000-%012d", q.nextID)
	q.msgs = append(q.msgs, &message{id: id, body: body})
	close(q.waiters)
	q.waiters = make(chan struct{})
	return id
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// sqs serves awsJson1_0 (facts §3.1: the current SQS protocol).
func (s *Server) sqs(w http.ResponseWriter, r *http.Request, op string, in map[string]any) {
	url, _ := in["QueueUrl"].(string)
	name := url[strings.LastIndexByte(url, '/')+1:]
	s.mu.Lock()
	q := s.queues[name]
	s.mu.Unlock()
	if q == nil {
		jsonError(w, "1.0", 400, "com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist.")
		return
	}
	switch op {
	case "SendMessage":
		body, _ := in["MessageBody"].(string)
		s.mu.Lock()
		id := s.enqueue(q, body)
		s.mu.Unlock()
		jsonReply(w, "1.0", map[string]any{"MessageId": id, "MD5OfMessageBody": md5hex(body)})
	case "ReceiveMessage":
		s.receive(w, r, q, in)
	case "DeleteMessage":
		rh, _ := in["ReceiptHandle"].(string)
		if !s.delete(q, rh) {
			jsonError(w, "1.0", 400, "com.amazonaws.sqs#ReceiptHandleIsInvalid", "The input receipt handle is invalid.")
			return
		}
		jsonReply(w, "1.0", map[string]any{})
	case "DeleteMessageBatch":
		entries, _ := in["Entries"].([]any)
		ok, failed := []any{}, []any{}
		for _, e := range entries {
			m, _ := e.(map[string]any)
			id, _ := m["Id"].(string)
			rh, _ := m["ReceiptHandle"].(string)
			if s.delete(q, rh) {
				ok = append(ok, map[string]any{"Id": id})
			} else {
				failed = append(failed, map[string]any{"Id": id, "Code": "ReceiptHandleIsInvalid", "SenderFault": true, "Message": "The input receipt handle is invalid."})
			}
		}
		jsonReply(w, "1.0", map[string]any{"Successful": ok, "Failed": failed})
	case "ChangeMessageVisibility":
		rh, _ := in["ReceiptHandle"].(string)
		vt, _ := in["VisibilityTimeout"].(float64)
		s.mu.Lock()
		found := false
		for _, m := range q.msgs {
			if m.receipt == rh && rh != "" {
				m.visibleAt = s.clock().Add(time.Duration(vt) * time.Second)
				found = true
			}
		}
		s.mu.Unlock()
		if !found {
			jsonError(w, "1.0", 400, "com.amazonaws.sqs#ReceiptHandleIsInvalid", "The input receipt handle is invalid.")
			return
		}
		jsonReply(w, "1.0", map[string]any{})
	default:
		jsonError(w, "1.0", 400, "com.amazonaws.sqs#UnsupportedOperation", "awstest: SQS "+op+" is not served")
	}
}

func (s *Server) delete(q *queue, receipt string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, m := range q.msgs {
		if m.receipt == receipt && receipt != "" {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			return true
		}
	}
	return false
}

var receiptSeq struct {
	sync.Mutex
	n int
}

func (s *Server) receive(w http.ResponseWriter, r *http.Request, q *queue, in map[string]any) {
	max := 1
	if v, ok := in["MaxNumberOfMessages"].(float64); ok && v > 0 {
		max = min(int(v), 10)
	}
	wait, _ := in["WaitTimeSeconds"].(float64)
	vis := 30.0
	if v, ok := in["VisibilityTimeout"].(float64); ok {
		vis = v
	}
	deadline := time.Now().Add(time.Duration(wait * float64(time.Second)))
	for {
		s.mu.Lock()
		now := s.clock()
		var out []any
		for _, m := range q.msgs {
			if len(out) == max {
				break
			}
			if m.visibleAt.After(now) {
				continue
			}
			receiptSeq.Lock()
			receiptSeq.n++
			m.receipt = fmt.Sprintf("rh-%s-%d", m.id, receiptSeq.n)
			receiptSeq.Unlock()
			m.receives++
			m.visibleAt = now.Add(time.Duration(vis * float64(time.Second)))
			out = append(out, map[string]any{"MessageId": m.id, "ReceiptHandle": m.receipt, "MD5OfBody": md5hex(m.body), "Body": m.body,
				"Attributes": map[string]string{"ApproximateReceiveCount": fmt.Sprint(m.receives)}})
		}
		waiters := q.waiters
		s.mu.Unlock()
		if len(out) > 0 || !time.Now().Before(deadline) {
			jsonReply(w, "1.0", map[string]any{"Messages": out})
			return
		}
		select {
		case <-waiters:
		case <-r.Context().Done():
			return
		case <-time.After(min(time.Until(deadline), 100*time.Millisecond)):
		}
	}
}

// Expire makes every in-flight message of a queue visible again, as if
// its visibility timeout had run out.
func (s *Server) Expire(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.queues[name].msgs {
		m.visibleAt = time.Time{}
	}
}
