package scan

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
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
	if len(zips) == 0 && len(opt.Certs) == 0 {
		return 0
	}
	byPlace := map[string]input{}
	for _, z := range zips {
		byPlace[z.path] = z
	}
	given := parseCerts(opt.Certs)
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
			// Not beside the configuration: a zip given with --certs.
			if z, ok = given.match(f.Val); !ok {
				continue
			}
			p = z.path
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
				diags.Errorf(model.Loc{File: p}, "certificate zip named by %s: %v", sc.Ref.ID, err)
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
	for _, z := range append(zips, given.inputs()...) {
		if _, linked := done[z.path]; !linked && z.explicit {
			diags.Warnf(model.Loc{File: z.path}, "a zip no scanned security configuration names as its PEM certificates (TLSCertificateConfiguration.S3Object); skipped")
		}
	}
	return len(done)
}

// certsFlag is what --certs gave: zips by S3 URI, and by file name.
type certsFlag struct {
	byURI, byName map[string]input
}

// parseCerts reads the --certs values: "s3://BUCKET/KEY.zip=FILE" or FILE.
func parseCerts(vals []string) certsFlag {
	c := certsFlag{byURI: map[string]input{}, byName: map[string]input{}}
	for _, v := range vals {
		if uri, file, ok := strings.Cut(v, "="); ok && strings.HasPrefix(uri, "s3://") {
			c.byURI[uri] = input{path: file, explicit: true}
			continue
		}
		c.byName[filepath.Base(v)] = input{path: v, explicit: true}
	}
	return c
}

// match is the zip given for the S3 object uri: by the whole URI, else by
// its file name.
func (c certsFlag) match(uri string) (input, bool) {
	if z, ok := c.byURI[uri]; ok {
		return z, true
	}
	z, ok := c.byName[path.Base(uri)]
	return z, ok
}

func (c certsFlag) inputs() []input {
	var out []input
	for _, m := range []map[string]input{c.byURI, c.byName} {
		for _, z := range m {
			out = append(out, z)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}
