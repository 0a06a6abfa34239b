package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
)

// Ensure the hand-written result encoder writes exactly what
// json.MarshalIndent writes, for every optional part and hostile strings.
func TestJSONEncoderMatches(t *testing.T) {
	odd := "a\"b\\c\b\f\n\r\t\x00\x1f<tag> & \u2028\u2029 é 😀 \xff\xfe end"
	cases := []jsonResult{
		{Control: "EMR102", Severity: "high", Verdict: "fail", Message: odd, BestPractice: "BP 3.1"},
		{ID: "EMR101/" + odd, Baseline: "unchanged", Control: "EMR101", Resource: jsonResource{Kind: "k", ID: odd, Name: "n", Account: "1", Region: "r"},
			Location: &jsonLocation{File: "f.yaml", Line: 12}, Message: "m",
			Event:      &jsonEvent{ID: "e", Time: "t", Name: "RunJobFlow", Source: "s", Account: "a", Region: "r", Principal: odd},
			Suppressed: &jsonSuppress{Reason: odd, Until: "2027-01-01", Origin: "x:1"}},
		{Location: &jsonLocation{File: "f"}, Event: &jsonEvent{File: "log.json.gz"}, Suppressed: &jsonSuppress{}},
	}
	for i, c := range cases {
		want, err := json.MarshalIndent(c, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if got := appendResult(nil, &c); string(got) != string(want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// FuzzAppendString ensures strings are escaped exactly as encoding/json does.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "\u2028", "\xff", "\x00\x7f", "é😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// Ensure results encoded in parallel blocks come out whole and in order:
// the bytes equal those of encoding every result in turn, for counts
// around the block size.
func TestWriteResultsInOrder(t *testing.T) {
	ctl := &control.Control{ID: "EMR102", Severity: control.High, BestPractice: "BP 3.1"}
	for _, n := range []int{0, 1, blockSize, blockSize + 1, 5*blockSize + 17} {
		rs := make([]control.Result, n)
		var want []byte
		for i := range rs {
			rs[i] = control.Result{Control: ctl, Verdict: control.Verdict(i % 4), Message: fmt.Sprint("result ", i),
				Resource: model.Ref{Kind: "AWS::EMR::Cluster", ID: fmt.Sprint("C", i)}, At: model.Loc{File: "t.yaml", Line: i + 1}}
		}
		ids := control.Identify(rs)
		for i := range rs {
			if i > 0 {
				want = append(want, ',')
			}
			want = append(want, "\n    "...)
			j := toJSON(rs[i], ids[i], NoBaseline)
			want = appendResult(want, &j)
		}
		var out bytes.Buffer
		bw := bufio.NewWriter(&out)
		writeResults(bw, &Run{Results: rs})
		bw.Flush()
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("%d results: %d bytes differ from the %d of encoding in turn", n, out.Len(), len(want))
		}
	}
}
