package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	cases := map[string][]string{
		"":                                  nil,
		"--max-old-space-size=4096":         {"--max-old-space-size=4096"},
		`  -r  'a b' "c \"d\"" e\ f  `:      {"-r", "a b", `c "d"`, "e f"},
		`--import=tsx --enable-source-maps`: {"--import=tsx", "--enable-source-maps"},
	}
	for in, want := range cases {
		got, err := splitArgs(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := splitArgs(`"open`); err == nil {
		t.Error("expected error for unterminated quote")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestScanPulumiPackages(t *testing.T) {
	dir := t.TempDir()
	nm := filepath.Join(dir, "node_modules")
	writeFile(t, filepath.Join(dir, "package.json"), `{"name":"prog","dependencies":{"@pulumi/random":"4.21.2"}}`)
	writeFile(t, filepath.Join(nm, "@pulumi/pulumi/package.json"), `{"name":"@pulumi/pulumi","version":"3.276.0"}`)
	writeFile(t, filepath.Join(nm, "@pulumi/random/package.json"),
		`{"name":"@pulumi/random","version":"4.21.2","pulumi":{"resource":true,"name":"random","version":"4.21.2"}}`)
	// nested copy with the same version is reported once; a third-party package without a name is skipped
	writeFile(t, filepath.Join(nm, "foo/package.json"), `{"name":"foo","version":"1.0.0"}`)
	writeFile(t, filepath.Join(nm, "foo/node_modules/@pulumi/random/package.json"),
		`{"name":"@pulumi/random","version":"4.21.2","pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(nm, "thirdparty/package.json"), `{"name":"thirdparty","version":"1.0.0","pulumi":{"resource":true}}`)
	writeFile(t, filepath.Join(nm, "@acme/thing/package.json"),
		`{"name":"@acme/thing","version":"0.1.0","pulumi":{"resource":true,"name":"thing","server":"https://example.invalid"}}`)
	writeFile(t, filepath.Join(nm, ".bin/x/package.json"), `{"name":"bogus","pulumi":{"resource":true,"name":"bogus"}}`)

	got := scanPulumiPackages(dir, dir)
	names := map[string]string{}
	for _, p := range got {
		if p.Kind != "resource" {
			t.Errorf("kind %q", p.Kind)
		}
		names[p.Name] = p.Version + " " + p.Server
	}
	want := map[string]string{"random": "v4.21.2 ", "thing": "v0.1.0 https://example.invalid"}
	if !reflect.DeepEqual(names, want) || len(got) != 2 {
		t.Errorf("got %v (%d entries), want %v", names, len(got), want)
	}

	deps, err := programDependencies(dir, false)
	if err != nil || len(deps) != 1 || deps[0].Name != "@pulumi/random" || deps[0].Version != "4.21.2" {
		t.Errorf("programDependencies = %v, %v", deps, err)
	}
	all, err := programDependencies(dir, true)
	if err != nil || len(all) != 5 {
		t.Errorf("transitive programDependencies = %v, %v", all, err)
	}

	// A program in a workspace member without its own node_modules finds the hoisted one.
	sub := filepath.Join(dir, "packages", "app")
	writeFile(t, filepath.Join(sub, "package.json"), `{"name":"app"}`)
	if got := scanPulumiPackages(sub, sub); len(got) != 2 {
		t.Errorf("hoisted scan found %d packages", len(got))
	}
	// No node_modules anywhere: empty, no error.
	if got := scanPulumiPackages(t.TempDir()); len(got) != 0 {
		t.Errorf("expected nothing, got %v", got)
	}
}
