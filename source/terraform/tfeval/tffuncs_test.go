package tfeval

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/emrguard/emrguard/source"
)

// fnCase is one call and what Terraform's documentation says it gives:
// want, an HCL expression of the value (compared with cty's Equals), or
// err, part of the error, or why, the reason of an unknown result.
type fnCase struct{ call, want, err, why string }

// fnScope is what the calls of runFnCases may refer to: templates
// (templatestring), a known and a sensitive variable, a local and a
// resource attribute (issensitive).
var fnScope = map[string]cty.Value{
	"local": cty.ObjectVal(map[string]cty.Value{
		"greeting": cty.StringVal("Hello, ${name}!"),
		"loop":     cty.StringVal("%{ for x in xs }${x};%{ endfor }"),
		"reader":   cty.StringVal(`${file("/etc/passwd")}`),
		"nested":   cty.StringVal(`${templatestring(t, {})}`),
		"number":   cty.NumberIntVal(1),
		"later":    unknown("local.later is known only after apply", ""),
	}),
	"var": cty.ObjectVal(map[string]cty.Value{
		"region": cty.StringVal("eu-west-1"),
		"secret": unknown("var.secret is "+source.Sensitive, ""),
		"later":  unknown("var.later has no value", ""),
	}),
	"aws_db_instance": cty.ObjectVal(map[string]cty.Value{
		"db": cty.ObjectVal(map[string]cty.Value{"password": cty.StringVal("in the configuration")}),
	}),
}

// runFnCases evaluates each call with the module-independent functions.
func runFnCases(t *testing.T, cases []fnCase) {
	t.Helper()
	eval := func(src string) (cty.Value, hcl.Diagnostics) {
		e, d := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
		if d.HasErrors() {
			t.Fatalf("%s: %v", src, d)
		}
		return e.Value(&hcl.EvalContext{Functions: baseFuncs, Variables: fnScope})
	}
	for _, c := range cases {
		got, d := eval(c.call)
		switch {
		case c.err != "":
			if !d.HasErrors() || !strings.Contains(d.Error(), c.err) {
				t.Errorf("%s = %#v (%v), want an error with %q", c.call, got, d, c.err)
			}
		case d.HasErrors():
			t.Errorf("%s: %v", c.call, d)
		case c.why != "":
			if got.IsKnown() || ReasonOf(got) != c.why {
				t.Errorf("%s = %#v, want unknown: %s", c.call, got, c.why)
			}
		default:
			want, wd := eval(c.want)
			if wd.HasErrors() {
				t.Fatalf("%s: %v", c.want, wd)
			}
			if !got.RawEquals(want) && !(got.Type().Equals(want.Type()) && got.Equals(want).True()) {
				t.Errorf("%s = %#v, want %#v", c.call, got, want)
			}
		}
	}
}

// Ensure lookup is Terraform's: a null default is allowed (go-cty's
// refuses it), and the default may be left out ("For historical reasons,
// the default parameter is actually optional"), a missing key then being
// an error (developer.hashicorp.com/terraform/language/functions/lookup).
func TestLookup(t *testing.T) {
	runFnCases(t, []fnCase{
		{call: `lookup({a="ay", b="bee"}, "a", "what?")`, want: `"ay"`},
		{call: `lookup({a="ay", b="bee"}, "c", "what?")`, want: `"what?"`},
		{call: `lookup(tomap({a="ay"}), "c", null)`, want: `tostring(null)`},
		{call: `lookup(tomap({a="ay"}), "a", null)`, want: `"ay"`},
		{call: `lookup({a="ay", n=1}, "c", null)`, want: `null`},
		{call: `lookup({a="ay", n=1}, "n", null)`, want: `1`},
		{call: `lookup({a="ay"}, "a")`, want: `"ay"`},
		{call: `lookup({a="ay"}, "c")`, err: `lookup failed to find key "c"`},
		{call: `lookup(tomap({a=["x"]}), "c", "y")`, err: "the default value must have the same type as the map elements"},
		{call: `lookup("s", "c", null)`, err: "requires a map"},
		{call: `lookup({a="ay"}, "a", "b", "c")`, err: "two or three arguments"},
	})
}

// Ensure index is Terraform's index(list, value), the position of the
// first equal element (functions/index_function), not go-cty's "index"
// (the index operator), which failed on index(["a","b"], "b").
func TestIndex(t *testing.T) {
	runFnCases(t, []fnCase{
		{call: `index(["a", "b", "c"], "b")`, want: `1`},
		{call: `index(["one", "two", "two"], "two")`, want: `1`},
		{call: `index(["a"], "z")`, err: "item not found"},
		{call: `index([], "z")`, err: "cannot search an empty list"},
		{call: `index({a="b"}, "b")`, err: "must be a list or tuple"},
	})
}

// Ensure the functions go-cty lacks (a call to one was an input error)
// behave as their pages in Terraform's documentation say.
func TestTerraformOnlyFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		// one: "null if the list is empty", the element of a one-element list, an error for more.
		{call: `one([])`, want: `null`},
		{call: `one(["hello"])`, want: `"hello"`},
		{call: `one(toset(["hello"]))`, want: `"hello"`},
		{call: `one(["hello", "goodbye"])`, err: "either zero or one elements"},
		// alltrue / anytrue: an empty list is true / false.
		{call: `alltrue(["true", true])`, want: `true`},
		{call: `alltrue([true, false])`, want: `false`},
		{call: `alltrue([])`, want: `true`},
		{call: `anytrue(["true"])`, want: `true`},
		{call: `anytrue([true, false])`, want: `true`},
		{call: `anytrue([])`, want: `false`},
		// sum
		{call: `sum([10, 13, 6, 4.5])`, want: `33.5`},
		{call: `sum([])`, err: "cannot sum an empty list"},
		// matchkeys
		{call: `matchkeys(["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"])`, want: `tolist(["i-abc", "i-def"])`},
		{call: `matchkeys(["a"], ["x", "y"], ["x"])`, err: "length of keys and values should be equal"},
		// transpose
		{call: `transpose({"a" = ["1", "2"], "b" = ["2", "3"]})`, want: `tomap({"1" = tolist(["a"]), "2" = tolist(["a", "b"]), "3" = tolist(["b"])})`},
		// startswith, endswith, strcontains
		{call: `startswith("hello world", "hello")`, want: `true`},
		{call: `startswith("hello world", "world")`, want: `false`},
		{call: `endswith("hello world", "world")`, want: `true`},
		{call: `strcontains("hello world", "wor")`, want: `true`},
		{call: `strcontains("hello world", "wod")`, want: `false`},
		// base64sha256 / base64sha512 of "hello world" (the documented examples)
		{call: `base64sha256("hello world")`, want: `"uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="`},
		{call: `base64sha512("hello world")`, want: `"MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="`},
		// timecmp
		{call: `timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")`, want: `0`},
		{call: `timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")`, want: `-1`},
		{call: `timecmp("2017-11-22T01:00:00Z", "2017-11-22T00:59:00-01:00")`, want: `-1`},
		{call: `timecmp("2017-11-22", "2017-11-22T00:00:00Z")`, err: "not RFC 3339"},
		// Known only when Terraform runs: unknown, saying why.
		{call: `timestamp()`, why: "timestamp() is the time of the apply"},
		{call: `plantimestamp()`, why: "plantimestamp() is the time of the plan"},
		{call: `uuid()`, why: "uuid() is a random UUID chosen at apply"},
		{call: `bcrypt("secret")`, why: "bcrypt() uses a random salt chosen at apply"},
		{call: `ephemeralasnull("x")`, want: `"x"`},
		// yamldecode: mappings are objects, sequences tuples, scalars by tag.
		{call: `yamldecode("hello: world")`, want: `{hello = "world"}`},
		{call: `yamldecode("true")`, want: `true`},
		{call: `yamldecode("{a: &foo [1, 2, 3], b: *foo}")`, want: `{a = [1, 2, 3], b = [1, 2, 3]}`},
		{call: `yamldecode("{a: &foo [1, *foo, 3]}")`, err: "alias cycle"}, // Terraform: "unknown anchor",
		{call: `yamldecode("- Release: emr-7.1.0\n  Encrypt: yes\n  Port: 8443\n  Nothing: ~")`, want: `[{Release = "emr-7.1.0", Encrypt = "yes", Port = 8443, Nothing = null}]`},
		{call: `yamldecode("a: 1\n---\nb: 2")`, err: "unexpected extra content"},
	})
}

// Ensure the functions go-cty takes as they are keep Terraform's
// documented behaviour where a module relies on it (checked against
// developer.hashicorp.com/terraform/language/functions/NAME).
func TestStdlibFunctionsAsTerraform(t *testing.T) {
	runFnCases(t, []fnCase{
		{call: `element(["a", "b", "c"], 3)`, want: `"a"`},
		{call: `element(["a", "b", "c"], -1)`, want: `"c"`},
		{call: `coalesce("", "b")`, want: `"b"`},
		{call: `coalesce(null, "b")`, want: `"b"`},
		{call: `coalesce(1, "b")`, want: `"1"`},
		{call: `keys({b = 1, a = 2})`, want: `["a", "b"]`},
		{call: `values({b = 1, a = 2})`, want: `[2, 1]`},
		{call: `split(",", "")`, want: `tolist([""])`},
		{call: `compact(["a", "", null])`, want: `tolist(["a"])`},
		{call: `merge({a = 1}, null)`, want: `{a = 1}`},
		{call: `tostring(null)`, want: `tostring(null)`},
		{call: `length(null)`, err: "must not be null"},
		{call: `join(",", ["a", null])`, err: "null"},
		{call: `concat(["a"], null)`, err: "must not be null"},
	})
}

// Ensure base64gzip gives the text gzipped, then base64-encoded.
func TestBase64Gzip(t *testing.T) {
	const text = "#!/bin/bash\necho emr bootstrap\n"
	v, err := baseFuncs["base64gzip"].Call([]cty.Value{cty.StringVal(text)})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(v.AsString())
	if err != nil {
		t.Fatalf("not base64: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || string(got) != text {
		t.Errorf("gunzipped %q (%v), want %q", got, err, text)
	}
}

// Ensure the functions that were still a "call to unknown function"
// input error behave as their pages in Terraform's documentation (and
// Terraform's implementation, for the messages) say; those whose result
// is the runner's or a secret are unknown, saying why.
func TestTerraformFunctionsAdded(t *testing.T) {
	runFnCases(t, []fnCase{
		// yamlencode: the documented examples, byte for byte.
		{call: `yamlencode({"a":"b", "c":"d"})`, want: `"\"a\": \"b\"\n\"c\": \"d\"\n"`},
		{call: `yamlencode({"foo":[1, 2, 3], "bar": "baz"})`, want: `"\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n"`},
		{call: `yamlencode({"foo":[1, {"a":"b","c":"d"}, 3], "bar": "baz"})`, want: `"\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"`},
		{call: `yamlencode("true")`, want: `"\"true\"\n"`}, // go-cty-yaml's own test
		{call: `yamlencode({a = [], b = {}, c = null, d = true, e = 1.5})`, want: `"\"a\": []\n\"b\": {}\n\"c\": null\n\"d\": true\n\"e\": 1.5\n"`},
		{call: `yamlencode([[1, 2], {x = {y = "z"}}])`, want: `"- - 1\n  - 2\n- \"x\":\n    \"y\": \"z\"\n"`},
		{call: `yamlencode({a = var.later})`, why: "var.later has no value"},
		// textencodebase64 / textdecodebase64
		{call: `textencodebase64("Hello World", "UTF-16LE")`, want: `"SABlAGwAbABvACAAVwBvAHIAbABkAA=="`},
		{call: `textdecodebase64("SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE")`, want: `"Hello World"`},
		{call: `textencodebase64("é", "ISO-8859-1")`, want: `"6Q=="`},
		{call: `textencodebase64("x", "no-such-encoding")`, err: `"no-such-encoding" is not a supported IANA encoding name or alias`},
		{call: `textencodebase64("☃", "US-ASCII")`, err: "cannot be represented in US-ASCII"},
		{call: `textdecodebase64("!!", "UTF-8")`, err: "invalid base64 symbol at offset 0"},
		// pathexpand: a home folder is the runner's; any other path is as given.
		{call: `pathexpand("/etc/resolv.conf")`, want: `"/etc/resolv.conf"`},
		{call: `pathexpand("bootstrap/install.sh")`, want: `"bootstrap/install.sh"`},
		{call: `pathexpand("~/.ssh/id_rsa")`, why: "pathexpand(): the home folder depends on the machine that runs terraform"},
		{call: `pathexpand("~alice/x")`, err: "cannot expand user-specific home dir"},
		{call: `abspath("/etc/hosts")`, why: "abspath(): depends on the machine that runs terraform (its folders)"},
		{call: `abspath("scripts")`, why: "abspath(): depends on the machine that runs terraform (its folders)"},
		{call: `rsadecrypt("ZW5jcnlwdGVk", "-----BEGIN RSA PRIVATE KEY-----")`, why: "rsadecrypt(): needs the private key; its result is " + source.Sensitive},
		// issensitive: true for what Terraform marks sensitive, unknown where the mark is the provider's.
		{call: `issensitive(var.secret)`, want: `true`},
		{call: `issensitive(sensitive("x"))`, want: `true`},
		{call: `issensitive(upper(var.secret))`, want: `true`},
		{call: `issensitive("hello")`, want: `false`},
		{call: `issensitive(var.region)`, want: `false`},
		{call: `issensitive(var.later)`, why: "var.later has no value"},
		{call: `issensitive(aws_db_instance.db.password)`, why: "issensitive(): the value comes from aws_db_instance, which a provider's schema may mark sensitive; a static scan does not read schemas"},
		// templatestring: a reference to a template, rendered with vars.
		{call: `templatestring(local.greeting, { name = "Alex" })`, want: `"Hello, Alex!"`},
		{call: `templatestring(local.loop, { xs = ["a", "b"] })`, want: `"a;b;"`},
		{call: `templatestring(local.greeting, { name = var.later })`, why: "var.later has no value"},
		{call: `templatestring(local.later, {})`, why: "local.later is known only after apply"},
		{call: `templatestring(local.greeting, {})`, err: `vars map does not contain key "name"`},
		{call: `templatestring(local.number, {})`, err: "a string is required"},
		{call: `templatestring("Hello, ${name}", { name = "x" })`, err: "to render an inline template, consider using a plain template string expression"},
		{call: `templatestring("${local.greeting}", { name = "x" })`, err: "without any template interpolation syntax"},
		{call: `templatestring(lower(local.greeting), { name = "x" })`, err: "must be a direct reference to a single string"},
		{call: `templatestring(local.reader, {})`, err: "cannot use filesystem access functions like file in templatestring templates"},
		{call: `templatestring(local.nested, { t = "x" })`, err: "cannot recursively call templatestring"},
		{call: `templatestring(local.greeting, { "not valid" = 1, name = "x" })`, err: `invalid template variable name "not valid"`},
		// Terraform 0.11's list() and map(), as Terraform 0.12 to 0.14 read them.
		{call: `list("a", "b", "c")`, want: `tolist(["a", "b", "c"])`},
		{call: `list("a", 1)`, want: `tolist(["a", "1"])`},
		{call: `list()`, err: "at least one argument is required"},
		{call: `map("a", "b", "c", "d")`, want: `tomap({a = "b", c = "d"})`},
		{call: `map("a", list("b"))["a"][0]`, want: `"b"`},
		{call: `map("a", "b", "c")`, err: "map requires an even number of two or more arguments, got 3"},
		{call: `map("a", "b", "a", "c")`, err: `argument 3 is a duplicate key: "a"`},
		{call: `map("a", var.later)`, why: "var.later has no value"},
	})
}
