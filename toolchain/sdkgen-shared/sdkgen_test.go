package sdkgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(spec, []byte(`{"name": "demo", "version": "1.2.3"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	gen := func(lang string, pkg *schema.Package) (map[string][]byte, error) {
		return map[string][]byte{"sub/" + lang + ".txt": []byte(pkg.Name + " " + pkg.Version.String())}, nil
	}
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(out, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "a", "stale"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{spec, out}, []string{"a", "b"}, nil, gen); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"a", "b"} {
		text, err := os.ReadFile(filepath.Join(out, lang, "sub", lang+".txt"))
		if err != nil || string(text) != "demo 1.2.3" {
			t.Errorf("%s: %q, %v", lang, text, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "a", "stale")); !os.IsNotExist(err) {
		t.Errorf("the language's old folder must be replaced: %v", err)
	}
	if err := run([]string{spec}, []string{"a"}, nil, gen); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("missing OUTDIR: %v", err)
	}
}
