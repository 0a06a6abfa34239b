package harden

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
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/emrguard/emrguard/source/pemzip"
)

// The files of the zip EMR's PEM certificate provider reads (aws-emr-facts.md §1.1).
const (
	PrivateKeyFile = "privateKey.pem"
	ChainFile      = pemzip.ChainFile
	TrustedFile    = pemzip.TrustedFile
)

// minValidity keeps a new bundle clear of EMR109's 30-day expiry warning
// on the day it is made.
const minValidity = 31 * 24 * time.Hour

// CertSpec is what `emrguard harden certs` is asked for.
type CertSpec struct {
	Region   string        // the cluster's region: its private DNS names
	Domains  []string      // custom DNS domains of the VPC (a SAN *.<domain> each)
	Validity time.Duration // of the node certificate; 0: one year
	ECDSA    bool          // P-256 keys instead of RSA
	RSABits  int           // 0: 2048; under 2048 is refused (EMR109)
	// CACert and CAKey are the PEM of the CA that signs the node
	// certificate; both empty makes a new private CA.
	CACert, CAKey []byte
	Now           time.Time // zero: time.Now()
}

// CertBundle is what Certs made.
type CertBundle struct {
	Zip    []byte // privateKey.pem, certificateChain.pem, trustedCertificates.pem
	CACert []byte // PEM of the CA nodes trust
	CAKey  []byte // PEM of a new CA's key; nil when the CA was given
	Leaf   *x509.Certificate
	// Warnings are for the user, not errors: a new self-signed CA.
	Warnings []string
}

var dnsRe = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// PrivateDNSSuffix is the suffix of EC2 private DNS names in region: the
// node certificate's wildcard covers them (aws-emr-facts.md §1.1, the EMR
// provider's WildcardDnsSuffix).
func PrivateDNSSuffix(region string) string {
	if region == "us-east-1" {
		return "ec2.internal"
	}
	return region + ".compute.internal"
}

// Certs makes the PEM zip of s: a node certificate for the region's (and
// the given domains') private DNS names, signed by the given CA or a new
// private one, with server and client authentication, as EMR's in-transit
// encryption uses it both ways.
func Certs(s CertSpec) (*CertBundle, error) {
	if err := checkRegion("--region", s.Region); err != nil {
		return nil, err
	}
	names := []string{"*." + PrivateDNSSuffix(s.Region)}
	for _, d := range s.Domains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(d, ".")), "*.")
		if !dnsRe.MatchString(d) || !strings.Contains(d, ".") {
			return nil, fmt.Errorf("--domain: %q is not a DNS domain", d)
		}
		names = append(names, "*."+d)
	}
	if s.Validity == 0 {
		s.Validity = 365 * 24 * time.Hour
	}
	if s.Validity < minValidity {
		return nil, fmt.Errorf("--validity: %v is under 31 days: the bundle would fail EMR109 (expiring within 30 days) on the day it is made", s.Validity)
	}
	if s.RSABits == 0 {
		s.RSABits = 2048
	}
	if !s.ECDSA && s.RSABits < 2048 || s.RSABits > 8192 {
		return nil, fmt.Errorf("--rsa-bits: %d is not between 2048 and 8192 (EMR109 fails RSA keys under 2048 bits)", s.RSABits)
	}
	now := s.Now
	if now.IsZero() {
		now = time.Now()
	}
	// An hour back: a node whose clock is a little behind still accepts it.
	notBefore := now.Add(-time.Hour).UTC().Truncate(time.Second)
	notAfter := now.Add(s.Validity).UTC().Truncate(time.Second)

	b := &CertBundle{}
	var ca *x509.Certificate
	var caKey crypto.Signer
	switch {
	case len(s.CACert) == 0 && len(s.CAKey) == 0:
		key, err := newKey(s)
		if err != nil {
			return nil, err
		}
		// The CA outlives its first node certificate, so renewals can be
		// signed by it (--ca-cert, --ca-key) without redistributing trust.
		caAfter := notBefore.AddDate(5, 0, 0)
		if caAfter.Before(notAfter) {
			caAfter = notAfter
		}
		tmpl := &x509.Certificate{
			Subject:               pkix.Name{CommonName: "emrguard EMR in-transit CA", Organization: []string{"emrguard harden certs"}},
			NotBefore:             notBefore,
			NotAfter:              caAfter,
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
		}
		if ca, err = sign(tmpl, tmpl, key.Public(), key); err != nil {
			return nil, fmt.Errorf("harden certs: sign the CA: %w", err)
		}
		caKey = key
		if b.CAKey, err = keyPEM(key); err != nil {
			return nil, err
		}
		b.Warnings = append(b.Warnings, "the CA is new and self-signed: nodes trust it through trustedCertificates.pem, "+
			"but clients outside the cluster must be given its certificate; keep its key offline and sign renewals with --ca-cert and --ca-key")
	case len(s.CACert) == 0 || len(s.CAKey) == 0:
		return nil, errors.New("--ca-cert and --ca-key go together: give both, or neither for a new CA")
	default:
		var err error
		if ca, caKey, err = loadCA(s.CACert, s.CAKey, now); err != nil {
			return nil, err
		}
		if notAfter.After(ca.NotAfter) {
			return nil, fmt.Errorf("--validity: the node certificate would outlive its CA (%s expires %s)", ca.Subject, ca.NotAfter.UTC().Format("2006-01-02"))
		}
	}
	b.CACert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})

	key, err := newKey(s)
	if err != nil {
		return nil, err
	}
	usage := x509.KeyUsageDigitalSignature
	if !s.ECDSA {
		usage |= x509.KeyUsageKeyEncipherment // RSA key exchange in older TLS suites
	}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"emrguard harden certs"}},
		DNSNames:              names,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              usage,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	if b.Leaf, err = sign(tmpl, ca, key.Public(), caKey); err != nil {
		return nil, fmt.Errorf("harden certs: sign the node certificate: %w", err)
	}
	private, err := keyPEM(key)
	if err != nil {
		return nil, err
	}
	chain := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Leaf.Raw})
	if !bytes.Equal(ca.RawSubject, ca.RawIssuer) {
		chain = append(chain, b.CACert...) // an intermediate: nodes send it along
	}
	if b.Zip, err = zipOf(private, chain, b.CACert); err != nil {
		return nil, err
	}
	if err := selfCheck(b.Zip); err != nil {
		return nil, err
	}
	return b, nil
}

func newKey(s CertSpec) (crypto.Signer, error) {
	if s.ECDSA {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("harden certs: generate a P-256 key: %w", err)
		}
		return k, nil
	}
	k, err := rsa.GenerateKey(rand.Reader, s.RSABits)
	if err != nil {
		return nil, fmt.Errorf("harden certs: generate an RSA-%d key: %w", s.RSABits, err)
	}
	return k, nil
}

func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func keyPEM(k crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("harden certs: encode the private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// loadCA reads the CA's certificate and key and checks that they belong
// together and can sign node certificates now.
func loadCA(certPEM, keyPEM []byte, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	blk, rest := pem.Decode(certPEM)
	for blk != nil && blk.Type != "CERTIFICATE" {
		blk, rest = pem.Decode(rest)
	}
	if blk == nil {
		return nil, nil, errors.New("--ca-cert: no PEM CERTIFICATE block")
	}
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("--ca-cert: %w", err)
	}
	if !ca.IsCA || ca.KeyUsage != 0 && ca.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, nil, fmt.Errorf("--ca-cert: %s is not a CA certificate (basic constraints CA and the certificate-signing key usage)", ca.Subject)
	}
	if now.Before(ca.NotBefore) || !now.Before(ca.NotAfter) {
		return nil, nil, fmt.Errorf("--ca-cert: %s is valid from %s to %s, not now", ca.Subject, ca.NotBefore.UTC().Format(time.DateOnly), ca.NotAfter.UTC().Format(time.DateOnly))
	}
	key, err := parseKey(keyPEM)
	if err != nil {
		return nil, nil, err
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(ca.PublicKey) {
		return nil, nil, fmt.Errorf("--ca-key: the key does not match the CA certificate %s", ca.Subject)
	}
	return ca, key, nil
}

// parseKey reads a PKCS#8, PKCS#1 (RSA) or SEC 1 (EC) private key.
func parseKey(data []byte) (crypto.Signer, error) {
	rest := data
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			return nil, errors.New("--ca-key: no PEM private key block")
		}
		var k any
		var err error
		switch blk.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(blk.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("--ca-key: the key is encrypted; decrypt it first (openssl pkcs8 -in KEY -out PLAIN)")
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("--ca-key: %w", err)
		}
		s, ok := k.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("--ca-key: a %T cannot sign", k)
		}
		return s, nil
	}
}

func zipOf(private, chain, trusted []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		data []byte
	}{{PrivateKeyFile, private}, {ChainFile, chain}, {TrustedFile, trusted}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: time.Now().UTC()})
		if err == nil {
			_, err = w.Write(f.data)
		}
		if err != nil {
			return nil, fmt.Errorf("harden certs: zip %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("harden certs: zip: %w", err)
	}
	return buf.Bytes(), nil
}

// selfCheck reads the zip as a scan does (source/pemzip) and refuses what
// EMR109 would fail: a self-signed node certificate or a short RSA key.
func selfCheck(z []byte) error {
	certs, err := pemzip.Read(z)
	if err != nil {
		return fmt.Errorf("harden certs: the zip does not read back: %w", err)
	}
	for i, c := range certs {
		if i == 0 && c.SelfSigned {
			return fmt.Errorf("harden certs: the node certificate %s is self-signed", c.Subject)
		}
		if c.KeyAlgo == "RSA" && c.KeyBits < 2048 {
			return fmt.Errorf("harden certs: %s has a %d-bit RSA key", c.Subject, c.KeyBits)
		}
	}
	return nil
}
