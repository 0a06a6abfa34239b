//go:build ignore

// genfixtures writes the certificate zips of EMR109's examples, and its
// snapshot examples (the PEM text of the zips a live scan read):
//
//	go run source/pemzip/pemtest/genfixtures.go controls/testdata/EMR109
//
// Each run makes new keys; the examples' verdicts do not depend on them.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/emrguard/emrguard/source/pemzip/pemtest"
)

func main() {
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ca, err := pemtest.New(pemtest.Spec{CommonName: "acme EMR test CA", CA: true})
	if err != nil {
		return err
	}
	leaf := func(s pemtest.Spec) (*pemtest.Cert, error) {
		if s.CommonName == "" {
			s.CommonName = "*.eu-west-1.compute.internal"
		}
		return pemtest.New(s)
	}
	good, err := leaf(pemtest.Spec{Issuer: ca})
	if err != nil {
		return err
	}
	self, err := leaf(pemtest.Spec{})
	if err != nil {
		return err
	}
	expired, err := leaf(pemtest.Spec{Issuer: ca, NotBefore: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		return err
	}
	weak, err := leaf(pemtest.Spec{Issuer: ca, RSABits: 1024})
	if err != nil {
		return err
	}
	for file, chain := range map[string][]*pemtest.Cert{
		"ca-signed/etl-certs.zip":    {good},
		"in-transit-off/certs.zip":   {good},
		"self-signed/certs.zip":      {self},
		"expired/node-certs.zip":     {expired},
		"cfn-weak-key/certs.zip":     {weak},
		"cfn-weak-key/unrelated.zip": {good},
	} {
		data, err := pemtest.Zip(chain, []*pemtest.Cert{ca})
		if err != nil {
			return err
		}
		p := filepath.Join(dir, file)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	files := func(leaf *pemtest.Cert) map[string]string {
		return map[string]string{"certificateChain.pem": leaf.PEM, "trustedCertificates.pem": ca.PEM}
	}
	okRegion := region{
		configurations: []any{sc("etl-tls", "PEM", "etl-certs.zip"), sc("managed-tls", "EMR", "")},
		clusters:       []any{cluster("j-9TLSGOOD000001", "nightly-etl", "etl-tls")},
		zips:           []any{zipRead("etl-certs.zip", files(good))},
	}
	badRegion := region{
		configurations: []any{sc("weak-tls", "PEM", "weak-certs.zip"), sc("expired-tls", "PEM", "expired-certs.zip"), sc("unread-tls", "PEM", "unread-certs.zip")},
		clusters:       []any{cluster("j-9TLSWEAK000001", "adhoc", "weak-tls")},
		zips: []any{zipRead("weak-certs.zip", files(weak)), zipRead("expired-certs.zip", files(expired)),
			map[string]any{"location": "s3://acme-emr-artifacts-euw1/tls/unread-certs.zip", "read": false}},
	}
	for name, r := range map[string]region{"live-certificates-good.json": okRegion, "live-certificates-bad.json": badRegion} {
		if err := writeSnapshot(filepath.Join(dir, name), r); err != nil {
			return err
		}
	}
	return nil
}

// region is a snapshot region: its configurations, clusters and zips.
type region struct {
	configurations, clusters, zips []any
}

func sc(name, provider, zip string) any {
	tls := map[string]any{"CertificateProviderType": provider}
	if zip != "" {
		tls["S3Object"] = "s3://acme-emr-artifacts-euw1/tls/" + zip
	}
	doc, _ := json.Marshal(map[string]any{"EncryptionConfiguration": map[string]any{
		"EnableInTransitEncryption": true, "EnableAtRestEncryption": false,
		"InTransitEncryptionConfiguration": map[string]any{"TLSCertificateConfiguration": tls}}})
	return map[string]any{"name": name, "document": string(doc)}
}

func cluster(id, name, sc string) any {
	return map[string]any{"cluster": map[string]any{"Id": id, "Name": name, "Status": map[string]any{"State": "WAITING"},
		"ReleaseLabel": "emr-7.14.0", "SecurityConfiguration": sc, "ServiceRole": name + "-emr-service",
		"Ec2InstanceAttributes": map[string]any{"IamInstanceProfile": name + "-emr-ec2", "Ec2SubnetId": "subnet-0aa11bb22cc33dd44"}},
		"primaryRead": true}
}

func zipRead(zip string, files map[string]string) any {
	return map[string]any{"location": "s3://acme-emr-artifacts-euw1/tls/" + zip, "read": true, "files": files}
}

func writeSnapshot(p string, r region) error {
	s := map[string]any{"format": "emrguard-snapshot", "version": 1, "tool": "emrguard example", "taken": "2026-12-01T00:00:00Z",
		"accounts": []any{map[string]any{"id": "111122223333", "partition": "aws", "regions": []any{map[string]any{
			"name": "eu-west-1", "securityConfigurations": r.configurations, "clusters": r.clusters, "certificates": r.zips}}}}}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(p, append(data, '\n'), 0o644)
}
