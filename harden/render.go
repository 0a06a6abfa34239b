package harden

import (
	"bytes"
	"encoding/json"
	"fmt"

	"regexp"
	"sort"
	"strings"
)

// Format is an output form of a generator (--as).
type Format string

// The forms a generator may write; each says which it supports.
const (
	JSON      Format = "json"      // the raw document(s)
	CLI       Format = "cli"       // the --cli-input-json of the aws command that creates it
	CFN       Format = "cfn"       // a CloudFormation template (JSON)
	Terraform Format = "terraform" // Terraform HCL
)

func unsupported(what string, f Format, ok ...Format) error {
	return fmt.Errorf("%s: --as %q is not supported (one of %v)", what, f, ok)
}

// marshal is indented JSON without HTML escaping: policies hold "<" and
// "&" rarely, but a reader comparing with the docs should see them as is.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// template is a CloudFormation template; encoding/json orders its maps.
type template struct {
	Version     string         `json:"AWSTemplateFormatVersion"`
	Description string         `json:"Description"`
	Resources   map[string]any `json:"Resources"`
	Outputs     map[string]any `json:"Outputs,omitempty"`
}

func newTemplate(desc string) *template {
	return &template{Version: "2010-09-09", Description: desc, Resources: map[string]any{}, Outputs: map[string]any{}}
}

func resource(typ string, props map[string]any) map[string]any {
	return map[string]any{"Type": typ, "Properties": props}
}

// tfFile builds Terraform HCL text. It is written by hand rather than
// with hclwrite, whose formatter would add a module dependency; tf_test.go
// parses every output with the project's Terraform reader.
type tfFile struct {
	b bytes.Buffer
}

func newTF() *tfFile { return &tfFile{} }

// tfBlock is one block's attributes, in order.
type tfBlock struct {
	attrs []tfAttr
}

type tfAttr struct {
	name  string
	expr  string // HCL expression text, or a nested block's body
	block bool
}

// block adds a nested block; body is its text from "{" to "}", indented
// for depth 1.
func (b *tfBlock) block(name, body string) *tfBlock {
	b.attrs = append(b.attrs, tfAttr{name: name, expr: body, block: true})
	return b
}

// hclRawPrefix marks a string hclValue writes as an HCL expression, not
// as a string literal (a reference inside a jsonencode'd document).
const hclRawPrefix = "\x00hcl:"

// hclRaw is expr, to be written as is by hclValue.
func hclRaw(expr string) string { return hclRawPrefix + expr }

func (b *tfBlock) set(name string, v any) *tfBlock {
	b.attrs = append(b.attrs, tfAttr{name: name, expr: hclValue(v, 1)})
	return b
}

func (b *tfBlock) raw(name, expr string) *tfBlock {
	b.attrs = append(b.attrs, tfAttr{name: name, expr: expr})
	return b
}

// jsonencode sets name to jsonencode(<v as an HCL value>).
func (b *tfBlock) jsonencode(name string, v any) *tfBlock {
	return b.raw(name, "jsonencode("+hclValue(v, 1)+")")
}

func (t *tfFile) add(header string, b *tfBlock) {
	if t.b.Len() > 0 {
		t.b.WriteByte('\n')
	}
	t.b.WriteString(header + " {\n")
	// As terraform fmt does: the "=" of a run of one-line attributes
	// aligned; a multi-line attribute or a nested block stands alone and
	// ends the run.
	alone := func(a tfAttr) bool { return a.block || strings.Contains(a.expr, "\n") }
	for i := 0; i < len(b.attrs); {
		j, w := i, 0
		for ; j < len(b.attrs) && !alone(b.attrs[j]); j++ {
			w = max(w, len(b.attrs[j].name))
		}
		for ; i < j; i++ {
			a := b.attrs[i]
			fmt.Fprintf(&t.b, "  %-*s = %s\n", w, a.name, a.expr)
		}
		if i < len(b.attrs) {
			a := b.attrs[i]
			if a.block {
				fmt.Fprintf(&t.b, "  %s %s\n", a.name, a.expr)
			} else {
				fmt.Fprintf(&t.b, "  %s = %s\n", a.name, a.expr)
			}
			i++
		}
	}
	t.b.WriteString("}\n")
}

func (t *tfFile) bytes() []byte { return t.b.Bytes() }

// hclValue writes a JSON-like value (string, bool, int, []any, map,
// []string, or anything encoding/json takes) as an HCL expression at the
// given indent depth; object keys are sorted as encoding/json sorts them.
func hclValue(v any, depth int) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("harden: hclValue: %v", err)) // only our own values reach here
	}
	var x any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		panic(fmt.Sprintf("harden: hclValue: %v", err))
	}
	var out strings.Builder
	writeHCL(&out, x, depth)
	return out.String()
}

func writeHCL(w *strings.Builder, x any, depth int) {
	ind := strings.Repeat("  ", depth)
	switch x := x.(type) {
	case nil:
		w.WriteString("null")
	case bool:
		fmt.Fprint(w, x)
	case json.Number:
		w.WriteString(x.String())
	case string:
		if e, ok := strings.CutPrefix(x, hclRawPrefix); ok {
			w.WriteString(e)
			return
		}
		w.WriteString(hclString(x))
	case []any:
		if len(x) == 0 {
			w.WriteString("[]")
			return
		}
		w.WriteString("[\n")
		for _, e := range x {
			w.WriteString(ind + "  ")
			writeHCL(w, e, depth+1)
			w.WriteString(",\n")
		}
		w.WriteString(ind + "]")
	case map[string]any:
		if len(x) == 0 {
			w.WriteString("{}")
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		// As terraform fmt does: the "=" of consecutive one-line
		// attributes aligned; a multi-line value stands alone.
		names, vals := make([]string, len(keys)), make([]string, len(keys))
		for i, k := range keys {
			names[i] = k
			if !identRe.MatchString(k) {
				names[i] = hclString(k)
			}
			var v strings.Builder
			writeHCL(&v, x[k], depth+1)
			vals[i] = v.String()
		}
		w.WriteString("{\n")
		for i := 0; i < len(keys); {
			j, width := i, 0
			for ; j < len(keys) && !strings.Contains(vals[j], "\n"); j++ {
				width = max(width, len(names[j]))
			}
			if j == i { // a multi-line value
				j = i + 1
				width = len(names[i])
			}
			for ; i < j; i++ {
				fmt.Fprintf(w, "%s  %-*s = %s\n", ind, width, names[i], vals[i])
			}
		}
		w.WriteString(ind + "}")
	}
}

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// hclString quotes s as an HCL string literal: the escapes HCL knows, and
// "${" and "%{" doubled so that no value is read as a template.
func hclString(s string) string {
	var w strings.Builder
	w.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			w.WriteByte('\\')
			w.WriteRune(r)
		case r == '\n':
			w.WriteString(`\n`)
		case r == '\r':
			w.WriteString(`\r`)
		case r == '\t':
			w.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&w, `\u%04x`, r)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			w.WriteRune(r)
			w.WriteRune(r)
		default:
			w.WriteRune(r)
		}
	}
	w.WriteByte('"')
	return w.String()
}
