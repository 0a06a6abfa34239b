package snapshot

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxSize is the largest snapshot Read accepts, once decompressed: a
// gzip file of a few megabytes may inflate without bound.
const MaxSize = 1 << 30

// detectWindow is how much of a file Detect looks at, decompressed.
const detectWindow = 64 << 10

var gzipMagic = []byte{0x1f, 0x8b}

// Read decodes a snapshot, gzip-compressed or not (told by its first
// bytes), from r; name is the file it came from, for errors. It refuses a
// file cut short (the gzip stream or the JSON), one that is not JSON, one
// whose "format" is not Format, and one of a newer Version than this
// build reads. Members it does not know are ignored: a snapshot of the
// same version from a newer build, which may hold more, still reads.
func Read(r io.Reader, name string) (*Snapshot, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	zipped := false
	if head, _ := br.Peek(2); bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: not a readable gzip file: %w", label(name), err)
		}
		defer zr.Close()
		src, zipped = zr, true
	}
	data, err := io.ReadAll(io.LimitReader(src, MaxSize+1))
	switch {
	case zipped && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)):
		return nil, fmt.Errorf("%s is truncated: the gzip stream ends early: %w", label(name), err)
	case err != nil:
		return nil, fmt.Errorf("%s: reading: %w", label(name), err)
	case len(data) > MaxSize:
		return nil, fmt.Errorf("%s is over %d MiB decompressed; refused", label(name), MaxSize>>20)
	}
	var head struct {
		Format  *string `json:"format"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonError(name, data, err)
	}
	switch {
	case head.Format == nil:
		return nil, fmt.Errorf("%s: not an emrguard snapshot: it has no \"format\": %q", label(name), Format)
	case *head.Format != Format:
		return nil, fmt.Errorf("%s: not an emrguard snapshot: its format is %q, want %q", label(name), *head.Format, Format)
	case head.Version == nil || *head.Version < 1:
		return nil, fmt.Errorf("%s has no valid \"version\" (want 1 to %d)", label(name), Version)
	case *head.Version > Version:
		return nil, fmt.Errorf("%s is version %d; this emrguard reads up to %d — upgrade emrguard", label(name), *head.Version, Version)
	}
	s := &Snapshot{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, jsonError(name, data, err)
	}
	return s, nil
}

// label names the snapshot in errors: "snapshot NAME", or "snapshot"
// when the caller names the file itself (a scan's diagnostics do).
func label(name string) string {
	if name == "" {
		return "snapshot"
	}
	return "snapshot " + name
}

// jsonError says why data is not a snapshot's JSON: cut short, not JSON,
// or a member of the wrong type.
func jsonError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return fmt.Errorf("%s is empty", label(name))
	case trimmed[0] != '{':
		return fmt.Errorf("%s is not JSON (a snapshot is a JSON object): %w", label(name), err)
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input" || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s is truncated: the JSON ends early: %w", label(name), err)
	case errors.As(err, &syn):
		return fmt.Errorf("%s is not valid JSON at byte %d: %w", label(name), syn.Offset, err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: member %s holds a JSON %s, want %s: %w", label(name), typ.Field, typ.Value, typ.Type, err)
	}
	return fmt.Errorf("%s: %w", label(name), err)
}

// Detect reports whether a file whose first bytes are head is a snapshot:
// a JSON object, gzip-compressed or not, whose "format" member is Format
// within its first 64 KiB (Write puts it first). It reads nothing else,
// so it is cheap enough to try on every file of a scan.
func Detect(head []byte) bool {
	if bytes.HasPrefix(head, gzipMagic) {
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return false
		}
		// A head cut inside the stream still yields what it holds.
		buf := make([]byte, detectWindow)
		n, _ := io.ReadFull(zr, buf)
		head = buf[:n]
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	if len(head) > detectWindow {
		head = head[:detectWindow]
	}
	return hasFormat(head)
}

// hasFormat looks for `"format"` `:` `"emrguard-snapshot"`, with any
// spacing between.
func hasFormat(b []byte) bool {
	val := []byte(`"` + Format + `"`)
	for {
		i := bytes.Index(b, val)
		if i < 0 {
			return false
		}
		before := bytes.TrimRight(b[:i], " \t\r\n")
		if bytes.HasSuffix(before, []byte(":")) &&
			bytes.HasSuffix(bytes.TrimRight(before[:len(before)-1], " \t\r\n"), []byte(`"format"`)) {
			return true
		}
		b = b[i+len(val):]
	}
}
