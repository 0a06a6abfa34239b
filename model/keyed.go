package model

// keyed indexes resources by a key (logical ID, AWS ID, name) and, under
// each key, by file, so that finding the nearest candidate costs a map
// lookup when it sits in the asking file: a corpus of 10,000 templates
// that all name their group "MasterSecurityGroup" must not make every
// lookup scan 10,000 candidates.
type keyed[T any] map[string]*byFile[T]

type byFile[T any] struct {
	all   []T
	files map[string][]T
}

func (k keyed[T]) add(key string, v T, file string) {
	b := k[key]
	if b == nil {
		b = &byFile[T]{files: map[string][]T{}}
		k[key] = b
	}
	b.all = append(b.all, v)
	b.files[file] = append(b.files[file], v)
}

// near returns the candidates for key closest to from, as nearest does.
func (k keyed[T]) near(key string, loc func(T) Loc, from Loc) []T {
	b := k[key]
	if b == nil {
		return nil
	}
	if hits := b.files[from.File]; from.File != "" && len(hits) > 0 {
		return hits
	}
	return nearest(b.all, loc, from)
}

// inFile returns the candidates for key in one file.
func (k keyed[T]) inFile(key, file string) []T {
	if b := k[key]; b != nil {
		return b.files[file]
	}
	return nil
}
