package cfn_test

import (
	"os"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/control/engine"
	"github.com/emrguard/emrguard/controls"
	"github.com/emrguard/emrguard/release"
	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/source/tree"
)

// BenchmarkScanCFN measures one generated EMR stack (bench/gen_cfn.py,
// stacks 78 and 66 of cfn-100) through parse, resolve, read and every
// control: the per-file cost of `emrguard scan` on a template corpus.
func BenchmarkScanCFN(b *testing.B) {
	cfg := control.Config{Releases: release.Default()}
	for _, file := range []string{"testdata/bench-stack.yaml", "testdata/bench-stack.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(file[len("testdata/bench-stack."):], func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var docs []*tree.Node
				if file[len(file)-4:] == "json" {
					n, err := tree.ParseJSON(file, data)
					if err != nil {
						b.Fatal(err)
					}
					docs = []*tree.Node{n}
				} else if docs, err = tree.ParseYAML(file, data); err != nil {
					b.Fatal(err)
				}
				ev, _ := cfn.Load(file, docs)
				if len(engine.Evaluate(controls.All(), ev, control.IaC, cfg)) == 0 {
					b.Fatal("no results")
				}
			}
		})
	}
}
