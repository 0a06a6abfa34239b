package snapshot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/pemzip"
)

// certificates returns the PEM bundle the configuration's in-transit
// encryption names, parsed: Absent when it names none, Unknown when the
// zip could not be read or holds no readable certificate.
func (m *mapper) certificates(r *Region, sc *model.SecurityConfiguration) model.Field[*model.CertificateBundle] {
	loc := sc.TLSCertificates
	if !loc.IsSet() {
		return model.Field[*model.CertificateBundle]{}
	}
	for _, z := range r.Certificates {
		if z.Location != loc.Val {
			continue
		}
		switch {
		case !z.Read:
			return unknown[*model.CertificateBundle](m.zipWhy(r, loc.Val))
		case z.Problem != "":
			return unknown[*model.CertificateBundle](fmt.Sprintf("the PEM zip %s cannot be used: %s", z.Location, z.Problem))
		}
		b, err := bundle(z, m.taken)
		if err != nil {
			m.errorf(m.object("s3", "GetObject", r.Name, z.Location), "%v", err)
			return unknown[*model.CertificateBundle](err.Error())
		}
		return known(b)
	}
	if sc.TLSProvider.Get("") != "PEM" {
		return model.Field[*model.CertificateBundle]{}
	}
	return unknown[*model.CertificateBundle](m.zipWhy(r, loc.Val))
}

func (m *mapper) zipWhy(r *Region, loc string) string {
	if w, ok := m.f.why("s3", "GetObject", r.Name, loc); ok {
		return w
	}
	if w, ok := m.f.why("s3", "GetObject", "", loc); ok {
		return w
	}
	return fmt.Sprintf("the live scan did not read the PEM zip %s (s3 GetObject)", loc)
}

// bundle parses the certificates of a zip's PEM files, in file name
// order, with the parser local zips use (source/pemzip).
func bundle(z *CertificateZip, asOf time.Time) (*model.CertificateBundle, error) {
	b := &model.CertificateBundle{Source: z.Location, AsOf: asOf}
	files := make([]string, 0, len(z.Files))
	for f := range z.Files {
		files = append(files, f)
	}
	slices.Sort(files)
	for _, f := range files {
		if !strings.Contains(z.Files[f], "-----BEGIN CERTIFICATE") {
			continue
		}
		certs, err := pemzip.Certificates(z.Files[f])
		if err != nil {
			return nil, fmt.Errorf("the PEM zip %s: %s: %w", z.Location, f, err)
		}
		for _, c := range certs {
			c.File, c.NotAfter = f, c.NotAfter.UTC()
			b.Certs = append(b.Certs, c)
		}
	}
	if len(b.Certs) == 0 {
		return nil, fmt.Errorf("the PEM zip %s holds no certificate", z.Location)
	}
	return b, nil
}

// parseAWSTime reads EC2's timestamps (2026-01-01T00:00:00.000Z).
func parseAWSTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}
