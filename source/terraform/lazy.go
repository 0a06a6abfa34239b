package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxParsed bounds how many resources of a module hold a parsed body at
// once. A resource is parsed when read or referenced, and the oldest
// parsed body is dropped past this bound (parsed again if referenced
// later): references mostly point at nearby resources of the same file,
// so few are parsed twice, and memory follows the bound, not the module.
const maxParsed = 512

// content is the resource's body, parsed from its source on first use
// (and again after being dropped). Its syntax diagnostics are reported
// the first time only.
func (r *resource) content() content {
	if r.body.attrs != nil || r.src == nil {
		return r.body
	}
	f, hd := hclsyntax.ParseConfig(r.src.src, r.at.File, r.src.pos)
	if !r.seen {
		addHCL(r.m.ld.diags, hd)
	}
	c := content{attrs: map[string]*hcl.Attribute{}}
	if sb, ok := f.Body.(*hclsyntax.Body); ok && len(sb.Blocks) == 1 {
		c, _ = contentOf(sb.Blocks[0].Body, nil)
	}
	r.body = c
	if !r.seen {
		r.seen = true
		r.count, r.forEach = c.attrs["count"], c.attrs["for_each"]
	}
	m := r.m
	m.parsedQ = append(m.parsedQ, r)
	if len(m.parsedQ) > maxParsed {
		m.parsedQ[0].body = content{}
		m.parsedQ[0] = nil
		m.parsedQ = m.parsedQ[1:]
	}
	return c
}

// countAttr and forEachAttr are the resource's count and for_each.
func (r *resource) countAttr() *hcl.Attribute {
	if !r.seen {
		r.content()
	}
	return r.count
}

func (r *resource) forEachAttr() *hcl.Attribute {
	if !r.seen {
		r.content()
	}
	return r.forEach
}
