package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/catalog"
	"github.com/svcgen/svcgen/compiler"
	"github.com/svcgen/svcgen/compiler/diag"
)

func (e *env) graphCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph [DIR]",
		Short: "Draw the dependency graph with timeouts, retries and tiers",
		Long: `graph compiles the catalog in DIR (default ".") and prints its call graph:
services with their tiers, outside dependencies by kind and host, and on
every edge the per-try and total timeouts, the attempts and who retries.
Asynchronous calls are dashed; services and edges a vet rule finds fault
with are red; the graph is drawn even when rules report errors (but not when
the catalog does not compile).
Mermaid renders in GitHub and GitLab markdown; dot is Graphviz.`,
		Example: `  # Paste into a pull request or a README
  svcgen graph examples/shop

  # Render with Graphviz
  svcgen graph examples/shop --format dot | dot -Tsvg > graph.svg`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "mermaid" && format != "dot" {
				return usageErrorf("--format: unknown format %q (want mermaid or dot)", format)
			}
			c, diags, err := e.compileWith(compiler.Config{Dir: catalogDir(args), KeepModel: true}, e.stderr)
			if err != nil {
				return err
			}
			g := buildGraph(c, diags)
			if format == "dot" {
				g.dot(e.stdout)
			} else {
				g.mermaid(e.stdout)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "mermaid", "output format: mermaid or dot")
	return cmd
}

type graphNode struct {
	id, label string
	external  bool
	faulty    bool
}

type graphEdge struct {
	from, to string
	label    string
	async    bool
	faulty   bool
}

type graph struct {
	nodes []graphNode
	edges []graphEdge
}

// buildGraph lays out the catalog: one node per service (tier under the
// name), one per outside host (or per caller for a hostless database), an
// edge per dependency.
func buildGraph(c *catalog.Catalog, diags diag.List) *graph {
	faulty := map[string]bool{}
	for _, d := range diags {
		if d.Suppressed != "" {
			continue
		}
		if d.Subject != "" {
			faulty[d.Subject] = true
		}
		for _, s := range d.Edges {
			faulty[s] = true
		}
	}
	g := &graph{}
	ids := map[string]string{}
	node := func(key, label string, external bool) string {
		if id, ok := ids[key]; ok {
			return id
		}
		id := fmt.Sprintf("n%d", len(g.nodes))
		ids[key] = id
		g.nodes = append(g.nodes, graphNode{id: id, label: label, external: external})
		return id
	}
	for _, s := range c.Services {
		node("service:"+s.Name, s.Name+"\n"+string(s.Tier), false)
		g.nodes[len(g.nodes)-1].faulty = faulty[s.Name]
	}
	for _, s := range c.Services {
		for _, d := range s.Dependencies {
			var to string
			switch {
			case d.Kind == catalog.KindInternal:
				to = node("service:"+d.Service, d.Service, false)
			case d.Host != "":
				to = node("host:"+d.Host, d.Host+"\n"+string(d.Kind), true)
			default:
				to = node("dep:"+s.Name+"."+d.Name, d.Name+"\n"+string(d.Kind), true)
			}
			g.edges = append(g.edges, graphEdge{
				from: ids["service:"+s.Name],
				to:   to,
				label: fmt.Sprintf("%s per try, %s total\n%d %s (%s)",
					catalog.FormatDuration(d.Timeout.PerTry), catalog.FormatDuration(d.Timeout.Total),
					d.Retry.Attempts(), plural(d.Retry.Attempts(), "attempt"), d.Retry.Owner),
				async:  !d.Synchronous(),
				faulty: faulty[s.Name+"."+d.Name],
			})
		}
	}
	return g
}

func (g *graph) mermaid(w io.Writer) {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, n := range g.nodes {
		open, close := "[", "]"
		if n.external {
			open, close = "[(", ")]"
		}
		fmt.Fprintf(&b, "  %s%s\"%s\"%s\n", n.id, open, mermaidText(n.label), close)
	}
	for _, n := range g.nodes {
		if n.faulty {
			fmt.Fprintf(&b, "  style %s stroke:#d00000,stroke-width:3px,color:#d00000\n", n.id)
		}
	}
	var red []string
	for i, e := range g.edges {
		arrow := "-->"
		if e.async {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", e.from, arrow, mermaidText(e.label), e.to)
		if e.faulty {
			red = append(red, fmt.Sprint(i))
		}
	}
	if len(red) > 0 {
		fmt.Fprintf(&b, "  linkStyle %s stroke:#d00000,stroke-width:3px,color:#d00000\n", strings.Join(red, ","))
	}
	io.WriteString(w, b.String())
}

// mermaidText escapes a label for a quoted Mermaid string.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "\n", "<br/>").Replace(s)
}

func (g *graph) dot(w io.Writer) {
	var b strings.Builder
	b.WriteString("digraph svcgen {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	for _, n := range g.nodes {
		attrs := ""
		if n.external {
			attrs = ", shape=cylinder, style=\"\""
		}
		if n.faulty {
			attrs += ", color=\"#d00000\", fontcolor=\"#d00000\", penwidth=2"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", n.id, dotString(n.label), attrs)
	}
	for _, e := range g.edges {
		attrs := "label=" + dotString(e.label)
		if e.async {
			attrs += ", style=dashed"
		}
		if e.faulty {
			attrs += ", color=\"#d00000\", fontcolor=\"#d00000\", penwidth=2"
		}
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", e.from, e.to, attrs)
	}
	b.WriteString("}\n")
	io.WriteString(w, b.String())
}

// dotString quotes s as a DOT string.
func dotString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
