package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/emrguard/emrguard/internal/testtool"
)

// Ensure trail reads an archive from S3 (moto) as from a folder: the
// same results, and the region filter prunes by the key layout.
func TestTrailS3Moto(t *testing.T) {
	url := testtool.Moto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDMOTO")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	ctx := context.Background()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", "")}
	api := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("trail")}); err != nil {
		t.Fatal(err)
	}
	root := writeArchive(t)
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		data, _ := os.ReadFile(p)
		if _, err := api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("trail"), Key: aws.String("logs/" + filepath.ToSlash(rel)), Body: bytes.NewReader(data)}); err != nil {
			t.Fatal(err)
		}
		return nil
	})
	results := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(ctx, append([]string{"trail", "--format", "json", "--controls", "EMR101,EMR102"}, args...), nil, &stdout, &stderr)
		var r struct{ Results []map[string]any }
		json.Unmarshal(stdout.Bytes(), &r)
		var ids []string
		for _, x := range r.Results {
			ev, _ := x["event"].(map[string]any)
			ids = append(ids, x["control"].(string)+":"+x["verdict"].(string)+":"+ev["id"].(string))
		}
		return code, strings.Join(ids, " "), stdout.String() + stderr.String()
	}
	codeDir, fromDir, _ := results(root)
	codeS3, fromS3, out := results("s3://trail/logs", "--endpoint-url", url)
	if fromS3 == "" || fromS3 != fromDir || codeS3 != codeDir {
		t.Errorf("s3 (exit %d) %q\nfolder (exit %d) %q\n%s", codeS3, fromS3, codeDir, fromDir, out)
	}
	if !strings.Contains(out, "s3://trail/logs/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/broken.json.gz") {
		t.Errorf("the broken object is not named by its s3:// path:\n%s", out)
	}
	if _, pruned, _ := results("s3://trail/logs", "--endpoint-url", url, "--region", "eu-west-1"); pruned != "" {
		t.Errorf("--region eu-west-1 read %q", pruned)
	}
}
