package cli

import (
	"fmt"
	"io"
	"slices"
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
with are red and name the rule; a legend says so. The graph is drawn even
when rules report errors (but not when the catalog does not compile).
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

// faultLabel is the line a red node or edge gets: the rules that found
// fault with it.
func faultLabel(rules []string) string { return "✗ " + strings.Join(rules, ", ") }

// The legend's entries, drawn after the graph (so that the graph's own
// edges keep their indexes in Mermaid's linkStyle).
const (
	legendService = "service\ntier"
	legendOutside = "outside dependency\nkind or host"
	legendSync    = "synchronous call:\nper try, total\nattempts (who retries)"
	legendAsync   = "asynchronous call"
	legendFaulty  = "a vet finding:\n✗ the rule"
	legendCallee  = "callee"
)

// buildGraph lays out the catalog: one node per service (tier under the
// name), one per outside host (or per caller for a hostless database), an
// edge per dependency.
func buildGraph(c *catalog.Catalog, diags diag.List) *graph {
	// faulty maps a service or an edge to the rules that found fault
	// with it, sorted and once each.
	faulty := map[string][]string{}
	mark := func(subject, rule string) {
		if !slices.Contains(faulty[subject], rule) {
			faulty[subject] = append(faulty[subject], rule)
			slices.Sort(faulty[subject])
		}
	}
	for _, d := range diags {
		if d.Suppressed != "" {
			continue
		}
		if d.Subject != "" {
			mark(d.Subject, d.Rule)
		}
		for _, s := range d.Edges {
			mark(s, d.Rule)
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
		label := s.Name + "\n" + string(s.Tier)
		if rules := faulty[s.Name]; len(rules) > 0 {
			label += "\n" + faultLabel(rules)
		}
		node("service:"+s.Name, label, false)
		g.nodes[len(g.nodes)-1].faulty = len(faulty[s.Name]) > 0
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
			label := fmt.Sprintf("%s per try, %s total\n%d %s (%s)",
				catalog.FormatDuration(d.Timeout.PerTry), catalog.FormatDuration(d.Timeout.Total),
				d.Retry.Attempts(), plural(d.Retry.Attempts(), "attempt"), d.Retry.Owner)
			rules := faulty[s.Name+"."+d.Name]
			if len(rules) > 0 {
				label += "\n" + faultLabel(rules)
			}
			g.edges = append(g.edges, graphEdge{
				from:   ids["service:"+s.Name],
				to:     to,
				label:  label,
				async:  !d.Synchronous(),
				faulty: len(rules) > 0,
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
	b.WriteString("  subgraph legend[\"Legend\"]\n    direction LR\n")
	fmt.Fprintf(&b, "    legend0[\"%s\"] -->|\"%s\"| legend1[(\"%s\")]\n", mermaidText(legendService), mermaidText(legendSync), mermaidText(legendOutside))
	fmt.Fprintf(&b, "    legend2[\"%s\"] -.->|\"%s\"| legend3[\"%s\"]\n", mermaidText(legendService), mermaidText(legendAsync), mermaidText(legendCallee))
	if g.hasFaults() {
		fmt.Fprintf(&b, "    legend4[\"%s\"] -->|\"%s\"| legend5[\"%s\"]\n", mermaidText(legendService), mermaidText(legendFaulty), mermaidText(legendCallee))
	}
	b.WriteString("  end\n")
	if g.hasFaults() {
		fmt.Fprintf(&b, "  linkStyle %d stroke:#d00000,stroke-width:3px,color:#d00000\n", len(g.edges)+2)
	}
	io.WriteString(w, b.String())
}

// hasFaults reports whether anything is drawn red (the legend then says why).
func (g *graph) hasFaults() bool {
	for _, n := range g.nodes {
		if n.faulty {
			return true
		}
	}
	for _, e := range g.edges {
		if e.faulty {
			return true
		}
	}
	return false
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
	red := `, color="#d00000", fontcolor="#d00000", penwidth=2`
	b.WriteString("  subgraph cluster_legend {\n    label=\"Legend\";\n")
	fmt.Fprintf(&b, "    legend0 [label=%s];\n    legend1 [label=%s, shape=cylinder, style=\"\"];\n    legend0 -> legend1 [label=%s];\n",
		dotString(legendService), dotString(legendOutside), dotString(legendSync))
	fmt.Fprintf(&b, "    legend2 [label=%s];\n    legend3 [label=%s];\n    legend2 -> legend3 [label=%s, style=dashed];\n",
		dotString(legendService), dotString(legendCallee), dotString(legendAsync))
	if g.hasFaults() {
		fmt.Fprintf(&b, "    legend4 [label=%s];\n    legend5 [label=%s];\n    legend4 -> legend5 [label=%s%s];\n",
			dotString(legendService), dotString(legendCallee), dotString(legendFaulty), red)
	}
	b.WriteString("  }\n}\n")
	io.WriteString(w, b.String())
}

// dotString quotes s as a DOT string.
func dotString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
