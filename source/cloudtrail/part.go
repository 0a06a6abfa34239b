package cloudtrail

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"

	"github.com/emrguard/emrguard/internal/outfile"
)

// Shard is the part i of n (1-based) of an archive that one machine
// reads. A shard does not judge: it keeps the records of EMR calls of its
// files for Merge, which judges all the parts' records together in time
// order, so that a launch is judged against a configuration created in a
// file another shard read, and the merged report is the whole run's, byte
// for byte. Files are dealt by a hash of their path, so a single busy
// account and region spreads over every shard.
type Shard struct{ I, N int }

// ParseShard reads "i/n" (1 ≤ i ≤ n).
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("%q is not i/n with 1 ≤ i ≤ n", s)
	}
	return Shard{I: i, N: n}, nil
}

// Keeps reports whether f belongs to the shard.
func (s Shard) Keeps(f File) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(f.Path))
	return int(h.Sum32()%uint32(s.N)) == s.I-1
}

// Only returns the files of the shard.
func (s Shard) Only(files []File) []File {
	var out []File
	for _, f := range files {
		if s.Keeps(f) {
			out = append(out, f)
		}
	}
	return out
}

// A part is what a shard read: the records of EMR calls of its files and
// the files it could not read, for Merge to judge with the other parts'.
type part struct {
	Format  string       `json:"emrguard_trail_part"`
	Shard   string       `json:"shard"`
	Records []partRecord `json:"records"`
	Errors  []partError  `json:"errors"`
}

type partRecord struct {
	File   string `json:"file"`
	Index  int    `json:"index"`
	Record string `json:"record,omitempty"`
	Base64 []byte `json:"record_base64,omitempty"` // a record that is not UTF-8, kept byte for byte
}

type partError struct {
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
}

const partFormat = "1"

// WritePart writes what Read returned for a shard to path, whole or not at
// all, gzip-compressed when path ends in ".gz".
func WritePart(path string, s Shard, cands []Candidate, errs []error) error {
	p := part{Format: partFormat, Shard: fmt.Sprintf("%d/%d", s.I, s.N), Records: []partRecord{}, Errors: []partError{}}
	for _, c := range cands {
		r := partRecord{File: c.Event.File, Index: c.Index}
		if utf8.Valid(c.Raw) {
			r.Record = string(c.Raw)
		} else {
			r.Base64 = c.Raw
		}
		p.Records = append(p.Records, r)
	}
	for _, err := range errs {
		var fe *FileError
		if errors.As(err, &fe) {
			p.Errors = append(p.Errors, partError{File: fe.Path, Message: fe.Err.Error()})
		} else {
			p.Errors = append(p.Errors, partError{Message: err.Error()})
		}
	}
	err := outfile.Write(path, 0o644, false, func(w io.Writer) error {
		var zw *gzip.Writer
		if strings.HasSuffix(path, ".gz") {
			zw = gzip.NewWriter(w)
			w = zw
		}
		bw := bufio.NewWriter(w)
		if err := json.NewEncoder(bw).Encode(p); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if zw != nil {
			return zw.Close()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("trail part %s: %w", path, err)
	}
	return nil
}

// Merge reads the parts at paths and returns their records and errors as
// one Read of the whole archive would: records in time order, then by
// file path and record index; errors sorted. A part that cannot be read
// is an error naming it, and so are parts that are not shards 1..N of one
// split, each once: a missing shard's files would go unjudged, a
// duplicate's records counted twice.
func Merge(paths []string, maxSize int64) ([]Candidate, []error, error) {
	return MergeFrom(paths, func(path string) (io.ReadCloser, error) { return os.Open(path) }, maxSize)
}

// MergeFrom is Merge reading the parts with open (S3Opener for s3://
// parts, written there by shards on other machines).
func MergeFrom(paths []string, open func(path string) (io.ReadCloser, error), maxSize int64) ([]Candidate, []error, error) {
	var recs []partRecord
	var errs []error
	shards := map[int]string{} // shard number → its part
	n := 0
	for _, path := range paths {
		p, err := readPart(path, open, maxSize)
		if err != nil {
			return nil, nil, err
		}
		s, err := ParseShard(p.Shard)
		switch {
		case err != nil:
			return nil, nil, fmt.Errorf("trail part %s: shard %w", path, err)
		case n != 0 && s.N != n:
			return nil, nil, fmt.Errorf("trail part %s is shard %d/%d, another part is of %d shards: parts of different runs", path, s.I, s.N, n)
		case shards[s.I] != "":
			return nil, nil, fmt.Errorf("trail parts %s and %s are both shard %d/%d", shards[s.I], path, s.I, s.N)
		}
		n, shards[s.I] = s.N, path
		recs = append(recs, p.Records...)
		for _, e := range p.Errors {
			if e.File != "" {
				errs = append(errs, &FileError{Path: e.File, Err: errors.New(e.Message)})
			} else {
				errs = append(errs, errors.New(e.Message))
			}
		}
	}
	if len(shards) != n {
		var missing []string
		for i := 1; i <= n; i++ {
			if shards[i] == "" {
				missing = append(missing, strconv.Itoa(i))
			}
		}
		return nil, nil, fmt.Errorf("trail parts: shards %s of %d are missing; their files would go unjudged", strings.Join(missing, ", "), n)
	}
	// Files are numbered in path order, as List sorts them for Read.
	var names []string
	for _, r := range recs {
		names = append(names, r.File)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var cands []Candidate
	for _, r := range recs {
		raw := r.Base64
		if raw == nil {
			raw = []byte(r.Record)
		}
		fi, _ := slices.BinarySearch(names, r.File)
		c, err := decode(File{Path: r.File}, fi, r.Index, raw, Filter{})
		if err != nil {
			return nil, nil, fmt.Errorf("trail part: %s: %w", r.File, err)
		}
		if c != nil {
			cands = append(cands, *c)
		}
	}
	sortCandidates(cands)
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return cands, errs, nil
}

func readPart(path string, open func(string) (io.ReadCloser, error), maxSize int64) (*part, error) {
	f, err := open(path)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("trail part: %w", err) // names the file
	} else if err != nil {
		return nil, fmt.Errorf("trail part %s: %w", path, err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("trail part %s: %w", path, err)
		}
		r = zr
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("trail part %s: %w", path, err)
	}
	if int64(len(data)) > maxSize {
		return nil, fmt.Errorf("trail part %s: more than %d bytes", path, maxSize)
	}
	var p part
	if err := json.Unmarshal(data, &p); err != nil || p.Format != partFormat {
		if err == nil {
			err = fmt.Errorf("emrguard_trail_part is %q, want %q", p.Format, partFormat)
		}
		return nil, fmt.Errorf("trail part %s: not a part written by emrguard trail --part-out: %w", path, err)
	}
	return &p, nil
}
