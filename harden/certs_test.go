package harden_test

import (
	"archive/zip"
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emrguard/emrguard/harden"
)

// unzip returns the files of a bundle's zip.
func unzip(t *testing.T, z []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	return out
}

func pool(t *testing.T, pemText []byte) *x509.CertPool {
	t.Helper()
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(pemText) {
		t.Fatal("no certificate in trustedCertificates.pem")
	}
	return p
}

// TestCertsVerify checks the node certificate against its CA for the
// private DNS names of the region (us-east-1's own form too) and a custom
// domain, with server and client authentication, RSA and ECDSA, a new CA
// and a given one; a name outside them does not verify.
func TestCertsVerify(t *testing.T) {
	first, err := harden.Certs(harden.CertSpec{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if first.CAKey == nil || len(first.Warnings) == 0 || !strings.Contains(first.Warnings[0], "self-signed") {
		t.Errorf("a new CA: key %v, warnings %q", first.CAKey != nil, first.Warnings)
	}
	for _, c := range []struct {
		name  string
		spec  harden.CertSpec
		hosts []string
	}{
		{"new CA", harden.CertSpec{Region: "eu-west-1"}, []string{"ip-10-0-1-23.eu-west-1.compute.internal"}},
		{"us-east-1", harden.CertSpec{Region: "us-east-1", RSABits: 3072}, []string{"ip-10-0-1-23.ec2.internal"}},
		{"ecdsa, domain", harden.CertSpec{Region: "ap-south-2", ECDSA: true, Domains: []string{"corp.example.com"}}, []string{"ip-10-0-1-23.ap-south-2.compute.internal", "node7.corp.example.com"}},
		{"given CA", harden.CertSpec{Region: "eu-west-1", CACert: first.CACert, CAKey: first.CAKey, Validity: 90 * 24 * time.Hour}, []string{"ip-10-0-1-23.eu-west-1.compute.internal"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := harden.Certs(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			files := unzip(t, b.Zip)
			if len(files) != 3 || files[harden.PrivateKeyFile] == nil || files[harden.ChainFile] == nil || files[harden.TrustedFile] == nil {
				t.Fatalf("zip holds %d files", len(files))
			}
			roots := pool(t, files[harden.TrustedFile])
			leaf := b.Leaf
			for _, h := range c.hosts {
				if _, err := leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
					t.Errorf("server auth as %s: %v", h, err)
				}
			}
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Errorf("client auth: %v", err)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "www.example.org", Roots: roots}); err == nil {
				t.Error("verifies for www.example.org")
			}
			if leaf.IsCA || leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 || leaf.KeyUsage&x509.KeyUsageCertSign != 0 {
				t.Errorf("leaf IsCA %v, key usage %b", leaf.IsCA, leaf.KeyUsage)
			}
			switch k := leaf.PublicKey.(type) {
			case *rsa.PublicKey:
				if c.spec.ECDSA || k.N.BitLen() != max(2048, c.spec.RSABits) {
					t.Errorf("RSA key of %d bits", k.N.BitLen())
				}
			case *ecdsa.PublicKey:
				if !c.spec.ECDSA || k.Curve.Params().Name != "P-256" {
					t.Errorf("ECDSA key on %s", k.Curve.Params().Name)
				}
			}
			if c.spec.CACert != nil && (b.CAKey != nil || !bytes.Equal(b.CACert, first.CACert) || len(b.Warnings) != 0) {
				t.Errorf("given CA: new key %v, same CA %v, warnings %q", b.CAKey != nil, bytes.Equal(b.CACert, first.CACert), b.Warnings)
			}
			handshake(t, files, c.hosts[0])
		})
	}
}

// handshake runs mutual TLS between two crypto/tls endpoints that both use
// the bundle, as two EMR nodes do: each presents the node certificate and
// trusts trustedCertificates.pem.
func handshake(t *testing.T, files map[string][]byte, host string) {
	t.Helper()
	pair, err := tls.X509KeyPair(files[harden.ChainFile], files[harden.PrivateKeyFile])
	if err != nil {
		t.Fatalf("key pair from the zip: %v", err)
	}
	roots := pool(t, files[harden.TrustedFile])
	a, b := net.Pipe()
	srv := tls.Server(a, &tls.Config{Certificates: []tls.Certificate{pair}, ClientCAs: roots, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12})
	cli := tls.Client(b, &tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots, ServerName: host, MinVersion: tls.VersionTLS12})
	errc := make(chan error, 1)
	go func() { errc <- srv.Handshake() }()
	if err := cli.Handshake(); err != nil {
		t.Errorf("client handshake: %v", err)
	}
	if err := <-errc; err != nil {
		t.Errorf("server handshake: %v", err)
	}
	if st := srv.ConnectionState(); len(st.PeerCertificates) == 0 {
		t.Error("the server saw no client certificate")
	}
	// The pipe's ends, not the TLS conns: a close_notify on an unbuffered
	// pipe nobody reads waits for its 5 s deadline.
	a.Close()
	b.Close()
}

// TestCertsRoundTrip scans the zip beside a configuration that names it:
// EMR109 reads it and passes, with the configuration's own controls.
func TestCertsRoundTrip(t *testing.T) {
	b, err := harden.Certs(harden.CertSpec{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := harden.SecConf(pemSpec(), harden.JSON)
	if err != nil {
		t.Fatal(err)
	}
	by := scanFiles(t, map[string][]byte{"hardened.json": doc, "emr-certs.zip": b.Zip})
	requirePass(t, by, append([]string{"EMR109"}, secconfControls...)...)
}

func TestCertsBadInput(t *testing.T) {
	ca1, err := harden.Certs(harden.CertSpec{Region: "eu-west-1", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	ca2, err := harden.Certs(harden.CertSpec{Region: "eu-west-1", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	leafPEM := unzip(t, ca1.Zip)[harden.ChainFile]
	leafKey := unzip(t, ca1.Zip)[harden.PrivateKeyFile]
	for _, c := range []struct {
		name string
		spec harden.CertSpec
		want string
	}{
		{"key of another CA", harden.CertSpec{Region: "eu-west-1", CACert: ca1.CACert, CAKey: ca2.CAKey}, "does not match the CA certificate"},
		{"leaf as CA", harden.CertSpec{Region: "eu-west-1", CACert: leafPEM, CAKey: leafKey}, "not a CA certificate"},
		{"cert without key", harden.CertSpec{Region: "eu-west-1", CACert: ca1.CACert}, "go together"},
		{"no PEM", harden.CertSpec{Region: "eu-west-1", CACert: []byte("hello"), CAKey: ca1.CAKey}, "no PEM CERTIFICATE"},
		{"key not PEM", harden.CertSpec{Region: "eu-west-1", CACert: ca1.CACert, CAKey: []byte("hello")}, "no PEM private key"},
		{"outlives CA", harden.CertSpec{Region: "eu-west-1", CACert: ca1.CACert, CAKey: ca1.CAKey, Validity: 10 * 365 * 24 * time.Hour}, "outlive its CA"},
		{"short RSA", harden.CertSpec{Region: "eu-west-1", RSABits: 1024}, "EMR109"},
		{"short validity", harden.CertSpec{Region: "eu-west-1", Validity: 10 * 24 * time.Hour}, "31 days"},
		{"bad region", harden.CertSpec{Region: "Europe"}, "--region"},
		{"bad domain", harden.CertSpec{Region: "eu-west-1", Domains: []string{"not a domain"}}, "--domain"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := harden.Certs(c.spec)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestWriteFiles: an existing target is refused without --force and
// nothing is written; an unwritable folder is an error naming the file
// with nothing left behind; the key is 0600; --force replaces.
func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	zipPath, keyPath := filepath.Join(dir, "emr-certs.zip"), filepath.Join(dir, "ca-key.pem")
	files := []harden.File{{Path: keyPath, Data: []byte("key"), Perm: 0o600}, {Path: zipPath, Data: []byte("zip"), Perm: 0o600}}
	if err := os.WriteFile(zipPath, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := harden.WriteFiles(files, false)
	if err == nil || !strings.Contains(err.Error(), "--force") || !strings.Contains(err.Error(), zipPath) {
		t.Errorf("existing target: %v", err)
	}
	assertDir(t, dir, "emr-certs.zip")
	if got, _ := os.ReadFile(zipPath); string(got) != "old" {
		t.Errorf("the existing file was changed: %q", got)
	}
	if err := harden.WriteFiles(files, true); err != nil {
		t.Fatal(err)
	}
	assertDir(t, dir, "ca-key.pem", "emr-certs.zip")
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key mode: %v %v", st.Mode(), err)
	}
	if got, _ := os.ReadFile(zipPath); string(got) != "zip" {
		t.Errorf("--force did not replace: %q", got)
	}

	// --force over a batch whose second target cannot be replaced (a
	// folder): the first, already replaced, gets its former content back.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	err = harden.WriteFiles([]harden.File{{Path: zipPath, Data: []byte("newer")}, {Path: sub, Data: []byte("x")}}, true)
	if err == nil || !strings.Contains(err.Error(), sub) {
		t.Errorf("replacing a folder: %v", err)
	}
	if got, _ := os.ReadFile(zipPath); string(got) != "zip" {
		t.Errorf("a failed --force batch left %q in place of %q", got, "zip")
	}
	assertDir(t, dir, "ca-key.pem", "emr-certs.zip", "sub")

	// A folder that is a file: unwritable whoever runs the test (root
	// ignores folder modes).
	ro := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(ro, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(t.TempDir(), "ok.pem")
	err = harden.WriteFiles([]harden.File{{Path: ok, Data: []byte("a")}, {Path: filepath.Join(ro, "x.zip"), Data: []byte("b")}}, false)
	if err == nil || !strings.Contains(err.Error(), "x.zip") {
		t.Errorf("unwritable: %v", err)
	}
	if _, err := os.Stat(ok); err == nil {
		t.Error("the writable file of a failed batch was left behind")
	}
	assertDir(t, filepath.Dir(ok))
}

func assertDir(t *testing.T, dir string, want ...string) {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, want)
	}
}
