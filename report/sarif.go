package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/model"
	"github.com/emrguard/emrguard/source"
)

// SARIF 2.1.0, as GitHub code scanning reads it. Choices, fixed here so
// that uploads stay comparable from run to run:
//
//   - Results hold the failing and the unknown verdicts. A failure has
//     kind "fail" and the level tfsec gives its severity (critical and high
//     "error", medium "warning", low and info "note"). An unknown has kind
//     "review" and level "none", as the spec requires for any kind but
//     "fail": emrguard could not decide and a person should look. Passing
//     and not-applicable verdicts are not results (code scanning would
//     raise an alert for each); run.properties.summary counts them.
//   - Each rule carries the control's rationale, remediation (text and
//     Markdown, with the CLI, CloudFormation and Terraform variants), its
//     documentation URL as helpUri, and "security-severity" for GitHub.
//   - partialFingerprints["emrguard/v1"] is the result's control.Identity:
//     control, resource kind, ID and file (hashed; account and region for
//     a live resource) and the subject within the resource, without line
//     numbers, so a finding keeps its identity when lines move and two
//     findings on one resource never share it.
//   - With a baseline, each result's baselineState is "new" or
//     "unchanged"; the baseline's failing and unknown results that are
//     gone are listed in run.properties.fixed with baselineState "absent"
//     (not as results: GitHub code scanning ignores baselineState and
//     would raise an alert for each), and run.properties.baseline counts
//     them.
//   - A suppressed result carries a suppressions entry (kind "inSource" for
//     an inline comment, "external" for the config file or a sidecar;
//     status "accepted"; the reason as justification), which code scanning
//     shows as dismissed.
//   - Input errors and warnings are toolExecutionNotifications; an input
//     error makes executionSuccessful false.
const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		Properties  map[string]any    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name,omitempty"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifHelp      `json:"help"`
		HelpURI              string         `json:"helpUri,omitempty"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		EndTimeUTC          string              `json:"endTimeUtc,omitempty"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Kind                string             `json:"kind"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations,omitempty"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		BaselineState       string             `json:"baselineState,omitempty"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties"`
	}
	sarifLocation struct {
		Physical *sarifPhysical `json:"physicalLocation,omitempty"`
		Logical  []sarifLogical `json:"logicalLocations,omitempty"`
		Message  *sarifText     `json:"message,omitempty"`
	}
	sarifPhysical struct {
		Artifact sarifArtifact `json:"artifactLocation"`
		Region   *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
		EndLine     int `json:"endLine,omitempty"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string         `json:"kind"`
		Status        string         `json:"status"`
		Justification string         `json:"justification"`
		Location      *sarifLocation `json:"location,omitempty"`
		Properties    map[string]any `json:"properties,omitempty"`
	}
)

// sarifLevel maps a severity as tfsec does.
func sarifLevel(s control.Severity) string {
	switch s {
	case control.Critical, control.High:
		return "error"
	case control.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's 0–10 score: critical ≥ 9, high 7–8.9,
// medium 4–6.9, low 0.1–3.9.
func securitySeverity(s control.Severity) string {
	return [...]string{"0.0", "2.0", "5.5", "8.0", "9.5"}[min(int(s), 4)]
}

// SARIF writes a SARIF 2.1.0 log of r. The log is written piece by piece
// with the results encoded one at a time, so memory stays flat whatever
// their number (the whole log of a 10,000-template run as one value took
// 500 MiB); the bytes are those of encoding the log as one value with
// two-space indentation (TestSARIFStreamMatches).
func SARIF(w io.Writer, r *Run) error {
	reported := func(res *control.Result) bool {
		return res.Verdict == control.Failed || res.Verdict == control.Unknown
	}
	index := map[string]int{}
	tool := sarifTool{Driver: sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: "https://github.com/emrguard/emrguard", Rules: []sarifRule{}}}
	for i, c := range usedControls(r.Results, reported) {
		index[c.ID] = i
		tool.Driver.Rules = append(tool.Driver.Rules, sarifRuleOf(c, requirementsByFramework(r, c.ID)))
	}
	inv := []sarifInvocation{{ExecutionSuccessful: len(r.Errors) == 0}}
	if !r.Time.IsZero() {
		inv[0].EndTimeUTC = r.Time.UTC().Format("2006-01-02T15:04:05Z")
	}
	for _, d := range r.Errors {
		inv[0].Notifications = append(inv[0].Notifications, sarifNote("error", d))
	}
	for _, d := range r.Warnings {
		inv[0].Notifications = append(inv[0].Notifications, sarifNote("warning", d))
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	member := func(key string, v any, indent string) error {
		b, err := json.MarshalIndent(v, indent, "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(bw, "%s%q: %s", indent, key, b)
		return nil
	}
	fmt.Fprintf(bw, "{\n  \"$schema\": %q,\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n", sarifSchema)
	if err := member("tool", tool, "      "); err != nil {
		return err
	}
	bw.WriteString(",\n")
	if err := member("invocations", inv, "      "); err != nil {
		return err
	}
	bw.WriteString(",\n      \"results\": [")
	n := 0
	id := r.identities()
	r.compare()
	for i := range r.Results {
		res := &r.Results[i]
		if !reported(res) {
			continue
		}
		b, err := json.MarshalIndent(sarifResultOf(*res, index[res.Control.ID], id(i), r.stateOf(i)), "        ", "  ")
		if err != nil {
			return err
		}
		if n > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n        ")
		bw.Write(b)
		n++
	}
	if n > 0 {
		bw.WriteString("\n      ")
	}
	bw.WriteString("],\n")
	if err := member("properties", sarifProperties(r), "      "); err != nil {
		return err
	}
	bw.WriteString("\n    }\n  ]\n}\n")
	return bw.Flush()
}

// sarifRuleOf describes control c; reqs (framework → requirement IDs)
// become the "compliance" property and a tag per framework.
func sarifRuleOf(c *control.Control, reqs map[string][]string) sarifRule {
	tags := []string{"security", "emr"}
	if c.BestPractice != "" {
		tags = append(tags, "EMR best practices "+c.BestPractice)
	}
	for _, short := range slices.Sorted(maps.Keys(reqs)) {
		tags = append(tags, "compliance/"+short)
	}
	rule := sarifRule{
		ID: c.ID, Name: ruleName(c.Title),
		ShortDescription:     sarifText{c.Title},
		FullDescription:      sarifText{docSummary(c)},
		Help:                 sarifHelp{Text: remediationText(c), Markdown: remediationMarkdown(c)},
		HelpURI:              c.URL,
		DefaultConfiguration: sarifConfig{Level: sarifLevel(c.Severity)},
		Properties:           map[string]any{"tags": tags, "precision": "high", "security-severity": securitySeverity(c.Severity), "problem.severity": sarifProblemSeverity(c.Severity)},
	}
	if len(reqs) > 0 {
		rule.Properties["compliance"] = reqs
	}
	return rule
}

func sarifProblemSeverity(s control.Severity) string {
	if l := sarifLevel(s); l != "note" {
		return l
	}
	return "recommendation"
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, f := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(f[:1]) + f[1:])
	}
	return b.String()
}

// remediationMarkdown renders a control's remediation for rule.help.markdown.
func remediationMarkdown(c *control.Control) string {
	var b strings.Builder
	b.WriteString("**" + c.Title + "**\n\n" + docSummary(c) + "\n\n**Remediation**: " + c.Remediation.Text)
	for _, m := range remediationVariants(c) {
		lang := map[string]string{"CLI": "sh", "CloudFormation": "yaml", "Terraform": "hcl"}[m.Name]
		b.WriteString("\n\n" + m.Name + ":\n\n```" + lang + "\n" + strings.TrimRight(m.Text, "\n") + "\n```")
	}
	if c.URL != "" {
		b.WriteString("\n\n[Documentation](" + c.URL + ")")
	}
	return b.String()
}

// sarifProperties returns run.properties: the summary, and with a
// baseline its counts and the fixed results.
func sarifProperties(r *Run) map[string]any {
	p := map[string]any{"summary": Summarize(r)}
	if counts, ok := CountBaseline(r); ok {
		type absent struct {
			BaselineResult
			BaselineState string `json:"baselineState"`
		}
		fixed := []absent{}
		for _, f := range r.Fixed() {
			fixed = append(fixed, absent{f, "absent"})
		}
		p["baseline"], p["fixed"] = counts, fixed
	}
	return p
}

func sarifResultOf(res control.Result, ruleIndex int, id control.Identity, state State) sarifResult {
	out := sarifResult{
		RuleID: res.Control.ID, RuleIndex: ruleIndex, Kind: "fail", Level: sarifLevel(res.Control.Severity),
		Message:             sarifText{sarifPlain(res.Message)},
		PartialFingerprints: map[string]string{"emrguard/v1": id.String()},
		BaselineState:       state.String(),
		Properties:          map[string]any{"verdict": res.Verdict.String(), "severity": res.Control.Severity.String(), "resource": res.Resource.String()},
	}
	if res.Verdict == control.Unknown {
		out.Kind, out.Level = "review", "none"
		out.Message.Text = "Could not be checked: " + sarifPlain(res.Message)
	}
	if res.Resource.Account != "" {
		out.Properties["account"] = res.Resource.Account
	}
	if res.Resource.Region != "" {
		out.Properties["region"] = res.Resource.Region
	}
	loc := sarifLocation{Logical: []sarifLogical{{Name: res.Resource.ID, FullyQualifiedName: res.Resource.String(), Kind: "resource"}}}
	if res.Resource.ID == "" {
		loc.Logical = nil
	}
	loc.Physical = sarifPhysicalOf(res.Location())
	if loc.Physical != nil || loc.Logical != nil {
		out.Locations = []sarifLocation{loc}
	}
	if s := res.Suppressed; s != nil {
		sup := sarifSuppression{Kind: "inSource", Status: "accepted", Justification: s.Reason}
		if s.External {
			sup.Kind = "external"
		}
		if p := sarifPhysicalOf(s.Origin); p != nil {
			sup.Location = &sarifLocation{Physical: p}
		}
		if u := untilText(s); u != "" {
			sup.Properties = map[string]any{"until": u}
		}
		out.Suppressions = []sarifSuppression{sup}
	}
	return out
}

func sarifNote(level string, d source.Diagnostic) sarifNotification {
	n := sarifNotification{Level: level, Message: sarifText{sarifPlain(d.Msg)}}
	if d.Call != "" {
		n.Message.Text = sarifPlain(d.Call + ": " + d.Msg)
	}
	if p := sarifPhysicalOf(d.At); p != nil {
		n.Locations = []sarifLocation{{Physical: p}}
	}
	return n
}

// sarifPhysicalOf returns loc as a physical location, or nil when loc names
// no file (a live resource) or stdin.
func sarifPhysicalOf(loc model.Loc) *sarifPhysical {
	if loc.File == "" || loc.File == "<stdin>" {
		return nil
	}
	p := &sarifPhysical{Artifact: sarifArtifact{URI: fileURI(loc.File)}}
	if !filepath.IsAbs(loc.File) {
		p.Artifact.URIBaseID = "%SRCROOT%"
	}
	if loc.IsValid() {
		p.Region = &sarifRegion{StartLine: loc.Line, StartColumn: loc.Col}
		if loc.EndLine >= loc.Line {
			p.Region.EndLine = loc.EndLine
		}
	}
	return p
}

// fileURI turns a path into a relative URI reference, or a file: URI for
// an absolute path.
func fileURI(path string) string {
	slash := filepath.ToSlash(path)
	slash = strings.TrimPrefix(slash, "./")
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: slash}).String()
	}
	return (&url.URL{Path: slash}).String()
}

// sarifPlain escapes the brackets of a plain-text message that holds an
// embedded link's shape, "[text](target)": SARIF viewers render such links
// (§3.11.6), and the text comes from inputs ([x](javascript:…) in a resource
// name). A literal bracket is written \[ or \], as the standard says; text
// with no "](" cannot form a link and is kept as is. JSON encoding already
// escapes control characters.
func sarifPlain(s string) string {
	if !strings.Contains(s, "](") {
		return s
	}
	return sarifBrackets.Replace(s)
}

var sarifBrackets = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`)
