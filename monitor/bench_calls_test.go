package monitor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/monitor"
	"github.com/emrguard/emrguard/notify"
)

// benchCalls feeds b.N alerting launches, naming two configurations, to
// 32 concurrent handlers with the real EMR fetcher and SNS sink against
// the counting test server, and reports the AWS calls made per launch,
// the alert included (the AWS pattern makes 2–3: DescribeCluster,
// DescribeSecurityConfiguration, Publish).
func benchCalls(b *testing.B, ledger bool) {
	s := awstest.New()
	defer s.Close()
	names := []string{"weak-a", "weak-b"}
	for _, n := range names {
		s.AddSecurityConfiguration("eu-west-1", n, noTransit)
	}
	cfg := s.Config("eu-west-1")
	sinks, err := notify.Open(context.Background(), []string{"sns:arn:aws:sns:eu-west-1:210987654321:emr-alerts"},
		notify.Env{AWS: func(string) (aws.Config, error) { return cfg, nil }})
	if err != nil {
		b.Fatal(err)
	}
	m := newMonitor(b, s, sinks, func(c *monitor.Config) {
		c.DedupSize = 1 << 20
		if ledger {
			s.CreateTable("eu-west-1", ledgerTable, monitor.LedgerKey)
			c.Ledger = monitor.NewDynamoLedger(cfg, ledgerTable)
		}
	})
	events := make([][]byte, b.N)
	for i := range events {
		events[i] = withConfiguration(b, names[i%len(names)], fmt.Sprintf("calls-%d", i))
	}
	jobs := make(chan []byte)
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 32 {
		wg.Go(func() {
			for ev := range jobs {
				if out, err := m.Handle(context.Background(), "", ev); err != nil || out.Alert == nil {
					b.Errorf("%v %+v", err, out.Alert)
				}
			}
		})
	}
	for _, ev := range events {
		jobs <- ev
	}
	close(jobs)
	wg.Wait()
	b.StopTimer()
	total := 0
	for _, n := range s.CallCounts() {
		total += n
	}
	if p := s.Calls("sns.Publish"); p != b.N {
		b.Errorf("%d publishes for %d launches", p, b.N)
	}
	b.ReportMetric(float64(total)/float64(b.N), "calls/launch")
	b.ReportMetric(float64(s.Calls("emr.DescribeSecurityConfiguration")), "describes")
}

// BenchmarkCallsPerLaunch: calls per alerting launch, per-instance
// deduplication (no ledger table).
func BenchmarkCallsPerLaunch(b *testing.B) { benchCalls(b, false) }

// BenchmarkCallsPerLaunchLedger: the same with the DynamoDB ledger (a
// conditional PutItem and an UpdateItem per alert).
func BenchmarkCallsPerLaunchLedger(b *testing.B) { benchCalls(b, true) }
