package cloudtrail

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is what reading an archive in S3 calls.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// ParseS3 splits s3://BUCKET/PREFIX.
func ParseS3(u string) (bucket, prefix string, ok bool) {
	rest, found := strings.CutPrefix(u, "s3://")
	if !found {
		return "", "", false
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, prefix, bucket != ""
}

// ParseS3Object splits s3://BUCKET/KEY, the URI of one object: the key
// is not empty and does not end in "/".
func ParseS3Object(u string) (bucket, key string, ok bool) {
	bucket, key, ok = ParseS3(u)
	return bucket, key, ok && key != "" && !strings.HasSuffix(key, "/")
}

// ListS3 lists an archive in S3 as List does a folder: level by level
// with a "/" delimiter, so that the folders the filter excludes (other
// accounts, regions, days) are never listed. Paths are s3://BUCKET/KEY.
func ListS3(ctx context.Context, api S3API, bucket, prefix string, f Filter) ([]File, error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") && !strings.HasSuffix(prefix, ".json") && !strings.HasSuffix(prefix, ".json.gz") {
		prefix += "/"
	}
	var out []File
	var walk func(p string) error
	walk = func(p string) error {
		var token *string
		for {
			page, err := api.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(p), Delimiter: aws.String("/"), ContinuationToken: token})
			if err != nil {
				return fmt.Errorf("s3 ListObjectsV2 s3://%s/%s: %w", bucket, p, err)
			}
			for _, o := range page.Contents {
				key := aws.ToString(o.Key)
				name := key[strings.LastIndexByte(key, '/')+1:]
				if !strings.HasSuffix(name, ".json.gz") && !strings.HasSuffix(name, ".json") || strings.Contains(name, "CloudTrail-Digest") {
					continue
				}
				pos := parse(key)
				if f.keep(pos) {
					out = append(out, File{Path: "s3://" + bucket + "/" + key, Account: pos.account, Region: pos.region, Day: pos.day()})
				}
			}
			for _, cp := range page.CommonPrefixes {
				sub := aws.ToString(cp.Prefix)
				if f.keep(parse(strings.TrimSuffix(sub, "/"))) {
					if err := walk(sub); err != nil {
						return err
					}
				}
			}
			if !aws.ToBool(page.IsTruncated) || page.NextContinuationToken == nil {
				return nil
			}
			token = page.NextContinuationToken
		}
	}
	return out, walk(prefix)
}

// S3Opener returns an Options.Open that reads s3:// paths with GetObject.
func S3Opener(ctx context.Context, api S3API) func(path string) (io.ReadCloser, error) {
	return func(path string) (io.ReadCloser, error) {
		bucket, key, ok := ParseS3(path)
		if !ok {
			return nil, fmt.Errorf("not an s3:// path")
		}
		out, err := api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return nil, fmt.Errorf("s3 GetObject: %w", err)
		}
		return out.Body, nil
	}
}
