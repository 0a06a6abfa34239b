package scan_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/emrguard/emrguard/scan"
)

// Ensure a walk reads Dockerfiles and Containerfiles by name, whatever
// their content, and leaves their .dockerignore files and other text
// alone.
func TestWalkReadsDockerfiles(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"Dockerfile":                    "FROM public.ecr.aws/emr-on-eks/spark/emr-6.15.0:latest\n",
		"spark.Dockerfile":              "FROM python:3.12\n",
		"Dockerfile.notebook":           "FROM public.ecr.aws/emr-on-eks/notebook-spark/emr-7.1.0:latest\n",
		"sub/Containerfile":             "ARG BASE\nFROM ${BASE}\n",
		"Dockerfile.dockerignore":       "FROM nothing\n",
		"spark.Dockerfile.dockerignore": "*.pyc\n",
		"notes.txt":                     "FROM python:3.12\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := scan.Paths([]string{dir}, scan.Options{})
	if len(res.Diags) != 0 || res.Files != 4 {
		t.Fatalf("diagnostics %v, files %d; want none and 4", res.Diags, res.Files)
	}
	var got []string
	for _, img := range res.Evidence.ContainerImages {
		rel, _ := filepath.Rel(dir, img.Ref.Loc.File)
		got = append(got, filepath.ToSlash(rel)+" "+img.ReleaseLabel.State.String()+" "+img.ReleaseLabel.Val)
	}
	sort.Strings(got)
	want := []string{"Dockerfile set emr-6.15.0", "Dockerfile.notebook set emr-7.1.0", "spark.Dockerfile absent ", "sub/Containerfile unknown "}
	if len(got) != len(want) {
		t.Fatalf("images %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("image %d: %q, want %q", i, got[i], want[i])
		}
	}
}
