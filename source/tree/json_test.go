package tree

import (
	"errors"
	"strings"
	"testing"
)

// Ensure values carry the line and column where they start.
func TestParseJSONPositions(t *testing.T) {
	src := "{\n  \"a\": {\"b\": [1, \"x\"]},\n  \"c\": true\n}"
	n, err := ParseJSON("f.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b := n.Get("a").Get("b")
	if b.Kind != Array || len(b.Items) != 2 {
		t.Fatalf("b = %+v", b)
	}
	if got := b.Items[1].At.String(); got != "f.json:2:18" {
		t.Errorf("item position = %s, want f.json:2:18", got)
	}
	if got := n.Get("c").At.String(); got != "f.json:3:8" {
		t.Errorf("c position = %s, want f.json:3:8", got)
	}
	if v, ok := n.Get("c").Bool(); !ok || !v {
		t.Errorf("c = %v %v", v, ok)
	}
	if n.Fields[1].KeyAt.Line != 3 {
		t.Errorf("key line = %d", n.Fields[1].KeyAt.Line)
	}
}

// Ensure malformed input names the line and column of the fault.
func TestParseJSONErrors(t *testing.T) {
	cases := map[string]string{
		"{\n  \"a\": tru\n}":        "f.json:2:",
		"{\"a\": 1":                 "unexpected end of input",
		"{} {}":                     "data after the top-level value",
		strings.Repeat("[", 100000): "nested deeper than 512",
		"":                          "unexpected end of input",
	}
	for src, want := range cases {
		_, err := ParseJSON("f.json", []byte(src))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%.20q: error %v is not a *ParseError", src, err)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%.20q: error %q does not contain %q", src, err, want)
		}
	}
}

// Ensure Fold matches CloudTrail, API and CLI spellings of one key.
func TestFold(t *testing.T) {
	n, err := ParseJSON("f", []byte(`{"release-label": "emr-7.14.0"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ReleaseLabel", "releaseLabel", "release_label"} {
		if s, _ := n.Fold(k).Str(); s != "emr-7.14.0" {
			t.Errorf("Fold(%q) = %q", k, s)
		}
	}
	if n.Get("ReleaseLabel") != nil {
		t.Error("Get must be exact")
	}
}

// Ensure string booleans and numeric strings are accepted where AWS accepts them.
func TestScalars(t *testing.T) {
	n, _ := ParseJSON("f", []byte(`{"a":"TRUE","b":"2","c":2.0,"d":2.5,"e":"yes"}`))
	if v, ok := n.Get("a").Bool(); !ok || !v {
		t.Error("a")
	}
	if v, ok := n.Get("b").Int(); !ok || v != 2 {
		t.Error("b")
	}
	if v, ok := n.Get("c").Int(); !ok || v != 2 {
		t.Error("c")
	}
	if _, ok := n.Get("d").Int(); ok {
		t.Error("d must not be an int")
	}
	if _, ok := n.Get("e").Bool(); ok {
		t.Error("e must not be a bool")
	}
}

// BenchmarkParseJSON measures the positioned parse of the §1.6 hardened
// security configuration (1.5 kB).
func BenchmarkParseJSON(b *testing.B) {
	data := []byte(`{"EncryptionConfiguration": {"EnableInTransitEncryption": true, "EnableAtRestEncryption": true,
 "InTransitEncryptionConfiguration": {"TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://acme-emr-artifacts-euw1/tls/emr-node-certs.zip"}},
 "AtRestEncryptionConfiguration": {"S3EncryptionConfiguration": {"EncryptionMode": "SSE-KMS", "AwsKmsKey": "arn:aws:kms:eu-west-1:210987654321:key/7c1e55aa-3b0d-4f6e-9a21-5d8c0e4f1b77"},
 "LocalDiskEncryptionConfiguration": {"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "arn:aws:kms:eu-west-1:210987654321:key/e02b9d31-64c8-4a5f-b0d7-1f3a9c6e2d48", "EnableEbsEncryption": true}}},
 "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 1},
 "AuthorizationConfiguration": {"EmrFsConfiguration": {"RoleMappings": [{"Role": "arn:aws:iam::210987654321:role/emrfs-finance-readonly", "IdentifierType": "Group", "Identifiers": ["finance-analysts"]}]}}}`)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSON("sc.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// Ensure the allocation-free key comparison agrees with FoldKey.
func TestFoldEqual(t *testing.T) {
	for _, k := range []string{"ReleaseLabel", "release-label", "RELEASE_LABEL", "releaseLabe", "releaseLabels", "", "-", "a-B_c"} {
		for _, w := range []string{"releaselabel", "", "abc"} {
			if got, want := foldEqual(k, w), FoldKey(k) == w; got != want {
				t.Errorf("foldEqual(%q, %q) = %v, want %v", k, w, got, want)
			}
		}
	}
}
