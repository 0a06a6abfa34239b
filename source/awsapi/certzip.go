package awsapi

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// The files of EMR's in-transit PEM zip (certificate provider type PEM)
// that are kept. The zip also holds privateKey.pem, which is never
// opened: the snapshot holds no secret.
const (
	certChainFile   = "certificateChain.pem"
	certTrustedFile = "trustedCertificates.pem"
)

// certZip reads an in-transit PEM zip, returning the text of its
// certificateChain.pem and trustedCertificates.pem (EMR reads them at
// the zip's top level, so only there), and a problem when the data is
// not such a zip: not a zip at all, a kept file that cannot be read or
// is larger than certZipCap, or no certificateChain.pem.
func certZip(data []byte) (map[string]string, string) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Sprintf("not a zip archive: %v", err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		if f.Name != certChainFile && f.Name != certTrustedFile {
			continue
		}
		if _, dup := files[f.Name]; dup {
			return nil, fmt.Sprintf("the zip holds %s twice", f.Name)
		}
		text, err := certZipFile(f)
		if err != nil {
			return nil, err.Error()
		}
		files[f.Name] = text
	}
	if _, ok := files[certChainFile]; !ok {
		if len(files) == 0 {
			files = nil
		}
		return files, "the zip has no " + certChainFile + " at its top level"
	}
	return files, ""
}

// certZipFile reads one kept file of the zip, at most certZipCap bytes
// of it uncompressed.
func certZipFile(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("reading %s in the zip: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, certZipCap+1))
	if err != nil {
		return "", fmt.Errorf("reading %s in the zip: %w", f.Name, err)
	}
	if len(data) > certZipCap {
		return "", fmt.Errorf("%s in the zip is over %d bytes", f.Name, certZipCap)
	}
	return string(data), nil
}
