package cfn

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Params are values given for a template's parameters, and pseudo
// parameters ("AWS::Region", "AWS::AccountId", …) when the user gives them;
// without them a pseudo parameter is unknown.
type Params struct {
	Values map[string]string
	// File is where the values were read from, for messages.
	File string
}

// ReadParams reads a parameters file in either shape the AWS tools write:
// the `aws cloudformation create-stack --parameters file://…` list
//
//	[{"ParameterKey": "Env", "ParameterValue": "prod"}, …]
//
// or the CodePipeline template configuration object
//
//	{"Parameters": {"Env": "prod", …}}.
//
// Entries with UsePreviousValue name no value and are skipped. It fails,
// naming the file, on anything else.
func ReadParams(path string) (Params, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Params{}, fmt.Errorf("cfn parameters: %w", err)
	}
	p, err := ParseParams(data)
	if err != nil {
		return Params{}, fmt.Errorf("cfn parameters %s: %w", path, err)
	}
	p.File = path
	return p, nil
}

// ParseParams reads the content of a parameters file (see ReadParams).
func ParseParams(data []byte) (Params, error) {
	p := Params{Values: map[string]string{}}
	var list []struct {
		ParameterKey     *string
		ParameterValue   any
		UsePreviousValue bool
	}
	if err := json.Unmarshal(data, &list); err == nil {
		for i, e := range list {
			if e.ParameterKey == nil || *e.ParameterKey == "" {
				return Params{}, fmt.Errorf("entry %d has no ParameterKey", i+1)
			}
			if e.UsePreviousValue && e.ParameterValue == nil {
				continue
			}
			v, err := scalar(e.ParameterValue)
			if err != nil {
				return Params{}, fmt.Errorf("parameter %s: %w", *e.ParameterKey, err)
			}
			p.Values[*e.ParameterKey] = v
		}
		return p, nil
	}
	var obj struct{ Parameters map[string]any }
	if err := json.Unmarshal(data, &obj); err != nil || obj.Parameters == nil {
		return Params{}, fmt.Errorf(`want [{"ParameterKey": …, "ParameterValue": …}] or {"Parameters": {…}}`)
	}
	keys := make([]string, 0, len(obj.Parameters))
	for k := range obj.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := scalar(obj.Parameters[k])
		if err != nil {
			return Params{}, fmt.Errorf("parameter %s: %w", k, err)
		}
		p.Values[k] = v
	}
	return p, nil
}

// scalar turns a JSON value into the string CloudFormation would see; a
// list becomes the comma-separated form of a List parameter.
func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64, bool:
		return fmt.Sprint(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, it := range x {
			s, err := scalar(it)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), nil
	case nil:
		return "", fmt.Errorf("value is missing")
	}
	return "", fmt.Errorf("value is an object, want a string")
}
