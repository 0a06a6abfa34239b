package monitor_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
)

// BenchmarkHandle measures one RunJobFlow event evaluated in process with
// its security configuration cached: every E control, an alert built and
// sent to a discarding sink. It reports p50/p99 latency and events/s.
func BenchmarkHandle(b *testing.B) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "weak", noTransit)
	m := newMonitor(b, s, discard{}, func(c *monitor.Config) { c.DedupSize = 1 << 20 })
	tmpl := withConfiguration(b, "weak", "EVENTID")
	if _, err := m.Handle(context.Background(), "", bytes.ReplaceAll(tmpl, []byte("EVENTID"), []byte("warm"))); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ev := bytes.ReplaceAll(tmpl, []byte("EVENTID"), fmt.Appendf(nil, "e-%d", i))
		t0 := time.Now()
		out, err := m.Handle(context.Background(), "", ev)
		lat = append(lat, time.Since(t0))
		if err != nil || out.Alert == nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	if n := s.Calls("emr.DescribeSecurityConfiguration"); n != 1 {
		b.Errorf("%d DescribeSecurityConfiguration calls: the cache did not hold", n)
	}
}

// BenchmarkDaemon measures the SQS daemon end to end against the local
// test server: receive, evaluate, alert, batch delete.
func BenchmarkDaemon(b *testing.B) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "weak", noTransit)
	url := s.CreateQueue("events")
	tmpl := string(withConfiguration(b, "weak", "EVENTID"))
	for i := 0; i < b.N; i++ {
		s.Enqueue("events", string(bytes.ReplaceAll([]byte(tmpl), []byte("EVENTID"), fmt.Appendf(nil, "d-%d", i))))
	}
	m := newMonitor(b, s, discard{}, func(c *monitor.Config) { c.DedupSize = 1 << 20 })
	d := &monitor.Daemon{Monitor: m, SQS: sqs.NewFromConfig(s.Config("eu-west-1")), QueueURL: url, Workers: 64, Receivers: 16, Wait: 100 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	b.ResetTimer()
	start := time.Now()
	go func() { done <- d.Run(ctx) }()
	for {
		st := s.QueueState("events")
		if st.Visible+st.InFlight == 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	cancel()
	<-done
	b.StopTimer()
	if d.Deleted != int64(b.N) {
		b.Fatalf("deleted %d of %d", d.Deleted, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
}
