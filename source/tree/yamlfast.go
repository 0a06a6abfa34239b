package tree

import (
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/emrguard/emrguard/model"
)

// The fast YAML reader builds the tree straight from the bytes for the
// subset real templates and manifests use. It exists because yaml.v3 has
// no public event or token API: going through its yaml.Node tree costs a
// second tree, and on a CloudFormation corpus yaml.v3 plus the conversion
// was half of all allocation and a quarter of the CPU of a scan.
//
// It must never disagree with yaml.v3 (FuzzParseYAML checks that it gives
// the same tree or gives up). So it is deliberately narrow: whenever the
// input leaves the subset, or could be an error, it gives up (panics with
// errSlow, recovered in parseYAMLFast) and ParseYAML reads the whole input
// with yaml.v3, whose errors, alias and depth limits then apply as before.
// Giving up is always correct; reading a construct slightly differently
// is not, so every rule below that is not sure falls back.

// slowPath is the panic value that means "not in the fast subset".
type slowPath struct{}

var errSlow = slowPath{}

func slow() { panic(errSlow) }

type yparser struct {
	data      []byte
	src       string // data seen as a string (no copy); its slices go through keep
	file      string
	pos       int
	line      int // 1-based line of pos
	lineStart int // offset where line begins
	ascii     bool
	count     int // nodes as yaml.v3's conversion counts them (MaxYAMLNodes)
	slabs
	members []Member // scratch stack of the mappings being read
	items   []*Node  // scratch stack of the sequences being read
}

// keep returns s, a slice of the file's text, as a string of its own. The
// tree's strings outlive it in the evidence and the results: a slice would
// keep the whole file alive (more live heap and a higher peak on a corpus:
// bench/README.md, "Figures behind code comments"). Strings that recur in every template
// are shared instead of copied (a map per file to share all repeats cost
// more than the copies it saved).
func (p *yparser) keep(s string) string {
	if k, ok := common[s]; ok {
		return k
	}
	return strings.Clone(s)
}

// common holds the keys, tags and small values every CloudFormation
// template or Kubernetes manifest repeats.
var common = func() map[string]string {
	m := map[string]string{}
	for _, s := range strings.Fields(`
		AWSTemplateFormatVersion 2010-09-09 Description Parameters Mappings Conditions Resources Outputs
		Metadata Transform Type Properties DependsOn Condition Default AllowedValues Value Values Export
		Name Key Tags String Number List<String> CommaDelimitedList
		!Ref !GetAtt !Sub !Join !Select !Split !If !Equals !Not !And !Or !FindInMap !Base64
		!ImportValue !GetAZs !Condition Ref Fn::GetAtt Fn::Sub Fn::Join Fn::If
		AWS::EMR::Cluster AWS::EMR::SecurityConfiguration AWS::EC2::SecurityGroup
		AWS::EC2::SecurityGroupIngress AWS::IAM::Role AWS::IAM::InstanceProfile AWS::IAM::Policy
		AWS::IAM::ManagedPolicy AWS::S3::Bucket AWS::Region AWS::AccountId AWS::StackName
		GroupDescription GroupId VpcId SubnetId SecurityGroupIngress SecurityGroupEgress
		IpProtocol FromPort ToPort CidrIp CidrIpv6 SourceSecurityGroupId tcp udp -1 0.0.0.0/0
		Instances Ec2SubnetId Ec2KeyName EmrManagedMasterSecurityGroup EmrManagedSlaveSecurityGroup
		ServiceAccessSecurityGroup AdditionalMasterSecurityGroups AdditionalSlaveSecurityGroups
		MasterInstanceGroup CoreInstanceGroup InstanceCount InstanceType Market ON_DEMAND SPOT
		ReleaseLabel Applications JobFlowRole ServiceRole AutoScalingRole LogUri SecurityConfiguration
		VisibleToAllUsers Configurations Classification ConfigurationProperties
		EncryptionConfiguration EnableInTransitEncryption EnableAtRestEncryption
		InTransitEncryptionConfiguration AtRestEncryptionConfiguration TLSCertificateConfiguration
		CertificateProviderType S3Object PEM S3EncryptionConfiguration EncryptionMode SSE-S3 SSE-KMS
		AwsKmsKey LocalDiskEncryptionConfiguration AwsKms EnableEbsEncryption
		InstanceMetadataServiceConfiguration MinimumInstanceMetadataServiceVersion HttpPutResponseHopLimit
		AuthenticationConfiguration KerberosConfiguration
		AssumeRolePolicyDocument Version 2012-10-17 Statement Effect Allow Deny Action Resource
		Principal Service sts:AssumeRole elasticmapreduce.amazonaws.com ec2.amazonaws.com
		ManagedPolicyArns Policies PolicyName PolicyDocument Path Roles RoleName
		BucketName LoggingConfiguration BucketEncryption
		true false Enabled Disabled
		apiVersion kind metadata name namespace labels annotations spec rules apiGroups resources verbs
		subjects roleRef ServiceAccount Role RoleBinding ClusterRole ClusterRoleBinding User Group
		rbac.authorization.k8s.io/v1 v1 get list watch create update patch delete *
	`) {
		m[s] = s
	}
	return m
}()

// parseYAMLFast reads data when it is in the fast subset; ok is false
// when yaml.v3 must read it instead.
func parseYAMLFast(file string, data []byte) (docs []*Node, ok bool) {
	return readYAMLFast(file, data, false, nil)
}

// readYAMLFast is parseYAMLFast; strict re-raises a panic that is not the
// reader giving up, for the tests. Otherwise such a panic (a bug here) is
// also answered by yaml.v3 reading the input, not by a crash of the scan.
func readYAMLFast(file string, data []byte, strict bool, a *Arena) (docs []*Node, ok bool) {
	ascii, fine := yamlChars(data)
	if !fine {
		return nil, false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, isSlow := r.(slowPath); !isSlow && strict {
				panic(r)
			}
			docs, ok = nil, false
		}
	}()
	p := &yparser{data: data, src: unsafe.String(unsafe.SliceData(data), len(data)), file: file, line: 1, ascii: ascii, slabs: slabs{arena: a}}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		// yaml.v3 drops a leading BOM without counting it as a column.
		p.pos, p.lineStart = 3, 3
	}
	return p.stream(), true
}

// yamlChars reports whether data holds only characters the fast reader
// handles: printable ASCII, '\n', and UTF-8 that yaml.v3 accepts as
// printable and not as a line break. Tabs, CR, NEL, LS, PS, BOMs past the
// first bytes and 4-byte sequences all go to yaml.v3.
func yamlChars(data []byte) (ascii, ok bool) {
	ascii = true
	for i := 0; i < len(data); {
		c := data[i]
		if c >= 0x20 && c < 0x7F || c == '\n' {
			i++
			continue
		}
		if c < 0x80 {
			return false, false
		}
		if i == 0 && len(data) >= 3 && data[1] == 0xBB && data[2] == 0xBF && c == 0xEF {
			i += 3
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError, r < 0xA0, r == 0x2028, r == 0x2029, r == 0xFEFF,
			r >= 0xFFFE, 0xD800 <= r && r <= 0xDFFF:
			return false, false
		}
		ascii = false
		i += size
	}
	return ascii, true
}

func (p *yparser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

// blankz: a space, a line break or the end (tabs never reach here).
func (p *yparser) blankz(i int) bool {
	return i >= len(p.data) || p.data[i] == ' ' || p.data[i] == '\n'
}

func (p *yparser) col(off int) int {
	if p.ascii {
		return off - p.lineStart + 1
	}
	return utf8.RuneCount(p.data[p.lineStart:off]) + 1
}

func (p *yparser) loc(off int) model.Loc {
	return model.Loc{File: p.file, Line: p.line, Col: p.col(off)}
}

// node takes a node from the slabs, sized from the input as the JSON
// parser does.
func (p *yparser) node() *Node {
	p.count++
	if p.count > MaxYAMLNodes {
		slow() // yaml.v3's conversion reports it
	}
	return p.slabs.node((len(p.data) - p.pos) / 24)
}

// fields and itemsOf copy a scratch stack into exact-size slices carved
// from the slabs.
func (p *yparser) fields(src []Member) []Member {
	return p.slabs.fields(src, len(p.data)/48)
}

func (p *yparser) itemsOf(src []*Node) []*Node {
	return p.slabs.itemsOf(src, len(p.data)/96)
}

func (p *yparser) newline() {
	p.pos++
	p.line++
	p.lineStart = p.pos
}

func (p *yparser) skipSpaces() {
	for p.pos < len(p.data) && p.data[p.pos] == ' ' {
		p.pos++
	}
}

// docMarker reports whether a "---" or "..." line starts at i.
func (p *yparser) docMarker(i int) bool {
	if i != p.lineStart || i+3 > len(p.data) || !p.blankz(i+3) {
		return false
	}
	s := p.src[i : i+3]
	return s == "---" || s == "..."
}

// lineRest ends the line after a value: spaces, maybe a comment, the
// line break. Anything else gives up.
func (p *yparser) lineRest() {
	p.skipSpaces()
	if p.pos >= len(p.data) {
		return
	}
	switch p.data[p.pos] {
	case '\n':
		p.newline()
		return
	case '#':
		if p.data[p.pos-1] == ' ' {
			p.skipLine()
			return
		}
	}
	slow()
}

// skipLine moves past the next line break (or to the end).
func (p *yparser) skipLine() {
	for p.pos < len(p.data) {
		if p.data[p.pos] == '\n' {
			p.newline()
			return
		}
		p.pos++
	}
}

// nextContent moves from the start of a line past blank and comment lines
// to the first character of the next content line, and returns its
// indentation, or -1 at the end or at a document marker.
func (p *yparser) nextContent() int {
	for {
		i := p.pos
		for i < len(p.data) && p.data[i] == ' ' {
			i++
		}
		if i >= len(p.data) {
			p.pos = i
			return -1
		}
		switch p.data[i] {
		case '\n':
			p.pos = i
			p.newline()
			continue
		case '#':
			p.pos = i
			p.skipLine()
			continue
		}
		p.pos = i
		if p.docMarker(i) {
			return -1
		}
		return i - p.lineStart
	}
}

// stream reads the documents.
func (p *yparser) stream() []*Node {
	var docs []*Node
	ended := false // after "...", a document needs its "---"
	for {
		n := p.nextContent()
		if p.pos >= len(p.data) {
			return docs
		}
		if ended && n >= 0 {
			slow()
		}
		if n < 0 {
			if p.data[p.pos] == '.' {
				slow() // "..." with no document before it
			}
			p.pos += 3 // ---
			p.lineRest()
			ended = false
			if n = p.nextContent(); n < 0 {
				slow() // an empty document: yaml.v3 gives a null placed oddly
			}
		}
		if p.data[p.pos] == '%' {
			slow() // a directive
		}
		p.count++ // yaml.v3's conversion counts the document node
		root, next := p.ownLine(n, -1, 0, "", model.Loc{})
		docs = append(docs, root)
		if next >= 0 {
			slow()
		}
		if p.pos < len(p.data) && p.data[p.pos] == '.' {
			p.pos += 3 // ...
			p.lineRest()
			ended = true
		}
	}
}

// ownLine reads the node that starts at pos, the first content of its line
// at column n, inside a block collection indented ind (-1 at the root).
// It returns the node and the indentation of the next content line (pos is
// there), as every block reader does. A non-empty tag, read on an earlier
// line at tagAt, applies to it.
func (p *yparser) ownLine(n, ind, depth int, tag string, tagAt model.Loc) (*Node, int) {
	if depth > MaxDepth {
		slow()
	}
	c := p.data[p.pos]
	if c == '-' && p.blankz(p.pos+1) {
		node, next := p.blockSeq(n, depth)
		p.tagCollection(node, tag, tagAt)
		return node, next
	}
	if c != '!' && c != '|' && c != '>' && c != '[' && c != '{' {
		if _, isKey := p.scanScalar(false); isKey {
			node, next := p.blockMap(n, depth)
			p.tagCollection(node, tag, tagAt)
			return node, next
		}
	}
	if tag != "" && c == '!' {
		slow() // two tags
	}
	return p.inline(ind, depth, false, tag, tagAt)
}

// tagCollection sets the tag of a collection read after its tag's line.
func (p *yparser) tagCollection(n *Node, tag string, tagAt model.Loc) {
	if tag != "" {
		if tag == "!!str" {
			slow() // yaml.v3 refuses it on a collection
		}
		n.Tag, n.At = tag, tagAt
	}
}

// blockMap reads a block mapping whose keys are at column m.
func (p *yparser) blockMap(m, depth int) (*Node, int) {
	n := p.node()
	*n = Node{Kind: Object, At: p.loc(p.pos)}
	base := len(p.members)
	for {
		keyAt := p.loc(p.pos)
		key := p.key()
		emptyAt := p.loc(p.pos)
		val, next := p.afterIndicator(m, depth+1, true, emptyAt)
		p.members = append(p.members, Member{Key: key, KeyAt: keyAt, Val: val})
		if next == m {
			if p.data[p.pos] == '-' && p.blankz(p.pos+1) {
				slow() // a sequence entry where a key should be
			}
			continue
		}
		if next > m {
			slow() // a continuation line or an indentation error
		}
		n.Fields = p.fields(p.members[base:])
		p.members = p.members[:base]
		return n, next
	}
}

// key reads a block mapping key and its ':' indicator.
func (p *yparser) key() string {
	start := p.pos
	c := p.data[start]
	if c == '!' || c == '[' || c == '{' {
		slow() // tagged and complex keys
	}
	end, isKey := p.scanScalar(false)
	if !isKey {
		slow()
	}
	p.pos = end
	p.skipSpaces()
	if p.pos-start > 1000 {
		slow() // yaml.v3 wants an implicit key's ':' within 1024 characters
	}
	var key string
	if c == '"' || c == '\'' {
		key = p.quoted(start, end)
	} else {
		key = p.keep(p.src[start:end])
		if key == "<<" {
			slow() // a merge key
		}
	}
	p.pos++ // ':'
	return key
}

// blockSeq reads a block sequence whose '-' are at column s.
func (p *yparser) blockSeq(s, depth int) (*Node, int) {
	n := p.node()
	*n = Node{Kind: Array, At: p.loc(p.pos)}
	base := len(p.items)
	for {
		p.pos++ // '-'
		emptyAt := p.loc(p.pos)
		val, next := p.afterIndicator(s, depth+1, false, emptyAt)
		p.items = append(p.items, val)
		if next == s && p.data[p.pos] == '-' && p.blankz(p.pos+1) {
			continue
		}
		if next > s {
			slow()
		}
		n.Items = p.itemsOf(p.items[base:])
		p.items = p.items[:base]
		return n, next
	}
}

// afterIndicator reads the value after a mapping's ':' or a sequence's
// '-', in a collection indented ind; emptyAt is where yaml.v3 puts the
// null of an empty value (just after the indicator).
func (p *yparser) afterIndicator(ind, depth int, mapValue bool, emptyAt model.Loc) (*Node, int) {
	if depth > MaxDepth {
		slow()
	}
	p.skipSpaces()
	if p.pos < len(p.data) && p.data[p.pos] != '\n' && p.data[p.pos] != '#' {
		return p.inline(ind, depth, !mapValue, "", model.Loc{})
	}
	p.lineRest()
	next := p.nextContent()
	switch {
	case next > ind:
		return p.ownLine(next, ind, depth, "", model.Loc{})
	case next == ind && mapValue && p.data[p.pos] == '-' && p.blankz(p.pos+1):
		// A sequence may sit at its key's own indentation.
		return p.blockSeq(next, depth)
	}
	n := p.node()
	*n = Node{Kind: Null, At: emptyAt}
	return n, next
}

// inline reads a node that starts at pos, after an indicator or as the
// first thing on its line: a tag, a scalar, a block scalar, a flow
// collection, or (in a sequence entry) a compact mapping "- key: v".
func (p *yparser) inline(ind, depth int, seqEntry bool, tag string, tagAt model.Loc) (*Node, int) {
	if p.data[p.pos] == '!' {
		if tag != "" {
			slow()
		}
		tagAt = p.loc(p.pos)
		tag = p.tag()
		p.skipSpaces()
		if p.pos >= len(p.data) || p.data[p.pos] == '\n' || p.data[p.pos] == '#' {
			p.lineRest()
			next := p.nextContent()
			if next > ind {
				return p.ownLine(next, ind, depth, tag, tagAt)
			}
			if tag == "!!str" {
				slow()
			}
			n := p.node()
			*n = Node{Kind: String, Tag: tag, At: tagAt}
			return n, next
		}
	}
	start := p.pos
	var n *Node
	switch c := p.data[start]; c {
	case '|', '>':
		n = p.node()
		at := p.loc(start)
		text := p.blockScalar(ind)
		*n = Node{Kind: String, Text: text, At: at}
		p.setTag(n, tag, tagAt)
		return n, p.nextContent()
	case '[', '{':
		if tag == "!!str" {
			slow()
		}
		n = p.flow(depth, ind)
		if tag != "" {
			n.Tag, n.At = tag, tagAt
		}
	default:
		end, isKey := p.scanScalar(false)
		if isKey {
			if !seqEntry || tag != "" {
				slow() // "k: k2: v", or a tag on a key
			}
			return p.blockMap(start-p.lineStart, depth)
		}
		n = p.scalar(start, end, tag, tagAt)
	}
	p.lineRest()
	return n, p.nextContent()
}

// setTag gives a scalar its tag as the tree keeps it ("!!str" is the
// implicit one) and, when tagged, the tag's position, as yaml.v3 does.
func (p *yparser) setTag(n *Node, tag string, tagAt model.Loc) {
	if tag == "" {
		return
	}
	n.At = tagAt
	if tag != "!!str" {
		n.Tag = tag
	}
}

// tag reads a tag "!Name" followed by a space. Only primary-handle tags of
// plain characters and "!!str" are taken.
func (p *yparser) tag() string {
	start := p.pos
	i := start + 1
	if p.at(i) == '!' {
		if i+4 <= len(p.data) && p.src[i+1:i+4] == "str" && p.blankz(i+4) {
			p.pos = i + 4
			return "!!str"
		}
		slow()
	}
	for i < len(p.data) {
		c := p.data[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.' {
			i++
			continue
		}
		break
	}
	if i == start+1 || !p.blankz(i) {
		slow() // "!" alone, URI escapes, verbatim tags, named handles
	}
	p.pos = i
	return p.keep(p.src[start:i])
}
