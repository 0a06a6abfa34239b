package pemzip_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/source/pemzip"
	"github.com/emrguard/emrguard/source/pemzip/pemtest"
)

func mustCert(t *testing.T, s pemtest.Spec) *pemtest.Cert {
	t.Helper()
	c, err := pemtest.New(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Ensure Read returns the chain's certificates, leaf first, then the
// trusted CAs, each named by its file, with subject, issuer, expiry, key
// and whether it signed itself — and never looks at privateKey.pem.
func TestRead(t *testing.T) {
	ca := mustCert(t, pemtest.Spec{CommonName: "test CA", CA: true})
	leaf := mustCert(t, pemtest.Spec{CommonName: "node", Issuer: ca, NotAfter: time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC)})
	weak := mustCert(t, pemtest.Spec{CommonName: "weak", RSABits: 1024})
	ec := mustCert(t, pemtest.Spec{CommonName: "ec", ECDSA: true, Issuer: ca})
	data, err := pemtest.Zip([]*pemtest.Cert{leaf, ca}, []*pemtest.Cert{ca, weak, ec})
	if err != nil {
		t.Fatal(err)
	}
	certs, err := pemzip.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		file, subject string
		self          bool
		algo          string
		bits          int
	}
	want := []row{
		{pemzip.ChainFile, "CN=node,O=emrguard test", false, "RSA", 2048},
		{pemzip.ChainFile, "CN=test CA,O=emrguard test", true, "RSA", 2048},
		{pemzip.TrustedFile, "CN=test CA,O=emrguard test", true, "RSA", 2048},
		{pemzip.TrustedFile, "CN=weak,O=emrguard test", true, "RSA", 1024},
		{pemzip.TrustedFile, "CN=ec,O=emrguard test", false, "ECDSA", 256},
	}
	if len(certs) != len(want) {
		t.Fatalf("got %d certificates, want %d: %+v", len(certs), len(want), certs)
	}
	for i, c := range certs {
		got := row{c.File, c.Subject, c.SelfSigned, c.KeyAlgo, c.KeyBits}
		if got != want[i] {
			t.Errorf("certificate %d = %+v, want %+v", i, got, want[i])
		}
	}
	if certs[0].Issuer != "CN=test CA,O=emrguard test" || !certs[0].NotAfter.Equal(time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("leaf issuer %q, not after %s", certs[0].Issuer, certs[0].NotAfter)
	}
}

// Ensure a leaf that names itself as issuer but is signed by another key
// is not taken for self-signed.
func TestSelfSignedNeedsOwnSignature(t *testing.T) {
	ca := mustCert(t, pemtest.Spec{CommonName: "same", CA: true})
	leaf := mustCert(t, pemtest.Spec{CommonName: "same", Issuer: ca})
	certs, err := pemzip.Certificates(leaf.PEM)
	if err != nil {
		t.Fatal(err)
	}
	if certs[0].Subject != certs[0].Issuer || certs[0].SelfSigned {
		t.Errorf("subject %q issuer %q self-signed %v: want equal names, not self-signed", certs[0].Subject, certs[0].Issuer, certs[0].SelfSigned)
	}
}

// Ensure what is not the material EMR expects is an error saying what.
func TestReadErrors(t *testing.T) {
	zipOf := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, text := range files {
			w, _ := zw.Create(name)
			w.Write([]byte(text))
		}
		zw.Close()
		return buf.Bytes()
	}
	leaf := mustCert(t, pemtest.Spec{CommonName: "node"})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("PK? no"), "not a zip"},
		{"no chain", zipOf(map[string]string{"trustedCertificates.pem": leaf.PEM}), "no certificateChain.pem"},
		{"no certificate", zipOf(map[string]string{"certificateChain.pem": "hello"}), "certificateChain.pem: no PEM certificate"},
		{"bad certificate", zipOf(map[string]string{"certificateChain.pem": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}), "certificate 1"},
		{"huge", zipOf(map[string]string{"certificateChain.pem": strings.Repeat("A", 1<<20+1)}), "over 1048576 bytes"},
	} {
		_, err := pemzip.Read(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Read = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	// A chain in a folder of the zip, and a key block among certificates,
	// are read as EMR would: by file name, certificates only.
	certs, err := pemzip.Read(zipOf(map[string]string{"tls/certificateChain.pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + leaf.PEM}))
	if err != nil || len(certs) != 1 || certs[0].Subject != "CN=node,O=emrguard test" {
		t.Errorf("Read = %+v, %v; want the one certificate", certs, err)
	}
}
