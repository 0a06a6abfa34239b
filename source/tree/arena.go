package tree

// Arena holds the memory of the trees of one file after another, for a
// reader that is done with a file's trees before it parses the next (the
// scan: a loader turns them into evidence, which keeps no node). Reset
// makes that memory reusable: without it the nodes were a large part of a
// corpus scan's allocation, all garbage a moment after each file was read
// (bench/README.md, "Figures behind code comments").
type Arena struct {
	nodes   chunks[Node]
	members chunks[Member]
	items   chunks[*Node]
}

// Chunk sizes (32 KiB of nodes, members; 4 KiB of items), and how many
// chunks of each an Arena keeps across a Reset: a huge file's trees are
// not kept for the rest of a run.
const (
	nodeChunk   = 256
	memberChunk = 512
	itemChunk   = 512
	keepChunks  = 64
)

// Reset makes the memory of every tree parsed so far reusable: those trees
// must not be used after it (the next file's nodes take their place). It
// zeroes what was used, so the chunks hold no pointer that would keep an
// old file's strings alive.
func (a *Arena) Reset() {
	a.nodes.reset()
	a.members.reset()
	a.items.reset()
}

// ParseJSON is the package's ParseJSON with the nodes in the arena.
func (a *Arena) ParseJSON(file string, data []byte) (*Node, error) {
	return parseJSON(file, data, a)
}

// ParseYAML is the package's ParseYAML with the nodes in the arena
// (trees read by yaml.v3 are not).
func (a *Arena) ParseYAML(file string, data []byte) ([]*Node, error) {
	if docs, ok := readYAMLFast(file, data, false, a); ok {
		return docs, nil
	}
	return parseYAMLv3(file, data)
}

type chunks[T any] struct {
	all  [][]T
	used int
}

// get returns the next chunk, or a new one of size when none is left
// (sized from the input, so a small file does not pay for a large chunk).
func (c *chunks[T]) get(size int) []T {
	if c.used < len(c.all) {
		c.used++
		return c.all[c.used-1]
	}
	ch := make([]T, size)
	c.all = append(c.all, ch)
	c.used++
	return ch
}

func (c *chunks[T]) reset() {
	for _, ch := range c.all[:c.used] {
		clear(ch)
	}
	if len(c.all) > keepChunks {
		clear(c.all[keepChunks:])
		c.all = c.all[:keepChunks]
	}
	c.used = 0
}

// slabs hands out nodes, and exact-size member and item slices, from
// chunks: the arena's when there is one, else fresh ones sized from the
// input. The parsers take one allocation per many values this way.
type slabs struct {
	arena   *Arena
	nodes   []Node
	members []Member
	items   []*Node
}

// node returns a zero node; hint sizes a fresh chunk (about the values
// left in the input).
func (s *slabs) node(hint int) *Node {
	if len(s.nodes) == 0 {
		if s.arena != nil {
			s.nodes = s.arena.nodes.get(min(max(hint, 4), nodeChunk))
		} else {
			s.nodes = make([]Node, min(max(hint, 4), nodeChunk))
		}
	}
	n := &s.nodes[0]
	s.nodes = s.nodes[1:]
	return n
}

// fields copies src into an exact-size slice. The full slice expression
// keeps an append by a user from writing into a neighbour.
func (s *slabs) fields(src []Member, hint int) []Member {
	n := len(src)
	if n > len(s.members) {
		switch {
		case s.arena != nil && n <= memberChunk:
			s.members = s.arena.members.get(max(n, min(hint, memberChunk)))
			if len(s.members) < n { // a reused chunk too small for this one
				s.members = make([]Member, n)
			}
		default:
			s.members = make([]Member, max(n, min(hint, memberChunk)))
		}
	}
	out := s.members[:n:n]
	copy(out, src)
	s.members = s.members[n:]
	return out
}

// itemsOf copies src into an exact-size slice, as fields does.
func (s *slabs) itemsOf(src []*Node, hint int) []*Node {
	n := len(src)
	if n > len(s.items) {
		switch {
		case s.arena != nil && n <= itemChunk:
			s.items = s.arena.items.get(max(n, min(hint, itemChunk)))
			if len(s.items) < n {
				s.items = make([]*Node, n)
			}
		default:
			s.items = make([]*Node, max(n, min(hint, itemChunk)))
		}
	}
	out := s.items[:n:n]
	copy(out, src)
	s.items = s.items[n:]
	return out
}

// Alloc hands out nodes and slices from an arena, for a loader that
// builds trees of its own from a file's (CloudFormation's resolved
// intrinsics) and is done with them when the file is: they are reused at
// the arena's next Reset like the parsed trees. A nil *Alloc allocates
// from the heap.
type Alloc struct{ s slabs }

// Alloc returns an allocator in a's chunks.
func (a *Arena) Alloc() *Alloc { return &Alloc{slabs{arena: a}} }

// allocHint sizes a fresh chunk for a loader's nodes (a template resolves
// a few dozen).
const allocHint = 64

// Node returns a copy of n.
func (a *Alloc) Node(n Node) *Node {
	var p *Node // not &n: n would be moved to the heap on every call
	if a == nil {
		p = new(Node)
	} else {
		p = a.s.node(allocHint)
	}
	*p = n
	return p
}

// Members returns a copy of src whose capacity is its length.
func (a *Alloc) Members(src []Member) []Member {
	if a == nil {
		return append([]Member(nil), src...)[:len(src):len(src)]
	}
	return a.s.fields(src, allocHint)
}

// Items returns a copy of src whose capacity is its length.
func (a *Alloc) Items(src []*Node) []*Node {
	if a == nil {
		return append([]*Node(nil), src...)[:len(src):len(src)]
	}
	return a.s.itemsOf(src, allocHint)
}
