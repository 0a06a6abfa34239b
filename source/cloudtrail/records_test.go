package cloudtrail_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/emrguard/emrguard/source/cloudtrail"
)

// Ensure Records delimits exactly the elements of Records, with strings
// holding braces, brackets and escaped quotes, and skips other members.
func TestRecordsSplit(t *testing.T) {
	doc := `{"x":[1,{"Records":[]}], "Records" : [ {"a":"}]\"{"} , {"b":[{"c":"\\"}]},{}],"y":"z"}` + "\n"
	var got []string
	n, err := cloudtrail.Records([]byte(doc), func(i, off int, rec []byte) error {
		if doc[off:off+len(rec)] != string(rec) {
			t.Errorf("record %d: offset %d does not point at it", i, off)
		}
		got = append(got, string(rec))
		return nil
	})
	want := []string{`{"a":"}]\"{"}`, `{"b":[{"c":"\\"}]}`, `{}`}
	if err != nil || n != 3 || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("n=%d err=%v got %q", n, err, got)
	}
}

// Ensure broken files are errors with an offset, never a partial success.
func TestRecordsErrors(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"truncated":      {`{"Records":[{"a":"b"},{"c":`, "unexpected end"},
		"open string":    {`{"Records":[{"a":"b`, "unterminated string"},
		"not object":     {`[1,2]`, "not a JSON object"},
		"record scalar":  {`{"Records":[{"a":1},7]}`, "record 1 is not a JSON object"},
		"mismatch":       {`{"Records":[{"a":[1}]}`, "unexpected '}'"},
		"trailing":       {`{"Records":[]} x`, "data after"},
		"garbage member": {`{"Records":[], "k": @}`, "unexpected '@'"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := cloudtrail.Records([]byte(tc.doc), func(int, int, []byte) error { return nil })
			var se *cloudtrail.SyntaxError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a SyntaxError with %q", err, tc.want)
			}
		})
	}
}

// FuzzRecords checks Records against encoding/json: on valid JSON of the
// CloudTrail shape the records are exactly the array's elements; on any
// input it never panics and never hands out bytes outside the input.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{
		`{"Records":[{"eventSource":"elasticmapreduce.amazonaws.com","x":"\"}"}]}`,
		`{"Records":[]}`, `{}`, `{"Records":[{"a":[[{}]]},{"b":"\\\\"}]}`, `{"Records":[{"a":1`, `[`, `"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []json.RawMessage
		_, err := cloudtrail.Records(data, func(i, off int, rec []byte) error {
			if off < 0 || off+len(rec) > len(data) || string(data[off:off+len(rec)]) != string(rec) {
				t.Fatalf("record %d at %d is not the input's bytes", i, off)
			}
			got = append(got, json.RawMessage(rec))
			return nil
		})
		var doc struct {
			Records []json.RawMessage
		}
		var objs []map[string]json.RawMessage
		if err != nil || json.Unmarshal(data, &doc) != nil || !json.Valid(data) {
			return
		}
		// Valid JSON, accepted: the records must be the elements, each an
		// object (a case-folded "records" key is another member to us).
		var top map[string]json.RawMessage
		if json.Unmarshal(data, &top) != nil {
			return
		}
		raw, ok := top["Records"]
		if !ok || json.Unmarshal(raw, &objs) != nil {
			return
		}
		if len(objs) != len(got) {
			t.Fatalf("%d records, encoding/json sees %d", len(got), len(objs))
		}
		for i, g := range got {
			var m map[string]json.RawMessage
			if json.Unmarshal(g, &m) != nil {
				t.Fatalf("record %d %q is not an object", i, g)
			}
		}
	})
}
