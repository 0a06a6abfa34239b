package tree

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emrguard/emrguard/model"
	"gopkg.in/yaml.v3"
)

// MaxYAMLNodes bounds the nodes one YAML file may expand to, counting
// every use of an alias: a "billion laughs" file of a few hundred bytes
// is refused instead of expanded.
const MaxYAMLNodes = 1_000_000

// MaxYAMLAliasBytes bounds the bytes of the scalars one YAML file's
// aliases expand to, each use counted: 3,000 resources naming one 1 MiB
// anchor are few nodes but 3 GiB of text once the names are used.
const MaxYAMLAliasBytes = 16 << 20

// ParseYAML reads every document of a YAML stream ("---" separated) into
// positioned trees. Scalars keep their text; the implicit YAML 1.1/1.2 tags
// decide their kind (true/false booleans, numbers, null); explicit tags
// such as !Ref are kept in Node.Tag and the value's kind follows its YAML
// node (a !GetAtt scalar is a String with Tag "!GetAtt"). Errors are
// *ParseError naming the line.
//
// The common subset (block and flow collections, one-line scalars, block
// scalars, tags, comments) is read by a hand-written reader straight into
// the tree; anything else, errors included, goes to yaml.v3 as before, so
// what ParseYAML returns does not depend on which reader ran.
func ParseYAML(file string, data []byte) ([]*Node, error) {
	if docs, ok := parseYAMLFast(file, data); ok {
		return docs, nil
	}
	return parseYAMLv3(file, data)
}

// parseYAMLv3 reads any YAML through yaml.v3's node tree.
func parseYAMLv3(file string, data []byte) ([]*Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	c := &yconv{file: file}
	var docs []*Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, yamlError(file, err)
		}
		n, err := c.conv(&doc, 0)
		if err != nil {
			return nil, err
		}
		if n != nil {
			docs = append(docs, n)
		}
	}
}

type yconv struct {
	file  string
	count int
	slab  []Node
	// inAlias is how many aliases are being expanded; aliasBytes the
	// scalar bytes their expansions made (MaxYAMLAliasBytes).
	inAlias    int
	aliasBytes int
}

// node allocates from a slab, as the JSON parser does.
func (c *yconv) node(n Node) *Node {
	if len(c.slab) == 0 {
		c.slab = make([]Node, 64)
	}
	p := &c.slab[0]
	c.slab = c.slab[1:]
	*p = n
	return p
}

func (c *yconv) loc(y *yaml.Node) model.Loc {
	return model.Loc{File: c.file, Line: y.Line, Col: y.Column}
}

func (c *yconv) conv(y *yaml.Node, depth int) (*Node, error) {
	c.count++
	if c.count > MaxYAMLNodes {
		return nil, &ParseError{At: c.loc(y), Msg: fmt.Sprintf("YAML expands to more than %d nodes (alias bomb?); refusing to read further", MaxYAMLNodes)}
	}
	if depth > MaxDepth {
		return nil, &ParseError{At: c.loc(y), Msg: fmt.Sprintf("YAML nested deeper than %d levels; refusing to read further", MaxDepth)}
	}
	tag := ""
	if y.Tag != "" && !strings.HasPrefix(y.Tag, "!!") {
		tag = y.Tag
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return nil, nil
		}
		return c.conv(y.Content[0], depth)
	case yaml.AliasNode:
		c.inAlias++
		n, err := c.conv(y.Alias, depth+1)
		c.inAlias--
		if err != nil {
			return nil, err
		}
		cp := *n
		cp.At = c.loc(y)
		return c.node(cp), nil
	case yaml.MappingNode:
		n := c.node(Node{Kind: Object, At: c.loc(y), Tag: tag, Fields: make([]Member, 0, len(y.Content)/2)})
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" {
				if err := c.merge(n, v, depth); err != nil {
					return nil, err
				}
				continue
			}
			val, err := c.conv(v, depth+1)
			if err != nil {
				return nil, err
			}
			n.Fields = append(n.Fields, Member{Key: k.Value, KeyAt: c.loc(k), Val: val})
		}
		return n, nil
	case yaml.SequenceNode:
		n := c.node(Node{Kind: Array, At: c.loc(y), Tag: tag, Items: make([]*Node, 0, len(y.Content))})
		for _, it := range y.Content {
			v, err := c.conv(it, depth+1)
			if err != nil {
				return nil, err
			}
			n.Items = append(n.Items, v)
		}
		return n, nil
	}
	if c.inAlias > 0 {
		if c.aliasBytes += len(y.Value); c.aliasBytes > MaxYAMLAliasBytes {
			return nil, &ParseError{At: c.loc(y), Msg: fmt.Sprintf("YAML aliases expand to more than %d bytes of text; refusing to read further", MaxYAMLAliasBytes)}
		}
	}
	n := c.node(Node{Kind: String, Text: y.Value, At: c.loc(y), Tag: tag})
	if tag == "" && y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		switch y.Tag {
		case "!!bool":
			n.Kind = Bool
			n.Text = strings.ToLower(y.Value)
			if n.Text != "true" && n.Text != "false" { // YAML 1.1 yes/no/on/off
				var b bool
				if y.Decode(&b) == nil {
					n.Text = fmt.Sprint(b)
				}
			}
		case "!!int", "!!float":
			n.Kind = Number
		case "!!null":
			n.Kind, n.Text = Null, ""
		}
	}
	return n, nil
}

// merge applies a "<<: *anchor" merge key: the anchor's members come
// first and the mapping's own keys, read after, win (Get takes the last).
func (c *yconv) merge(into *Node, v *yaml.Node, depth int) error {
	srcs := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		srcs = v.Content
	}
	for _, s := range srcs {
		m, err := c.conv(s, depth+1)
		if err != nil {
			return err
		}
		if m.Kind == Object {
			// A fresh slice: m's members may belong to the anchor's node.
			into.Fields = append(append(make([]Member, 0, len(m.Fields)+len(into.Fields)), m.Fields...), into.Fields...)
		}
	}
	return nil
}

// yamlError turns a yaml.v3 error ("yaml: line 3: …") into a *ParseError.
func yamlError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	return &ParseError{At: model.Loc{File: file, Line: line}, Msg: "invalid YAML: " + msg}
}
