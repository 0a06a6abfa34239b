//go:build ignore

// genfixtures writes the certificate zips of EMR109's examples:
//
//	go run source/pemzip/pemtest/genfixtures.go controls/testdata/EMR109
//
// Each run makes new keys; the examples' verdicts do not depend on them.
package main

import (
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
	return nil
}
