package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Ensure the binary started by the Lambda runtime serves the handler its
// EMRGUARD_LAMBDA names, through the real Runtime API client (this test's
// binary re-run as the function's process, fed one event by a Runtime API
// server): trail-shard and trail-merge answer as their handlers (here
// refusing an event, naming the function and the field), an unknown mode
// stops the start naming the variable, and unset or "monitor" is the
// monitor's function as before.
func TestTrailLambdaRuntime(t *testing.T) {
	if os.Getenv("EMRGUARD_TEST_LAMBDA_CHILD") == "1" {
		os.Exit(run(context.Background(), nil, nil, os.Stdout, os.Stderr))
	}
	for _, tc := range []struct {
		mode, event, want string
	}{
		{"trail-shard", `{"source":"s3://a/","shard":1,"of":1,"part":"s3://b/p.json","filter":{"acount":["1"]}}`, `trail-shard event: json: unknown field \"acount\"`},
		{"trail-merge", `{"parts":"s3://b/parts/","report":"s3://b/reports/"}`, `trail-merge event: report \"s3://b/reports/\": want s3://BUCKET/KEY`},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			answers := make(chan string, 1)
			var served atomic.Bool
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/runtime/invocation/next"):
					if served.Swap(true) { // one event; then wait, as an idle function does
						<-r.Context().Done()
						return
					}
					w.Header().Set("Lambda-Runtime-Aws-Request-Id", "req-1")
					w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
					w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:emrguard-"+tc.mode)
					io.WriteString(w, tc.event)
				case r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/runtime/invocation/req-1/"):
					body, _ := io.ReadAll(r.Body)
					answers <- r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:] + " " + string(body)
					w.WriteHeader(http.StatusAccepted)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			cmd := exec.Command(os.Args[0], "-test.run=^TestTrailLambdaRuntime$")
			cmd.Env = append(os.Environ(), "EMRGUARD_TEST_LAMBDA_CHILD=1", "EMRGUARD_LAMBDA="+tc.mode,
				"AWS_LAMBDA_RUNTIME_API="+strings.TrimPrefix(srv.URL, "http://"), "AWS_REGION=eu-west-1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer func() { cmd.Process.Kill(); <-exited }()
			select {
			case err := <-exited:
				exited <- err
				t.Fatalf("the function exited (%v) without answering; stderr %s", err, stderr.String())
			case got := <-answers:
				if !strings.HasPrefix(got, "error ") || !strings.Contains(got, tc.want) {
					t.Errorf("the function answered %s\nwant an error containing %s", got, tc.want)
				}
			case <-time.After(2 * time.Minute): // a hang, not a timing assertion
				t.Fatalf("no answer; stderr %s", stderr.String())
			}
		})
	}
	for mode, want := range map[string]string{"bogus": "EMRGUARD_LAMBDA=\\\"bogus\\\"", "monitor": "EMRGUARD_NOTIFY", "": "EMRGUARD_NOTIFY"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTrailLambdaRuntime$")
		cmd.Env = append(os.Environ(), "EMRGUARD_TEST_LAMBDA_CHILD=1", "EMRGUARD_LAMBDA="+mode, "EMRGUARD_NOTIFY=",
			"AWS_LAMBDA_RUNTIME_API=127.0.0.1:9", "AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret")
		out, err := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != exitError || !strings.Contains(string(out), want) {
			t.Errorf("EMRGUARD_LAMBDA=%q: exit %d (%v), want %d and %s in:\n%s", mode, code, err, exitError, want, fmt.Sprint(string(out)))
		}
	}
}
