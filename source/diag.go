package source

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emrguard/emrguard/model"
)

// Level says whether a diagnostic stopped something from being read.
type Level uint8

const (
	// Error: part of the input could not be read, so the run could not
	// check everything (it ends with exit code 2).
	Error Level = iota
	// Warning: the input was read, but something in it was ignored
	// (an unknown key, a duplicate key).
	Warning
)

// Diagnostic is one positioned problem with an input.
type Diagnostic struct {
	At    model.Loc // the input file, when the problem is in one
	Call  string    // the API call, when the problem is a call (e.g. "emr DescribeCluster j-1 in eu-west-1")
	Level Level
	Msg   string
}

// Error formats d as "file:line:col: msg" or "call: msg".
func (d Diagnostic) Error() string {
	switch {
	case d.Call != "":
		return d.Call + ": " + d.Msg
	case d.At == (model.Loc{}):
		return d.Msg
	}
	return d.At.String() + ": " + d.Msg
}

// Diagnostics is a list of problems, in the spirit of go/scanner.ErrorList.
type Diagnostics []Diagnostic

// Errorf appends an Error-level diagnostic.
func (d *Diagnostics) Errorf(at model.Loc, format string, args ...any) {
	*d = append(*d, Diagnostic{At: at, Level: Error, Msg: fmt.Sprintf(format, args...)})
}

// Warnf appends a Warning-level diagnostic.
func (d *Diagnostics) Warnf(at model.Loc, format string, args ...any) {
	*d = append(*d, Diagnostic{At: at, Level: Warning, Msg: fmt.Sprintf(format, args...)})
}

// Errors returns the Error-level diagnostics only.
func (d Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, x := range d {
		if x.Level == Error {
			out = append(out, x)
		}
	}
	return out
}

// Err returns nil when d holds no Error-level diagnostic, else an error
// listing them one per line.
func (d Diagnostics) Err() error {
	errs := d.Errors()
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n"))
}
