// Package pemtest makes throwaway certificates and PEM zips for tests and
// for the committed examples of EMR109: a CA, leaves it signs, self-signed
// leaves, short RSA keys, any validity. Nothing it makes is a real
// certificate, and the zips' privateKey.pem holds no key.
package pemtest

import (
	"archive/zip"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Cert is a certificate and the key that signs with it.
type Cert struct {
	X509 *x509.Certificate
	Key  crypto.Signer
	PEM  string
}

// Spec says what to make. Zero values: a 2048-bit RSA key, valid from
// 2020-01-01 to 2099-12-31, signed by Issuer, or self-signed when Issuer
// is nil.
type Spec struct {
	CommonName string
	RSABits    int  // 0: 2048
	ECDSA      bool // a P-256 key instead of RSA
	CA         bool
	NotBefore  time.Time
	NotAfter   time.Time
	Issuer     *Cert
}

// New makes the certificate of s, or fails on a key or signing error.
func New(s Spec) (*Cert, error) {
	var key crypto.Signer
	var err error
	if s.ECDSA {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		bits := s.RSABits
		if bits == 0 {
			bits = 2048
		}
		key, err = rsa.GenerateKey(rand.Reader, bits)
	}
	if err != nil {
		return nil, fmt.Errorf("pemtest: key of %s: %w", s.CommonName, err)
	}
	if s.NotBefore.IsZero() {
		s.NotBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if s.NotAfter.IsZero() {
		s.NotAfter = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, fmt.Errorf("pemtest: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: s.CommonName, Organization: []string{"emrguard test"}},
		NotBefore:    s.NotBefore, NotAfter: s.NotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  s.CA,
	}
	if s.CA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		tmpl.DNSNames = []string{"*.eu-west-1.compute.internal"}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}
	parent, signer := tmpl, key
	if s.Issuer != nil {
		parent, signer = s.Issuer.X509, s.Issuer.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		return nil, fmt.Errorf("pemtest: sign %s: %w", s.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pemtest: parse %s: %w", s.CommonName, err)
	}
	return &Cert{X509: c, Key: key, PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}, nil
}

// Zip returns a zip of the files EMR expects: certificateChain.pem (the
// chain's PEM, in order), trustedCertificates.pem when trusted is given,
// and a privateKey.pem placeholder that is not a key.
func Zip(chain []*Cert, trusted []*Cert) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	write := func(name, text string) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(text))
		return err
	}
	join := func(cs []*Cert) string {
		var s string
		for _, c := range cs {
			s += c.PEM
		}
		return s
	}
	if err := write("privateKey.pem", "not a key: an emrguard test fixture\n"); err != nil {
		return nil, fmt.Errorf("pemtest: zip: %w", err)
	}
	if err := write("certificateChain.pem", join(chain)); err != nil {
		return nil, fmt.Errorf("pemtest: zip: %w", err)
	}
	if len(trusted) > 0 {
		if err := write("trustedCertificates.pem", join(trusted)); err != nil {
			return nil, fmt.Errorf("pemtest: zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("pemtest: zip: %w", err)
	}
	return buf.Bytes(), nil
}
