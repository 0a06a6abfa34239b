package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkCorpusFolders reads the first 1,000 folders of a corpus made
// by ../shared/bench/gen_tf.py --layout dirs, named by
// EMRGUARD_TF_DIRS: a profile of real modules, without the rest of a scan.
func BenchmarkCorpusFolders(b *testing.B) {
	root := os.Getenv("EMRGUARD_TF_DIRS")
	if root == "" {
		b.Skip("EMRGUARD_TF_DIRS names no corpus")
	}
	dirs, err := filepath.Glob(filepath.Join(root, "*"))
	if err != nil || len(dirs) == 0 {
		b.Fatalf("%s: no folders (%v)", root, err)
	}
	dirs = dirs[:min(len(dirs), 1000)]
	var fs []Folder
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join(d, "*.tf"))
		fs = append(fs, Folder{Dir: d, Files: files})
	}
	for b.Loop() {
		if ev, _ := LoadFolders(fs, Options{}); len(ev.Clusters) == 0 {
			b.Fatal("no clusters")
		}
	}
}
