package tfeval

import (
	"strings"

	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/emrguard/emrguard/source"
)

// The functions whose result is the machine's that runs Terraform, or a
// secret: a static scan cannot know them, and must not make them up from
// its own machine — abspath(path.root) would put the runner's folders
// into a value a report can quote. They are unknown, saying why; the
// reason never quotes the argument (path.cwd is already such a path).

// abspathFunc is Terraform's abspath(path): the path made absolute from
// the folder Terraform runs in, and in the form of its machine (a drive
// letter on Windows, even for "/x").
var abspathFunc = afterApply("abspath(): depends on the machine that runs terraform (its folders)", cty.String)

// rsadecryptFunc is Terraform's rsadecrypt(ciphertext, privatekey): it
// needs the private key, and its result is a secret a report must not
// show anyway.
var rsadecryptFunc = afterApply("rsadecrypt(): needs the private key; its result is "+source.Sensitive, cty.String)

// pathexpandFunc is Terraform's pathexpand(path): a path starting with ~
// is the home folder of the user running Terraform (unknown); any other
// is "returned unmodified".
var pathexpandFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "path", Type: cty.String, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		if p := v.AsString(); p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
			return notRead(cty.String, "pathexpand(): the home folder depends on the machine that runs terraform", marks), nil
		}
		if strings.HasPrefix(v.AsString(), "~") {
			return cty.NilVal, function.NewArgErrorf(0, "cannot expand user-specific home dir")
		}
		return args[0], nil
	},
})

// issensitiveFunc is Terraform's issensitive(value): true for a value
// Terraform marks sensitive, unknown for an unknown one, false otherwise.
// emrguard reads a sensitive value as unknown, saying so, so that is
// true. A known value is false only when Terraform could not have marked
// it: made of literals, variables (a sensitive one is unknown here) and
// path, terraform, count and each; anything reaching a resource, data
// source, local or module may carry a mark of the provider's schema,
// which a static scan does not have.
var issensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: customdecode.ExpressionClosureType}},
	Type:   function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		c := customdecode.ExpressionClosureFromVal(args[0])
		v, diags := c.Value()
		if diags.HasErrors() {
			return cty.NilVal, diags
		}
		u, marks := v.Unmark()
		for m := range marks {
			if w, ok := m.(why); ok && strings.HasSuffix(string(w), source.Sensitive) {
				return cty.True, nil
			}
		}
		if !u.IsKnown() {
			return cty.UnknownVal(cty.Bool).WithMarks(marks), nil
		}
		for _, tr := range c.Expression.Variables() {
			switch tr.RootName() {
			case "var", "path", "terraform", "count", "each":
			default:
				return cty.UnknownVal(cty.Bool).Mark(why("issensitive(): the value comes from " + tr.RootName() +
					", which a provider's schema may mark sensitive; a static scan does not read schemas")), nil
			}
		}
		return cty.False, nil
	},
})
