package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/emrguard/emrguard/monitor/lambdazip"
)

// runPackage writes the monitor's Lambda zip and says what it holds: its
// SHA-256 and where the bootstrap came from.
func runPackage(ctx context.Context, e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard monitor package", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	arch := fs.String("arch", "arm64", "the function's architecture: arm64 or amd64 (x86_64 in the template's Architecture)")
	output := fs.String("output", "", "write the zip to `FILE` (default emrguard-lambda-ARCH.zip, the template's default CodeKey for arm64)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard monitor package [--arch arm64|amd64] [--output FILE]\n\n"+
			"Writes the launch monitor's Lambda zip (bootstrap for provided.al2023), the same bytes every time.\n"+
			"The bootstrap is this binary when it is a linux static build for ARCH (a release binary),\n"+
			"otherwise a reproducible build of the emrguard source tree the command runs in.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if rest, err := parseFlags(fs, args); err != nil {
		return 0, err
	} else if len(rest) > 0 {
		return 0, usagef("monitor package: unexpected argument %q", rest[0])
	}
	if _, ok := lambdazip.Archs[*arch]; !ok {
		return 0, usagef("--arch %q: want arm64 or amd64", *arch)
	}
	out := *output
	if out == "" {
		out = "emrguard-lambda-" + *arch + ".zip"
	}
	bin, src, err := lambdazip.Bootstrap(ctx, *arch, ".")
	if err != nil {
		return 0, fmt.Errorf("monitor package: %w", err)
	}
	var zip bytes.Buffer
	if err := lambdazip.Write(&zip, bin); err != nil {
		return 0, fmt.Errorf("monitor package: %w", err)
	}
	if err := writeFileAtomic(out, zip.Bytes()); err != nil {
		return 0, fmt.Errorf("monitor package: %w", err)
	}
	sum := sha256.Sum256(zip.Bytes())
	fmt.Fprintf(e.stdout, "%s  %s\n", hex.EncodeToString(sum[:]), out)
	fmt.Fprintf(e.stderr, "emrguard monitor package: %s: %d bytes, bootstrap linux/%s %s\n", out, zip.Len(), *arch, src)
	return exitOK, nil
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it: a failed run leaves no half-written zip to upload.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".emrguard-*.zip")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
