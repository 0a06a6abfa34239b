package cfn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Ensure both parameter-file shapes the AWS tools write are read, lists
// become the comma form, and anything else is refused with the file named.
func TestParams(t *testing.T) {
	cases := []struct {
		name, in string
		want     map[string]string
		err      string
	}{
		{"cli list", `[{"ParameterKey":"Env","ParameterValue":"prod"},{"ParameterKey":"AWS::Region","ParameterValue":"eu-west-1"},{"ParameterKey":"Old","UsePreviousValue":true}]`,
			map[string]string{"Env": "prod", "AWS::Region": "eu-west-1"}, ""},
		{"codepipeline object", `{"Parameters":{"Env":"prod","Count":3,"Subnets":["a","b"]},"Tags":{}}`,
			map[string]string{"Env": "prod", "Count": "3", "Subnets": "a,b"}, ""},
		{"no key", `[{"ParameterValue":"x"}]`, nil, "entry 1 has no ParameterKey"},
		{"object value", `{"Parameters":{"Env":{"a":1}}}`, nil, "parameter Env: value is an object"},
		{"other shape", `{"Env":"prod"}`, nil, "want [{"},
		{"not json", `Env=prod`, nil, "want [{"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "params.json")
			if err := os.WriteFile(path, []byte(c.in), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := ReadParams(path)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), path) {
					t.Fatalf("err = %v, want one naming %s and saying %q", err, path, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Values) != len(c.want) {
				t.Errorf("values = %v, want %v", p.Values, c.want)
			}
			for k, v := range c.want {
				if p.Values[k] != v {
					t.Errorf("%s = %q, want %q", k, p.Values[k], v)
				}
			}
		})
	}
	if _, err := ReadParams(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file gave no error")
	}
}
