package scan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"github.com/emrguard/emrguard/internal/rawopen"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/cfn"
	"github.com/emrguard/emrguard/source/snapshot"
	"github.com/emrguard/emrguard/source/tree"
)

// DefaultMaxFileSize is the default size limit of one input file.
const DefaultMaxFileSize = 20 << 20

// StdinName is the file name given to what is read from standard input.
const StdinName = "<stdin>"

// skipDirs are folders never walked into: VCS data, downloaded modules.
var skipDirs = map[string]bool{".git": true, ".terraform": true, "node_modules": true}

// Options configure a scan.
type Options struct {
	MaxFileSize int64     // bytes; 0 means DefaultMaxFileSize
	Stdin       io.Reader // read for the path "-"
	// CFNParams are values for CloudFormation template parameters (and
	// pseudo parameters), read from --cfn-params; they win over defaults.
	CFNParams cfn.Params
	// EMRNamespaces are Kubernetes namespaces the user declares EMR on
	// EKS's (--emr-namespace), beside those the inputs show.
	EMRNamespaces []string
	// TFVars (--var NAME=VALUE) and TFVarFiles (--var-file) set variables
	// of every Terraform root module, over its *.tfvars files.
	TFVars     []string
	TFVarFiles []string
	// Certs are PEM zips given with --certs, each "FILE" (the
	// configurations whose in-transit S3 object has FILE's name) or
	// "s3://BUCKET/KEY.zip=FILE" (those whose S3 object is that URI).
	Certs []string
	// Keep picks the files whose bytes the scan hands back (Result.Files),
	// so that a reader after it need not read every file again: inline
	// suppressions are looked for in files that contain the directive.
	Keep func(data []byte) bool

	roots []string // the folders named, a named file's own: Terraform's file functions read only in them
}

// Result is what a scan learned.
type Result struct {
	Evidence *model.Evidence
	Diags    source.Diagnostics
	Files    int // files read and recognised
	Met      Met // what the scan learned of the files it met
}

// Paths scans files and folders. A folder is walked (symbolic links that
// resolve inside it are followed, with loops detected; others are warned
// of); only regular files are read; "-" reads Options.Stdin.
func Paths(paths []string, opt Options) *Result {
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	res := &Result{Evidence: &model.Evidence{}}
	for _, ns := range opt.EMRNamespaces {
		res.Evidence.EMRNamespaces = append(res.Evidence.EMRNamespaces, &model.EMRNamespace{Name: ns, Ref: model.Ref{Kind: "flag", ID: "--emr-namespace " + ns}})
	}
	res.Met = Met{read: map[string][]byte{}, found: map[string]bool{}, listed: map[string]bool{}}
	var files []input
	for _, p := range paths {
		if p == "-" {
			files = append(files, input{path: StdinName, explicit: true, stdin: true})
			continue
		}
		w := walker{seen: map[fileID]string{}, diags: &res.Diags, met: &res.Met, list: newLister()}
		w.root, w.rootErr = rawopen.NewRoot(p)
		if st := w.list.get(p); st.stErr == nil {
			// Put back for the walk: the stat is the one it uses.
			w.first = st
		}
		if w.first != nil && !w.first.st.IsDir() {
			opt.roots = append(opt.roots, filepath.Dir(p))
		} else {
			opt.roots = append(opt.roots, p)
		}
		files = append(files, w.walk(p, true)...)
	}
	files, folders, claimed := claimFolders(files)
	folderEvs := make([]*model.Evidence, len(folders))
	folderDiags := make([]source.Diagnostics, len(folders))
	var fwg sync.WaitGroup
	var seenMu sync.Mutex // folder loaders read on several goroutines
	seen := func(path string, data []byte) {
		seenMu.Lock()
		defer seenMu.Unlock()
		res.Met.read[path] = kept(data, opt.Keep)
	}
	for i, fs := range folders {
		if len(fs) > 0 {
			fwg.Go(func() { folderEvs[i], folderDiags[i] = FolderLoaders[i].Load(fs, opt, seen) })
		}
	}
	outs := make([]fileResult, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(files))) {
		wg.Go(func() {
			// A file's bytes and trees are garbage once it is loaded: each
			// worker reads into one buffer and builds trees in one arena.
			var arena tree.Arena
			var buf []byte
			for i := range jobs {
				outs[i] = readOne(files[i], opt, &arena, &buf)
				arena.Reset()
			}
		})
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	fwg.Wait()
	parts := make([]*model.Evidence, 0, len(folders)+len(outs))
	parts = append(parts, folderEvs...)
	for _, o := range outs {
		parts = append(parts, o.ev)
	}
	res.Evidence.Grow(parts)
	for i := range folders {
		res.Evidence.Merge(folderEvs[i])
		res.Diags = append(res.Diags, folderDiags[i]...)
	}
	res.Files += claimed
	var zips []input
	for i, o := range outs {
		if o.zip {
			zips = append(zips, files[i])
		}
		if o.read && !files[i].stdin {
			res.Met.read[files[i].path] = o.kept
		}
		res.Evidence.Merge(o.ev)
		res.Diags = append(res.Diags, o.diags...)
		if o.ev != nil {
			res.Files++
		}
	}
	res.Files += linkCertificates(res.Evidence, zips, opt, &res.Diags)
	return res
}

type input struct {
	path     string
	explicit bool // named on the command line, not found by a walk
	stdin    bool
}

type fileResult struct {
	ev    *model.Evidence
	diags source.Diagnostics
	read  bool   // the bytes were read whole
	kept  []byte // the bytes, when Options.Keep picked them (not all: memory)
	zip   bool   // a .zip, set aside unread for linkCertificates
}

type fileID struct{ dev, ino uint64 }

type walker struct {
	seen  map[fileID]string
	diags *source.Diagnostics
	met   *Met
	list  *lister
	// root is the folder walked, resolved: a link met in the walk is
	// followed only when it resolves inside (a link to /proc/self/environ
	// or to the runner's home is not an input of the scanned tree).
	root    rawopen.Root
	rootErr error
	first   *listing // the named path's stat, taken before the walk
}

func (w *walker) errorf(path, format string, args ...any) {
	w.diags.Errorf(model.Loc{File: path}, format, args...)
}

// walk returns the files under path, depth first in name order.
func (w *walker) walk(path string, explicit bool) []input {
	l := w.first
	if l == nil || !explicit {
		l = w.list.get(path)
	}
	w.first = nil
	st, err := l.st, l.stErr
	if err != nil {
		w.errorf(path, "cannot read: %s", describe(err))
		return nil
	}
	if !st.IsDir() {
		if explicit && !st.Mode().IsRegular() {
			// A FIFO would block the scan, a device never end: named on
			// the command line, it is an input error, read not at all.
			w.errorf(path, "%s, not a regular file or folder; not read", rawopen.KindOf(st.Mode()))
			return nil
		}
		if !explicit {
			w.met.found[path] = true
			if !st.Mode().IsRegular() {
				return nil // sockets, devices, fifos met in a walk
			}
		}
		return []input{{path: path, explicit: explicit}}
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		id := fileID{uint64(sys.Dev), uint64(sys.Ino)}
		if first, dup := w.seen[id]; dup {
			w.errorf(path, "directory loop: this folder is %s again (through a symbolic link); not walked twice", first)
			return nil
		}
		w.seen[id] = path
	}
	entries, err := l.entries, l.rdErr
	if err != nil {
		w.errorf(path, "cannot read folder: %s", describe(err))
		return nil
	}
	w.met.listed[filepath.Clean(path)] = true
	// Folders and links are stat'ed and listed ahead, a few at a time.
	walked := func(e fs.DirEntry) bool { return !e.Type().IsRegular() && !(skipDirs[e.Name()] && e.IsDir()) }
	window := 4 * runtime.GOMAXPROCS(0)
	next := 0
	var out []input
	for i, e := range entries {
		for ; next < len(entries) && next < i+window; next++ {
			if walked(entries[next]) {
				w.list.ahead(filepath.Join(path, entries[next].Name()))
			}
		}
		child := filepath.Join(path, e.Name())
		switch {
		case skipDirs[e.Name()] && e.IsDir():
		case e.Type().IsRegular():
			// The listing says what it is: no stat (10,000 of them were a
			// third of a second of a walk over one folder per stack).
			w.met.found[child] = true
			out = append(out, input{path: child})
		case e.Type()&fs.ModeSymlink != 0 && !w.inside(child):
			w.diags.Warnf(model.Loc{File: child}, "a symbolic link to outside the scanned folder; not followed")
		default:
			out = append(out, w.walk(child, false)...) // folders, and links to follow
		}
	}
	return out
}

// inside reports whether a link met in the walk resolves inside the
// folder walked; a walk whose root cannot be resolved follows none.
func (w *walker) inside(path string) bool {
	if w.rootErr != nil {
		return false
	}
	_, in := rawopen.Resolve(path, w.root)
	return in
}

// describe shortens an *fs.PathError to its cause, since the path is
// already in the message.
func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readOne reads, parses and loads one file; its trees are in arena, which
// the caller may reset once it returns (evidence keeps no tree node).
func readOne(in input, opt Options, arena *tree.Arena, buf *[]byte) (out fileResult) {
	if isZip(in.path) && !in.stdin {
		return fileResult{zip: true}
	}
	data, err := readLimited(in, opt, buf)
	if err != nil {
		out.diags.Errorf(model.Loc{File: in.path}, "%s", err.Error())
		return out
	}
	// The parsers copy what they keep (TestParsersOwnTheirStrings), so
	// only the bytes Met keeps are copied out of the buffer.
	out.read, out.kept = true, bytes.Clone(kept(data, opt.Keep))
	if ev, diags, ok := loadBuildFile(in.path, data); ok {
		out.ev, out.diags = ev, diags
		return out
	}
	// A snapshot of a live scan (JSON, or gzip-compressed JSON, which no
	// other loader reads) is told by its format key before any tree is
	// built: it is decoded into the SDK types, not the positioned tree.
	if snapshot.Detect(data) {
		s, err := snapshot.Read(bytes.NewReader(data), "") // the diagnostic names the file
		if err != nil {
			out.diags.Errorf(model.Loc{File: in.path}, "%s", err.Error())
			return out
		}
		out.ev, out.diags = snapshot.Evidence(s)
		return out
	}
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		// Compressed, and not a snapshot: no input emrguard reads. Say so
		// when the user named it; a walk passes it by like any other.
		if in.explicit {
			out.diags.Warnf(model.Loc{File: in.path}, "a gzip file that is not an emrguard snapshot; skipped")
		}
		return out
	}
	docs, format, err := parse(in.path, data, arena)
	switch {
	case err != nil && format == "json" && !in.explicit && !strings.EqualFold(filepath.Ext(in.path), ".json"):
		// Found by a walk, named otherwise (sc.json.tftpl, a Go or
		// Jinja template) and not JSON after all, though it starts like
		// it: not an input, as any other file of no kind emrguard reads.
		return out
	case err != nil:
		var pe *tree.ParseError
		if errors.As(err, &pe) {
			out.diags.Errorf(pe.At, "%s", pe.Msg)
		} else {
			out.diags.Errorf(model.Loc{File: in.path}, "%s", err.Error())
		}
		return out
	case format == "":
		if in.explicit {
			out.diags.Warnf(model.Loc{File: in.path}, "not a file emrguard reads (JSON or YAML); skipped")
		}
		return out
	case len(docs) == 0:
		return out
	}
	for _, l := range Loaders {
		if strings.Contains(l.Formats, format) && l.Detect(docs[0]) {
			out.ev, out.diags = l.Load(in.path, docs, Context{Options: opt, Arena: arena})
			return out
		}
	}
	if in.explicit {
		out.diags.Warnf(model.Loc{File: in.path}, "%s", "a "+format+" document of no kind emrguard reads; skipped")
	}
	return out
}

// parse reads JSON (by extension, or content starting with { or [) or
// YAML (by extension) into trees; format is "" for anything else.
func parse(path string, data []byte, arena *tree.Arena) (docs []*tree.Node, format string, err error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	ext := strings.ToLower(filepath.Ext(path))
	yaml := ext == ".yaml" || ext == ".yml" || ext == ".template"
	if ext == ".json" || (len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')) {
		root, err := arena.ParseJSON(path, data)
		switch {
		case err == nil:
			return []*tree.Node{root}, "json", nil
		case !yaml:
			return nil, "json", err
		}
		// A YAML file in flow style ({a: 1}) starts like JSON: YAML
		// reads it, and says what is wrong if it is neither.
	}
	if yaml {
		docs, err := arena.ParseYAML(path, data)
		return docs, "yaml", err
	}
	return nil, "", nil
}

// readLimited reads a file or stdin, refusing more than opt.MaxFileSize
// bytes before reading them when the size is known, and while reading
// otherwise.
//
// A regular file is read into *buf when it fits, and *buf keeps a larger
// buffer made for it up to maxScratch: the bytes are valid until the
// next call with buf.
func readLimited(in input, opt Options, buf *[]byte) ([]byte, error) {
	limit := opt.MaxFileSize
	tooBig := func(size int64) error {
		return fmt.Errorf("file is %s, over the %s limit (raise it with --max-file-size)", human(size), human(limit))
	}
	var r io.Reader
	size := int64(-1)
	if in.stdin {
		if opt.Stdin == nil {
			return nil, errors.New("no standard input")
		}
		r = opt.Stdin
	} else {
		f, err := rawopen.OpenFile(in.path)
		if err != nil {
			return nil, fmt.Errorf("cannot read: %s", describe(err))
		}
		defer f.Close()
		n, regular, err := f.Size()
		if err != nil {
			return nil, fmt.Errorf("cannot read: %s", describe(err))
		}
		if !regular {
			// Opened without blocking, and never read: a FIFO would
			// hang the scan, /dev/zero never end.
			var st os.FileInfo
			kind := "not a regular file"
			if st, err = os.Stat(in.path); err == nil {
				kind = rawopen.KindOf(st.Mode())
			}
			return nil, fmt.Errorf("%s, not a regular file; not read", kind)
		}
		if n > limit {
			return nil, tooBig(n)
		}
		size = n
		r = f
	}
	var data []byte
	var err error
	if size >= 0 {
		// Known size: one read into a buffer of that size (io.ReadAll
		// grows by doubling). One byte more is asked for, to notice a file
		// that grew.
		b := *buf
		if int64(cap(b)) < size+1 {
			b = make([]byte, size+1)
			if size+1 <= maxScratch {
				*buf = b
			}
		}
		b = b[:size+1]
		n, rerr := io.ReadFull(r, b)
		if rerr != nil && rerr != io.ErrUnexpectedEOF && rerr != io.EOF {
			err = rerr
		}
		data = b[:n]
		if int64(n) > size { // it grew: read the rest, within the limit
			more, merr := io.ReadAll(io.LimitReader(r, limit+1-int64(n)))
			data, err = append(data, more...), merr
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(r, limit+1))
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", describe(err))
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("input is over the %s limit (raise it with --max-file-size)", human(limit))
	}
	return data, nil
}

// maxScratch is the largest read buffer a scan worker keeps for the next
// file; larger files get one of their own.
const maxScratch = 1 << 20

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
