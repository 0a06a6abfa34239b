package pemzip

import (
	"archive/zip"
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"path"

	"github.com/emrguard/emrguard/model"
)

// The certificate files of the zip EMR expects, in the order Read returns
// their certificates: the node's chain (its leaf first), then the CAs it
// trusts. privateKey.pem is the third file; it is never opened.
const (
	ChainFile   = "certificateChain.pem"
	TrustedFile = "trustedCertificates.pem"
)

// maxPEM bounds what is read of one file of the zip: a certificate file
// is a few kilobytes, and a zip entry may claim to inflate to gigabytes.
const maxPEM = 1 << 20

// Read returns the certificates of certificateChain.pem and, when the zip
// has it, trustedCertificates.pem, each with File set to its file name. It
// fails when data is not a zip, has no certificateChain.pem, or a file
// cannot be read as PEM certificates.
func Read(data []byte) ([]model.Certificate, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("pemzip: not a zip: %w", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			files[path.Base(f.Name)] = f
		}
	}
	if files[ChainFile] == nil {
		return nil, fmt.Errorf("pemzip: the zip has no %s", ChainFile)
	}
	var out []model.Certificate
	for _, name := range []string{ChainFile, TrustedFile} {
		f := files[name]
		if f == nil {
			continue
		}
		text, err := readFile(f)
		if err != nil {
			return nil, err
		}
		certs, err := Certificates(text)
		if err != nil {
			return nil, fmt.Errorf("pemzip: %s: %w", name, err)
		}
		for i := range certs {
			certs[i].File = name
		}
		out = append(out, certs...)
	}
	return out, nil
}

func readFile(f *zip.File) (string, error) {
	r, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("pemzip: open %s: %w", f.Name, err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxPEM+1))
	if err != nil {
		return "", fmt.Errorf("pemzip: read %s: %w", f.Name, err)
	}
	if len(b) > maxPEM {
		return "", fmt.Errorf("pemzip: %s is over %d bytes, not a certificate file", f.Name, maxPEM)
	}
	return string(b), nil
}

// Certificates parses every CERTIFICATE block of a PEM text, in order;
// File is left for the caller. Blocks of other types (a key pasted in by
// mistake) are skipped unread. It fails on a certificate x509 cannot
// parse, or a text with no certificate.
func Certificates(text string) ([]model.Certificate, error) {
	var out []model.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(out)+1, err)
		}
		out = append(out, describe(c))
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificate")
	}
	return out, nil
}

// describe keeps what EMR109 judges of c.
func describe(c *x509.Certificate) model.Certificate {
	m := model.Certificate{
		Subject:  c.Subject.String(),
		Issuer:   c.Issuer.String(),
		NotAfter: c.NotAfter,
		// Self-signed: issued by its own subject, and its signature checks
		// with its own key (CheckSignatureFrom would refuse a leaf that is
		// not a CA before looking at the signature).
		SelfSigned: bytes.Equal(c.RawSubject, c.RawIssuer) &&
			c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil,
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		m.KeyAlgo, m.KeyBits = "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		m.KeyAlgo, m.KeyBits = "ECDSA", k.Curve.Params().BitSize
	default:
		m.KeyAlgo = c.PublicKeyAlgorithm.String()
		if c.PublicKeyAlgorithm == x509.Ed25519 {
			m.KeyBits = 256
		}
	}
	return m
}
