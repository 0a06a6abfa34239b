package dockerfile

import (
	"strings"
	"testing"
)

// Ensure the FROM lines are read as BuildKit reads them: flags skipped,
// global ARG defaults substituted (with :- and :+), stages named and
// referred to, comments, continuations and heredocs not taken for
// instructions, and each FROM on the line of its keyword.
func TestParse(t *testing.T) {
	const file = `# syntax=docker/dockerfile:1
# escape=\
ARG REGISTRY=755674844232.dkr.ecr.us-east-1.amazonaws.com
ARG RELEASE="emr-6.15.0"
ARG TAG
# a comment FROM nothing
FROM --platform=linux/amd64 ${REGISTRY}/spark/${RELEASE}:${TAG:-latest} AS build
RUN <<EOF
FROM not-an-instruction
EOF
from \
  # a comment inside a continuation
  build as final
FROM $REGISTRY/notebook-spark/emr-7.1.0${TAG:+-}${TAG}
FROM ${BASE}
FROM scratch
`
	stages, diags := Parse("Dockerfile", []byte(file))
	if len(diags) > 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	want := []Stage{
		{Line: 7, Name: "build", Image: "755674844232.dkr.ecr.us-east-1.amazonaws.com/spark/emr-6.15.0:latest", Stage: -1},
		{Line: 11, Name: "final", Image: "build", Stage: 0},
		{Line: 14, Unknown: "build argument TAG has no default in the file; its value is given at build time", Stage: -1},
		{Line: 15, Unknown: "build argument BASE is not declared before the first FROM, so the image depends on the build", Stage: -1},
		{Line: 16, Image: "scratch", Stage: -1},
	}
	if len(stages) != len(want) {
		t.Fatalf("got %d stages %+v, want %d", len(stages), stages, len(want))
	}
	for i := range want {
		if stages[i] != want[i] {
			t.Errorf("stage %d:\n got %+v\nwant %+v", i, stages[i], want[i])
		}
	}
}

// Ensure ${X:+word} gives word only when X has a value, and a stage's ARG
// does not reach a later FROM.
func TestArgs(t *testing.T) {
	stages, _ := Parse("Dockerfile", []byte("ARG SUFFIX=-arm\nARG EMPTY=\nFROM img${SUFFIX:+$SUFFIX}${EMPTY:+x}\nARG LATER=x\nFROM $LATER\n"))
	if len(stages) != 2 || stages[0].Image != "img-arm" || !strings.Contains(stages[1].Unknown, "LATER is not declared") {
		t.Errorf("stages %+v", stages)
	}
}

// Ensure a backtick escape directive makes ` the continuation character.
func TestEscapeDirective(t *testing.T) {
	stages, _ := Parse("Dockerfile", []byte("# escape=`\nFROM `\n  public.ecr.aws/emr-on-eks/spark/emr-7.2.0:latest\n"))
	if len(stages) != 1 || stages[0].Image != "public.ecr.aws/emr-on-eks/spark/emr-7.2.0:latest" || stages[0].Line != 2 {
		t.Errorf("stages %+v", stages)
	}
}

// Ensure a FROM without image or with extra words is an error on its line.
func TestBadFrom(t *testing.T) {
	_, diags := Parse("Dockerfile", []byte("FROM\nFROM a b c d\n"))
	if len(diags) != 2 || diags[0].At.Line != 1 || diags[1].At.Line != 2 {
		t.Errorf("diagnostics %v", diags)
	}
}

// Ensure EMR base images are recognised by registry and repository, in
// private ECR (any partition), ECR Public and EMR Serverless, with tags
// and digests, and other images are not.
func TestEMRBase(t *testing.T) {
	for ref, want := range map[string]string{
		"895885662937.dkr.ecr.us-west-2.amazonaws.com/spark/emr-7.12.0:latest":             "emr-7.12.0",
		"755674844232.dkr.ecr.us-east-1.amazonaws.com/notebook-spark/emr-7.1.0:latest":     "emr-7.1.0",
		"895885662937.dkr.ecr.us-west-2.amazonaws.com/notebook-python/emr-6.15.0:20231109": "emr-6.15.0",
		"895885662937.dkr.ecr.cn-north-1.amazonaws.com.cn/spark/emr-6.15.0:latest":         "emr-6.15.0",
		"public.ecr.aws/emr-on-eks/spark/emr-6.9.0:latest":                                 "emr-6.9.0",
		"public.ecr.aws/emr-serverless/spark/emr-7.0.0:latest":                             "emr-7.0.0",
		"public.ecr.aws/emr-serverless/spark/emr-7.0.0@sha256:0123456789abcdef":            "emr-7.0.0",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark/emr-spark-8.0.0:latest":        "emr-spark-8.0.0",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/spark:emr-6.15.0":               "",
		"123456789012.dkr.ecr.eu-west-1.amazonaws.com/spark/custom:latest":                 "",
		"docker.io/library/spark/emr-6.15.0:latest":                                        "",
		"spark/emr-6.15.0": "",
		"python:3.12":      "",
		"public.ecr.aws/emr-on-eks/flink/emr-7.0.0-flink:latest": "",
	} {
		got, ok := EMRBase(ref)
		if got != want || ok != (want != "") {
			t.Errorf("EMRBase(%q) = %q, %v; want %q", ref, got, ok, want)
		}
	}
}

// Ensure Load makes one image per FROM of an image (not of a stage, not
// scratch), with the release of EMR bases only.
func TestLoad(t *testing.T) {
	ev, diags := Load("Dockerfile", []byte("FROM public.ecr.aws/emr-on-eks/spark/emr-6.15.0:latest AS base\nFROM base\nFROM python:3.12\nFROM scratch\n"))
	if len(diags) > 0 || len(ev.ContainerImages) != 2 {
		t.Fatalf("images %+v, diagnostics %v", ev.ContainerImages, diags)
	}
	emr, py := ev.ContainerImages[0], ev.ContainerImages[1]
	if emr.Ref.ID != "base" || emr.ReleaseLabel.Val != "emr-6.15.0" || emr.Ref.Loc.Line != 1 {
		t.Errorf("EMR image %+v", emr)
	}
	if py.Ref.ID != "stage 2" || !py.ReleaseLabel.IsAbsent() || py.Base.Val != "python:3.12" {
		t.Errorf("python image %+v", py)
	}
}

// Ensure the file names of build files are recognised, and their ignore
// files are not.
func TestIsDockerfile(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "dir/Containerfile": true, "spark.Dockerfile": true, "Dockerfile.emr": true, "dockerfile": true,
		"Dockerfile.dockerignore": false, "spark.Dockerfile.dockerignore": false, "Dockerfiles": false, ".dockerfile": false, "main.tf": false,
	} {
		if IsDockerfile(name) != want {
			t.Errorf("IsDockerfile(%q) = %v", name, !want)
		}
	}
}

// FuzzParse ensures Parse never panics and that what it returns holds
// together: lines within the file, an image or a reason, stages that
// refer only to earlier ones.
func FuzzParse(f *testing.F) {
	f.Add([]byte("ARG A=1\nFROM --platform=$P ${A:-x}/spark/emr-6.15.0 AS b\nFROM b\n"))
	f.Add([]byte("# escape=`\nFROM `\n a\nRUN <<E\nFROM x\nE\n"))
	f.Add([]byte("FROM ${\nFROM $\nARG\nFROM \"a b\" as\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		stages, _ := Parse("Dockerfile", data)
		lines := strings.Count(string(data), "\n") + 1
		for i, st := range stages {
			if st.Line < 1 || st.Line > lines {
				t.Fatalf("stage %d on line %d of %d", i, st.Line, lines)
			}
			if (st.Image == "") == (st.Unknown == "") {
				t.Fatalf("stage %d: image %q, unknown %q: want exactly one", i, st.Image, st.Unknown)
			}
			if st.Stage >= i {
				t.Fatalf("stage %d refers to stage %d", i, st.Stage)
			}
		}
		Load("Dockerfile", data)
	})
}
