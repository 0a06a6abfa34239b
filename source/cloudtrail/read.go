package cloudtrail

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source/event"
	"github.com/emrguard/emrguard/source/tree"
)

// DefaultMaxFileSize bounds the uncompressed size of one log file.
// CloudTrail delivers every five minutes, so real files are a few MB; a
// file past this is refused rather than held in memory.
const DefaultMaxFileSize = 128 << 20

// Options configure Read.
type Options struct {
	Filter      Filter
	Workers     int   // files read at once; default GOMAXPROCS
	MaxFileSize int64 // uncompressed bytes per file; default DefaultMaxFileSize
	Counters    *Counters
	// Open opens a file's path; default os.Open (S3Opener for s3://).
	Open func(path string) (io.ReadCloser, error)
}

// Counters count what Read has done so far, for a progress line; safe to
// read while Read runs.
type Counters struct {
	Files, Bytes, Compressed, Records, Candidates atomic.Int64
}

// Candidate is a record of an EMR call: its event, read once to filter
// and sort, and its bytes, decoded again by Decode when it is judged. An
// archive's thousands of candidates are held as bytes, not as trees, which
// are ten times their size.
type Candidate struct {
	Event model.Event
	Raw   []byte
	File  int // index in the files given to Read
	Index int // the record's index in its file
}

// Decode reads the record again, as source/event reads it.
func (c Candidate) Decode() (*event.Record, error) {
	root, err := tree.ParseJSON(c.Event.File, c.Raw)
	if err != nil {
		return nil, fmt.Errorf("%s: record %d: %w", c.Event.File, c.Index, err)
	}
	return event.Read(c.Event.File, root)
}

// FileError is a file (or a record of it) that could not be read.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// needles are the bytes a record of an EMR call must contain: its
// eventSource. Records without them are never decoded. Each needle starts
// at a letter rarer in CloudTrail JSON than its source's first one:
// bytes.Index stops at every occurrence of the first byte ('e' is every
// 13th byte, 'p' every 83rd, '-' every 43rd).
var needles = [][]byte{[]byte("preduce.amazonaws.com\""), []byte("-containers.amazonaws.com\"")}

// hits returns the sorted offsets where a needle occurs in data.
func hits(data []byte, into []int) []int {
	into = into[:0]
	for _, n := range needles {
		for off := 0; ; {
			k := bytes.Index(data[off:], n)
			if k < 0 {
				break
			}
			into = append(into, off+k)
			off += k + len(n)
		}
	}
	slices.Sort(into)
	return into
}

// Read reads files in parallel and returns the records of EMR calls in
// time order (then file and record order, so the output is the same on
// every run), with one error per file that could not be read in whole or
// in part; the other files are still read.
func Read(files []File, opt Options) ([]Candidate, []error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	if opt.Counters == nil {
		opt.Counters = &Counters{}
	}
	if opt.Open == nil {
		opt.Open = func(path string) (io.ReadCloser, error) { return os.Open(path) }
	}
	var next atomic.Int64
	type out struct {
		cands []Candidate
		errs  []error
	}
	outs := make([]out, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &fileReader{opt: &opt}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				cands, err := r.read(files[i], i)
				outs[w].cands = append(outs[w].cands, cands...)
				if err != nil {
					outs[w].errs = append(outs[w].errs, err)
				}
				opt.Counters.Files.Add(1)
			}
		}()
	}
	wg.Wait()
	var cands []Candidate
	var errs []error
	for _, o := range outs {
		cands = append(cands, o.cands...)
		errs = append(errs, o.errs...)
	}
	sortCandidates(cands)
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return cands, errs
}

// fileReader is one worker's reader; its buffers are reused from file to
// file.
type fileReader struct {
	opt  *Options
	out  []byte       // uncompressed
	zbuf bytes.Buffer // the file as stored
	zr   bytes.Reader
	gz   *gzip.Reader
	hits []int
}

// read returns the candidates of one file. A record that cannot be
// decoded is skipped and reported; the file's other records still count.
func (r *fileReader) read(f File, fi int) ([]Candidate, error) {
	data, err := r.load(f.Path)
	if err != nil {
		return nil, &FileError{Path: f.Path, Err: err}
	}
	c := r.opt.Counters
	c.Bytes.Add(int64(len(data)))
	var cands []Candidate
	var bad []string
	// One search of the whole file finds where EMR is named; a record is
	// decoded only when one of those offsets falls inside it.
	r.hits = hits(data, r.hits)
	h := r.hits
	if len(h) == 0 {
		// No record can be an EMR call: the file is not delimited into
		// records at all, only checked to be whole (a truncated plain
		// JSON file).
		return nil, r.whole(f, data)
	}
	n, err := Records(data, func(i, off int, rec []byte) error {
		for len(h) > 0 && h[0] < off {
			h = h[1:]
		}
		if len(h) == 0 {
			// Past the last hit nothing is a candidate: the rest of the
			// file is checked as hit-less files are.
			return errPastHits{off}
		}
		if h[0] >= off+len(rec) {
			return nil
		}
		cand, err := decode(f, fi, i, rec, r.opt.Filter)
		if err != nil {
			bad = append(bad, err.Error())
		} else if cand != nil {
			cands = append(cands, *cand)
		}
		return nil
	})
	c.Records.Add(int64(n))
	c.Candidates.Add(int64(len(cands)))
	var past errPastHits
	if errors.As(err, &past) {
		err = r.whole(f, data[past.off:])
		data = nil
	}
	switch {
	case err != nil && data == nil:
		return cands, err
	case err != nil:
		err = fmt.Errorf("not a CloudTrail log file (%d records read): %w", n, err)
	case len(bad) == 1:
		err = errors.New(bad[0])
	case len(bad) > 1:
		err = fmt.Errorf("%d records unreadable; first: %s", len(bad), bad[0])
	}
	if err != nil {
		return cands, &FileError{Path: f.Path, Err: err}
	}
	return cands, nil
}

// decode reads one record that mentions EMR; nil when it is another
// service's record that only names EMR, or outside the filter.
func decode(f File, fi, i int, raw []byte, flt Filter) (*Candidate, error) {
	root, err := tree.ParseJSON(f.Path, raw)
	if err != nil {
		var pe *tree.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("record %d is not JSON: %s", i, pe.Msg)
		}
		return nil, fmt.Errorf("record %d is not JSON: %w", i, err)
	}
	rec, err := event.Read(f.Path, root)
	if event.IsOtherService(err) {
		return nil, nil
	}
	if err != nil {
		var ie *event.InputError
		if errors.As(err, &ie) {
			return nil, fmt.Errorf("record %d: %s", i, ie.Msg)
		}
		return nil, fmt.Errorf("record %d: %w", i, err)
	}
	e := rec.Event
	if len(flt.Accounts) > 0 && !slices.Contains(flt.Accounts, e.Account) ||
		len(flt.Regions) > 0 && !slices.Contains(flt.Regions, e.Region) || !flt.Keeps(e.Time) {
		return nil, nil
	}
	return &Candidate{Event: e, Raw: bytes.Clone(raw), File: fi, Index: i}, nil
}

// load returns the uncompressed content of a file, in the reader's buffer
// (valid until the next load), refusing more than MaxFileSize bytes.
func (r *fileReader) load(path string) ([]byte, error) {
	// The compressed file is read whole (CloudTrail's are tens of KB): one
	// read, and klauspost's inflate reads a *bytes.Reader without a
	// bufio layer.
	fh, err := r.opt.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	r.zbuf.Reset()
	_, err = r.zbuf.ReadFrom(io.LimitReader(fh, r.opt.MaxFileSize+1))
	fh.Close()
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	r.opt.Counters.Compressed.Add(int64(r.zbuf.Len()))
	r.zr.Reset(r.zbuf.Bytes())
	var src io.Reader = &r.zr
	if strings.HasSuffix(path, ".gz") {
		if r.gz == nil {
			r.gz, err = gzip.NewReader(&r.zr)
		} else {
			err = r.gz.Reset(&r.zr)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("empty file, not gzip")
			}
			return nil, fmt.Errorf("not a gzip file: %w", err)
		}
		src = r.gz
	} else if int64(r.zbuf.Len()) <= r.opt.MaxFileSize {
		return r.zbuf.Bytes(), nil // plain JSON: no second copy
	}
	max := r.opt.MaxFileSize
	// gzip's trailer states the size (mod 4 GiB): with it the buffer is
	// sized once. It may lie; readAtMost never holds more than max+1.
	hint := 0
	if z := r.zbuf.Bytes(); len(z) >= 4 && src == r.gz {
		hint = int(min(int64(binary.LittleEndian.Uint32(z[len(z)-4:])), max+1))
	}
	var n int
	r.out, n, err = readAtMost(r.out[:0], src, max+1, hint)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("truncated gzip (%d bytes decompressed before the end): %w", n, err)
	case err != nil:
		return nil, fmt.Errorf("decompress: %w", err)
	case int64(n) > max:
		r.out = nil // do not keep the big buffer
		return nil, fmt.Errorf("decompresses to more than %d bytes (the limit per file)", max)
	}
	return r.out, nil
}

// readAtMost appends src to dst up to limit bytes, growing dst at most to
// limit (never doubling past it).
func readAtMost(dst []byte, src io.Reader, limit int64, hint int) ([]byte, int, error) {
	if hint > cap(dst) {
		dst = make([]byte, 0, hint+1) // +1: the EOF read needs room
	}
	for {
		if int64(len(dst)) >= limit {
			return dst, len(dst), nil
		}
		if len(dst) == cap(dst) {
			grown := make([]byte, len(dst), min(max(2*cap(dst), 64<<10), int(limit)))
			copy(grown, dst)
			dst = grown
		}
		k, err := src.Read(dst[len(dst):min(cap(dst), int(limit))])
		dst = dst[:len(dst)+k]
		if err == io.EOF {
			return dst, len(dst), nil
		}
		if err != nil {
			return dst, len(dst), err
		}
	}
}

// errPastHits stops Records at the first record past the last hit.
type errPastHits struct{ off int }

func (errPastHits) Error() string { return "past the last hit" }

// whole checks a file without EMR records (or the rest of one, from a
// record on) for what is cheap to see: one JSON object, complete.
func (r *fileReader) whole(f File, data []byte) error {
	t := bytes.TrimSpace(data)
	if len(t) == 0 || t[0] != '{' || t[len(t)-1] != '}' {
		return &FileError{Path: f.Path, Err: errors.New("not a CloudTrail log file: not one JSON object (truncated?)")}
	}
	// Counted as records only approximately: a record is an object that
	// starts with eventVersion in every CloudTrail file.
	r.opt.Counters.Records.Add(int64(bytes.Count(data, []byte(`{"eventVersion"`))))
	return nil
}

// sortCandidates puts records in time order, then file and record order
// (files are numbered in path order), so every run, and every merge of
// shards, gives the same output.
func sortCandidates(cands []Candidate) {
	slices.SortFunc(cands, func(a, b Candidate) int {
		if c := strings.Compare(a.Event.Time, b.Event.Time); c != 0 {
			return c
		}
		if a.File != b.File {
			return a.File - b.File
		}
		return a.Index - b.Index
	})
}
