package compiler_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/svcgen/svcgen/examples"
)

// fuzzSeeds are FuzzCompile's seed inputs, two files each, drawn from the
// catalogs the repository already holds: the examples (plain, evaluated in
// chunks), the shop with one reference (evaluated whole), and catalogs of
// the CLI's bad corpus and the rules' vet corpus that reach each kind of diagnostic.
func fuzzSeeds(t *testing.T) map[string][2]string {
	t.Helper()
	seeds := map[string][2]string{}
	read := func(path string) string {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	// join concatenates catalog files into one, dropping all but the first
	// package clause.
	join := func(texts ...string) string {
		var b strings.Builder
		for i, text := range texts {
			if i > 0 {
				text = strings.Replace(text, "package catalog\n", "", 1)
			}
			b.WriteString(text)
		}
		return b.String()
	}
	shop := func(name string) string { return read(filepath.Join(examples.Dir("shop"), name)) }
	seeds["example-minimal"] = [2]string{read(filepath.Join(examples.Dir("minimal"), "catalog.cue")), "package catalog\n"}
	seeds["example-shop"] = [2]string{
		join(shop("settings.cue"), shop("teams.cue")),
		join(shop("gateway.cue"), shop("orders.cue"), shop("payments.cue")),
	}
	seeds["example-shop-whole"] = [2]string{
		join(shop("settings.cue"), shop("teams.cue")),
		join(shop("gateway.cue"), shop("orders.cue"), shop("payments.cue")) +
			"\n_live: \"blue\"\nservices: order: deploy: blueGreen: active: _live\n",
	}
	mesh := filepath.Join(examples.Root(), "emitters", "istio", "testdata", "mesh")
	seeds["istio-mesh"] = [2]string{read(filepath.Join(mesh, "settings.cue")), read(filepath.Join(mesh, "services.cue"))}

	cli := filepath.Join(examples.Root(), "cmd", "svcgen", "cli", "testdata")
	vet := filepath.Join(examples.Root(), "compiler", "check", "testdata")
	for _, name := range []string{
		"bad/syntax_error", "bad/wrong_package", "bad/no_package", "bad/conflict_files", "bad/typo_field",
		"bad/typo_toplevel", "bad/enum_tier", "bad/missing_image", "bad/no_default_receiver", "bad/name_dotdot",
		"bad/inline_secret", "bad/bad_duration", "bad/objective_100", "bad/wrong_type", "bad/bad_max_surge",
		"bad/buckets_order", "bad/breaker_count_fields", "bad/unknown_ignore_rule",
		"vet/retry-amplification/limit_from_settings", "vet/synchronous-cycle/tangle",
		"vet/timeout-hierarchy/one_caller_suppressed", "vet/slo-feasibility/hard_dependencies",
		"vet/bulkhead-too-small/edge_traffic", "vet/double-retry-owner/http_store_without_host",
		"vet/mesh-host-conflict/port", "vet/budget-blocks-eviction/max_unavailable_zero",
	} {
		dir := cli
		if strings.HasPrefix(name, "vet/") {
			dir = vet
		}
		ar, err := txtar.ParseFile(filepath.Join(dir, name+".txtar"))
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, f := range ar.Files {
			if strings.HasPrefix(f.Name, "catalog/") {
				texts = append(texts, string(f.Data))
			}
		}
		if len(texts) == 1 {
			texts = append(texts, "package catalog\n")
		}
		if len(texts) != 2 {
			t.Fatalf("%s: %d catalog files, want 1 or 2", name, len(texts))
		}
		seeds[strings.ReplaceAll(name, "/", "-")] = [2]string{texts[0], texts[1]}
	}
	return seeds
}

// The committed seed corpus holds every seed as fuzzSeeds draws it from the
// repository; SVCGEN_UPDATE=1 rewrites it. Other files there are inputs a
// fuzzing run found, kept as regression tests, and are left alone.
func TestFuzzCompileSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzCompile")
	for name, seed := range fuzzSeeds(t) {
		want := "go test fuzz v1\nstring(" + strconv.Quote(seed[0]) + ")\nstring(" + strconv.Quote(seed[1]) + ")\n"
		path := filepath.Join(dir, name)
		if os.Getenv("SVCGEN_UPDATE") != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("seed %s is missing or stale (SVCGEN_UPDATE=1 go test ./compiler/ rewrites it): %v", path, err)
		}
	}
}
