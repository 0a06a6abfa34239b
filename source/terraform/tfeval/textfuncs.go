package tfeval

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
)

// textencodebase64 and textdecodebase64 are Terraform's: a string in
// another character encoding than UTF-8, named by its IANA name or alias
// ("UTF-16LE", "windows-1252"), base64-encoded — Terraform's use the same
// golang.org/x/text index, so the same names are known.
var (
	textEncodeBase64Func = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "string", Type: cty.String}, {Name: "encoding", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			enc, name, err := ianaEncoding(args[1].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(1, err)
			}
			out, err := enc.NewEncoder().Bytes([]byte(args[0].AsString()))
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "the given string contains characters that cannot be represented in %s", name)
			}
			return cty.StringVal(base64.StdEncoding.EncodeToString(out)), nil
		},
	})
	textDecodeBase64Func = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "source", Type: cty.String}, {Name: "encoding", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			enc, name, err := ianaEncoding(args[1].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(1, err)
			}
			raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
			var bad base64.CorruptInputError
			switch {
			case errors.As(err, &bad):
				return cty.NilVal, function.NewArgErrorf(0, "the given value is has an invalid base64 symbol at offset %d", int(bad))
			case err != nil:
				return cty.NilVal, function.NewArgErrorf(0, "invalid source string: %w", err)
			}
			out, err := enc.NewDecoder().Bytes(raw)
			if err != nil || bytes.ContainsRune(out, '\uFFFD') {
				return cty.NilVal, function.NewArgErrorf(0, "the given string contains symbols that are not defined for %s", name)
			}
			return cty.StringVal(string(out)), nil
		},
	})
)

// ianaEncoding returns the encoding an IANA name or alias names, and its
// IANA name, with Terraform's error for one it does not know.
func ianaEncoding(alias string) (encoding.Encoding, string, error) {
	enc, err := ianaindex.IANA.Encoding(alias)
	if err != nil || enc == nil {
		return nil, "", fmt.Errorf("%q is not a supported IANA encoding name or alias", alias)
	}
	name, err := ianaindex.IANA.Name(enc)
	if err != nil {
		name = alias
	}
	return enc, name, nil
}
