package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/emrguard/emrguard/source/cloudtrail"
)

// trailHooks tell a caller of runTrailHooked what the run did; nil hooks
// are not called.
type trailHooks struct {
	part   func(partStats) // a part was written (--part-out)
	judged func([]error)   // the records were judged; the files not read in whole
}

// partStats is what a shard read and wrote: the shard Lambda's answer.
type partStats struct {
	Part    string   `json:"part"`
	Files   int      `json:"files"`
	Bytes   int64    `json:"bytes"`   // uncompressed JSON read
	Records int64    `json:"records"` // CloudTrail records seen
	Events  int      `json:"events"`  // EMR records kept for the merge
	Errors  []string `json:"errors"`  // files not read in whole: the first maxErrorLines
	// ErrorCount counts them all (the part and the report list them).
	ErrorCount int `json:"error_count"`
}

// maxErrorLines bounds the errors a Lambda answer lists: Step Functions
// refuses a state's data over 256 KiB (States.DataLimitExceeded), and an
// archive whose objects KMS denies has thousands. The parts and the
// report list every one.
const maxErrorLines = 20

// errorLines returns the first maxErrorLines errors as text, and how
// many there are.
func errorLines(errs []error) ([]string, int) {
	out := []string{}
	for _, err := range errs[:min(len(errs), maxErrorLines)] {
		out = append(out, err.Error())
	}
	return out, len(errs)
}

// writePart writes a shard's part to a file, or to s3://BUCKET/KEY
// through a temporary file (the part is written whole, then uploaded
// once: a failed run leaves no half part for the merge to read).
func writePart(ctx context.Context, api *s3.Client, to string, shard cloudtrail.Shard, cands []cloudtrail.Candidate, errs []error) error {
	if !strings.HasPrefix(to, "s3://") {
		return cloudtrail.WritePart(to, shard, cands, errs)
	}
	bucket, key, ok := cloudtrail.ParseS3Object(to)
	if !ok {
		return usagef("--part-out %q: want s3://BUCKET/KEY", to)
	}
	dir, err := os.MkdirTemp("", "emrguard-part-")
	if err != nil {
		return fmt.Errorf("trail part %s: %w", to, err)
	}
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, filepath.Base(key)) // keeps ".gz": compressed as asked
	if err := cloudtrail.WritePart(local, shard, cands, errs); err != nil {
		return err
	}
	return putFile(ctx, api, bucket, key, local, "trail part")
}

// putFile uploads a local file to S3; errors name the object.
func putFile(ctx context.Context, api *s3.Client, bucket, key, local, what string) error {
	f, err := os.Open(local)
	if err != nil {
		return fmt.Errorf("%s s3://%s/%s: %w", what, bucket, key, err)
	}
	defer f.Close()
	if _, err := api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: f}); err != nil {
		return fmt.Errorf("%s: s3 PutObject s3://%s/%s: %w", what, bucket, key, err)
	}
	return nil
}

// mergeParts merges the parts named on the command line: files, s3://
// objects, and s3:// prefixes (every *.json and *.json.gz under one, as
// the shards of a Step Functions run write them).
func mergeParts(ctx context.Context, f *trailFlags, args []string, maxSize int64) ([]cloudtrail.Candidate, []error, error) {
	var api *s3.Client
	var paths []string
	for _, a := range args {
		if !strings.HasPrefix(a, "s3://") {
			paths = append(paths, a)
			continue
		}
		bucket, prefix, ok := cloudtrail.ParseS3(a)
		if !ok {
			return nil, nil, usagef("trail --merge: %q names no bucket (want s3://BUCKET/PREFIX/)", a)
		}
		if api == nil {
			var err error
			if api, err = trailS3(ctx, &f.wf); err != nil {
				return nil, nil, err
			}
		}
		if strings.HasSuffix(prefix, ".json") || strings.HasSuffix(prefix, ".json.gz") {
			paths = append(paths, a)
			continue
		}
		files, err := cloudtrail.ListS3(ctx, api, bucket, prefix, cloudtrail.Filter{})
		if err != nil {
			return nil, nil, fmt.Errorf("trail --merge: %w", err)
		}
		if len(files) == 0 {
			return nil, nil, fmt.Errorf("trail --merge: no parts (*.json, *.json.gz) under %s", a)
		}
		for _, file := range files {
			paths = append(paths, file.Path)
		}
	}
	open := func(path string) (io.ReadCloser, error) { return os.Open(path) }
	if api != nil {
		fromS3 := cloudtrail.S3Opener(ctx, api)
		open = func(path string) (io.ReadCloser, error) {
			if strings.HasPrefix(path, "s3://") {
				return fromS3(path)
			}
			return os.Open(path)
		}
	}
	return cloudtrail.MergeFrom(paths, open, maxSize)
}
