package report

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/emrguard/emrguard/control"
)

// ReportVersion is the version of the JSON report's shape, written as its
// report_version. A baseline must be of this version: an earlier report
// has no result ids to match by.
const ReportVersion = 1

// State says how a result compares with the baseline.
type State uint8

// The states of a result. A baseline result that is gone is not a State
// of this run's results: it is listed by Run.Fixed.
const (
	NoBaseline State = iota // the run has no baseline
	New                     // not in the baseline with this verdict
	Unchanged               // in the baseline with the same identity and verdict
)

// String returns "new" or "unchanged" ("" without a baseline).
func (s State) String() string {
	return [...]string{"", "new", "unchanged"}[s]
}

// Baseline is an earlier emrguard JSON report, read to compare a run with.
type Baseline struct {
	File string
	// verdicts holds every result's verdict by id; failing the results
	// that were failing or unknown, in the file's order.
	verdicts map[string]string
	failing  []BaselineResult
}

// BaselineResult is a result of the baseline as its report gave it, in
// the shape of a result of the JSON report (its baseline state cleared).
type BaselineResult = jsonResult

// ReadBaseline reads the JSON report at path. It fails, naming the file
// (and the line, for malformed JSON), when the file is not an emrguard
// JSON report, is of another report version, or has a result without an
// id.
func ReadBaseline(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // names the file
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("baseline %s: not a regular file", path)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	b, err := decodeBaseline(dec)
	if err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn) || errors.As(err, &typ):
			// The decoder's offset is where the value it failed on began.
			return nil, fmt.Errorf("baseline %s:%d: not an emrguard JSON report: %v", path, lineAt(path, dec.InputOffset()), err)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return nil, fmt.Errorf("baseline %s: not an emrguard JSON report: it ends early", path)
		}
		var at atLine
		if errors.As(err, &at) {
			return nil, fmt.Errorf("baseline %s:%d: %w", path, lineAt(path, at.offset), err)
		}
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	b.File = path
	return b, nil
}

// decodeBaseline reads a report member by member, keeping only what a
// comparison needs: a report of 280,000 results is 150 MB of JSON.
func decodeBaseline(dec *json.Decoder) (*Baseline, error) {
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	b := &Baseline{verdicts: map[string]string{}}
	var tool *Tool
	version, results := 0, false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t {
		case "tool":
			if err := dec.Decode(&tool); err != nil {
				return nil, err
			}
		case "report_version":
			if err := dec.Decode(&version); err != nil {
				return nil, err
			}
		case "results":
			// report_version comes before the results: a report of
			// another version is refused before its results are read.
			if err := checkVersion(tool, version); err != nil {
				return nil, err
			}
			results = true
			if err := expectDelim(dec, '['); err != nil {
				return nil, err
			}
			for n := 1; dec.More(); n++ {
				start := dec.InputOffset()
				var res BaselineResult
				if err := dec.Decode(&res); err != nil {
					return nil, err
				}
				if res.ID == "" {
					return nil, atLine{fmt.Errorf("result %d has no id (is it an emrguard JSON report?)", n), start}
				}
				res.Baseline = "" // the state against the baseline's own baseline
				b.verdicts[res.ID] = res.Verdict
				if res.Verdict == control.Failed.String() || res.Verdict == control.Unknown.String() {
					b.failing = append(b.failing, res)
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
	}
	if !results {
		return nil, errNotReport
	}
	return b, nil
}

// atLine marks an error about the value that begins at offset:
// ReadBaseline names its line.
type atLine struct {
	error
	offset int64
}

func (e atLine) Unwrap() error { return e.error }

var errNotReport = errors.New("not an emrguard JSON report (want the output of 'emrguard scan --format json')")

// checkVersion refuses a report that is not emrguard's or not of
// ReportVersion.
func checkVersion(tool *Tool, version int) error {
	switch {
	case tool == nil || tool.Name != "emrguard":
		return errNotReport
	case version == 0:
		return fmt.Errorf("an emrguard JSON report without report_version, from an emrguard before baselines (%s); make a new one with 'emrguard scan --format json'", cmp.Or(tool.Version, "version unknown"))
	case version != ReportVersion:
		return fmt.Errorf("report version %d, but this emrguard reads version %d; make a new one with 'emrguard scan --format json'", version, ReportVersion)
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("not an emrguard JSON report: want %q at offset %d, got %v", want, dec.InputOffset(), t)
	}
	return nil
}

// lineAt returns the line of path where the first byte other than JSON
// white space at or after offset is: the decoder's offsets are where the
// previous value ended (0 when the file cannot be read again).
func lineAt(path string, offset int64) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	line := 1
	r := bufio.NewReader(f)
	for i := int64(0); ; i++ {
		c, err := r.ReadByte()
		if err != nil || i >= offset && !bytes.ContainsRune([]byte(" \t\r\n,:"), rune(c)) {
			return line
		}
		if c == '\n' {
			line++
		}
	}
}

// compare sets each result's state and the fixed results, once.
func (r *Run) compare() {
	if r.Baseline == nil || len(r.states) == len(r.Results) {
		return
	}
	identity := r.identities()
	r.states = make([]State, len(r.Results))
	now := make(map[string]string, len(r.Results))
	for i := range r.Results {
		id, v := identity(i).String(), r.Results[i].Verdict.String()
		now[id] = v
		r.states[i] = New
		if old, ok := r.Baseline.verdicts[id]; ok && old == v {
			r.states[i] = Unchanged
		}
	}
	r.fixed = nil
	for _, old := range r.Baseline.failing {
		if now[old.ID] != old.Verdict {
			r.fixed = append(r.fixed, old)
		}
	}
}

// stateOf returns the state of result i (NoBaseline without a baseline);
// compare must have run.
func (r *Run) stateOf(i int) State {
	if r.states == nil {
		return NoBaseline
	}
	return r.states[i]
}

// States returns how each result compares with the baseline, at the
// same index; nil without a baseline.
func (r *Run) States() []State {
	r.compare()
	return r.states
}

// Fixed returns the baseline's failing and unknown results that this run
// no longer has with the same verdict, in the baseline's order: fixed,
// gone, or changed (a failure now unknown is fixed here and new there).
// Passing and n/a results that are gone are not listed: nothing was fixed.
func (r *Run) Fixed() []BaselineResult {
	r.compare()
	return r.fixed
}

// BaselineCounts counts the results that are new and unchanged, and the
// fixed ones.
type BaselineCounts struct {
	File      string `json:"file"`
	New       int    `json:"new"`
	Unchanged int    `json:"unchanged"`
	Fixed     int    `json:"fixed"`
	// NewFailing counts the new failing results, what --fail-on weighs.
	NewFailing int `json:"new_failing"`
}

// CountBaseline returns the counts of r's comparison with its baseline;
// ok is false when r has none.
func CountBaseline(r *Run) (c BaselineCounts, ok bool) {
	if r.Baseline == nil {
		return c, false
	}
	states := r.States()
	c.File, c.Fixed = r.Baseline.File, len(r.Fixed())
	for i, s := range states {
		switch s {
		case New:
			c.New++
			if r.Results[i].Verdict == control.Failed {
				c.NewFailing++
			}
		case Unchanged:
			c.Unchanged++
		}
	}
	return c, true
}

// Failing reports whether a result fails at or above min with no
// suppression covering it and, when r has a baseline, is new: what
// decides the exit code.
func (r *Run) Failing(min control.Severity) bool {
	if r.Baseline == nil {
		return AnyFailing(r.Results, min)
	}
	states := r.States()
	for i := range r.Results {
		if res := &r.Results[i]; states[i] == New && res.Verdict == control.Failed && res.Control.Severity >= min && res.Suppressed == nil {
			return true
		}
	}
	return false
}
