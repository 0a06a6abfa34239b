package cfn

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/tree"
)

// maxSteps bounds the work of resolving one template: each intrinsic and
// each node visited is a step. Templates are finite trees and every
// indirection (conditions, resource names) is memoized, so real templates
// take a few steps per node; this stops pathological ones.
const maxSteps = 1_000_000

// maxBytes bounds the text that Fn::Sub, Fn::Join and Fn::Base64 may
// build for one template: nested Fn::Sub variables can double a string
// at each level within very few steps.
const maxBytes = 16 << 20

// budget counts n bytes of built text and reports whether the template
// is still within maxBytes.
func (t *template) budget(n int) bool {
	t.bytes += n
	return t.bytes <= maxBytes
}

func (t *template) tooBig(at model.Loc) *tree.Node {
	if !t.exhausted {
		t.exhausted = true
		t.errorf(at, "template builds more than %d MiB of text with Fn::Sub/Fn::Join; the rest is unknown", maxBytes>>20)
	}
	return t.unknownNode("template builds too much text to resolve", at)
}

// refTag marks a resolved node that came straight from a Ref or GetAtt of
// a resource: Tag is refTag + logical ID (+ "." + attribute). It lets the
// readers follow a reference to the resource whatever the value.
const refTag = "cfn:ref:"

// noValue is what AWS::NoValue resolves to: the enclosing property or
// list item is dropped.
var noValue = &tree.Node{Kind: tree.Null, Tag: "cfn:novalue"}

// refTarget returns the resource (and attribute, for GetAtt) a resolved
// node was taken from.
func refTarget(n *tree.Node) (id, attr string, ok bool) {
	if n == nil || !strings.HasPrefix(n.Tag, refTag) {
		return "", "", false
	}
	id, attr, _ = strings.Cut(n.Tag[len(refTag):], ".")
	return id, attr, true
}

// intrinsic recognizes a function call: a short-form YAML tag (!Sub) or a
// one-key object whose key is Ref or Fn::…. fn is the long name.
func (t *template) intrinsic(n *tree.Node) (fn string, arg *tree.Node, ok bool) {
	if n == nil {
		return "", nil, false
	}
	if strings.HasPrefix(n.Tag, "!") {
		cp := t.node(*n)
		cp.Tag = ""
		name := n.Tag[1:]
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		return name, cp, true
	}
	if n.Kind == tree.Object && len(n.Fields) == 1 {
		k := n.Fields[0].Key
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, n.Fields[0].Val, true
		}
	}
	return "", nil, false
}

// node returns a copy of n in the file's arena (see template.alloc).
func (t *template) node(n tree.Node) *tree.Node { return t.alloc.Node(n) }

// unknownNode is tree.UnknownNode in the file's arena.
func (t *template) unknownNode(why string, at model.Loc) *tree.Node {
	return t.node(tree.Node{Kind: tree.Unknown, Text: why, At: at})
}

func (t *template) unknown(at model.Loc, format string, args ...any) *tree.Node {
	return t.unknownNode(fmt.Sprintf(format, args...), at)
}

// invalid reports a malformed intrinsic at errAt and returns the Unknown
// value, at at, that stands for it: the user sees the error once and the
// controls that depend on the value say unknown with the same words.
func (t *template) invalid(errAt, at model.Loc, format string, args ...any) *tree.Node {
	t.errorf(errAt, format, args...)
	return t.unknown(at, format, args...)
}

// resolve returns n with every intrinsic replaced by its value, an
// Unknown node with the reason, or noValue. Nodes without intrinsics are
// returned as they are, not copied.
func (t *template) resolve(n *tree.Node) *tree.Node {
	if n == nil {
		return nil
	}
	t.steps++
	if t.steps > maxSteps || t.bytes > maxBytes {
		if !t.exhausted {
			t.exhausted = true
			t.errorf(n.At, "template too complex to resolve (over %d steps or %d MiB of built text); the rest is unknown", maxSteps, maxBytes>>20)
		}
		return t.unknownNode("template too complex to resolve", n.At)
	}
	if fn, arg, ok := t.intrinsic(n); ok {
		return t.call(fn, arg, n.At)
	}
	switch n.Kind {
	case tree.Object:
		// A copy is made at the first member that changes; members up to
		// k are the result's (AWS::NoValue drops one).
		var fields []tree.Member
		k := 0
		for i, m := range n.Fields {
			v := t.resolve(m.Val)
			if v != m.Val && fields == nil {
				fields, k = t.alloc.Members(n.Fields), i
			}
			if fields != nil && v != noValue {
				fields[k] = tree.Member{Key: m.Key, KeyAt: m.KeyAt, Val: v}
				k++
			}
		}
		if fields != nil {
			return t.node(tree.Node{Kind: tree.Object, Fields: fields[:k], At: n.At})
		}
	case tree.Array:
		var items []*tree.Node
		k := 0
		for i, it := range n.Items {
			v := t.resolve(it)
			if v != it && items == nil {
				items, k = t.alloc.Items(n.Items), i
			}
			if items != nil && v != noValue {
				items[k] = v
				k++
			}
		}
		if items != nil {
			return t.node(tree.Node{Kind: tree.Array, Items: items[:k], At: n.At})
		}
	}
	return n
}

// call evaluates one intrinsic function written at at.
func (t *template) call(fn string, arg *tree.Node, at model.Loc) *tree.Node {
	switch fn {
	case "Ref":
		name, ok := arg.Str()
		if !ok {
			return t.invalid(arg.At, at, "Ref takes a name, got a %s", arg.Kind)
		}
		return t.ref(name, at)
	case "Fn::GetAtt":
		return t.getAtt(arg, at)
	case "Fn::Sub":
		return t.sub(arg, at)
	case "Fn::Join":
		return t.join(arg, at)
	case "Fn::Select":
		return t.selectFn(arg, at)
	case "Fn::Split":
		return t.split(arg, at)
	case "Fn::If":
		return t.ifFn(arg, at)
	case "Fn::FindInMap":
		return t.findInMap(arg, at)
	case "Fn::Base64":
		v := t.resolve(arg)
		if v.Kind == tree.Unknown {
			return v
		}
		s, ok := t.text(v)
		if !ok {
			return t.invalid(arg.At, at, "Fn::Base64 takes a string, got a %s", v.Kind)
		}
		if !t.budget(len(s) * 4 / 3) {
			return t.tooBig(at)
		}
		return t.node(tree.Node{Kind: tree.String, Text: base64.StdEncoding.EncodeToString([]byte(s)), At: at})
	case "Fn::ImportValue":
		v := t.resolve(arg)
		name, _ := v.Str()
		if name == "" {
			name = "an export"
		}
		return t.unknown(at, "value imported from another stack (%s) is known only at deploy time", name)
	case "Fn::GetAZs":
		return t.unknown(at, "availability zones (Fn::GetAZs) are known only at deploy time")
	case "Fn::Cidr":
		return t.unknown(at, "Fn::Cidr is not resolved by emrguard")
	case "Fn::Length":
		v := t.resolve(arg)
		switch v.Kind {
		case tree.Unknown:
			return v
		case tree.Array:
			return t.node(tree.Node{Kind: tree.Number, Text: strconv.Itoa(len(v.Items)), At: at})
		}
		return t.invalid(arg.At, at, "Fn::Length takes a list, got a %s", v.Kind)
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition":
		c := t.evalCond(t.node(tree.Node{Kind: tree.Object, Fields: []tree.Member{{Key: fn, KeyAt: at, Val: arg}}, At: at}))
		if !c.known {
			return t.unknown(at, "%s", c.why)
		}
		return t.node(tree.Node{Kind: tree.Bool, Text: strconv.FormatBool(c.val), At: at})
	case "Fn::Transform":
		return t.unknown(at, "Fn::Transform (a macro) runs only at deploy time")
	}
	t.warnf(at, "unknown intrinsic function %s; its value is unknown", fn)
	return t.unknown(at, "unknown intrinsic function %s", fn)
}

// pseudo are CloudFormation's pseudo parameters.
var pseudo = map[string]bool{
	"AWS::AccountId": true, "AWS::NotificationARNs": true, "AWS::Partition": true, "AWS::Region": true,
	"AWS::StackId": true, "AWS::StackName": true, "AWS::URLSuffix": true,
}

// ref resolves Ref name: AWS::NoValue, a pseudo parameter, a parameter or
// a resource.
func (t *template) ref(name string, at model.Loc) *tree.Node {
	if name == "AWS::NoValue" {
		return noValue
	}
	if pseudo[name] {
		if v, ok := t.given.Values[name]; ok {
			if name == "AWS::NotificationARNs" {
				return t.listNode(v, at)
			}
			return t.node(tree.Node{Kind: tree.String, Text: v, At: at})
		}
		if t.placeholders[anyRef] && name != "AWS::NotificationARNs" {
			return t.node(tree.Node{Kind: tree.String, Text: "${" + name + "}", At: at})
		}
		n := t.unknown(at, "pseudo parameter %s is known only at deploy time (give it with --cfn-params)", name)
		n.Tag = pseudoTag + name
		return n
	}
	if p, ok := t.params[name]; ok {
		return t.param(name, p, at)
	}
	if r, ok := t.resources[name]; ok {
		return t.resourceRef(r, at)
	}
	return t.invalid(at, at, "Ref names %s, which is neither a parameter nor a resource of the template", name)
}

func (t *template) listNode(s string, at model.Loc) *tree.Node {
	n := t.node(tree.Node{Kind: tree.Array, At: at})
	if s == "" {
		return n
	}
	for _, part := range strings.Split(s, ",") {
		n.Items = append(n.Items, t.node(tree.Node{Kind: tree.String, Text: strings.TrimSpace(part), At: at}))
	}
	return n
}

// nonEmptyParam are the parameter types whose value CloudFormation checks
// names an existing resource before it deploys: never empty. A cluster's
// Ec2KeyName of such a type certainly sets a key pair.
var nonEmptyParam = map[string]bool{"AWS::EC2::KeyPair::KeyName": true}

// wordOf is the value of such a parameter: one word, which one unknown.
func wordOf(name, why string) model.Partial {
	var pb model.PartialBuilder
	pb.Hole(model.Hole{Kind: model.HoleToken, Label: name, Why: why})
	return pb.Partial()
}

// param returns the value of a parameter: given, else its Default.
//
// A parameter with NoEcho, or whose name names a secret (source.SecretName:
// KdcAdminPassword, DbPassword), is unknown: its value never enters the
// evidence, so no message or name quotes it.
func (t *template) param(name string, p *tree.Node, at model.Loc) *tree.Node {
	if noEcho(p) || source.SecretName(name) {
		return t.unknown(at, "parameter %s is %s", name, source.Sensitive)
	}
	typ, _ := p.Get("Type").Str()
	val, given := t.given.Values[name]
	if !given {
		if strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<") {
			def, _ := p.Get("Default").Str()
			return t.unknown(at, "parameter %s is read from SSM Parameter Store (%s) at deploy time; give its value with --cfn-params", name, def)
		}
		d := p.Get("Default")
		if d == nil {
			n := t.unknown(at, "parameter %s has no default and no value was given (--cfn-params)", name)
			if nonEmptyParam[typ] {
				n.Part = string(wordOf(name, n.Text))
			}
			return n
		}
		switch d.Kind {
		case tree.String, tree.Number, tree.Bool:
			val = d.Text
		case tree.Array:
			parts := make([]string, 0, len(d.Items))
			for _, it := range d.Items {
				s, _ := t.text(it)
				parts = append(parts, s)
			}
			val = strings.Join(parts, ",")
		case tree.Null:
			val = ""
		default:
			return t.invalid(d.At, at, "Default of parameter %s is a %s, want a string", name, d.Kind)
		}
	}
	switch {
	case typ == "CommaDelimitedList" || strings.HasPrefix(typ, "List<") || strings.Contains(typ, "<List<"):
		return t.listNode(val, at)
	case typ == "Number":
		return t.node(tree.Node{Kind: tree.Number, Text: val, At: at})
	}
	return t.node(tree.Node{Kind: tree.String, Text: val, At: at})
}

// noEcho reports whether a parameter declares NoEcho: true (a YAML or
// JSON boolean, or the string "true" in any case, as CloudFormation takes
// it).
func noEcho(p *tree.Node) bool {
	n := p.Get("NoEcho")
	return n != nil && (n.Kind == tree.Bool || n.Kind == tree.String) && strings.EqualFold(n.Text, "true")
}

// nameProps are the properties whose value a Ref of the resource returns,
// for the types where Ref returns a name the template may set.
var nameProps = map[string]string{
	"AWS::EMR::SecurityConfiguration": "Name",
	"AWS::IAM::Role":                  "RoleName",
	"AWS::IAM::InstanceProfile":       "InstanceProfileName",
	"AWS::S3::Bucket":                 "BucketName",
	"AWS::EC2::KeyPair":               "KeyName",
	"AWS::IAM::User":                  "UserName",
	"AWS::IAM::Group":                 "GroupName",
}

// resourceRef returns the value of Ref on a resource, tagged with the
// resource: its name when the template sets it, else Unknown.
func (t *template) resourceRef(r *resource, at model.Loc) *tree.Node {
	tag := refTag + r.id
	prop, ok := nameProps[r.typ]
	if !ok {
		n := t.unknown(at, "the ID of %s (%s) is known only after deployment", r.id, r.typ)
		n.Tag = tag
		return n
	}
	if r.name == nil {
		if r.nameBusy {
			t.errorf(at, "circular reference: the name of %s depends on itself", r.id)
			n := t.unknown(at, "circular reference: the name of %s depends on itself", r.id)
			n.Tag = tag
			return n
		}
		r.nameBusy = true
		// The memoized name is the real one: no placeholders inside it.
		keep := t.placeholders
		t.placeholders = nil
		var v *tree.Node
		if r.props != nil {
			v = t.resolve(r.props.Get(prop))
		}
		t.placeholders = keep
		r.nameBusy = false
		switch {
		case v == nil || v == noValue:
			v = t.unknown(r.at, "%s sets no %s, so CloudFormation generates its name at deploy time", r.id, prop)
		case v.Kind == tree.Unknown:
			v = t.unknown(r.at, "the %s of %s is unknown: %s", prop, r.id, v.Text)
		case v.Kind != tree.String && v.Kind != tree.Number:
			t.errorf(v.At, "%s of %s is a %s, want a string", prop, r.id, v.Kind)
			v = t.unknown(v.At, "%s of %s is a %s, want a string", prop, r.id, v.Kind)
		}
		r.name = v
	}
	if r.name.Kind == tree.Unknown && (t.placeholders[r.typ] || t.placeholders[anyRef]) {
		// The deployed name is unknown but the resource is not: write it
		// as ${LogicalID}, which model lookups follow to the resource.
		return t.node(tree.Node{Kind: tree.String, Text: "${" + r.id + "}", At: at, Tag: tag})
	}
	n := t.node(tree.Node{Kind: r.name.Kind, Text: r.name.Text, At: at, Tag: tag})
	return n
}

// anyRef, given to resolvePlaceholders, writes every unknown resource
// reference, attribute and pseudo parameter as ${Name}: all of them are
// strings (names, IDs, ARNs), so text built around them stays readable.
const anyRef = "*"

// resolvePlaceholders resolves n with the unknown names of resources of
// the given types (or anyRef) written as ${LogicalID} (see resourceRef).
func (t *template) resolvePlaceholders(n *tree.Node, types ...string) *tree.Node {
	t.placeholders = map[string]bool{}
	for _, typ := range types {
		t.placeholders[typ] = true
	}
	defer func() { t.placeholders = nil }()
	return t.resolve(n)
}

// getAtt returns an attribute of a resource: known only after deployment,
// but tagged with the resource so that readers can follow it.
func (t *template) getAtt(arg *tree.Node, at model.Loc) *tree.Node {
	var res, attr string
	switch arg.Kind {
	case tree.String:
		res, attr, _ = strings.Cut(arg.Text, ".")
	case tree.Array:
		if len(arg.Items) == 2 {
			res, _ = arg.Items[0].Str()
			a := t.resolve(arg.Items[1])
			attr, _ = a.Str()
		}
	}
	if res == "" || attr == "" {
		return t.invalid(arg.At, at, "Fn::GetAtt takes [Resource, Attribute] or \"Resource.Attribute\"")
	}
	r, ok := t.resources[res]
	if !ok {
		return t.invalid(arg.At, at, "Fn::GetAtt names %s, which is not a resource of the template", res)
	}
	if t.placeholders[anyRef] {
		return t.node(tree.Node{Kind: tree.String, Text: "${" + r.id + "." + attr + "}", At: at, Tag: refTag + r.id + "." + attr})
	}
	n := t.unknown(at, "%s.%s is known only after deployment", r.id, attr)
	n.Tag = refTag + r.id + "." + attr
	return n
}

// text returns the string form of a scalar, as CloudFormation would
// substitute it.
func (t *template) text(n *tree.Node) (string, bool) {
	switch n.Kind {
	case tree.String, tree.Number, tree.Bool:
		return n.Text, true
	}
	return "", false
}

// sub evaluates Fn::Sub in both forms: "template" and [template, {vars}].
func (t *template) sub(arg *tree.Node, at model.Loc) *tree.Node {
	tmpl := arg
	var vars *tree.Node
	if arg.Kind == tree.Array {
		if len(arg.Items) != 2 {
			return t.invalid(arg.At, at, "Fn::Sub takes a string or [string, {variables}]")
		}
		tmpl, vars = arg.Items[0], arg.Items[1]
		if vars.Kind != tree.Object {
			return t.invalid(vars.At, at, "the variables of Fn::Sub are a %s, want an object", vars.Kind)
		}
	}
	s, ok := tmpl.Str()
	if !ok {
		return t.invalid(tmpl.At, at, "Fn::Sub takes a string, got a %s", tmpl.Kind)
	}
	out, why, part := t.expandPartial(s, vars, tmpl.At)
	if why != "" {
		n := t.unknown(at, "%s", why)
		n.Part = string(part)
		return n
	}
	if !t.budget(len(out)) {
		return t.tooBig(at)
	}
	return t.node(tree.Node{Kind: tree.String, Text: out, At: at})
}

// expand substitutes the ${…} of a Fn::Sub template. keep, when not nil,
// says which unknown variables to leave in place as ${Name} instead of
// making the whole string unknown. why is the reason the result is
// unknown, or "".
func (t *template) expand(s string, vars *tree.Node, at model.Loc, keep func(name string) bool) (out, why string) {
	out, why, _ = t.expandInto(s, vars, at, keep, nil)
	return out, why
}

// expandPartial is expand that, when some variables are unknown, also
// returns the string known in part: the text with a hole for each.
func (t *template) expandPartial(s string, vars *tree.Node, at model.Loc) (out, why string, part model.Partial) {
	var pb model.PartialBuilder
	out, why, ok := t.expandInto(s, vars, at, nil, &pb)
	if why != "" && ok && pb.Holes() > 0 {
		part = pb.Partial()
	}
	return out, why, part
}

// expandInto is expand, writing the text and holes into pb as well when
// it is not nil; partial is false when the unknown is an error, not a
// hole.
func (t *template) expandInto(s string, vars *tree.Node, at model.Loc, keep func(name string) bool, pb *model.PartialBuilder) (out, why string, partial bool) {
	var b strings.Builder
	lit := func(s string) {
		b.WriteString(s)
		if pb != nil {
			pb.Lit(s)
		}
	}
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit(s)
			break
		}
		lit(s[:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			lit(s[i:])
			break
		}
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") {
			lit("${" + name[1:] + "}")
			continue
		}
		name = strings.TrimSpace(name)
		var v *tree.Node
		switch {
		case vars != nil && vars.Get(name) != nil:
			v = t.resolve(vars.Get(name))
		case strings.Contains(name, "."):
			res, attr, _ := strings.Cut(name, ".")
			if _, ok := t.resources[res]; !ok {
				t.errorf(at, "Fn::Sub names ${%s}, but %s is not a resource of the template", name, res)
				return "", fmt.Sprintf("Fn::Sub names ${%s}, but %s is not a resource of the template", name, res), false
			}
			v = t.getAtt(t.node(tree.Node{Kind: tree.Array, Items: []*tree.Node{{Kind: tree.String, Text: res}, {Kind: tree.String, Text: attr}}, At: at}), at)
		case name == "AWS::NoValue" || pseudo[name] || t.params[name] != nil || t.resources[name] != nil:
			v = t.ref(name, at)
		default:
			t.errorf(at, "Fn::Sub names ${%s}, which is no parameter, resource or variable", name)
			return "", fmt.Sprintf("Fn::Sub names ${%s}, which is no parameter, resource or variable", name), false
		}
		if v == noValue {
			v = t.node(tree.Node{Kind: tree.String})
		}
		if v.Kind == tree.Unknown {
			if keep != nil && keep(name) {
				lit("${" + name + "}")
				continue
			}
			if why == "" {
				why = v.Text
			}
			if pb != nil {
				t.appendHole(pb, v, name)
			}
			continue
		}
		txt, ok := t.text(v)
		if !ok {
			t.errorf(at, "Fn::Sub variable ${%s} is a %s, want a string", name, v.Kind)
			return "", fmt.Sprintf("Fn::Sub variable ${%s} is a %s, want a string", name, v.Kind), false
		}
		lit(txt)
		if b.Len()+t.bytes > maxBytes || pb != nil && pb.Len()+t.bytes > maxBytes {
			return "", "template builds too much text to resolve", false
		}
	}
	return b.String(), why, true
}

func (t *template) list(arg *tree.Node, fn string, n int) ([]*tree.Node, bool) {
	if arg.Kind != tree.Array || len(arg.Items) < n {
		t.errorf(arg.At, "%s takes a list of %d items, got a %s", fn, n, arg.Kind)
		return nil, false
	}
	return arg.Items, true
}

func (t *template) join(arg *tree.Node, at model.Loc) *tree.Node {
	items, ok := t.list(arg, "Fn::Join", 2)
	if !ok {
		return t.unknown(at, "Fn::Join takes [delimiter, [values]]")
	}
	delim, ok := t.text(t.resolve(items[0]))
	if !ok {
		return t.invalid(items[0].At, at, "the delimiter of Fn::Join is not a string")
	}
	l := t.resolve(items[1])
	switch l.Kind {
	case tree.Unknown:
		return t.unknown(at, "%s", l.Text)
	case tree.Array:
	default:
		return t.invalid(items[1].At, at, "Fn::Join joins a list, got a %s", l.Kind)
	}
	parts := make([]string, 0, len(l.Items))
	for _, it := range l.Items {
		if it.Kind == tree.Unknown {
			return t.partialJoin(l.Items, delim, at)
		}
		s, ok := t.text(it)
		if !ok {
			return t.invalid(it.At, at, "Fn::Join item is a %s, want a string", it.Kind)
		}
		parts = append(parts, s)
	}
	n := len(delim) * len(parts)
	for _, p := range parts {
		n += len(p)
	}
	if !t.budget(n) {
		return t.tooBig(at)
	}
	return t.node(tree.Node{Kind: tree.String, Text: strings.Join(parts, delim), At: at})
}

func (t *template) selectFn(arg *tree.Node, at model.Loc) *tree.Node {
	items, ok := t.list(arg, "Fn::Select", 2)
	if !ok {
		return t.unknown(at, "Fn::Select takes [index, [values]]")
	}
	idx := t.resolve(items[0])
	if idx.Kind == tree.Unknown {
		return t.unknown(at, "%s", idx.Text)
	}
	i, ok := idx.Int()
	if !ok {
		return t.invalid(items[0].At, at, "the index of Fn::Select is not a number")
	}
	l := t.resolve(items[1])
	switch l.Kind {
	case tree.Unknown:
		return t.unknown(at, "%s", l.Text)
	case tree.Array:
	default:
		return t.invalid(items[1].At, at, "Fn::Select picks from a list, got a %s", l.Kind)
	}
	if i < 0 || i >= len(l.Items) {
		t.errorf(items[0].At, "Fn::Select index %d is out of range (the list has %d items)", i, len(l.Items))
		return t.unknown(at, "Fn::Select index %d is out of range", i)
	}
	return t.relocate(l.Items[i], at)
}

// relocate returns n positioned at the place of use, unless n is a
// structure (kept where it is written).
func (t *template) relocate(n *tree.Node, at model.Loc) *tree.Node {
	switch n.Kind {
	case tree.Object, tree.Array:
		return n
	}
	cp := t.node(*n)
	cp.At = at
	return cp
}

func (t *template) split(arg *tree.Node, at model.Loc) *tree.Node {
	items, ok := t.list(arg, "Fn::Split", 2)
	if !ok {
		return t.unknown(at, "Fn::Split takes [delimiter, string]")
	}
	delim, ok1 := t.text(t.resolve(items[0]))
	src := t.resolve(items[1])
	if src.Kind == tree.Unknown {
		if src.Part != "" && ok1 {
			if n, ok := t.partialSplit(model.Partial(src.Part), delim, at); ok {
				return n
			}
		}
		return t.unknown(at, "%s", src.Text)
	}
	s, ok2 := t.text(src)
	if !ok1 || !ok2 || delim == "" {
		return t.invalid(arg.At, at, "Fn::Split takes [delimiter, string]")
	}
	n := t.node(tree.Node{Kind: tree.Array, At: at})
	for _, part := range strings.Split(s, delim) {
		n.Items = append(n.Items, t.node(tree.Node{Kind: tree.String, Text: part, At: at}))
	}
	return n
}

func (t *template) ifFn(arg *tree.Node, at model.Loc) *tree.Node {
	items, ok := t.list(arg, "Fn::If", 3)
	if !ok {
		return t.unknown(at, "Fn::If takes [condition, value if true, value if false]")
	}
	name, ok := items[0].Str()
	if !ok {
		return t.invalid(items[0].At, at, "Fn::If names a condition, got a %s", items[0].Kind)
	}
	c := t.condition(name, items[0].At)
	if c.known {
		if c.val {
			return t.resolve(items[1])
		}
		return t.resolve(items[2])
	}
	a, b := t.resolve(items[1]), t.resolve(items[2])
	if sa, ok := t.text(a); ok {
		if sb, ok := t.text(b); ok && sa == sb {
			return a
		}
	}
	return t.unknown(at, "condition %s is unknown: %s", name, c.why)
}

func (t *template) findInMap(arg *tree.Node, at model.Loc) *tree.Node {
	items, ok := t.list(arg, "Fn::FindInMap", 3)
	if !ok {
		return t.unknown(at, "Fn::FindInMap takes [map, top-level key, second-level key]")
	}
	var keys [3]string
	for i := range 3 {
		v := t.resolve(items[i])
		if v.Kind == tree.Unknown {
			return t.unknown(at, "%s", v.Text)
		}
		s, ok := t.text(v)
		if !ok {
			return t.invalid(items[i].At, at, "Fn::FindInMap key is a %s, want a string", v.Kind)
		}
		keys[i] = s
	}
	v := t.mappings.Get(keys[0]).Get(keys[1]).Get(keys[2])
	if v == nil {
		if len(items) > 3 {
			if d := items[3].Get("DefaultValue"); d != nil {
				return t.resolve(d)
			}
		}
		return t.invalid(at, at, "Fn::FindInMap: Mappings has no %s → %s → %s", keys[0], keys[1], keys[2])
	}
	return t.relocate(t.resolve(v), at)
}
