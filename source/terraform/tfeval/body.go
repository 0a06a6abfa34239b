package tfeval

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// content is a body's attributes and blocks. A scanned body (sc set)
// keeps its arguments in args; others, HCL parsed, in attrs. Read them
// with attr, has, all and attrMap, which know both.
type content struct {
	attrs  map[string]*hcl.Attribute
	sc     *scanned
	args   []arg
	blocks []*hcl.Block
}

// topSchema lists the top-level blocks of a configuration, for the JSON
// syntax (native bodies are read directly).
var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}}, {Type: "locals"},
	{Type: "resource", LabelNames: []string{"type", "name"}}, {Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}}, {Type: "output", LabelNames: []string{"name"}},
	{Type: "terraform"}, {Type: "provider", LabelNames: []string{"name"}},
}}

// contentOf reads a body. Native syntax bodies are read as written (every
// block); JSON bodies, where attributes and blocks look alike, with the
// nested block types given (and dynamic blocks), the rest as attributes.
func contentOf(body hcl.Body, nested []string) (content, hcl.Diagnostics) {
	switch b := body.(type) {
	case *lazyBody:
		return b.c, nil
	case *boundBody:
		c, diags := contentOf(b.Body, nested)
		return bindContent(c, b.iters), diags
	}
	if sb, ok := body.(*hclsyntax.Body); ok {
		c := content{attrs: make(map[string]*hcl.Attribute, len(sb.Attributes))}
		for name, a := range sb.Attributes {
			c.attrs[name] = a.AsHCLAttribute()
		}
		for _, b := range sb.Blocks {
			c.blocks = append(c.blocks, b.AsHCLBlock())
		}
		return c, nil
	}
	schema := &hcl.BodySchema{}
	for _, t := range nested {
		schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: t})
	}
	schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: []string{"type"}},
		hcl.BlockHeaderSchema{Type: "lifecycle"})
	bc, remain, diags := body.PartialContent(schema)
	attrs, d2 := remain.JustAttributes()
	return content{attrs: attrs, blocks: bc.Blocks}, append(diags, d2...)
}

// topContent reads the top level of a configuration file.
func topContent(body hcl.Body) (content, hcl.Diagnostics) {
	if _, ok := body.(*hclsyntax.Body); ok {
		return contentOf(body, nil)
	}
	bc, diags := body.Content(topSchema)
	if bc == nil {
		return content{}, diags
	}
	return content{attrs: bc.Attributes, blocks: bc.Blocks}, diags
}

// attrsOf returns the attributes of a body with no blocks (locals,
// tfvars, a JSON resource read only for the attribute a reference needs).
func attrsOf(body hcl.Body) (hcl.Attributes, hcl.Diagnostics) {
	switch b := body.(type) {
	case *lazyBody:
		return b.c.attrMap(), nil
	case *boundBody:
		c, diags := contentOf(b.Body, nil)
		return bindContent(c, b.iters).attrs, diags
	}
	if sb, ok := body.(*hclsyntax.Body); ok {
		out := make(hcl.Attributes, len(sb.Attributes))
		for name, a := range sb.Attributes {
			out[name] = a.AsHCLAttribute()
		}
		return out, nil
	}
	return body.JustAttributes()
}

// blocksOf returns the nested blocks of type t.
func (c content) blocksOf(t string) []*hcl.Block {
	var out []*hcl.Block
	for _, b := range c.blocks {
		if b.Type == t {
			out = append(out, b)
		}
	}
	return out
}
