package tree

import (
	"strings"
	"testing"

	"github.com/emrguard/emrguard/model"
)

func holed(parts ...any) model.Partial {
	var b model.PartialBuilder
	for _, p := range parts {
		switch x := p.(type) {
		case string:
			b.Lit(x)
		case model.Hole:
			b.Hole(x)
		}
	}
	return b.Partial()
}

var keyHole = model.Hole{Label: "aws_kms_key.emr.arn", Why: "aws_kms_key.emr.arn is known only after apply"}

// Ensure a document with holes is read with every other value known: a
// hole inside quotes leaves that string unknown and known in part, a hole
// outside quotes one whole value unknown, a hole in a key that key.
func TestParseHoled(t *testing.T) {
	doc := holed(`{"Mode": "SSE-KMS", "Key": "arn:aws:kms:eu-west-1:111122223333:key/`, keyHole, `", "Whole": `, keyHole,
		`, "List": ["a", `, keyHole, `], "`, keyHole, `": 1, "On": true}`)
	n, err := ParseHoled(doc, model.Loc{File: "f.tf", Line: 10, Col: 3})
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := n.Get("Mode").Str(); !ok || s != "SSE-KMS" {
		t.Errorf("Mode = %q, %v", s, ok)
	}
	if b, ok := n.Get("On").Bool(); !ok || !b {
		t.Error("On is not read as true")
	}
	key := n.Get("Key")
	if key.Kind != Unknown || key.Text != keyHole.Why || key.KnownPrefix() != "arn:aws:kms:eu-west-1:111122223333:key/" {
		t.Errorf("Key = %+v", key)
	}
	if svc, ok := model.Partial(key.Part).ARNService(); !ok || svc != "kms" {
		t.Errorf("the key's ARN service = %q, %v", svc, ok)
	}
	whole := n.Get("Whole")
	if whole.Kind != Unknown || whole.Part != "" || whole.Text != keyHole.Why {
		t.Errorf("Whole = %+v, want a wholly unknown value", whole)
	}
	list := n.Get("List")
	if list.Kind != Array || len(list.Items) != 2 || list.Items[1].Kind != Unknown {
		t.Errorf("List = %+v", list)
	}
	var unknownKey bool
	for _, m := range n.Fields {
		if why, ok := KeyUnknown(m.Key); ok && why == keyHole.Why {
			unknownKey = true
		}
	}
	if !unknownKey {
		t.Error("the key holding a hole is not an unknown key")
	}
	if n.At.File != "f.tf" || n.At.Line != 10 {
		t.Errorf("document at %v, want f.tf:10", n.At)
	}
}

// Ensure text that cannot be JSON whatever its holes hold is an error
// saying so, and Unhole turns it into an Unknown node, not an input
// error; a string known in part that is not a document is left alone.
func TestParseHoledUnreadable(t *testing.T) {
	for _, p := range []model.Partial{
		holed(`{"a": 1,, "b": "`, keyHole, `"}`),
		holed(`{"a": 1`, keyHole, `}`), // a hole glued to a number
		holed(`{"a": "x\`, keyHole, `"}`),
	} {
		if _, err := ParseHoled(p, model.Loc{}); err == nil || !strings.Contains(err.Error(), "cannot be read") {
			t.Errorf("ParseHoled(%q) error = %v", p.String(), err)
		}
		u := Unhole(&Node{Kind: Unknown, Text: "why", Part: string(p)})
		if u.Kind != Unknown || !strings.Contains(u.Text, "cannot be read") || !strings.Contains(u.Text, "why") {
			t.Errorf("Unhole = %+v", u)
		}
	}
	arn := &Node{Kind: Unknown, Text: "why", Part: string(holed("arn:aws:kms:", keyHole))}
	if Unhole(arn) != arn {
		t.Error("Unhole parsed a string that is no document")
	}
}
