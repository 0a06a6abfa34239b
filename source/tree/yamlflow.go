package tree

// flow reads a flow sequence or mapping at pos, which may span lines, in a
// block collection indented ind, and moves past its closing bracket.
func (p *yparser) flow(depth, ind int) *Node {
	if depth > MaxDepth {
		slow()
	}
	if p.data[p.pos] == '[' {
		return p.flowSeq(depth, ind)
	}
	return p.flowMap(depth, ind)
}

// flowSpace skips spaces, line breaks and comments between flow tokens.
// A line that would end the enclosing block (indented ind or less) or a
// document marker gives up: yaml.v3's rules there are not worth copying.
func (p *yparser) flowSpace(ind int) {
	crossed := false
	for {
		if p.pos >= len(p.data) {
			slow() // unterminated
		}
		switch p.data[p.pos] {
		case ' ':
			p.pos++
			continue
		case '\n':
			p.newline()
			crossed = true
			continue
		case '#':
			if p.pos > p.lineStart && p.data[p.pos-1] != ' ' {
				slow()
			}
			p.skipLine()
			crossed = true
			continue
		}
		if crossed && (p.pos-p.lineStart <= ind || p.docMarker(p.pos)) {
			slow()
		}
		return
	}
}

func (p *yparser) flowSeq(depth, ind int) *Node {
	n := p.node()
	*n = Node{Kind: Array, At: p.loc(p.pos)}
	p.pos++ // [
	p.flowSpace(ind)
	if p.data[p.pos] == ']' {
		p.pos++
		n.Items = []*Node{} // as yaml.v3's conversion makes it: empty, not nil
		return n
	}
	base := len(p.items)
	for {
		p.items = append(p.items, p.flowNode(depth+1, ind))
		p.flowSpace(ind)
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.flowSpace(ind)
			if p.data[p.pos] == ']' {
				slow() // a trailing comma
			}
			continue
		case ']':
			p.pos++
			n.Items = p.itemsOf(p.items[base:])
			p.items = p.items[:base]
			return n
		}
		slow() // [a: b] pairs and anything else
	}
}

func (p *yparser) flowMap(depth, ind int) *Node {
	n := p.node()
	*n = Node{Kind: Object, At: p.loc(p.pos)}
	p.pos++ // {
	p.flowSpace(ind)
	if p.data[p.pos] == '}' {
		p.pos++
		n.Fields = []Member{}
		return n
	}
	base := len(p.members)
	for {
		keyAt := p.loc(p.pos)
		start := p.pos
		if c := p.data[start]; c == '!' || c == '[' || c == '{' {
			slow()
		}
		end, isKey := p.scanScalar(true)
		if !isKey {
			slow() // {a}, {a, b}: keys without values
		}
		var key string
		if c := p.data[start]; c == '"' || c == '\'' {
			key = p.quoted(start, end)
		} else if key = p.keep(p.src[start:end]); key == "<<" {
			slow()
		}
		p.pos = end
		p.skipSpaces()
		if p.pos-start > 1000 {
			slow() // yaml.v3 wants an implicit key's ':' within 1024 characters
		}
		p.pos++ // :
		p.flowSpace(ind)
		if c := p.data[p.pos]; c == ',' || c == '}' {
			slow() // an empty value
		}
		val := p.flowNode(depth+1, ind)
		p.members = append(p.members, Member{Key: key, KeyAt: keyAt, Val: val})
		p.flowSpace(ind)
		switch p.data[p.pos] {
		case ',':
			p.pos++
			p.flowSpace(ind)
			if p.data[p.pos] == '}' {
				slow()
			}
			continue
		case '}':
			p.pos++
			n.Fields = p.fields(p.members[base:])
			p.members = p.members[:base]
			return n
		}
		slow()
	}
}

// flowNode reads one value inside a flow collection.
func (p *yparser) flowNode(depth, ind int) *Node {
	if depth > MaxDepth {
		slow()
	}
	tag := ""
	var tagAt = p.loc(p.pos)
	if p.data[p.pos] == '!' {
		tag = p.tag()
		if p.at(p.pos) != ' ' {
			slow()
		}
		p.skipSpaces()
		if p.pos >= len(p.data) || p.data[p.pos] == '\n' || p.data[p.pos] == '#' {
			slow()
		}
	}
	start := p.pos
	switch p.data[start] {
	case '[', '{':
		if tag == "!!str" {
			slow()
		}
		n := p.flow(depth, ind)
		if tag != "" {
			n.Tag, n.At = tag, tagAt
		}
		return n
	case '!':
		slow()
	}
	end, isKey := p.scanScalar(true)
	if isKey {
		slow() // a single-pair mapping, or "a: b: c"
	}
	return p.scalar(start, end, tag, tagAt)
}
