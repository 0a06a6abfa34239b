package harden

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/release"
)

// A Patch is what `emrguard harden fix` proposes for the failing results
// of a scan: line edits of the files the results point at, and the
// results it leaves to a person, each with the reason.
type Patch struct {
	files  map[string]*fileEdits
	Manual []Manual
	read   func(string) ([]byte, error)
}

// Manual is a failing result whose fix needs a decision (which CIDR,
// which key) or a text fix cannot edit safely.
type Manual struct {
	Result control.Result
	Reason string
}

// edit replaces the lines [start, end) (1-based) of a file with lines
// (each with its line ending); what says why, fixes names the controls.
type edit struct {
	start, end int
	lines      []string
	what       string
	fixes      []string
	affects    []string // controls whose results the edit changes besides fixes
}

type fileEdits struct {
	lines []string // the file's lines, each with its ending
	crlf  bool
	edits []edit
}

// Fix builds the patch of the failing results. read returns a file's
// bytes (the files the results point at); releases is the release table
// EMR801 upgrades from. A result in a file that is no CloudFormation
// template or Terraform configuration is left alone.
func Fix(results []control.Result, read func(string) ([]byte, error), releases *release.Table) (*Patch, error) {
	p := &Patch{files: map[string]*fileEdits{}, read: read}
	f := &fixer{p: p, releases: releases}
	seen := map[string]bool{}     // file:line:col:control of the results fixed
	attached := map[string]bool{} // clusters EMR101's fix gives a configuration
	// EMR101 first: what the other controls say of a cluster without a
	// configuration follows from it.
	results = append([]control.Result(nil), results...)
	sort.SliceStable(results, func(i, j int) bool {
		return results[i].Control.ID == "EMR101" && results[j].Control.ID != "EMR101"
	})
	for _, r := range results {
		if r.Verdict != control.Failed {
			continue
		}
		at := r.At
		if !at.IsValid() {
			at = r.Resource.Loc
		}
		if !isIaCKind(r.Resource.Kind) || !at.IsValid() {
			continue
		}
		fe, err := p.file(at.File)
		if err != nil {
			return nil, err
		}
		if isPlan(fe) {
			p.manual(r, "a Terraform plan is generated: fix the configuration it was made from, then plan again")
			continue
		}
		if attached[r.Resource.ID] && at == r.Resource.Loc && configControls[r.Control.ID] {
			p.manual(r, "follows from EMR101: the patch attaches the file's security configuration to this cluster; scan again after applying it")
			continue
		}
		if seen[fmt.Sprintf("%s:%d:%d:%s", at.File, at.Line, at.Col, r.Control.ID)] {
			continue // fixed for another cluster sharing the resource
		}
		e, reason := f.fix(r, fe, at.Line)
		if e != nil && r.Control.ID == "EMR101" {
			attached[r.Resource.ID] = true
			for id := range configControls {
				e.affects = append(e.affects, id)
			}
			sort.Strings(e.affects)
		}
		if e == nil {
			if m := fromVarRe.FindStringSubmatch(fe.line(at.Line)); reason == "" && m != nil {
				reason = "the value comes from " + m[1] + ": change it where that is given (the module call, a .tfvars file, the loop's collection); " + manualReasons[r.Control.ID]
			}
			if reason == "" {
				reason = manualReasons[r.Control.ID]
			}
			if reason == "" {
				reason = "no mechanical fix: see `emrguard rules --explain " + r.Control.ID + "`"
			}
			p.manual(r, reason)
			continue
		}
		seen[fmt.Sprintf("%s:%d:%d:%s", at.File, at.Line, at.Col, r.Control.ID)] = true
		if !fe.add(*e) {
			p.manual(r, "another fix edits the same lines: run fix again after applying this patch")
		}
	}
	return p, nil
}

// configControls judge a cluster's security configuration: a cluster
// without one fails them all, and attaching one (EMR101) settles them.
var configControls = map[string]bool{"EMR102": true, "EMR103": true, "EMR104": true, "EMR105": true, "EMR106": true,
	"EMR107": true, "EMR108": true, "EMR401": true, "EMR403": true}

// fromVarRe finds a value a Terraform line takes from elsewhere.
var fromVarRe = regexp.MustCompile(`=\s*((var|each|local|[a-z_]+\.value)\.[\w.]+)`)

func isIaCKind(kind string) bool {
	return strings.HasPrefix(kind, "AWS::") || strings.HasPrefix(kind, "aws_")
}

func isPlan(fe *fileEdits) bool {
	head := strings.Join(fe.lines[:min(len(fe.lines), 20)], "")
	return strings.Contains(head, `"format_version"`) && strings.Contains(strings.Join(fe.lines, ""), `"planned_values"`)
}

func (p *Patch) manual(r control.Result, reason string) {
	p.Manual = append(p.Manual, Manual{Result: r, Reason: reason})
}

func (p *Patch) file(name string) (*fileEdits, error) {
	if fe, ok := p.files[name]; ok {
		return fe, nil
	}
	data, err := p.read(name)
	if err != nil {
		return nil, fmt.Errorf("fix: read %s: %w", name, err)
	}
	fe := &fileEdits{lines: strings.SplitAfter(string(data), "\n"), crlf: bytes.Contains(data, []byte("\r\n"))}
	if n := len(fe.lines); n > 0 && fe.lines[n-1] == "" {
		fe.lines = fe.lines[:n-1]
	}
	p.files[name] = fe
	return fe, nil
}

// add records e unless it overlaps an edit already made.
func (fe *fileEdits) add(e edit) bool {
	for i, o := range fe.edits {
		if o.start == e.start && o.end == e.end && slices.Equal(o.lines, e.lines) {
			return true // the same edit, for another control (EMR203, EMR204 on one rule)
		}
		if o.start == e.start && o.end == e.start+1 && e.end == e.start+1 && len(o.lines) == 1 && len(e.lines) == 1 {
			// Two changes of one line (IMDS version and hop limit on one
			// line): e was made from o's result, so it replaces it.
			fe.edits[i].lines = e.lines
			fe.edits[i].what += "; " + e.what
			fe.edits[i].fixes = append(fe.edits[i].fixes, e.fixes...)
			return true
		}
		if e.start < max(o.end, o.start+1) && o.start < max(e.end, e.start+1) {
			return false
		}
	}
	fe.edits = append(fe.edits, e)
	sort.Slice(fe.edits, func(i, j int) bool { return fe.edits[i].start < fe.edits[j].start })
	return true
}

// result is the file's text with its edits applied.
func (fe *fileEdits) result() []string {
	var out []string
	next := 1
	for _, e := range fe.edits {
		out = append(out, fe.lines[next-1:e.start-1]...)
		out = append(out, e.lines...)
		next = e.end
	}
	return append(out, fe.lines[next-1:]...)
}

// eol is the file's line ending.
func (fe *fileEdits) eol() string {
	if fe.crlf {
		return "\r\n"
	}
	return "\n"
}

// line returns line n (1-based) without its ending, "" past the end: as
// an edit that changes that one line left it, so that a second change of
// the line builds on the first.
func (fe *fileEdits) line(n int) string {
	if n < 1 || n > len(fe.lines) {
		return ""
	}
	l := fe.lines[n-1]
	for _, e := range fe.edits {
		if e.start == n && e.end == n+1 && len(e.lines) == 1 {
			l = e.lines[0]
		}
	}
	return strings.TrimRight(l, "\r\n")
}

// Files returns the patched content of every file the patch edits.
func (p *Patch) Files() map[string][]byte {
	out := map[string][]byte{}
	for name, fe := range p.files {
		if len(fe.edits) > 0 {
			out[name] = []byte(strings.Join(fe.result(), ""))
		}
	}
	return out
}

// Controls are the controls whose results the patch may change: those
// it fixes, and, where it attaches a security configuration, those that
// judge one.
func (p *Patch) Controls() []string {
	set := map[string]bool{}
	for _, fe := range p.files {
		for _, e := range fe.edits {
			for _, id := range append(append([]string(nil), e.fixes...), e.affects...) {
				set[id] = true
			}
		}
	}
	var out []string
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Fixes lists each edit as "file:line: what (controls)", in file order.
func (p *Patch) Fixes() []string {
	var out []string
	for _, name := range p.names() {
		for _, e := range p.files[name].edits {
			out = append(out, fmt.Sprintf("%s:%d: %s (%s)", name, e.start, e.what, strings.Join(e.fixes, ", ")))
		}
	}
	return out
}

func (p *Patch) names() []string {
	var names []string
	for name, fe := range p.files {
		if len(fe.edits) > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Diff is the patch as a unified diff (three lines of context), with the
// file names as given: `patch -p0` applies it.
func (p *Patch) Diff() []byte {
	var b bytes.Buffer
	for _, name := range p.names() {
		fe := p.files[name]
		fmt.Fprintf(&b, "--- %s\n+++ %s\n", name, name)
		writeHunks(&b, fe)
	}
	return b.Bytes()
}

// writeHunks writes fe's edits as hunks, merging edits whose context
// touches.
func writeHunks(b *bytes.Buffer, fe *fileEdits) {
	const ctx = 3
	es := fe.edits
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[j].start-ctx <= es[j-1].end-1+ctx+1 {
			j++
		}
		from := max(1, es[i].start-ctx)
		to := min(len(fe.lines)+1, es[j-1].end+ctx) // exclusive, old lines
		var body bytes.Buffer
		oldN, newN := 0, 0
		next := from
		for _, e := range es[i:j] {
			for ; next < e.start; next++ {
				body.WriteString(" " + withEOL(fe.lines[next-1]))
				oldN++
				newN++
			}
			for k := e.start; k < e.end; k++ {
				body.WriteString("-" + withEOL(fe.lines[k-1]))
				oldN++
			}
			for _, l := range e.lines {
				body.WriteString("+" + withEOL(l))
				newN++
			}
			next = e.end
		}
		for ; next < to; next++ {
			body.WriteString(" " + withEOL(fe.lines[next-1]))
			oldN++
			newN++
		}
		// The new start: the old one moved by the edits before this hunk.
		shift := 0
		for _, e := range es[:i] {
			shift += len(e.lines) - (e.end - e.start)
		}
		oldStart, newStart := from, from+shift
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		fmt.Fprintf(b, "@@ -%d,%d +%d,%d @@\n", oldStart, oldN, newStart, newN)
		b.Write(body.Bytes())
		i = j
	}
}

// withEOL gives a diff line its ending; a last line without one gets the
// marker diff writes.
func withEOL(l string) string {
	if strings.HasSuffix(l, "\n") {
		return l
	}
	return l + "\n\\ No newline at end of file\n"
}

// fixer holds what the fixes of one patch share.
type fixer struct {
	p        *Patch
	releases *release.Table
}

// manualReasons say why a control's failures need a person.
var manualReasons = map[string]string{
	"EMR101": "which security configuration? none, or several, in this file: make one with `emrguard harden secconf` and name it",
	"EMR102": "in-transit encryption needs certificates: which? make them with `emrguard harden certs`, then `emrguard harden secconf --cert-s3`",
	"EMR103": "at-rest encryption needs KMS keys: which? `emrguard harden keys`, then `emrguard harden secconf`",
	"EMR104": "S3 encryption needs a KMS key: which? `emrguard harden secconf --s3-key`",
	"EMR105": "local disk encryption needs a KMS key: which? `emrguard harden secconf --local-disk-key`",
	"EMR106": "EnableEbsEncryption is not a literal on that line: set it to true",
	"EMR107": "SSE-KMS needs a KMS key: which? `emrguard harden secconf --s3-key`",
	"EMR108": "the override's mode needs a KMS key: which? `emrguard harden secconf --s3-override`",
	"EMR111": "which KMS key encrypts the logs? (`emrguard harden keys`)",
	"EMR201": "block public access is not a literal on that line: set block_public_security_group_rules = true",
	"EMR202": "which ports may stay public? remove the permitted ranges other than 22",
	"EMR203": "which sources may reach the port? replace the range with the one that needs it",
	"EMR204": "which sources may reach port 22? or drop SSH for SSM Session Manager (`emrguard harden environment`)",
	"EMR205": "which narrower range? replace it with the one that needs access",
	"EMR301": "which private subnet? (`emrguard harden environment` builds one)",
	"EMR303": "the VPC needs an S3 gateway endpoint on the cluster subnet's route table (`emrguard harden environment`)",
	"EMR401": "add InstanceMetadataServiceConfiguration (MinimumInstanceMetadataServiceVersion 2, HttpPutResponseHopLimit 1) to the cluster's security configuration: fix found none it can edit (none attached, a JSON string, a variable)",
	"EMR402": "moving to a release that uses IMDSv2 crosses major versions: test the jobs first",
	"EMR403": "the hop limit is not a literal on that line: set HttpPutResponseHopLimit to 1",
	"EMR501": "which roles? make scoped ones with `emrguard harden iam`",
	"EMR602": "which actions does the role need? `emrguard harden iam` writes scoped policies",
	"EMR703": "which bucket receives the access logs?",
	"EMR704": "which bucket receives the cluster logs?",
	"EMR801": "the release label is not a literal on that line",
	"EMR802": "moving to a series that receives fixes crosses versions: test the jobs first",
}

func (f *fixer) fix(r control.Result, fe *fileEdits, line int) (*edit, string) {
	switch r.Control.ID {
	case "EMR101":
		return f.attachSecConf(r, fe)
	case "EMR102":
		if !strings.Contains(strings.Join(fe.lines, ""), "TLSCertificateConfiguration") {
			return nil, ""
		}
		return flip(fe, line, "EnableInTransitEncryption", `false`, "true", "turn in-transit encryption on", "EMR102")
	case "EMR106":
		if e, _ := flip(fe, line, "EnableEbsEncryption", `false`, "true", "encrypt EBS volumes too", "EMR106"); e != nil {
			return e, ""
		}
		return addMember(fe, line, "LocalDiskEncryptionConfiguration", "EnableEbsEncryption", "true", "encrypt EBS volumes too", "EMR106")
	case "EMR201":
		return flip(fe, line, "block_public_security_group_rules", `false`, "true", "turn block public access on", "EMR201")
	case "EMR401":
		if e, _ := flip(fe, line, "MinimumInstanceMetadataServiceVersion", `1`, "2", "require IMDSv2", "EMR401"); e != nil {
			return e, ""
		}
		return addIMDS(fe, line)
	case "EMR403":
		return flip(fe, line, "HttpPutResponseHopLimit", `[2-9]|[1-5]\d`, "1", "IMDS hop limit 1", "EMR403")
	case "EMR801":
		return f.upgrade(fe, line)
	case "EMR203", "EMR204", "EMR205":
		return closeSSH(fe, line)
	}
	return nil, ""
}

// keyRe matches key and its separator in YAML (Key:), JSON ("Key":) or
// HCL (Key =), not inside an escaped JSON string.
func keyRe(key string) string {
	return `(^|[^\\\w])("?` + regexp.QuoteMeta(key) + `"?\s*[:=]\s*)`
}

// flip replaces the literal value from (a regexp) of key on line with to.
func flip(fe *fileEdits, line int, key, from, to, what, id string) (*edit, string) {
	l := fe.line(line)
	re := regexp.MustCompile(keyRe(key) + `(` + from + `)(\s*[,}\]#]|\s*$)`)
	m := re.FindStringSubmatchIndex(l)
	if m == nil {
		return nil, ""
	}
	nl := l[:m[6]] + to + l[m[7]:]
	return &edit{start: line, end: line + 1, lines: []string{nl + fe.eol()}, what: what, fixes: []string{id}}, ""
}

var indentRe = regexp.MustCompile(`^[ \t]*`)

func indentOf(l string) string { return indentRe.FindString(l) }

// syntaxOf tells how key is written on line l: "yaml", "json" or "hcl".
func syntaxOf(l, key string) string {
	m := regexp.MustCompile(keyRe(key)).FindStringSubmatch(l)
	switch {
	case m == nil:
		return ""
	case strings.Contains(m[2], "="):
		return "hcl"
	case strings.HasPrefix(m[2], `"`):
		return "json"
	}
	return "yaml"
}

// member writes key: value in a syntax.
func member(syntax, key, value string) string {
	switch syntax {
	case "json":
		return `"` + key + `": ` + value
	case "hcl":
		return key + " = " + value
	}
	return key + ": " + value
}

// addMember adds key: value to the object that obj opens on line: inside
// its braces when it closes on the same line, else as its first member.
func addMember(fe *fileEdits, line int, obj, key, value, what, id string) (*edit, string) {
	line = findKey(fe, line, obj)
	l := fe.line(line)
	syn := syntaxOf(l, obj)
	if syn == "" {
		return nil, ""
	}
	loc := regexp.MustCompile(keyRe(obj)).FindStringIndex(l)
	rest := l[loc[1]:]
	if open := strings.Index(rest, "{"); open >= 0 && strings.TrimSpace(rest[:open]) == "" {
		// A flow object: find its closing brace on this line.
		depth, at := 0, -1
		for i := open; i < len(rest) && at < 0; i++ {
			switch rest[i] {
			case '{':
				depth++
			case '}':
				if depth--; depth == 0 {
					at = i
				}
			}
		}
		if at < 0 {
			// It goes on over the next lines: a first member of its own.
			next := fe.line(line + 1)
			if strings.TrimSpace(next) == "" || strings.HasPrefix(strings.TrimSpace(next), "}") {
				return nil, ""
			}
			sep := ""
			if syn == "json" {
				sep = ","
			}
			return &edit{start: line + 1, end: line + 1, lines: []string{indentOf(next) + member(syn, key, value) + sep + fe.eol()}, what: what, fixes: []string{id}}, ""
		}
		inner := strings.TrimSpace(rest[open+1 : at])
		add := member(syn, key, value)
		if inner != "" {
			add = strings.TrimRight(rest[open+1:at], " ") + ", " + add + strings.Repeat(" ", len(rest[open+1:at])-len(strings.TrimRight(rest[open+1:at], " ")))
		} else {
			add = " " + add + " "
		}
		nl := l[:loc[1]] + rest[:open+1] + add + rest[at:]
		return &edit{start: line, end: line + 1, lines: []string{nl + fe.eol()}, what: what, fixes: []string{id}}, ""
	}
	if syn == "yaml" && strings.TrimSpace(rest) == "" {
		next := fe.line(line + 1)
		if len(indentOf(next)) <= len(indentOf(l)) {
			return nil, ""
		}
		return &edit{start: line + 1, end: line + 1, lines: []string{indentOf(next) + member(syn, key, value) + fe.eol()}, what: what, fixes: []string{id}}, ""
	}
	return nil, ""
}

// findKey is line when key is on it, else the one line of the next few
// that holds key (a value built by a function call points at the call);
// 0 when there is none or more than one.
func findKey(fe *fileEdits, line int, key string) int {
	re := regexp.MustCompile(keyRe(key))
	if re.MatchString(fe.line(line)) {
		return line
	}
	found := 0
	for n := line + 1; n <= len(fe.lines) && n <= line+10; n++ {
		if endsResource(fe.line(line), fe.line(n)) {
			break
		}
		if re.MatchString(fe.line(n)) {
			if found > 0 {
				return 0
			}
			found = n
		}
	}
	return found
}

// addIMDS adds InstanceMetadataServiceConfiguration (IMDSv2, hop limit
// 1) to the security configuration that starts at line, before the
// document's EncryptionConfiguration key.
func addIMDS(fe *fileEdits, line int) (*edit, string) {
	start := fe.line(line)
	for n := line; n <= len(fe.lines) && n < line+200; n++ {
		l := fe.line(n)
		if n > line && endsResource(start, l) {
			break
		}
		if strings.Contains(l, "InstanceMetadataServiceConfiguration") {
			return nil, "" // present but not a literal fix can change
		}
		m := regexp.MustCompile(`^([ \t]*(- )?)("?)EncryptionConfiguration"?\s*([:=])`).FindStringSubmatch(l)
		if m == nil {
			continue
		}
		syn := "yaml"
		switch {
		case m[4] == "=":
			syn = "hcl"
		case m[3] == `"`:
			syn = "json"
		}
		inner := map[string]string{
			"yaml": "{MinimumInstanceMetadataServiceVersion: 2, HttpPutResponseHopLimit: 1}",
			"json": `{"MinimumInstanceMetadataServiceVersion": 2, "HttpPutResponseHopLimit": 1},`,
			"hcl":  "{ MinimumInstanceMetadataServiceVersion = 2, HttpPutResponseHopLimit = 1 }",
		}[syn]
		ind := m[1]
		if m[2] != "" {
			return nil, ""
		}
		return &edit{start: n, end: n, lines: []string{ind + member(syn, "InstanceMetadataServiceConfiguration", inner) + fe.eol()},
			what: "require IMDSv2 with hop limit 1", fixes: []string{"EMR401", "EMR403"}}, ""
	}
	return nil, ""
}

// endsResource reports whether l starts the resource after the one whose
// first line is start: a line at start's indentation or less that does
// not close a bracket.
func endsResource(start, l string) bool {
	t := strings.TrimSpace(l)
	if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "}") || strings.HasPrefix(t, "]") {
		return false
	}
	return len(indentOf(l)) <= len(indentOf(start)) && !strings.HasPrefix(strings.TrimSpace(start), "{")
}

var labelRe = regexp.MustCompile(`emr-[a-z]*-?\d+\.\d+\.\d+`)

// upgrade replaces the release label on line with the newest of its series.
func (f *fixer) upgrade(fe *fileEdits, line int) (*edit, string) {
	l := fe.line(line)
	old := labelRe.FindString(l)
	if old == "" || f.releases == nil {
		return nil, ""
	}
	lab, err := release.Parse(old)
	if err != nil {
		return nil, ""
	}
	s, ok := f.releases.Lookup(lab)
	if !ok || s.Newest == old {
		return nil, ""
	}
	nl := strings.Replace(l, old, s.Newest, 1)
	return &edit{start: line, end: line + 1, lines: []string{nl + fe.eol()}, what: "release " + old + " → " + s.Newest + " (same series)", fixes: []string{"EMR801"}}, ""
}

var (
	worldRe  = regexp.MustCompile(`(^|[^\d.])(0\.0\.0\.0/0|::/0)\b`)
	port22Re = regexp.MustCompile(`(?i)(from_?port"?\s*[:=]\s*"?22\b)`)
	to22Re   = regexp.MustCompile(`(?i)(to_?port"?\s*[:=]\s*"?22\b)`)
	anyPort  = regexp.MustCompile(`(?i)(from_?port|to_?port)"?\s*[:=]`)
)

// closeSSH removes a rule that opens port 22 (and only port 22) to the
// internet: a flow list item on one line, a Terraform ingress block, or
// a rule resource. Any other open rule needs a person (which CIDR?).
func closeSSH(fe *fileEdits, line int) (*edit, string) {
	l := fe.line(line)
	if !worldRe.MatchString(l) {
		return nil, ""
	}
	isSSH := func(text string) bool {
		return port22Re.MatchString(text) && to22Re.MatchString(text) && len(anyPort.FindAllString(text, -1)) == 2
	}
	const what = "remove the rule opening port 22 to the internet (reach nodes with SSM Session Manager)"
	ids := []string{"EMR203", "EMR204", "EMR205"}
	// A whole rule on one line: a YAML/JSON flow item or a one-line
	// resource's properties.
	if isSSH(l) {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "- {") || strings.HasPrefix(t, "{") {
			e := &edit{start: line, end: line + 1, what: what, fixes: ids}
			// The list's only item: its key goes too, rather than stay null.
			key, next := fe.line(line-1), fe.line(line+1)
			if strings.HasPrefix(t, "- ") && strings.HasSuffix(strings.TrimSpace(key), ":") && len(indentOf(key)) < len(indentOf(l)) &&
				(strings.TrimSpace(next) == "" || len(indentOf(next)) <= len(indentOf(key))) {
				e.start--
			}
			return e, ""
		}
		if strings.HasPrefix(t, "Properties:") {
			// A one-line AWS::EC2::SecurityGroupIngress: the resource goes.
			head := fe.line(line - 1)
			id := fe.line(line - 2)
			if strings.Contains(head, "AWS::EC2::SecurityGroupIngress") && len(indentOf(id)) < len(indentOf(head)) {
				return &edit{start: line - 2, end: line + 1, what: what, fixes: ids}, ""
			}
		}
		return nil, manualReasons["EMR204"]
	}
	// A YAML block list item around the line: "- IpProtocol: tcp" and
	// its more indented lines.
	for n := line; n > 0 && n > line-10; n-- {
		h := fe.line(n)
		if !strings.HasPrefix(strings.TrimSpace(h), "- ") {
			if n < line && len(indentOf(h)) < len(indentOf(l)) {
				break
			}
			continue
		}
		end := n + 1
		for ; end <= len(fe.lines); end++ {
			x := fe.line(end)
			if strings.TrimSpace(x) != "" && len(indentOf(x)) <= len(indentOf(h)) {
				break
			}
		}
		if end <= line {
			break
		}
		var body strings.Builder
		for k := n; k < end; k++ {
			body.WriteString(fe.line(k) + "\n")
		}
		if !isSSH(body.String()) || strings.Contains(body.String(), "!") {
			break
		}
		e := &edit{start: n, end: end, what: what, fixes: ids}
		key := fe.line(n - 1)
		if strings.HasSuffix(strings.TrimSpace(key), ":") && len(indentOf(key)) < len(indentOf(h)) &&
			(end > len(fe.lines) || len(indentOf(fe.line(end))) <= len(indentOf(key))) {
			e.start-- // the list's only item: its key goes too
		}
		return e, ""
	}
	// A Terraform block around the line: ingress { … } or a rule resource.
	for n := line; n > 0 && n > line-20; n-- {
		h := fe.line(n)
		t := strings.TrimSpace(h)
		if !(strings.HasPrefix(t, "ingress {") || strings.HasPrefix(t, `resource "aws_security_group_rule"`) ||
			strings.HasPrefix(t, `resource "aws_vpc_security_group_ingress_rule"`)) {
			continue
		}
		end := blockEnd(fe, n)
		if end < line {
			break
		}
		var body strings.Builder
		for k := n; k <= end; k++ {
			body.WriteString(fe.line(k) + "\n")
		}
		text := body.String()
		if strings.HasPrefix(t, `resource "aws_security_group_rule"`) && !regexp.MustCompile(`type\s*=\s*"ingress"`).MatchString(text) {
			break
		}
		if !isSSH(text) || strings.Contains(text, "${") || regexp.MustCompile(`(?m)=\s*[a-z_]+\.`).MatchString(text) && !strings.HasPrefix(t, "resource") {
			break
		}
		// Only the rule's lines, and one blank line after a resource.
		stop := end + 1
		if strings.HasPrefix(t, "resource") && strings.TrimSpace(fe.line(stop)) == "" && stop <= len(fe.lines) {
			stop++
		}
		return &edit{start: n, end: stop, what: what, fixes: ids}, ""
	}
	return nil, ""
}

// blockEnd is the line closing the HCL block opened on line n (braces
// counted outside strings), 0 when none.
func blockEnd(fe *fileEdits, n int) int {
	depth := 0
	for k := n; k <= len(fe.lines); k++ {
		inStr := false
		for i, c := range fe.line(k) {
			switch {
			case c == '"' && (i == 0 || fe.line(k)[i-1] != '\\'):
				inStr = !inStr
			case inStr:
			case c == '#':
				goto next
			case c == '{':
				depth++
			case c == '}':
				if depth--; depth == 0 {
					return k
				}
			}
		}
	next:
	}
	return 0
}

// attachSecConf names the one security configuration of the cluster's
// file on the cluster; with none or several it is a person's choice.
func (f *fixer) attachSecConf(r control.Result, fe *fileEdits) (*edit, string) {
	start := r.Resource.Loc.Line
	if r.Resource.Loc.File == "" || start < 1 {
		return nil, ""
	}
	var names []string
	tfRe := regexp.MustCompile(`^resource\s+"aws_emr_security_configuration"\s+"([\w-]+)"`)
	for n := 1; n <= len(fe.lines); n++ {
		l := fe.line(n)
		if m := tfRe.FindStringSubmatch(l); m != nil {
			if b := blockEnd(fe, n); b > 0 && regexp.MustCompile(`(?m)^\s*(count|for_each)\s*=`).MatchString(strings.Join(fe.lines[n-1:b], "")) {
				return nil, "the file's security configuration is made with count or for_each: which instance? name it on the cluster"
			}
			names = append(names, "aws_emr_security_configuration."+m[1]+".name")
		}
		if strings.Contains(l, "AWS::EMR::SecurityConfiguration") && regexp.MustCompile(`"?Type"?\s*:`).MatchString(l) {
			if id := logicalID(fe, n); id != "" {
				names = append(names, id)
			}
		}
	}
	if len(names) != 1 {
		return nil, ""
	}
	head := fe.line(start)
	if strings.HasPrefix(head, "resource") { // Terraform
		next := fe.line(start + 1)
		if strings.TrimSpace(next) == "}" || strings.TrimSpace(next) == "" {
			return nil, ""
		}
		return &edit{start: start + 1, end: start + 1, lines: []string{indentOf(next) + "security_configuration = " + names[0] + fe.eol()},
			what: "attach the file's security configuration", fixes: []string{"EMR101"}}, ""
	}
	for n := start; n <= len(fe.lines) && n < start+40; n++ {
		l := fe.line(n)
		if n > start && endsResource(head, l) {
			break
		}
		syn := syntaxOf(l, "Properties")
		if syn == "" {
			continue
		}
		val := map[string]string{"yaml": "!Ref " + names[0], "json": `{"Ref": "` + names[0] + `"}`}[syn]
		if syn == "json" {
			if !strings.HasSuffix(strings.TrimSpace(l), "{") {
				return nil, ""
			}
			return &edit{start: n + 1, end: n + 1, lines: []string{indentOf(fe.line(n+1)) + member(syn, "SecurityConfiguration", val) + "," + fe.eol()},
				what: "attach the template's security configuration", fixes: []string{"EMR101"}}, ""
		}
		e, _ := addMember(fe, n, "Properties", "SecurityConfiguration", val, "attach the template's security configuration", "EMR101")
		return e, ""
	}
	return nil, ""
}

// logicalID is the key of the resource whose Type is on line n: the
// nearest line above it with less indentation.
func logicalID(fe *fileEdits, n int) string {
	ind := len(indentOf(fe.line(n)))
	for k := n - 1; k > 0; k-- {
		l := fe.line(k)
		if strings.TrimSpace(l) == "" || len(indentOf(l)) >= ind {
			continue
		}
		m := regexp.MustCompile(`^\s*"?([A-Za-z0-9]+)"?\s*:`).FindStringSubmatch(l)
		if m == nil {
			return ""
		}
		return m[1]
	}
	return ""
}

// Summary counts the patch: "N fixes in M files, K results need a decision".
func (p *Patch) Summary() string {
	n := 0
	for _, fe := range p.files {
		n += len(fe.edits)
	}
	return fmt.Sprintf("%s in %s; %s to decide", plural(n, "fix", "fixes"), plural(len(p.names()), "file", "files"), plural(len(p.Manual), "result", "results"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
