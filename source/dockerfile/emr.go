package dockerfile

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// ecrHost matches a private ECR registry (<account>.dkr.ecr.<region>.
// amazonaws.com, .com.cn in China, -fips endpoints) and ECR Public.
var ecrHost = regexp.MustCompile(`^(\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?|public\.ecr\.aws)$`)

// emrRepos are the repositories of EMR base images, without the release
// segment: EMR on EKS in the regional registries (spark, notebook-spark,
// notebook-python: "Details for selecting a base image URI"), the same in
// ECR Public under emr-on-eks/, and EMR Serverless's.
var emrRepos = map[string]bool{
	"spark": true, "notebook-spark": true, "notebook-python": true,
	"emr-on-eks/spark": true, "emr-on-eks/notebook-spark": true, "emr-on-eks/notebook-python": true,
	"emr-serverless/spark": true, "emr-serverless/hive": true,
}

// releaseSegment is the last path segment of an EMR base image: the
// release (emr-6.15.0, emr-spark-8.0.0).
var releaseSegment = regexp.MustCompile(`^emr-(spark-)?\d+\.\d+(\.\d+)?$`)

// EMRBase returns the EMR release of an EMR base image reference
// (…/spark/emr-6.15.0:latest gives emr-6.15.0), ok false for any other
// image. The registry account is not checked against AWS's list: a
// repository of that name and form in any ECR registry is taken as the
// base (AWS adds registries with regions).
func EMRBase(ref string) (label string, ok bool) {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i] // a digest
	}
	host, repo, ok := strings.Cut(ref, "/")
	if !ok || !ecrHost.MatchString(strings.ToLower(host)) {
		return "", false
	}
	if i := strings.LastIndexByte(repo, ':'); i >= 0 {
		repo = repo[:i] // the tag (latest, 20231109)
	}
	i := strings.LastIndexByte(repo, '/')
	if i < 0 || !emrRepos[repo[:i]] || !releaseSegment.MatchString(repo[i+1:]) {
		return "", false
	}
	return repo[i+1:], true
}

// Load reads a Dockerfile into the images its stages start from: one
// model.ContainerImage per FROM that names an image (not an earlier
// stage, not scratch).
func Load(file string, data []byte) (*model.Evidence, source.Diagnostics) {
	stages, diags := Parse(file, data)
	ev := &model.Evidence{}
	for i, st := range stages {
		if st.Stage >= 0 || strings.EqualFold(st.Image, "scratch") {
			continue
		}
		at := model.Loc{File: file, Line: st.Line, Col: 1}
		img := &model.ContainerImage{Ref: model.Ref{Kind: Kind, ID: st.Name, Loc: at}}
		if img.Ref.ID == "" {
			img.Ref.ID = "stage " + strconv.Itoa(i)
		}
		switch {
		case st.Unknown != "":
			img.Base = model.Unresolved[string](st.Unknown, at)
			img.ReleaseLabel = model.Unresolved[string](st.Unknown, at)
		default:
			img.Ref.Name = st.Image
			img.Base = model.Known(st.Image, at)
			if l, ok := EMRBase(st.Image); ok {
				img.ReleaseLabel = model.Known(l, at)
			}
		}
		ev.ContainerImages = append(ev.ContainerImages, img)
	}
	return ev, diags
}
