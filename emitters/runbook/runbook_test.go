package runbook

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/conventions"
	"github.com/svcgen/svcgen/emitters/alertmanager"
	"github.com/svcgen/svcgen/emitters/prometheus"
	"github.com/svcgen/svcgen/examples"
)

// section is one heading of a parsed page with the text under it (up to
// the next heading of the same or a higher level).
type section struct {
	level int
	text  string // the heading's text
	id    string // goldmark's auto heading id
	body  string // source of everything under it
}

// parsed is a runbook page as a CommonMark parser (with GFM tables) reads it.
type parsed struct {
	sections []section
	ids      map[string]bool
	links    []string
	tables   int
	html     int
}

func parse(t *testing.T, name string, src []byte) parsed {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	root := md.Parser().Parse(text.NewReader(src))
	p := parsed{ids: map[string]bool{}}
	type start struct {
		level int
		from  int
	}
	var starts []start
	err := ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			var txt strings.Builder
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				tn, ok := c.(*ast.Text)
				if !ok {
					t.Errorf("%s: heading has a %s, not plain text", name, c.Kind())
					continue
				}
				txt.Write(tn.Segment.Value(src))
			}
			p.sections = append(p.sections, section{level: n.Level, text: txt.String(), id: string(id.([]byte))})
			starts = append(starts, start{n.Level, n.Lines().At(0).Stop})
		case *ast.Link:
			p.links = append(p.links, string(n.Destination))
		case *ast.AutoLink:
			t.Errorf("%s: autolink %s: URLs are meant to be in links", name, n.URL(src))
		case *extast.Table:
			p.tables++
		case *ast.HTMLBlock:
			p.html++
		case *ast.RawHTML:
			t.Errorf("%s: raw HTML inline: catalog text was not escaped", name)
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Each section's body runs to the next heading of its level or above.
	for i := range p.sections {
		end := len(src)
		for j := i + 1; j < len(p.sections); j++ {
			if p.sections[j].level <= p.sections[i].level {
				end = bytes.LastIndexByte(src[:starts[j].from], '\n')
				break
			}
		}
		p.sections[i].body = string(src[starts[i].from:max(end, starts[i].from)])
		if p.ids[p.sections[i].id] {
			t.Errorf("%s: two headings with the anchor #%s", name, p.sections[i].id)
		}
		p.ids[p.sections[i].id] = true
	}
	return p
}

// TestRunbookURLsResolve holds the alerts and the runbooks together: every
// runbook_url of every generated rule is a heading of a generated page whose
// section states the rule's severity and `for`, every alert section of a
// page is a rule, and every page parses as CommonMark into what it means to
// be (one title, levels without gaps, links to its own headings that exist).
func TestRunbookURLsResolve(t *testing.T) {
	for _, ex := range examples.Names() {
		t.Run(ex, func(t *testing.T) {
			c := examples.Compile(t, ex)
			pages := map[string]parsed{}
			files, err := Emitter{}.Emit(c)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != len(c.Services) {
				t.Fatalf("%d pages for %d services", len(files), len(c.Services))
			}
			for _, f := range files {
				if !bytes.HasPrefix(f.Data, []byte(header)) {
					t.Errorf("%s: no generated-file header", f.Path)
				}
				pages[f.Path] = checkPage(t, f.Path, f.Data)
			}
			rules, err := prometheus.Emitter{}.Emit(c)
			if err != nil {
				t.Fatal(err)
			}
			documented := map[string]bool{} // path#id of alert sections a rule links to
			base := c.Settings.Links.Runbooks + "/"
			for _, f := range rules {
				if !strings.HasSuffix(f.Path, ".rules.yml") {
					continue
				}
				var groups rulefmt.RuleGroups
				if err := yaml.Unmarshal(f.Data, &groups); err != nil {
					t.Fatal(err)
				}
				for _, g := range groups.Groups {
					for _, r := range g.Rules {
						if r.Alert == "" {
							continue
						}
						u := r.Annotations["runbook_url"]
						svc, frag, ok := strings.Cut(strings.TrimPrefix(u, base), "#")
						if !strings.HasPrefix(u, base) || !ok || frag == "" {
							t.Errorf("%s %s: runbook_url %q is not a section under %s", f.Path, r.Alert, u, base)
							continue
						}
						path := conventions.RunbookPath(svc)
						page, ok := pages[path]
						if !ok {
							t.Errorf("%s %s: runbook_url %q: no page %s", f.Path, r.Alert, u, path)
							continue
						}
						sec := page.find(frag)
						if sec == nil {
							t.Errorf("%s %s: runbook_url %q: %s has no heading #%s", f.Path, r.Alert, u, path, frag)
							continue
						}
						documented[path+"#"+frag] = true
						if sec.level != 3 || !strings.HasPrefix(sec.text, r.Alert) {
							t.Errorf("%s %s: #%s is %q at level %d", f.Path, r.Alert, frag, sec.text, sec.level)
						}
						if want := "**Pending for:** `" + catalog.FormatDuration(time.Duration(r.For)) + "`"; !strings.Contains(sec.body, want) {
							t.Errorf("%s %s: section #%s does not say %s:\n%s", f.Path, r.Alert, frag, want, sec.body)
						}
						if sev := r.Labels[conventions.AlertLabelSeverity]; !strings.Contains(sec.body, "**Severity:** ") ||
							!strings.Contains(sec.body[strings.Index(sec.body, "**Severity:** "):], sev) {
							t.Errorf("%s %s: section #%s does not name severity %s", f.Path, r.Alert, frag, sev)
						}
						if _, err := url.Parse(u); err != nil {
							t.Errorf("%s %s: runbook_url %q: %v", f.Path, r.Alert, u, err)
						}
					}
				}
			}
			for path, page := range pages {
				for _, s := range page.sections {
					if s.level == 3 && !documented[path+"#"+s.id] {
						t.Errorf("%s: section %q documents an alert no rule raises", path, s.text)
					}
				}
			}
		})
	}
}

func (p parsed) find(id string) *section {
	for i := range p.sections {
		if p.sections[i].id == id {
			return &p.sections[i]
		}
	}
	return nil
}

func checkPage(t *testing.T, name string, data []byte) parsed {
	t.Helper()
	p := parse(t, name, data)
	if len(p.sections) == 0 || p.sections[0].level != 1 {
		t.Fatalf("%s: does not open with a title", name)
	}
	last := 0
	for i, s := range p.sections {
		if s.level == 1 && i > 0 {
			t.Errorf("%s: a second title %q", name, s.text)
		}
		if s.level > last+1 {
			t.Errorf("%s: heading %q skips from level %d to %d", name, s.text, last, s.level)
		}
		last = s.level
		// The anchors alerts link to are computed by conventions.Slug; the
		// parser's own ids must agree with it.
		if got := conventions.Slug(s.text); got != s.id {
			t.Errorf("%s: heading %q: conventions.Slug %q, parser id %q", name, s.text, got, s.id)
		}
	}
	for _, l := range p.links {
		switch {
		case strings.HasPrefix(l, "#"):
			if !p.ids[l[1:]] {
				t.Errorf("%s: link %s to no heading", name, l)
			}
		case strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://"):
		default:
			t.Errorf("%s: link %q is neither a heading nor an absolute URL", name, l)
		}
	}
	if p.html != 1 {
		t.Errorf("%s: %d HTML blocks, want only the generated-file comment", name, p.html)
	}
	return p
}

// A dependency table per service with dependencies, each a real table.
func TestDependencyTable(t *testing.T) {
	c := examples.Compile(t, "shop")
	for _, s := range c.Services {
		p := parse(t, s.Name, page(c, s))
		want := 0
		if len(s.Dependencies) > 0 {
			want = 1
		}
		if p.tables != want {
			t.Errorf("%s: %d tables for %d dependencies", s.Name, p.tables, len(s.Dependencies))
		}
	}
}

// The page names the receivers Alertmanager routes the service's alerts to.
func TestRoutingAgreesWithAlertmanager(t *testing.T) {
	for _, ex := range examples.Names() {
		c := examples.Compile(t, ex)
		for _, s := range c.Services {
			p := &pageCtx{c: c, s: s, d: &doc{}}
			critical, warning := p.routing()
			want := alertmanager.TeamRouting(c, c.Team(s.Team))
			if !strings.HasPrefix(critical, inlineCode(want.Critical)) || !strings.HasPrefix(warning, inlineCode(want.Warning)) {
				t.Errorf("%s/%s: runbook routes critical to %s, warning to %s; Alertmanager to %s, %s", ex, s.Name, critical, warning, want.Critical, want.Warning)
			}
		}
	}
}

// Each strategy's rollback is its exact undo.
func TestRollback(t *testing.T) {
	c := examples.Compile(t, "shop")
	for _, tc := range []struct {
		service string
		want    []string
	}{
		{"order", []string{"services: order: deploy: blueGreen: active: \"green\"", "kubectl patch service order -n shop"}},
		{"payment", []string{"services: payment: deploy: canary: weight: 0", "kubectl apply -f istio/payment.yaml"}},
		{"product", []string{"kubectl rollout undo deployment/product -n shop"}},
	} {
		s := c.Service(tc.service)
		if s == nil {
			t.Fatalf("no service %s in examples/shop", tc.service)
		}
		got := string(page(c, s))
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s (%s): rollback lacks %q", tc.service, s.Deploy.Strategy, w)
			}
		}
	}
}

// Catalog text cannot turn into markup: a description full of Markdown and
// HTML reads back as the same text.
func TestEscape(t *testing.T) {
	const nasty = "a *b* _c_ `d` [e](f) <script>x</script> | g & h \\ ~i~"
	src := []byte("p " + escape(nasty) + "\n")
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	var out bytes.Buffer
	if err := md.Convert(src, &out); err != nil {
		t.Fatal(err)
	}
	want := "<p>p a *b* _c_ `d` [e](f) &lt;script&gt;x&lt;/script&gt; | g &amp; h \\ ~i~</p>\n"
	if out.String() != want {
		t.Errorf("escaped text renders as\n%s\nwant\n%s", out.String(), want)
	}
	if got := inlineCode("a`b"); got != "``a`b``" {
		t.Errorf("inlineCode = %s", got)
	}
}
