package model

// keyed indexes resources by a key (logical ID, AWS ID, name) and by key
// and file, so that finding the nearest candidate costs a map lookup when
// it sits in the asking file: a corpus of 10,000 templates that all name
// their group "MasterSecurityGroup" must not make every lookup scan 10,000
// candidates. Two flat maps sized up front, not a map of files per key:
// those grew, rehashing, to 10,000 entries for such a key.
type keyed[T any] struct {
	all   map[string][]T
	files map[fileKey][]T
}

type fileKey struct{ key, file string }

// newKeyed returns an index for about n resources.
func newKeyed[T any](n int) keyed[T] {
	return keyed[T]{all: make(map[string][]T, n), files: make(map[fileKey][]T, n)}
}

func (k keyed[T]) add(key string, v T, file string) {
	k.all[key] = append(k.all[key], v)
	fk := fileKey{key, file}
	k.files[fk] = append(k.files[fk], v)
}

// near returns the candidates for key closest to from, as nearest does.
func (k keyed[T]) near(key string, loc func(T) Loc, from Loc) []T {
	if from.File != "" {
		if hits := k.files[fileKey{key, from.File}]; len(hits) > 0 {
			return hits
		}
	}
	return nearest(k.all[key], loc, from)
}

// inFile returns the candidates for key in one file.
func (k keyed[T]) inFile(key, file string) []T {
	return k.files[fileKey{key, file}]
}
