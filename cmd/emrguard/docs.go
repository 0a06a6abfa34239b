package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/emrguard/emrguard/compliance"
	"github.com/emrguard/emrguard/control"
	"github.com/emrguard/emrguard/controls"
)

// exampleLines bounds each example file on a page; the rest is elided.
const exampleLines = 120

func runDocs(e env, args []string) (int, error) {
	fs := flag.NewFlagSet("emrguard docs", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "write the Markdown pages into `DIR` (created if missing)")
	force := fs.Bool("force", false, "write into DIR even when it is not empty (pages of the same name are replaced)")
	var cf complianceFlags
	fs.Var(&cf.files, "compliance-file", "list the requirements of the framework in YAML `FILE` on the pages too (repeatable)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: emrguard docs --out DIR [--force]\n\nWrites one Markdown page per control (rationale, verdicts, remediation, examples, frameworks)\nand an index, for a documentation site.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) > 0 {
		return 0, usagef("docs takes no arguments (got %q); use --out DIR", pos[0])
	}
	if *out == "" {
		return 0, usagef("docs: --out DIR is required")
	}
	fws, err := cf.load()
	if err != nil {
		return 0, err
	}
	if ents, err := os.ReadDir(*out); err == nil && len(ents) > 0 && !*force {
		return 0, usagef("docs: %s is not empty; give --force to write into it", *out)
	}
	pages, err := docPages(controls.All(), fws.known)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return 0, fmt.Errorf("docs: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		if err := os.WriteFile(filepath.Join(*out, filepath.FromSlash(name)), []byte(pages[name]), 0o644); err != nil {
			return 0, fmt.Errorf("docs: %w", err)
		}
	}
	fmt.Fprintf(e.stderr, "emrguard: wrote %d pages to %s\n", len(pages), *out)
	return exitOK, nil
}

// docPages renders the site: "index.md", one "<ID>.md" per control and one
// "framework-<short>.md" per framework, by file name. Nothing is written
// until every page is made.
func docPages(cs []*control.Control, fws []*compliance.Framework) (map[string]string, error) {
	pages := map[string]string{"index.md": indexPage(cs, fws)}
	for _, c := range cs {
		p, err := controlPage(c, fws)
		if err != nil {
			return nil, err
		}
		pages[c.ID+".md"] = p
	}
	for _, f := range fws {
		pages["framework-"+f.Short+".md"] = frameworkPage(f)
	}
	return pages, nil
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func indexPage(cs []*control.Control, fws []*compliance.Framework) string {
	var b strings.Builder
	b.WriteString("# emrguard controls\n\nEvery check emrguard runs, by best practice. Each page says why the control matters, what each verdict means, how to fix a failure, and shows its good and bad examples.\n\n")
	var groups []string
	by := map[string][]*control.Control{}
	for _, c := range cs {
		if by[c.BestPractice] == nil {
			groups = append(groups, c.BestPractice)
		}
		by[c.BestPractice] = append(by[c.BestPractice], c)
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "## %s\n\n| control | severity | sources | title |\n| --- | --- | --- | --- |\n", bestPracticeName(g))
		for _, c := range by[g] {
			fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s |\n", c.ID, c.ID, c.Severity, c.Sources, mdCell(c.Title))
		}
		b.WriteString("\n")
	}
	b.WriteString("## Compliance frameworks\n\n")
	for _, f := range fws {
		fmt.Fprintf(&b, "- [%s](framework-%s.md): %d requirements, %d controls mapped\n", mdCell(f.Title()), f.Short, len(f.Requirements), len(f.Controls()))
	}
	return b.String()
}

func bestPracticeName(bp string) string {
	if bp == "EKS" {
		return "EMR on EKS"
	}
	return "EMR best practice " + bp
}

// verdictMeaning says what each verdict of a control means (CONTROLS.md).
var verdictMeaning = []struct{ verdict, text string }{
	{"fail", "the evidence shows the violation: %s."},
	{"pass", "the evidence shows the control is met."},
	{"unknown", "the evidence needed is missing, unreadable or denied (an AccessDenied, an unresolved variable or parameter, a security configuration named but not among the inputs); the message says which. Never reported as pass."},
	{"n/a", "the control does not apply to the resource (for example, a condition it starts from does not hold); the control that judges that condition reports it."},
}

func controlPage(c *control.Control, fws []*compliance.Framework) (string, error) {
	var b strings.Builder
	title, body, _ := strings.Cut(c.Doc, "\n")
	if strings.TrimSpace(title) == "" {
		title = c.Title
	}
	fmt.Fprintf(&b, "# %s: %s\n\n[All controls](index.md)\n\n", c.ID, title)
	fmt.Fprintf(&b, "| | |\n| --- | --- |\n| severity | %s |\n| best practice | %s |\n| sources | %s (I = infrastructure code, L = live account, E = launch event) |\n", c.Severity, mdCell(bestPracticeName(c.BestPractice)), c.Sources)
	if c.URL != "" {
		fmt.Fprintf(&b, "| AWS documentation | <%s> |\n", c.URL)
	}
	fmt.Fprintf(&b, "\n## Rationale\n\n%s\n\n## Verdicts\n\n", strings.TrimSpace(body))
	for _, v := range verdictMeaning {
		text := v.text
		if strings.Contains(text, "%s") {
			text = fmt.Sprintf(text, strings.ToLower(c.Title[:1])+c.Title[1:])
		}
		fmt.Fprintf(&b, "- **%s**: %s\n", v.verdict, text)
	}
	fmt.Fprintf(&b, "\n## Remediation\n\n%s\n", c.Remediation.Text)
	for _, m := range []struct{ name, lang, text string }{{"CLI", "sh", c.Remediation.CLI}, {"CloudFormation", "yaml", c.Remediation.CloudFormation}, {"Terraform", "hcl", c.Remediation.Terraform}} {
		switch {
		case strings.TrimSpace(m.text) == "":
		case prose(m.text):
			fmt.Fprintf(&b, "\n### %s\n\n%s\n", m.name, strings.TrimSpace(m.text))
		default:
			fmt.Fprintf(&b, "\n### %s\n\n%s", m.name, fenced(m.lang, m.text))
		}
	}
	exs, err := controls.Examples(c.ID)
	if err != nil {
		return "", fmt.Errorf("docs: %w", err)
	}
	for _, bad := range []bool{true, false} {
		heading := "Good examples"
		if bad {
			heading = "Bad examples"
		}
		var sel []controls.Example
		for _, ex := range exs {
			if ex.Bad(c.ID) == bad {
				sel = append(sel, ex)
			}
		}
		if len(sel) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n", heading)
		for _, ex := range sel {
			fmt.Fprintf(&b, "\n### %s\n\n", ex.Name)
			var wants []string
			for _, w := range ex.Wants {
				if w.Control == c.ID {
					wants = append(wants, "`"+w.String()+"`")
				}
			}
			if len(wants) > 0 {
				fmt.Fprintf(&b, "Expected: %s\n\n", strings.Join(wants, ", "))
			}
			for _, f := range ex.Files {
				fmt.Fprintf(&b, "`%s`\n\n%s\n", f.Path, fenced(langOf(f.Path), clipLines(f.Content, exampleLines)))
			}
		}
	}
	b.WriteString("\n## Frameworks\n\n")
	n := 0
	for _, f := range fws {
		for _, id := range f.RequirementsOf(c.ID) {
			if n == 0 {
				b.WriteString("| framework | requirement | title |\n| --- | --- | --- |\n")
			}
			n++
			fmt.Fprintf(&b, "| [%s](framework-%s.md) | %s | %s |\n", mdCell(f.Name+" "+f.Version), f.Short, mdCell(id), mdCell(requirementTitle(f, id)))
		}
	}
	if n == 0 {
		b.WriteString("No framework maps this control.\n")
	}
	return b.String(), nil
}

func requirementTitle(f *compliance.Framework, id string) string {
	for _, r := range f.Requirements {
		if r.ID == id {
			return r.Title
		}
	}
	return ""
}

func frameworkPage(f *compliance.Framework) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n[All controls](index.md)\n\nSource: <%s>\n\n| requirement | title | controls |\n| --- | --- | --- |\n", f.Title(), f.Source)
	for _, r := range f.Requirements {
		var links []string
		for _, id := range r.Controls {
			links = append(links, fmt.Sprintf("[%s](%s.md)", id, id))
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(r.ID), mdCell(r.Title), strings.Join(links, ", "))
	}
	return b.String()
}

// fenced puts text in a code block whose fence is longer than any run of
// backticks in it, so an example cannot close the block early.
func fenced(lang, text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence + lang + "\n" + strings.TrimRight(text, "\n") + "\n" + fence + "\n"
}

// prose reports whether a remediation variant is a sentence ("In the
// configuration JSON, set …") rather than code to paste.
func prose(t string) bool {
	t = strings.TrimSpace(t)
	return !strings.Contains(t, "\n") && strings.HasSuffix(t, ".") && t[0] >= 'A' && t[0] <= 'Z' && strings.Count(t, " ") > 3
}

func langOf(p string) string {
	switch path.Ext(p) {
	case ".json":
		return "json"
	case ".yaml", ".yml":
		return "yaml"
	case ".tf", ".hcl", ".tfvars":
		return "hcl"
	}
	return ""
}

func clipLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n… (%d more lines)", len(lines)-n)
}
