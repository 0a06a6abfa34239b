package event

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
	"github.com/emrguard/emrguard/source/request"
	"github.com/emrguard/emrguard/source/secconf"
	"github.com/emrguard/emrguard/source/tree"
)

// Ref kinds of the resources read from EMR on EKS and block public access
// calls (clusters use request.ClusterKind, configurations secconf.Kind).
const (
	KindBlockPublicAccess = "emr:block-public-access"
	KindVirtualCluster    = "emr-containers:virtual-cluster"
	KindManagedEndpoint   = "emr-containers:managed-endpoint"
	KindJobRun            = "emr-containers:job-run"
	KindJobTemplate       = "emr-containers:job-template"
)

// readers are the calls whose records become evidence, by eventSource and
// eventName.
var readers = map[string]func(*reader, *Record){
	SourceEMR + " RunJobFlow":                        (*reader).runJobFlow,
	SourceEMR + " CreateSecurityConfiguration":       (*reader).createSecurityConfiguration,
	SourceEMR + " DeleteSecurityConfiguration":       (*reader).named,
	SourceEMR + " PutBlockPublicAccessConfiguration": (*reader).blockPublicAccess,
	SourceEKS + " CreateVirtualCluster":              (*reader).virtualCluster,
	SourceEKS + " CreateManagedEndpoint":             (*reader).managedEndpoint,
	SourceEKS + " StartJobRun":                       (*reader).jobRun,
	SourceEKS + " CreateJobTemplate":                 (*reader).jobTemplate,
}

// Handled reports whether the record's call is one this package reads.
func (r *Record) Handled() bool { return readers[r.Event.Source+" "+r.Event.Name] != nil }

// Launch reports whether the record is a RunJobFlow.
func (r *Record) Launch() bool { return r.Event.Source == SourceEMR && r.Event.Name == "RunJobFlow" }

// SecurityConfigurationName returns the configuration a Create or
// DeleteSecurityConfiguration call names, so a cache can forget it.
func (r *Record) SecurityConfigurationName() string {
	if r.Event.Source != SourceEMR || !strings.HasSuffix(r.Event.Name, "SecurityConfiguration") {
		return ""
	}
	s, _ := r.Params.Fold("name").Str()
	return s
}

// Evidence reads the record's resources. A failed call and a call this
// package does not read yield empty evidence. A handled call without the
// requestParameters it needs is an *InputError; fields of the wrong type
// are diagnostics and Unknown fields.
func Evidence(rec *Record) (*model.Evidence, source.Diagnostics, error) {
	if rec.Failed() {
		return &model.Evidence{}, nil, nil
	}
	return Attempted(rec)
}

// Attempted reads what a call asked for, whether or not it succeeded: an
// audit of an archive judges the attempts too (who tried to launch what),
// though a failed call created nothing. For a successful call it is
// Evidence.
func Attempted(rec *Record) (*model.Evidence, source.Diagnostics, error) {
	ev := &model.Evidence{}
	read := readers[rec.Event.Source+" "+rec.Event.Name]
	if read == nil {
		return ev, nil, nil
	}
	if rec.Params == nil {
		return nil, nil, &InputError{At: rec.At, ID: rec.Key(), Msg: rec.Event.Name + " record has no requestParameters (CloudTrail omits them when the call was refused before it ran)"}
	}
	r := &reader{ev: ev}
	read(r, rec)
	return ev, r.diags, r.err
}

type reader struct {
	ev    *model.Evidence
	diags source.Diagnostics
	err   error
}

// ref returns a Ref of kind for the record, located at the parameters.
func ref(rec *Record, kind, id, name string) model.Ref {
	e := rec.Event
	return model.Ref{Kind: kind, ID: id, Name: name, Account: e.Account, Region: e.Region, Loc: rec.Params.At, Event: &e, Origin: model.FromEvent}
}

func (r *reader) runJobFlow(rec *Record) {
	c, diags := request.Cluster(rec.Params, ref(rec, request.ClusterKind, "", ""))
	r.diags = append(r.diags, diags...)
	// The cluster is known by its job-flow ID once launched; the request
	// only names it. Account and region come from the record, whatever an
	// ARN inside says.
	if id, _ := rec.Response.Fold("jobFlowId").Str(); id != "" {
		c.Ref.ID = id
	}
	if c.Ref.ID == "" {
		c.Ref.ID = rec.Key()
	}
	c.Ref.Account, c.Ref.Region = rec.Event.Account, rec.Event.Region
	r.ev.Clusters = append(r.ev.Clusters, c)
}

func (r *reader) createSecurityConfiguration(rec *Record) {
	name := r.str(rec.Params, "name")
	doc := rec.Params.Fold("securityConfiguration")
	if doc == nil {
		r.err = &InputError{At: rec.Params.At, ID: rec.Key(), Msg: "CreateSecurityConfiguration record has no requestParameters.securityConfiguration"}
		return
	}
	sc, diags := secconf.Decode(doc, ref(rec, secconf.Kind, name.Val, name.Val))
	if sc.Ref.ID == "" {
		sc.Ref.ID = rec.Key()
	}
	sc.Name = name
	r.diags = append(r.diags, diags...)
	r.ev.SecurityConfigurations = append(r.ev.SecurityConfigurations, sc)
}

// named checks that a call on a named resource names it; it adds no
// evidence (a deleted configuration judges nothing).
func (r *reader) named(rec *Record) {
	if n := r.str(rec.Params, "name"); !n.IsSet() {
		r.err = &InputError{At: rec.Params.At, ID: rec.Key(), Msg: rec.Event.Name + " record names no configuration"}
	}
}

func (r *reader) blockPublicAccess(rec *Record) {
	cfg := rec.Params.Fold("blockPublicAccessConfiguration")
	b := &model.BlockPublicAccess{Ref: ref(rec, KindBlockPublicAccess, rec.Event.Account+"/"+rec.Event.Region, "")}
	if cfg == nil || cfg.Kind != tree.Object {
		r.err = &InputError{At: rec.Params.At, ID: rec.Key(), Msg: "PutBlockPublicAccessConfiguration record has no blockPublicAccessConfiguration object"}
		return
	}
	b.Ref.Loc = cfg.At
	if v := cfg.Fold("blockPublicSecurityGroupRules"); v != nil {
		if x, ok := v.Bool(); ok {
			b.Block = model.Known(x, v.At)
		} else {
			why := fmt.Sprintf("blockPublicSecurityGroupRules is a %s, want a boolean", v.Kind)
			r.diags.Errorf(v.At, "%s", why)
			b.Block = model.Unresolved[bool](why, v.At)
		}
	}
	if rs := cfg.Fold("permittedPublicSecurityGroupRuleRanges"); rs != nil && rs.Kind == tree.Array {
		for _, it := range rs.Items {
			pr := model.PortRange{At: it.At, Min: r.integer(it, "minRange"), Max: r.integer(it, "maxRange")}
			if pr.Max.IsAbsent() {
				pr.Max = pr.Min
			}
			b.Permitted = append(b.Permitted, pr)
		}
	}
	r.ev.BlockPublicAccess = append(r.ev.BlockPublicAccess, b)
}

func (r *reader) virtualCluster(rec *Record) {
	name := r.str(rec.Params, "name")
	id, _ := rec.Response.Fold("id").Str()
	vc := &model.VirtualCluster{Ref: ref(rec, KindVirtualCluster, firstOf(id, name.Val, rec.Key()), name.Val)}
	cp := rec.Params.Fold("containerProvider")
	vc.EKSCluster = r.str(cp, "id")
	vc.Namespace = r.str(cp.Fold("info").Fold("eksInfo"), "namespace")
	vc.SecurityConfigurationID = r.str(rec.Params, "securityConfigurationId")
	r.ev.VirtualClusters = append(r.ev.VirtualClusters, vc)
}

func (r *reader) managedEndpoint(rec *Record) {
	name := r.str(rec.Params, "name")
	id, _ := rec.Response.Fold("id").Str()
	me := &model.ManagedEndpoint{Ref: ref(rec, KindManagedEndpoint, firstOf(id, name.Val, rec.Key()), name.Val)}
	me.VirtualClusterID = r.str(rec.Params, "virtualClusterId")
	me.ReleaseLabel = r.str(rec.Params, "releaseLabel")
	me.ExecutionRole = r.str(rec.Params, "executionRoleArn")
	me.Image = r.image(rec.Params)
	r.ev.ManagedEndpoints = append(r.ev.ManagedEndpoints, me)
	r.ev.JobRoles = append(r.ev.JobRoles, &model.JobRole{Ref: me.Ref, RoleARN: me.ExecutionRole})
}

func (r *reader) jobRun(rec *Record) {
	name := r.str(rec.Params, "name")
	id, _ := rec.Response.Fold("id").Str()
	jr := &model.JobRun{Ref: ref(rec, KindJobRun, firstOf(id, name.Val, rec.Key()), name.Val)}
	jr.VirtualClusterID = r.str(rec.Params, "virtualClusterId")
	jr.ReleaseLabel = r.str(rec.Params, "releaseLabel")
	jr.ExecutionRole = r.str(rec.Params, "executionRoleArn")
	jr.Image = r.image(rec.Params)
	r.ev.JobRuns = append(r.ev.JobRuns, jr)
	r.ev.JobRoles = append(r.ev.JobRoles, &model.JobRole{Ref: jr.Ref, RoleARN: jr.ExecutionRole})
}

// jobTemplate reads CreateJobTemplate: the execution role its job runs
// will use (jobTemplateData.executionRoleArn), the evidence of EKS101 and
// EKS102 once the monitor has read the role.
func (r *reader) jobTemplate(rec *Record) {
	name := r.str(rec.Params, "name")
	id, _ := rec.Response.Fold("id").Str()
	data := rec.Params.Fold("jobTemplateData")
	if data == nil || data.Kind != tree.Object {
		r.err = &InputError{At: rec.Params.At, ID: rec.Key(), Msg: "CreateJobTemplate record has no jobTemplateData object"}
		return
	}
	ref := ref(rec, KindJobTemplate, firstOf(id, name.Val, rec.Key()), name.Val)
	r.ev.JobRoles = append(r.ev.JobRoles, &model.JobRole{Ref: ref, RoleARN: r.str(data, "executionRoleArn")})
}

// ExecutionRoles returns the execution role ARNs the record's job run,
// job template or managed endpoint names, for the monitor to read.
func ExecutionRoles(ev *model.Evidence) []string {
	var out []string
	for _, j := range ev.JobRoles {
		if j.RoleARN.IsSet() && !slices.Contains(out, j.RoleARN.Val) {
			out = append(out, j.RoleARN.Val)
		}
	}
	return out
}

// imageProperty is the Spark property that names a custom image.
const imageProperty = "spark.kubernetes.container.image"

// image returns the custom image a job run's or endpoint's
// configurationOverrides name (spark.kubernetes.container.image in any
// classification, nested ones included); Absent when EMR's own is used.
func (r *reader) image(params *tree.Node) model.Field[string] {
	var find func(cs *tree.Node) model.Field[string]
	find = func(cs *tree.Node) model.Field[string] {
		if cs == nil || cs.Kind != tree.Array {
			return model.Field[string]{}
		}
		for _, c := range cs.Items {
			if v := c.Fold("properties").Get(imageProperty); v != nil {
				return r.str(c.Fold("properties"), imageProperty)
			}
			if f := find(c.Fold("configurations")); !f.IsAbsent() {
				return f
			}
		}
		return model.Field[string]{}
	}
	return find(params.Fold("configurationOverrides").Fold("applicationConfiguration"))
}

func (r *reader) str(n *tree.Node, key string) model.Field[string] {
	return source.String(n.Fold(key), key, &r.diags)
}

func (r *reader) integer(n *tree.Node, key string) model.Field[int] {
	return source.Int(n.Fold(key), key, &r.diags)
}

// Load reads an event file for a scan: a launch becomes evidence; a failed
// call is a warning (nothing was created); a call of no interest is
// skipped. The security configuration a launch names is not fetched: a
// scan finds it among its other inputs or reports it unknown.
func Load(file string, root *tree.Node) (*model.Evidence, source.Diagnostics) {
	var diags source.Diagnostics
	rec, err := Read(file, root)
	if err != nil {
		ie := err.(*InputError)
		diags.Errorf(ie.At, "%s", ie.Msg)
		return &model.Evidence{}, diags
	}
	if rec.Failed() {
		diags.Warnf(rec.At, "%s %s failed (%s: %s); it created nothing", filepath.Base(file), rec.Event.Name, rec.ErrorCode, rec.ErrorMessage)
		return &model.Evidence{}, diags
	}
	ev, d, err := Evidence(rec)
	diags = append(diags, d...)
	if err != nil {
		ie := err.(*InputError)
		diags.Errorf(ie.At, "%s", ie.Msg)
		return &model.Evidence{}, diags
	}
	return ev, diags
}
