package cli

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// vetStrict runs `svcgen vet --strict` on files written into a fresh
// directory and fails the test unless it passes clean.
func vetStrict(t *testing.T, what string, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"vet", "--strict", dir}, &stdout, &stderr); code != ExitOK || stdout.Len() != 0 || stderr.Len() != 0 {
		t.Errorf("%s: vet --strict exits %d:\n%s%s", what, code, stdout.String(), stderr.String())
	}
}

// commentedExample matches a line of a commented example in a scaffolded
// file: a comment whose text starts with a tab (prose comments start with a
// space).
var commentedExample = regexp.MustCompile(`^(\s*)//\t(.*)$`)

// The starter catalog passes vet --strict as written, and so does it with
// each of its commented examples uncommented where it stands.
func TestScaffoldPassesVetStrict(t *testing.T) {
	files := map[string]string{}
	entries, err := fs.ReadDir(scaffold, "scaffold")
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		data, err := scaffold.ReadFile("scaffold/" + en.Name())
		if err != nil {
			t.Fatal(err)
		}
		files[en.Name()] = string(data)
	}
	vetStrict(t, "the starter catalog", files)

	examples := 0
	for name, text := range files {
		lines := strings.Split(text, "\n")
		for i := 0; i < len(lines); i++ {
			if !commentedExample.MatchString(lines[i]) {
				continue
			}
			// One example: the run of such lines, uncommented in place.
			variant := append([]string(nil), lines...)
			j := i
			for ; j < len(lines) && commentedExample.MatchString(lines[j]); j++ {
				m := commentedExample.FindStringSubmatch(lines[j])
				variant[j] = m[1] + m[2]
			}
			examples++
			changed := map[string]string{}
			for n, t := range files {
				changed[n] = t
			}
			changed[name] = strings.Join(variant, "\n")
			vetStrict(t, name+": the example at line "+strconv.Itoa(i+1)+", uncommented", changed)
			i = j
		}
	}
	if examples == 0 {
		t.Fatal("no commented example found in the scaffold; the test checks nothing")
	}
}

// Every catalog example in the README passes vet --strict: a complete one
// (with its package clause) alone, a fragment together with the README's
// first complete catalog. Every `$ svcgen explain` example shows lines the
// command prints (alignment aside; "..." stands for the rest).
func TestReadmeExamples(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?ms)^```(\\w*)\\n(.*?)^```$")
	var base string
	catalogs, commands := 0, 0
	for _, m := range block.FindAllStringSubmatch(string(readme), -1) {
		lang, body := m[1], m[2]
		switch {
		case lang == "cue" && strings.Contains(body, "package catalog"):
			if base == "" {
				base = body
			}
			catalogs++
			vetStrict(t, "README catalog "+strconv.Itoa(catalogs), map[string]string{"catalog.cue": body})
		case lang == "cue":
			if base == "" {
				t.Fatal("a README fragment comes before any complete catalog")
			}
			catalogs++
			vetStrict(t, "README fragment "+strconv.Itoa(catalogs), map[string]string{"catalog.cue": base, "fragment.cue": "package catalog\n\n" + body})
		case lang == "" && strings.HasPrefix(body, "$ svcgen explain "):
			commands++
			checkExplainExample(t, root, body)
		}
	}
	if catalogs < 2 || commands < 2 {
		t.Fatalf("found %d catalog examples and %d explain examples in the README; the test expects more", catalogs, commands)
	}
}

func checkExplainExample(t *testing.T, root, body string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	args := strings.Fields(strings.TrimPrefix(lines[0], "$ svcgen "))
	t.Chdir(root)
	var stdout, stderr bytes.Buffer
	if code := Main(args, &stdout, &stderr); code != ExitOK {
		t.Fatalf("%s: exit %d: %s", lines[0], code, stderr.String())
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	got := map[string]bool{}
	for _, l := range strings.Split(stdout.String(), "\n") {
		got[norm(l)] = true
	}
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) == "..." {
			continue
		}
		if !got[norm(l)] {
			t.Errorf("%s: the README shows %q, which the command does not print:\n%s", lines[0], strings.TrimSpace(l), stdout.String())
		}
	}
}
