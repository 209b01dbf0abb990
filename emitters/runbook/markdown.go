package runbook

import (
	"strings"
)

// doc builds a CommonMark document. Text from the catalog goes through
// escape (inline) or a fenced block long enough for it; headings hold only
// names the schema restricts to DNS labels and alert names.
type doc struct {
	b strings.Builder
}

func (d *doc) heading(level int, text string) {
	d.b.WriteString(strings.Repeat("#", level) + " " + text + "\n\n")
}

// para writes a paragraph of already-escaped inline Markdown.
func (d *doc) para(inline string) {
	d.b.WriteString(inline + "\n\n")
}

// list writes a bullet list (ordered when numbered) of inline Markdown items.
func (d *doc) list(numbered bool, items ...string) {
	for i, it := range items {
		if numbered {
			d.b.WriteString(itoa(i+1) + ". " + it + "\n")
		} else {
			d.b.WriteString("- " + it + "\n")
		}
	}
	d.b.WriteString("\n")
}

// code writes a fenced code block whose fence is longer than any run of
// backticks in text.
func (d *doc) code(lang, text string) {
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	d.b.WriteString(fence + lang + "\n" + strings.TrimRight(text, "\n") + "\n" + fence + "\n\n")
}

// table writes a GFM table (plain CommonMark reads it as a paragraph; it
// parses either way). Cells are inline Markdown with | escaped by cell.
func (d *doc) table(header []string, rows [][]string) {
	row := func(cells []string) {
		d.b.WriteString("|")
		for _, c := range cells {
			d.b.WriteString(" " + c + " |")
		}
		d.b.WriteString("\n")
	}
	row(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	row(sep)
	for _, r := range rows {
		row(r)
	}
	d.b.WriteString("\n")
}

func (d *doc) bytes() []byte { return []byte(d.b.String()) }

// escape makes catalog text read as itself in inline Markdown, away from
// the start of a line (where #, -, + and digits followed by . would start a
// block; the pages never put catalog text there).
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&", r) {
			b.WriteByte('\\')
		}
		if r == '\n' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cell is escape for a table cell (where | is escaped too, which escape
// already does).
func cell(s string) string { return escape(s) }

// inlineCode is s as a code span, fenced by more backticks than it holds.
func inlineCode(s string) string {
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// link is an inline link to url with escaped text. The URL is written in
// angle brackets, which take any character but <, > and newlines; the
// schema's #URL excludes them.
func link(text, url string) string {
	url = strings.NewReplacer("<", "%3C", ">", "%3E").Replace(url)
	return "[" + escape(text) + "](<" + url + ">)"
}

func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}
