package awsapi

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/emrguard/emrguard/internal/awstest"
	"github.com/emrguard/emrguard/source/snapshot"
)

// Test PEM texts: not real certificates, only recognisable text.
const (
	testChain   = "-----BEGIN CERTIFICATE-----\nY2hhaW4=\n-----END CERTIFICATE-----\n"
	testTrusted = "-----BEGIN CERTIFICATE-----\ndHJ1c3RlZA==\n-----END CERTIFICATE-----\n"
	testKey     = "-----BEGIN PRIVATE KEY-----\nTk9ULUEtUkVBTC1LRVk=\n-----END PRIVATE KEY-----\n"
)

// testZip builds a zip of name → text.
func testZip(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, text := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Ensure, against an independent AWS (moto): collectBuckets reads each
// bucket's logging once (on, off), and a missing bucket is kept with
// LoggingRead false, its failure naming it; collectCertificates keeps
// only the certificates of a PEM zip — never privateKey.pem — and says
// what is wrong with an object that is not such a zip, too big, or
// absent.
func testMotoS3(t *testing.T, config func(region string) aws.Config) {
	cfg := config("eu-west-1")
	ctx := context.Background()
	var calls svcCounter
	api := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = true
		o.APIOptions = append(o.APIOptions, calls.install)
	})
	for _, b := range []string{"emr-logs", "access-logs", "quiet-logs", "certs"} {
		if _, err := api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
			t.Fatal(err)
		}
	}
	// S3 delivers access logs only to a bucket that lets it write.
	if _, err := api.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("access-logs"), GrantWrite: aws.String(`uri="http://acs.amazonaws.com/groups/s3/LogDelivery"`), GrantReadACP: aws.String(`uri="http://acs.amazonaws.com/groups/s3/LogDelivery"`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("emr-logs"), BucketLoggingStatus: &s3types.BucketLoggingStatus{
		LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("access-logs"), TargetPrefix: aws.String("emr/")},
	}}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, body []byte) {
		t.Helper()
		if _, err := api.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("certs"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	put("good.zip", testZip(t, map[string]string{"privateKey.pem": testKey, "certificateChain.pem": testChain, "trustedCertificates.pem": testTrusted}))
	put("nochain.zip", testZip(t, map[string]string{"privateKey.pem": testKey, "trustedCertificates.pem": testTrusted}))
	put("nested.zip", testZip(t, map[string]string{"certs/certificateChain.pem": testChain}))
	put("text.zip", []byte("not a zip"))
	put("huge.zip", bytes.Repeat([]byte{'x'}, certZipCap+1))

	fs := &failures{}
	buckets := collectBuckets(ctx, api, []string{"emr-logs", "quiet-logs", "emr-logs", "no-such-bucket", ""}, fs)
	svcOneFailure(t, fs, "GetBucketLogging", "no-such-bucket", "NoSuchBucket")
	if len(buckets) != 3 || calls.count("GetBucketLogging") != 3 {
		t.Fatalf("buckets = %+v after %d calls, want 3 distinct, each read once", buckets, calls.count("GetBucketLogging"))
	}
	if b := buckets[0]; b.Name != "emr-logs" || !b.LoggingRead || b.Logging == nil || aws.ToString(b.Logging.TargetBucket) != "access-logs" || aws.ToString(b.Logging.TargetPrefix) != "emr/" {
		t.Errorf("emr-logs = %+v (logging %+v)", b, b.Logging)
	}
	if b := buckets[1]; b.Name != "quiet-logs" || !b.LoggingRead || b.Logging != nil {
		t.Errorf("quiet-logs = %+v, want logging read and off", b)
	}
	if b := buckets[2]; b.Name != "no-such-bucket" || b.LoggingRead {
		t.Errorf("no-such-bucket = %+v, want LoggingRead false", b)
	}

	locs := []string{"s3://certs/good.zip", "s3://certs/nochain.zip", "s3://certs/nested.zip", "s3://certs/text.zip", "s3://certs/huge.zip", "s3://certs/missing.zip", "https://certs/x.zip", "s3://certs/good.zip"}
	certs := collectCertificates(ctx, api, "eu-west-1", locs, fs)
	list := fs.take()
	if len(list) != 2 || list[0].Operation != "GetObject" || list[1].Operation != "GetObject" {
		t.Fatalf("failures = %+v, want GetObject of the missing object and of the https location", list)
	}
	codes := map[string]string{}
	for _, f := range list {
		codes[f.Resource] = f.Code
		if f.Region != "eu-west-1" || f.Service != "s3" {
			t.Errorf("failure %+v, want s3 in eu-west-1", f)
		}
	}
	if codes["s3://certs/missing.zip"] != "NoSuchKey" || codes["https://certs/x.zip"] != "" {
		t.Errorf("failure codes = %v", codes)
	}
	if len(certs) != 7 || calls.count("GetObject") != 6 {
		t.Fatalf("certificates = %d after %d GetObject, want 7 locations and 6 calls (the https one is not called)", len(certs), calls.count("GetObject"))
	}
	want := []struct {
		read    bool
		files   map[string]string
		problem string
	}{
		{true, map[string]string{"certificateChain.pem": testChain, "trustedCertificates.pem": testTrusted}, ""},
		{true, map[string]string{"trustedCertificates.pem": testTrusted}, "no certificateChain.pem"},
		{true, nil, "no certificateChain.pem"},
		{true, nil, "not a zip"},
		{true, nil, "over the 1048576-byte limit"},
		{false, nil, ""},
		{false, nil, ""},
	}
	for i, w := range want {
		c := certs[i]
		if c.Location != locs[i] || c.Read != w.read || !mapsEqual(c.Files, w.files) || (w.problem == "") != (c.Problem == "") || !strings.Contains(c.Problem, w.problem) {
			t.Errorf("%s: read %v, files %v, problem %q; want read %v, files %v, problem containing %q", c.Location, c.Read, c.Files, c.Problem, w.read, w.files, w.problem)
		}
	}
	// No byte of the private key reaches the snapshot.
	out, _ := json.Marshal(certs)
	if bytes.Contains(out, []byte("PRIVATE KEY")) || bytes.Contains(out, []byte("privateKey")) || bytes.Contains(out, []byte("Tk9ULUEtUkVBTC1LRVk")) {
		t.Errorf("the snapshot holds the private key: %s", out)
	}
}

// mapsEqual compares two string maps, nil and empty alike.
func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// redirectProxy stands in front of moto as S3's regional endpoints do
// for a bucket of another region: a request not signed for pass is
// refused with 301 PermanentRedirect and the x-amz-bucket-region header
// naming home; requests signed for pass go on to moto.
func redirectProxy(t *testing.T, motoURL, home, pass string) string {
	t.Helper()
	target, err := url.Parse(motoURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	scope := regexp.MustCompile(`Credential=[^/]+/\d{8}/([^/]+)/`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := scope.FindStringSubmatch(r.Header.Get("Authorization"))
		if m == nil || m[1] != pass {
			w.Header().Set("X-Amz-Bucket-Region", home)
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusMovedPermanently)
			w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Ensure a bucket in another region than the client's is read there:
// S3's 301 PermanentRedirect names the bucket's region, and the call is
// made once more in it; when that region refuses too, the failure names
// it.
func testMotoS3OtherRegion(t *testing.T, config func(region string) aws.Config) {
	ctx := context.Background()
	motoURL := aws.ToString(config("eu-west-1").BaseEndpoint)
	setup := s3.NewFromConfig(config("eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := setup.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("far-logs"), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: "eu-west-1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := setup.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("far-logs"), Key: aws.String("pem.zip"), Body: bytes.NewReader(testZip(t, map[string]string{"certificateChain.pem": testChain}))}); err != nil {
		t.Fatal(err)
	}
	client := func(endpoint string) *s3.Client {
		return s3.NewFromConfig(config("us-east-1"), func(o *s3.Options) { o.UsePathStyle = true; o.BaseEndpoint = aws.String(endpoint) })
	}

	fs := &failures{}
	api := client(redirectProxy(t, motoURL, "eu-west-1", "eu-west-1"))
	b := collectBuckets(ctx, api, []string{"far-logs"}, fs)
	c := collectCertificates(ctx, api, "us-east-1", []string{"s3://far-logs/pem.zip"}, fs)
	svcNoFailures(t, fs)
	if len(b) != 1 || !b[0].LoggingRead {
		t.Errorf("buckets = %+v, want far-logs read in eu-west-1", b)
	}
	if len(c) != 1 || !c[0].Read || c[0].Files["certificateChain.pem"] != testChain {
		t.Errorf("certificates = %+v, want the zip read in eu-west-1", c)
	}

	// S3 names a region that refuses as well.
	api = client(redirectProxy(t, motoURL, "ap-south-1", ""))
	b = collectBuckets(ctx, api, []string{"far-logs"}, fs)
	if f := svcOneFailure(t, fs, "GetBucketLogging", "far-logs", "PermanentRedirect"); f.Region != "ap-south-1" {
		t.Errorf("failure = %+v, want it to name the bucket's region ap-south-1", f)
	}
	if len(b) != 1 || b[0].LoggingRead {
		t.Errorf("buckets = %+v, want LoggingRead false", b)
	}
}

// Ensure, through internal/awstest: collectBuckets reads back the
// account's buckets' logging as S3 holds it, each bucket once, and
// collectCertificates the certificates of a PEM zip, never its key.
func TestS3Awstest(t *testing.T) {
	s := awstest.New()
	defer s.Close()
	estate := []*snapshot.Bucket{
		{Name: "emr-logs", LoggingRead: true, Logging: &s3types.LoggingEnabled{TargetBucket: aws.String("access-logs"), TargetPrefix: aws.String("emr/")}},
		{Name: "quiet-logs", LoggingRead: true},
	}
	s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Buckets: estate})
	s.PutObject("certs", "emr/pem.zip", testZip(t, map[string]string{"privateKey.pem": testKey, "certificateChain.pem": testChain, "trustedCertificates.pem": testTrusted}))
	api := s3.NewFromConfig(s.Config("eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
	fs := &failures{}
	got := collectBuckets(context.Background(), api, []string{"emr-logs", "quiet-logs", "emr-logs"}, fs)
	certs := collectCertificates(context.Background(), api, "eu-west-1", []string{"s3://certs/emr/pem.zip"}, fs)
	svcNoFailures(t, fs)
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(estate)
	if string(g) != string(w) {
		t.Errorf("buckets = %s, want %s", g, w)
	}
	if n := s.Calls("s3.GetBucketLogging"); n != 2 {
		t.Errorf("GetBucketLogging called %d times, want once per bucket", n)
	}
	if len(certs) != 1 || !certs[0].Read || certs[0].Problem != "" || !mapsEqual(certs[0].Files, map[string]string{"certificateChain.pem": testChain, "trustedCertificates.pem": testTrusted}) {
		t.Errorf("certificates = %+v", certs)
	}
}

// Ensure each S3 call denied, throttled or failing past the retries, or
// cut short (for GetObject, a body that ends early), leaves one Failure
// naming it, and the bucket's logging or the zip unread.
func TestS3Faults(t *testing.T) {
	for _, op := range []string{"GetBucketLogging", "GetObject"} {
		for _, f := range svcFaults("s3."+op, "AccessDenied", "SlowDown") {
			t.Run(op+"/"+f.name, func(t *testing.T) {
				s := awstest.New()
				defer s.Close()
				s.LoadAccounts(&snapshot.Account{ID: awstestAccount, Buckets: []*snapshot.Bucket{{Name: "emr-logs", LoggingRead: true}}})
				s.PutObject("certs", "pem.zip", testZip(t, map[string]string{"certificateChain.pem": testChain}))
				s.Inject(f.fault)
				api := s3.NewFromConfig(s.Config("eu-west-1"), func(o *s3.Options) { o.UsePathStyle = true })
				fs := &failures{}
				if op == "GetBucketLogging" {
					got := collectBuckets(context.Background(), api, []string{"emr-logs"}, fs)
					svcCheckFault(t, s, fs, f, "s3", op, "", "emr-logs")
					if len(got) != 1 || got[0].LoggingRead || got[0].Logging != nil {
						t.Errorf("buckets = %+v, want emr-logs unread", got)
					}
					return
				}
				got := collectCertificates(context.Background(), api, "eu-west-1", []string{"s3://certs/pem.zip"}, fs)
				svcCheckFault(t, s, fs, f, "s3", op, "eu-west-1", "s3://certs/pem.zip")
				if len(got) != 1 || got[0].Read || got[0].Files != nil {
					t.Errorf("certificates = %+v, want the zip unread", got)
				}
			})
		}
	}
}
