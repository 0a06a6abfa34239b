package controls_test

import (
	"os"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/scan"
)

// BenchmarkEvaluateCorpus judges the evidence of the corpus named by
// EMRGUARD_CORPUS (made by ../shared/bench's generators): the controls,
// sorts and merge of a scan, without its reading.
func BenchmarkEvaluateCorpus(b *testing.B) {
	dir := os.Getenv("EMRGUARD_CORPUS")
	if dir == "" {
		b.Skip("EMRGUARD_CORPUS names no corpus")
	}
	res := scan.Paths([]string{dir}, scan.Options{})
	if len(res.Evidence.Clusters) == 0 {
		b.Fatalf("%s: no clusters", dir)
	}
	all := controls.All()
	b.ResetTimer()
	for b.Loop() {
		if rs := engine.Evaluate(all, res.Evidence, control.IaC|control.Event, control.Config{}); len(rs) == 0 {
			b.Fatal("no results")
		}
	}
}
