package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/svcgen/svcgen/catalog"
)

// Format is an output format for diagnostics.
type Format string

// Formats.
const (
	Text   Format = "text"
	JSON   Format = "json"
	GitHub Format = "github"
)

// Formats lists the accepted formats, for flag help.
var Formats = []Format{Text, JSON, GitHub}

// ParseFormat accepts "text", "json" and "github".
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want text, json or github)", s)
}

// MaxShown is how many diagnostics the text and GitHub formats print; a
// line saying how many more there are follows. A mangled file can produce
// tens of thousands, which bury the first (usually the cause of the rest)
// and flood a terminal or a pull request. JSON, for programs, holds all.
const MaxShown = 100

// shown returns the unsuppressed diagnostics of l the text and GitHub
// formats print, and how many more there are.
func shown(l List) (List, int) {
	var out List
	more := 0
	for _, d := range l {
		if d.Suppressed != "" {
			continue
		}
		if len(out) == MaxShown {
			more++
			continue
		}
		out = append(out, d)
	}
	return out, more
}

// moreLine says how many diagnostics were not printed, and where to find
// them.
func moreLine(l List, more int) string {
	return fmt.Sprintf("svcgen: %d more not shown (%s and %s in all; --format json lists every one): fix the first ones, they often cause the rest",
		more, plural(l.Errors(), "error"), plural(l.Warnings(), "warning"))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Write prints l in format f with positions relative to dir. Suppressed
// findings appear only in JSON, with their reasons. Text and GitHub print
// the first MaxShown.
func Write(w io.Writer, l List, f Format, dir string) error {
	switch f {
	case JSON:
		return writeJSON(w, l, dir)
	case GitHub:
		return writeGitHub(w, l, dir)
	default:
		return writeText(w, l, dir)
	}
}

func writeText(w io.Writer, l List, dir string) error {
	var b strings.Builder
	list, more := shown(l)
	for _, d := range list {
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", d.Pos.Rel(dir), d.Severity, d.Message, d.Rule)
		for _, r := range d.Related {
			fmt.Fprintf(&b, "\t%s: %s\n", r.Pos.Rel(dir), r.Message)
		}
	}
	if more > 0 {
		b.WriteString(moreLine(l, more) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type jsonPos struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

func toJSONPos(p catalog.Pos, dir string) jsonPos {
	p = p.Rel(dir)
	return jsonPos{File: p.Filename, Line: p.Line, Column: p.Column}
}

type jsonRelated struct {
	jsonPos
	Message string `json:"message"`
}

type jsonDiag struct {
	jsonPos
	Severity   Severity      `json:"severity"`
	Rule       string        `json:"rule"`
	Message    string        `json:"message"`
	Subject    string        `json:"subject,omitempty"`
	Related    []jsonRelated `json:"related,omitempty"`
	Suppressed bool          `json:"suppressed,omitempty"`
	Reason     string        `json:"reason,omitempty"`
}

func writeJSON(w io.Writer, l List, dir string) error {
	out := struct {
		Diagnostics []jsonDiag `json:"diagnostics"`
		Errors      int        `json:"errors"`
		Warnings    int        `json:"warnings"`
	}{Diagnostics: []jsonDiag{}, Errors: l.Errors(), Warnings: l.Warnings()}
	for _, d := range l {
		jd := jsonDiag{
			jsonPos:    toJSONPos(d.Pos, dir),
			Severity:   d.Severity,
			Rule:       d.Rule,
			Message:    d.Message,
			Subject:    d.Subject,
			Suppressed: d.Suppressed != "",
			Reason:     d.Suppressed,
		}
		for _, r := range d.Related {
			jd.Related = append(jd.Related, jsonRelated{jsonPos: toJSONPos(r.Pos, dir), Message: r.Message})
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeGitHub prints workflow commands that GitHub Actions turns into
// annotations on the pull request's files.
func writeGitHub(w io.Writer, l List, dir string) error {
	var b strings.Builder
	list, more := shown(l)
	for _, d := range list {
		p := d.Pos.Rel(dir)
		msg := d.Message
		for _, r := range d.Related {
			msg += "\n" + r.Pos.Rel(dir).String() + ": " + r.Message
		}
		fmt.Fprintf(&b, "::%s file=%s,line=%d,col=%d,title=%s::%s\n",
			d.Severity, ghProperty(p.Filename), p.Line, p.Column, ghProperty("svcgen "+d.Rule), ghData(msg))
	}
	if more > 0 {
		fmt.Fprintf(&b, "::notice title=svcgen::%s\n", ghData(moreLine(l, more)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
