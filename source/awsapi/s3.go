package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/emrguard/emrguard/source/snapshot"
)

// s3API is the part of *s3.Client collectBuckets and collectCertificates call.
type s3API interface {
	GetBucketLogging(ctx context.Context, params *s3.GetBucketLoggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
	GetObject(ctx context.Context, params *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// certZipCap is the largest in-transit PEM zip read: a zip of three PEM
// files is a few KiB; anything past 1 MiB is not what EMR expects and is
// not read whole.
const certZipCap = 1 << 20

// collectBuckets reads the server access logging of each distinct
// bucket once, in the order first named. A bucket whose call failed is
// kept with LoggingRead false, the failure in fs.
func collectBuckets(ctx context.Context, api s3API, names []string, fs *failures) []*snapshot.Bucket {
	distinct := s3Distinct(names)
	out := make([]*snapshot.Bucket, len(distinct))
	boundedEach(len(distinct), 4, func(i int) {
		name := distinct[i]
		b := &snapshot.Bucket{Name: name}
		res, where, err := s3InBucketRegion(func(opts ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error) {
			return api.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String(name)}, opts...)
		})
		if err != nil {
			fs.add("s3", "GetBucketLogging", where, name, fmt.Errorf("s3 GetBucketLogging %s: %w", name, err))
		} else {
			b.Logging, b.LoggingRead = res.LoggingEnabled, true
		}
		out[i] = b
	})
	return out
}

// collectCertificates reads the in-transit PEM zips at locations
// (s3://bucket/key), each distinct location once, keeping only their
// certificates (certZip). Read is false when the object could not be
// fetched whole, the failure in fs under region (the region of the
// security configurations naming them).
func collectCertificates(ctx context.Context, api s3API, region string, locations []string, fs *failures) []*snapshot.CertificateZip {
	distinct := s3Distinct(locations)
	out := make([]*snapshot.CertificateZip, len(distinct))
	boundedEach(len(distinct), 4, func(i int) {
		out[i] = s3Certificate(ctx, api, region, distinct[i], fs)
	})
	return out
}

// s3Certificate fetches and reads one PEM zip.
func s3Certificate(ctx context.Context, api s3API, region, loc string, fs *failures) *snapshot.CertificateZip {
	c := &snapshot.CertificateZip{Location: loc}
	bucket, key, ok := s3Location(loc)
	if !ok {
		fs.add("s3", "GetObject", region, loc, fmt.Errorf("s3 GetObject %q: not an s3://bucket/key location", loc))
		return c
	}
	obj, where, err := s3InBucketRegion(func(opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
		return api.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, opts...)
	})
	if where == "" {
		where = region
	}
	if err != nil {
		fs.add("s3", "GetObject", where, loc, fmt.Errorf("s3 GetObject %s: %w", loc, err))
		return c
	}
	defer obj.Body.Close()
	if n := aws.ToInt64(obj.ContentLength); n > certZipCap {
		// Read is true: the object is there, it is just not a PEM zip
		// EMR could use; its body is left unread.
		c.Read, c.Problem = true, fmt.Sprintf("the object is %d bytes, over the %d-byte limit for a PEM zip; not read", n, certZipCap)
		return c
	}
	data, err := io.ReadAll(io.LimitReader(obj.Body, certZipCap+1))
	if err != nil {
		fs.add("s3", "GetObject", where, loc, fmt.Errorf("s3 GetObject %s: reading the body: %w", loc, err))
		return c
	}
	if len(data) > certZipCap {
		c.Read, c.Problem = true, fmt.Sprintf("the object is over the %d-byte limit for a PEM zip; not read whole", certZipCap)
		return c
	}
	c.Read = true
	c.Files, c.Problem = certZip(data)
	return c
}

// s3Location splits s3://bucket/key.
func s3Location(loc string) (bucket, key string, ok bool) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	if !ok {
		return "", "", false
	}
	bucket, key, ok = strings.Cut(rest, "/")
	return bucket, key, ok && bucket != "" && key != ""
}

// s3Distinct drops empty and repeated names, keeping the first order.
func s3Distinct(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// s3InBucketRegion makes a call and, when S3 answers that the bucket
// lives in another region than the client's (301 PermanentRedirect from
// a regional endpoint, 400 AuthorizationHeaderMalformed from the global
// one, 307 while a new bucket's DNS settles, each with the
// x-amz-bucket-region header), makes it once more in that region: the
// SDK does not follow these, and an account's log and certificate
// buckets may be in any region. It returns the bucket's region when S3
// named it (the region a failure is recorded under, since the Failure
// keeps the API's own message), else "".
func s3InBucketRegion[T any](call func(...func(*s3.Options)) (T, error)) (T, string, error) {
	res, err := call()
	if err == nil {
		return res, "", nil
	}
	bucketRegion, status := s3BucketRegion(err)
	switch status {
	case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusBadRequest:
	default:
		return res, bucketRegion, err
	}
	if bucketRegion == "" {
		return res, "", err
	}
	res, err = call(func(o *s3.Options) { o.Region = bucketRegion })
	if err != nil {
		return res, bucketRegion, fmt.Errorf("asked again in the bucket's region %s: %w", bucketRegion, err)
	}
	return res, bucketRegion, nil
}

// s3BucketRegion is the region S3 named for the bucket in a failed reply
// (x-amz-bucket-region), and the reply's HTTP status; 0 when the call
// got no reply.
func s3BucketRegion(err error) (string, int) {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region"), re.HTTPStatusCode()
	}
	return "", 0
}
