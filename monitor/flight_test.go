package monitor_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/monitor"
)

// Ensure a burst of launches handled at once by 32 workers makes one
// DescribeSecurityConfiguration per configuration name, not one per
// worker: the calls share a single flight. The server's latency only
// makes the workers overlap; nothing is timed.
func TestSingleFlightPerName(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "weak", noTransit)
	s.AddSecurityConfiguration("eu-west-1", "hardened", hardened)
	s.SetLatency(20 * time.Millisecond)
	sink := &recorder{}
	m := newMonitor(t, s, sink)
	names := []string{"weak", "hardened"}
	const events, workers = 96, 32
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	verdicts := map[string]map[control.Verdict]int{}
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				name := names[i%len(names)]
				out, err := m.Handle(context.Background(), "", withConfiguration(t, name, fmt.Sprintf("sf-%d", i)))
				if err != nil {
					t.Error(err)
					continue
				}
				mu.Lock()
				for _, r := range out.Results {
					if r.Control.ID == "EMR102" {
						if verdicts[name] == nil {
							verdicts[name] = map[control.Verdict]int{}
						}
						verdicts[name][r.Verdict]++
					}
				}
				mu.Unlock()
			}
		})
	}
	for i := range events {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if n := s.Calls("emr.DescribeSecurityConfiguration"); n != len(names) {
		t.Errorf("%d DescribeSecurityConfiguration calls for %d names", n, len(names))
	}
	// Every waiter got the shared answer, not a placeholder.
	if verdicts["weak"][control.Failed] != events/2 || verdicts["hardened"][control.Passed] != events/2 {
		t.Errorf("EMR102 verdicts %v", verdicts)
	}
	if n := len(sink.alerts()); n != events/2 {
		t.Errorf("%d alerts, want %d (one per weak launch)", n, events/2)
	}
}

// Ensure the flight is per account, region and name: the same name in two
// regions is two calls, each answered from its own region, and a waiter
// whose context ends gets a placeholder while the others get the answer.
func TestSingleFlightPerRegion(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	s.AddSecurityConfiguration("eu-west-1", "shared", noTransit)
	s.AddSecurityConfiguration("us-east-1", "shared", hardened)
	s.SetLatency(20 * time.Millisecond)
	f := monitor.NewEMRFetcher(s.Config("eu-west-1"), "")
	var wg sync.WaitGroup
	transit := map[string][]bool{}
	var mu sync.Mutex
	for i := range 40 {
		region := []string{"eu-west-1", "us-east-1"}[i%2]
		wg.Go(func() {
			sc, err := f.SecurityConfiguration(context.Background(), "210987654321", region, "shared")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			transit[region] = append(transit[region], sc.InTransit.Val)
			mu.Unlock()
		})
	}
	wg.Wait()
	if n := s.Calls("emr.DescribeSecurityConfiguration"); n != 2 {
		t.Errorf("%d calls for one name in two regions, want 2", n)
	}
	for region, want := range map[string]bool{"eu-west-1": false, "us-east-1": true} {
		if len(transit[region]) != 20 {
			t.Errorf("%s: %d answers", region, len(transit[region]))
		}
		for _, got := range transit[region] {
			if got != want {
				t.Errorf("%s: in-transit %v, want %v", region, got, want)
			}
		}
	}
	// A waiter that gives up gets a placeholder; the call it started goes
	// on and answers the next caller without a second call.
	s.AddSecurityConfiguration("eu-west-1", "late", hardened)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sc, err := f.SecurityConfiguration(ctx, "210987654321", "eu-west-1", "late")
	if err != context.Canceled || sc.InTransit.State != model.Unknown {
		t.Errorf("cancelled waiter: %v, in-transit %+v", err, sc.InTransit)
	}
	sc, err = f.SecurityConfiguration(context.Background(), "210987654321", "eu-west-1", "late")
	if err != nil || !sc.InTransit.Val {
		t.Errorf("after a cancelled waiter: %v, in-transit %+v", err, sc.InTransit)
	}
	if n := s.Calls("emr.DescribeSecurityConfiguration"); n != 3 {
		t.Errorf("%d calls after the cancelled waiter, want 3", n)
	}
}
