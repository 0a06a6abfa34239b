package snapshot

import (
	"testing"
	"time"

	"github.com/emrguard/emrguard/source/pemzip/pemtest"
)

// Ensure a self-signed node certificate that is not marked as a CA is
// still seen as self-signed in a live scan's PEM zip (x509's
// CheckSignatureFrom refuses a non-CA parent before checking the
// signature), and that a CA-signed one is not.
func TestBundleSelfSignedLeaf(t *testing.T) {
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	leaf, err := pemtest.New(pemtest.Spec{CommonName: "node", NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pemtest.New(pemtest.Spec{CommonName: "ca", CA: true, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(5, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := pemtest.New(pemtest.Spec{CommonName: "node2", Issuer: ca, NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		chain string
		self  bool
	}{{leaf.PEM, true}, {signed.PEM, false}} {
		b, err := bundle(&CertificateZip{Location: "s3://b/k.zip", Read: true, Files: map[string]string{"certificateChain.pem": tc.chain}}, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Certs) != 1 || b.Certs[0].SelfSigned != tc.self || b.Certs[0].File != "certificateChain.pem" {
			t.Errorf("bundle of %s: %+v, want one certificate of certificateChain.pem with SelfSigned=%v", b.Certs[0].Subject, b.Certs, tc.self)
		}
	}
}
