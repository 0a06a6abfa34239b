package tfeval

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/emrguard/emrguard/internal/rawopen"
)

// Terraform's file functions, written here: go-cty-funcs' file reads a
// file whatever its size, and it has no templatefile. Relative paths are
// read from the root module's folder, as Terraform, which runs there.
//
// The scanned tree is their sandbox: emrguard runs on pull requests, code
// anyone wrote, and file("/proc/self/environ") must not put the runner's
// environment into a report. A path that resolves (links followed)
// outside the scanned folders, into /proc, /sys or /dev, or to anything
// but a regular file (a FIFO would hang the scan, /dev/zero never ends)
// is not read: the call's value is unknown with the reason, and no input
// error — the file is fine, emrguard chose not to read it.

// sandbox is where file functions read: the scanned folders, resolved.
type sandbox []rawopen.Root

// refusal returns why fn may not read p (already joined to the base), or
// "" when p resolves inside the sandbox. arg is the path as written, the
// one the message quotes (the resolved one may name the runner's folders).
func (sb sandbox) refusal(fn, arg, p string) string {
	if _, in := rawopen.Resolve(p, sb...); !in {
		return fmt.Sprintf("%s(%q): outside the scanned folder, not read", fn, arg)
	}
	return ""
}

// inside reports whether p resolves inside the sandbox.
func (sb sandbox) inside(p string) bool {
	_, in := rawopen.Resolve(p, sb...)
	return in
}

// notRead is the value of a file function that did not read its file:
// unknown, saying why.
func notRead(t cty.Type, why_ string, marks cty.ValueMarks) cty.Value {
	return cty.UnknownVal(t).WithMarks(marks).Mark(why(why_))
}

// refusedRead turns a read's refusal of what is no regular file into the
// reason the value is unknown; other errors are the caller's.
func refusedRead(fn, arg string, err error) (string, bool) {
	var nr *rawopen.NotRegularError
	if errors.As(err, &nr) {
		return fmt.Sprintf("%s(%q): %s, not a regular file; not read", fn, arg, nr.Kind), true
	}
	return "", false
}

// fileFuncs makes the file functions of a root: relative paths from base,
// read through read (the size limit, Options.Seen), inside sb.
type fileFuncs struct {
	base string
	read reader
	sb   sandbox
}

// filePath returns the file a file function given p reads.
func filePath(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// load reads the file fn names as arg, or says why not: reason for a
// file not read on purpose (unknown, no input error), err for one that
// cannot be read.
func (ff fileFuncs) load(fn, arg string) (src []byte, p, reason string, err error) {
	p = filePath(ff.base, arg)
	if r := ff.sb.refusal(fn, arg, p); r != "" {
		return nil, p, r, nil
	}
	src, err = ff.read(p)
	if r, ok := refusedRead(fn, arg, err); ok {
		return nil, p, r, nil
	}
	return src, p, "", err
}

// file is Terraform's file (or filebase64) reading through read, so
// that the size limit applies: go-cty-funcs' reads the whole file,
// whatever its size (file("/dev/zero")).
func (ff fileFuncs) file(fn string, b64 bool) function.Function {
	return ff.ofFile(fn, func(src []byte, p string) (string, error) {
		switch {
		case b64:
			return base64.StdEncoding.EncodeToString(src), nil
		case !utf8.Valid(src):
			return "", fmt.Errorf("file %s is not UTF-8 text; use filebase64", p)
		}
		return string(src), nil
	})
}

// fileHashes are Terraform's filemd5, filesha* and filebase64sha*: the
// hash of a file's bytes, hex or base64.
var fileHashes = map[string]struct {
	h   func() hash.Hash
	b64 bool
}{
	"filemd5": {md5.New, false}, "filesha1": {sha1.New, false},
	"filesha256": {sha256.New, false}, "filesha512": {sha512.New, false},
	"filebase64sha256": {sha256.New, true}, "filebase64sha512": {sha512.New, true},
}

// hash is one of fileHashes, reading as file does.
func (ff fileFuncs) hash(fn string, h struct {
	h   func() hash.Hash
	b64 bool
}) function.Function {
	return ff.ofFile(fn, func(src []byte, _ string) (string, error) {
		d := h.h()
		d.Write(src)
		if h.b64 {
			return base64.StdEncoding.EncodeToString(d.Sum(nil)), nil
		}
		return hex.EncodeToString(d.Sum(nil)), nil
	})
}

// ofFile is a function of one path whose string result is of the file's
// bytes, read within the sandbox and the size limit: a file it may not
// read is unknown with the reason, never read.
func (ff fileFuncs) ofFile(fn string, of func(src []byte, p string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String, AllowMarked: true}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			src, p, reason, err := ff.load(fn, pv.AsString())
			switch {
			case reason != "":
				return notRead(cty.String, reason, marks), nil
			case err != nil:
				return cty.NilVal, fmt.Errorf("file %s: %s", p, describe(err))
			}
			out, err := of(src, p)
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(out).WithMarks(marks), nil
		},
	})
}

// exists is Terraform's fileexists: true for a regular file, false for
// none; a path outside the sandbox is unknown (even whether a file is
// there says something of the runner), as is anything but a regular
// file, which Terraform calls an error.
func (ff fileFuncs) exists() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String, AllowMarked: true}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, marks := args[0].Unmark()
			arg := pv.AsString()
			p := filePath(ff.base, arg)
			if r := ff.sb.refusal("fileexists", arg, p); r != "" {
				return notRead(cty.Bool, r, marks), nil
			}
			st, err := os.Stat(p)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return cty.False.WithMarks(marks), nil
			case err != nil:
				return cty.NilVal, fmt.Errorf("fileexists %s: %s", p, describe(err))
			case !st.Mode().IsRegular():
				return notRead(cty.Bool, fmt.Sprintf("fileexists(%q): %s, not a regular file", arg, rawopen.KindOf(st.Mode())), marks), nil
			}
			return cty.True.WithMarks(marks), nil
		},
	})
}

// set is go-cty-funcs' fileset (names only, no bytes), for a folder
// inside the sandbox and a pattern that does not climb out of it.
func (ff fileFuncs) set(inner function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String, AllowMarked: true},
			{Name: "pattern", Type: cty.String, AllowMarked: true},
		},
		Type: function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			pv, pm := args[0].Unmark()
			gv, gm := args[1].Unmark()
			arg, pattern := pv.AsString(), gv.AsString()
			p := filePath(ff.base, arg)
			r := ff.sb.refusal("fileset", arg, p)
			if r == "" && (filepath.IsAbs(pattern) || hasDotDot(pattern)) {
				r = fmt.Sprintf("fileset(%q, %q): the pattern leaves the folder, not read", arg, pattern)
			}
			if r != "" {
				return notRead(cty.Set(cty.String), r, pm).WithMarks(gm), nil
			}
			v, err := inner.Call([]cty.Value{pv, gv})
			if err != nil {
				return cty.NilVal, err
			}
			return v.WithMarks(pm, gm), nil
		},
	})
}

// hasDotDot reports whether a path or pattern has a ".." element.
func hasDotDot(p string) bool {
	for _, e := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if e == ".." {
			return true
		}
	}
	return false
}

// template is Terraform's templatefile(path, vars), which go-cty-funcs
// lacks: the file (read as file reads) is an HCL template, rendered with
// vars as its variables and funcs as its functions, except templatefile
// itself.
func (ff fileFuncs) template(funcs map[string]function.Function) function.Function {
	var once sync.Once
	var inner map[string]function.Function // funcs, with templatefile refusing
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowMarked: true},
		},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			vars, marks := args[1].Unmark()
			if !vars.IsKnown() {
				return cty.DynamicVal.WithMarks(marks), nil
			}
			if t := vars.Type(); !t.IsObjectType() && !t.IsMapType() {
				return cty.NilVal, function.NewArgErrorf(1, "vars must be an object or a map, not %s", t.FriendlyName())
			}
			src, p, reason, err := ff.load("templatefile", args[0].AsString())
			if reason != "" {
				return notRead(cty.DynamicPseudoType, reason, marks), nil
			}
			if err != nil {
				return cty.NilVal, fmt.Errorf("template %s: %s", p, describe(err))
			}
			expr, hd := hclsyntax.ParseTemplate(src, p, hcl.InitialPos)
			if hd.HasErrors() {
				return cty.NilVal, fmt.Errorf("template %s", strings.TrimSuffix(hd.Error(), "."))
			}
			guardFors(expr) // a template's %{for} and for-expressions spend the root's budget too
			scope := map[string]cty.Value{}
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				if !hclsyntax.ValidIdentifier(k.AsString()) {
					return cty.NilVal, function.NewArgErrorf(1, "%q is not a valid template variable name", k.AsString())
				}
				scope[k.AsString()] = v
			}
			for _, tr := range expr.Variables() {
				if _, ok := scope[tr.RootName()]; !ok {
					r := tr.SourceRange()
					return cty.NilVal, function.NewArgErrorf(1, "vars map does not contain key %q, referenced at %s:%d,%d", tr.RootName(), r.Filename, r.Start.Line, r.Start.Column)
				}
			}
			once.Do(func() {
				inner = make(map[string]function.Function, len(funcs))
				for k, v := range funcs {
					inner[k] = v
				}
				inner["templatefile"] = noRecursion
				inner["templatestring"] = refusing("cannot recursively call templatestring from inside another template function")
			})
			v, hd := expr.Value(&hcl.EvalContext{Variables: scope, Functions: inner})
			if hd.HasErrors() {
				return cty.NilVal, fmt.Errorf("template %s", strings.TrimSuffix(hd.Error(), "."))
			}
			return v.WithMarks(marks), nil
		},
	})
}

// noRecursion stands for templatefile inside a template, as Terraform
// forbids it.
var noRecursion = refusing("cannot recursively call templatefile from inside a template")
