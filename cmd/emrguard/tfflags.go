package main

import (
	"errors"
	"flag"
	"strings"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string { return strings.Join(*r, ",") }

func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// assignments is --var NAME=VALUE, repeatable.
type assignments []string

func (a *assignments) String() string { return strings.Join(*a, ",") }

func (a *assignments) Set(v string) error {
	k, _, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want NAME=VALUE")
	}
	*a = append(*a, v)
	return nil
}

// tfFlags are the Terraform variable flags of scan.
type tfFlags struct {
	vars     assignments
	varFiles repeated
}

func (t *tfFlags) register(fs *flag.FlagSet) {
	fs.Var(&t.vars, "var", "set Terraform root module variable `NAME=VALUE` (repeatable; wins over variable files)")
	fs.Var(&t.varFiles, "var-file", "read Terraform variable values from `FILE` (repeatable; after terraform.tfvars and *.auto.tfvars)")
}
