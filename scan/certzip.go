package scan

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/pemzip"
)

// A .zip is read only when a scanned security configuration names it: its
// TLSCertificates S3 key has the zip's file name, and the zip sits in the
// configuration's folder. That is how a repository keeps the PEM material
// it uploads beside the configuration that points at it. Any other zip
// (a Lambda package, a release archive) is left unread.

// isZip reports whether a file is a zip the scan sets aside for linking.
func isZip(p string) bool { return strings.EqualFold(filepath.Ext(p), ".zip") }

// linkCertificates reads the zips named by the security configurations of
// ev and sets their Certificates; it returns how many zips it read. A zip
// that cannot be read is an input error, and its configurations' material
// Unknown. A zip named on the command line that no configuration names is
// a warning.
func linkCertificates(ev *model.Evidence, zips []input, opt Options, diags *source.Diagnostics) int {
	if len(zips) == 0 {
		return 0
	}
	byPlace := map[string]input{}
	for _, z := range zips {
		byPlace[z.path] = z
	}
	type read struct {
		bundle *model.CertificateBundle
		why    string
	}
	done := map[string]read{}
	now := time.Now()
	var buf []byte
	for _, sc := range ev.SecurityConfigurations {
		f := sc.TLSCertificates
		if !f.IsSet() || sc.Ref.Loc.File == "" || !sc.Certificates.IsAbsent() {
			continue
		}
		p := filepath.Join(filepath.Dir(sc.Ref.Loc.File), path.Base(f.Val))
		z, ok := byPlace[p]
		if !ok || !isZip(p) {
			continue
		}
		r, seen := done[p]
		if !seen {
			data, err := readLimited(z, opt, &buf)
			var certs []model.Certificate
			if err == nil {
				certs, err = pemzip.Read(data)
			}
			if err != nil {
				r.why = fmt.Sprintf("the PEM zip %s cannot be read: %v", p, err)
				diags.Errorf(model.Loc{File: p}, fmt.Sprintf("certificate zip named by %s: %v", sc.Ref.ID, err))
			} else {
				r.bundle = &model.CertificateBundle{At: model.Loc{File: p}, Source: p, Certs: certs, AsOf: now}
			}
			done[p] = r
		}
		if r.bundle != nil {
			sc.Certificates = model.Known(r.bundle, model.Loc{File: p})
		} else {
			sc.Certificates = model.Unresolved[*model.CertificateBundle](r.why, model.Loc{File: p})
		}
	}
	for _, z := range zips {
		if _, linked := done[z.path]; !linked && z.explicit {
			diags.Warnf(model.Loc{File: z.path}, "a zip no scanned security configuration names as its PEM certificates (TLSCertificateConfiguration.S3Object); skipped")
		}
	}
	return len(done)
}
