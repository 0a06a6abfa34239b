package tfeval

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"

	"github.com/emrguard/emrguard/internal/rawopen"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/terraform/hclscan"
)

// IsConfig reports whether path is a Terraform configuration file: the
// files a folder-as-module is made of.
func IsConfig(path string) bool {
	return strings.HasSuffix(path, ".tf") || strings.HasSuffix(path, ".tf.json")
}

// IsVars reports whether path is a variable file Terraform reads on its own
// (terraform.tfvars, *.auto.tfvars, and their .json forms).
func IsVars(path string) bool {
	b := filepath.Base(path)
	return b == "terraform.tfvars" || b == "terraform.tfvars.json" ||
		strings.HasSuffix(b, ".auto.tfvars") || strings.HasSuffix(b, ".auto.tfvars.json")
}

// File is one file's top-level blocks: parsed, except resource and
// data blocks of native-syntax files, which are kept as source and parsed
// when read (see resource.content).
type File struct {
	path   string
	blocks []*hcl.Block
	lazy   []topBlock
	data   []byte // native syntax: the source, scanned for references (flat.go)
	// released is set when a flat reading dropped the file's blocks and
	// the shared state of its arguments (flat.go: release).
	released bool
	// broken holds, by the byte offset of a block's definition, the
	// syntax errors inside the block (a file parsed whole).
	broken map[int]blockErrors
}

// parseTop parses a file's top-level blocks, leaving resource and data
// blocks of native syntax unparsed when the file scans cleanly.
func parseTop(path string, data []byte, diags *source.Diagnostics) File {
	p := File{path: path}
	if !strings.HasSuffix(path, ".json") {
		p.data = data
		addHCL(diags, legacyCalls(path, data))
		if tops, ok := hclscan.ScanTop(data); ok {
			p.lazy = tops[:0] // kept in place: a block is read before its slot is written
			for _, b := range tops {
				if b.Type == "resource" || b.Type == "data" || b.Type == "variable" {
					p.lazy = append(p.lazy, b)
					continue
				}
				if c, ok := scanBlockBody(&b, path, nil); ok {
					at := hcl.Range{Filename: path, Start: b.Pos, End: b.Pos}
					p.blocks = append(p.blocks, &hcl.Block{Type: b.Type, Labels: b.Labels, Body: &lazyBody{c: c}, DefRange: at, TypeRange: at})
					continue
				}
				f, hd := parseConfig(b.Src, path, b.Pos)
				addHCL(diags, hd)
				if sb, ok := f.Body.(*hclsyntax.Body); ok {
					for _, x := range sb.Blocks {
						p.blocks = append(p.blocks, x.AsHCLBlock())
					}
				}
			}
			return p
		}
	}
	body, hd := parseFile(path, data)
	addHCL(diags, hd)
	p.broken = brokenBlocks(body, hd)
	c, hd := topContent(body)
	addHCL(diags, hd)
	p.blocks = c.blocks
	return p
}

// parseFile parses HCL native syntax or, for .json, its JSON form.
func parseFile(path string, data []byte) (hcl.Body, hcl.Diagnostics) {
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		f, diags = hcljson.Parse(data, path)
	} else {
		f, diags = parseConfig(data, path, hcl.InitialPos)
	}
	if f == nil || f.Body == nil {
		return hcl.EmptyBody(), diags
	}
	return f.Body, diags
}

// readFile is how files are read; maxSize bounds each one.
type reader func(path string) ([]byte, error)

// parseAll parses files in parallel, keeping their order; a file that
// cannot be read or parsed adds its diagnostics and, when nothing could
// be recovered, is left out.
func parseAll(paths []string, read reader, diags *source.Diagnostics) []File {
	out := make([]File, len(paths))
	ds := make([]source.Diagnostics, len(paths))
	var next int64 = -1
	var mu sync.Mutex
	take := func() int {
		mu.Lock()
		defer mu.Unlock()
		next++
		return int(next)
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(paths))) {
		wg.Go(func() {
			for i := take(); i < len(paths); i = take() {
				data, err := read(paths[i])
				if err != nil {
					ds[i].Errorf(model.Loc{File: paths[i]}, "%s", err.Error())
					continue
				}
				out[i] = parseTop(paths[i], data, &ds[i])
			}
		})
	}
	wg.Wait()
	var kept []File
	for i, p := range out {
		*diags = append(*diags, ds[i]...)
		if p.path != "" {
			kept = append(kept, p)
		}
	}
	return kept
}

// syntaxError says why what the diagnostics of parsing it are about is
// not read, naming the first error, or "" when there is none: a body or
// an expression the parser recovered from may have lost any part of it,
// so nothing in it is taken as written, nor as left out.
func syntaxError(what string, hd hcl.Diagnostics) string {
	for _, d := range hd {
		if d.Severity != hcl.DiagError {
			continue
		}
		at := ""
		if d.Subject != nil {
			at = " at " + loc(*d.Subject).String()
		}
		return fmt.Sprintf("%s does not parse (%s%s)", what, d.Summary, at)
	}
	return ""
}

// brokenBlocks returns the syntax errors inside each block of a body, by
// the byte offset of the block's definition.
func brokenBlocks(body hcl.Body, hd hcl.Diagnostics) map[int]blockErrors {
	sb, ok := body.(*hclsyntax.Body)
	if !ok || !hd.HasErrors() {
		return nil
	}
	var out map[int]blockErrors
	for _, b := range sb.Blocks {
		if e := errorsIn(b, hd); e.any() {
			if out == nil {
				out = map[int]blockErrors{}
			}
			out[b.DefRange().Start.Byte] = e
		}
	}
	return out
}

// blockErrors are the syntax errors inside a block: in its own body
// (top: the parser may have dropped any argument of it) or inside one of
// its nested blocks, by the type of block they build (only those blocks
// are in doubt: the parser resumes after a block's closing brace).
type blockErrors struct {
	top    hcl.Diagnostics
	nested map[string]hcl.Diagnostics
}

func (e blockErrors) any() bool { return len(e.top) > 0 || len(e.nested) > 0 }

// errorsIn sorts the syntax errors within block b.
func errorsIn(b *hclsyntax.Block, hd hcl.Diagnostics) blockErrors {
	var e blockErrors
	within := func(d *hcl.Diagnostic, r hcl.Range) bool {
		return d.Subject.Start.Byte >= r.Start.Byte && d.Subject.Start.Byte <= r.End.Byte
	}
	for _, d := range hd {
		if d.Severity != hcl.DiagError || d.Subject == nil || !within(d, b.Range()) {
			continue
		}
		in := ""
		for _, nb := range b.Body.Blocks {
			if within(d, nb.Range()) {
				in = nb.Type
				if in == "dynamic" && len(nb.Labels) == 1 {
					in = nb.Labels[0]
				}
				break
			}
		}
		if in == "" {
			e.top = append(e.top, d)
			continue
		}
		if e.nested == nil {
			e.nested = map[string]hcl.Diagnostics{}
		}
		e.nested[in] = append(e.nested[in], d)
	}
	return e
}

// markBroken records on r what of its body does not parse.
func (r *resource) markBroken(e blockErrors) {
	r.broken = syntaxError(r.key(), e.top)
	for t, hd := range e.nested {
		if r.brokenIn == nil {
			r.brokenIn = map[string]string{}
		}
		r.brokenIn[t] = syntaxError(r.key()+"'s "+t+" block", hd)
	}
}

// addHCL converts HCL diagnostics, keeping file:line:col.
func addHCL(d *source.Diagnostics, hd hcl.Diagnostics) {
	for _, x := range hd {
		msg := x.Summary
		if x.Detail != "" {
			msg += ": " + x.Detail
		}
		if x.Summary == "Invalid argument name" && x.Detail == "Argument names must not be quoted." {
			msg = quotedArgument
		}
		at := model.Loc{}
		if x.Subject != nil {
			at = loc(*x.Subject)
		}
		if x.Severity == hcl.DiagError {
			d.Errorf(at, "%s", msg)
		} else {
			d.Warnf(at, "%s", msg)
		}
	}
}

// quotedArgument is the message for `"key" = value` in a block: HCL1's
// syntax, which hcl calls only "Argument names must not be quoted", a
// reader then wondering why Terraform accepted the file (it did, before
// 0.12).
const quotedArgument = "Terraform 0.11 syntax: quoted argument name (\"key\" = value; write key = value); Terraform ≥ 0.12 refuses it too"

func loc(r hcl.Range) model.Loc {
	return model.Loc{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}

// osRead reads a regular file whole, refusing one over limit bytes
// before reading it, and anything but a regular file (a FIFO, a device)
// without reading or blocking on it: one open, fstat and read (os.Stat
// then os.ReadFile took two opens' worth of system calls, a second of
// CPU on 10,000 folders), with no *os.File made (rawopen.ReadRegular).
func osRead(limit int64) reader {
	return func(path string) ([]byte, error) {
		data, err := rawopen.ReadRegular(path, limit)
		var big *rawopen.TooBigError
		if errors.As(err, &big) {
			return nil, &tooBig{size: big.Size, limit: big.Limit}
		}
		return data, err
	}
}

// reader reads files as osRead does, telling opt.Seen of each.
func (opt Options) reader() reader {
	read := osRead(opt.MaxFileSize)
	if opt.Seen == nil {
		return read
	}
	return func(path string) ([]byte, error) {
		data, err := read(path)
		if err == nil {
			opt.Seen(path, data)
		}
		return data, err
	}
}

type tooBig struct{ size, limit int64 }

func (e *tooBig) Error() string {
	return "file is " + human(e.size) + ", over the " + human(e.limit) + " limit (raise it with --max-file-size)"
}

func human(n int64) string {
	const mib = 1 << 20
	if n >= mib {
		return itoa(n/mib) + " MiB"
	}
	return itoa(n) + " bytes"
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
