package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/protobuf/types/known/structpb"
)

func info(t *testing.T, options map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	s, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{RootDirectory: "/proj", ProgramDirectory: "/proj/src", EntryPoint: ".", Options: s}
}

func TestParseOptions(t *testing.T) {
	opts, err := parseOptions(info(t, map[string]any{"virtualenv": "venv", "toolchain": "pip"}))
	if err != nil {
		t.Fatal(err)
	}
	want := toolchain.PythonOptions{Root: "/proj", ProgramDir: "/proj/src", Virtualenv: "venv", Toolchain: toolchain.Pip}
	if !reflect.DeepEqual(opts, want) {
		t.Errorf("parseOptions = %+v, want %+v", opts, want)
	}
	if opts, _ := parseOptions(info(t, nil)); opts.Toolchain != toolchain.Auto || opts.Virtualenv != "" {
		t.Errorf("no options: %+v", opts)
	}
	for _, tc := range []struct {
		options map[string]any
		message string
	}{
		{map[string]any{"toolchain": "conda"}, "unsupported toolchain option: conda (use pip, poetry or uv)"},
		{map[string]any{"virtualenv": 3}, "the virtualenv runtime option must be a string"},
		{map[string]any{"typechecker": "mypy"}, "the typechecker runtime option is not supported by this Python language host"},
	} {
		if _, err := parseOptions(info(t, tc.options)); err == nil || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("parseOptions(%v) = %v; want %q", tc.options, err, tc.message)
		}
	}
}

func TestRunArgs(t *testing.T) {
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:1", Project: "proj", Stack: "dev", Pwd: "/proj/src", DryRun: true,
		Parallel: 8, Organization: "org", Args: []string{"extra"}, Info: info(t, nil),
	}
	got := runArgs(req, "127.0.0.1:2", "")
	want := []string{
		"--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--project", "proj", "--root_directory", "/proj",
		"--stack", "dev", "--pwd", "/proj/src", "--dry_run", "true", "--parallel", "8", "--organization", "org", ".", "extra",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("runArgs =\n%q\nwant\n%q", got, want)
	}
	// An update is not a dry run; no organization, no entry point: the program directory.
	got = runArgs(&pulumirpc.RunRequest{Project: "p", Stack: "s"}, "e", "")
	if joined := strings.Join(got, " "); joined != "--engine e --project p --stack s --dry_run false --parallel 0 ." {
		t.Errorf("runArgs = %q", joined)
	}
}

func TestPluginVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1":                "1.0.0",
		"1.2":              "1.2.0",
		"0.1.0":            "0.1.0",
		"3.272.0":          "3.272.0",
		"1.2.3.4":          "1.2.3.4",
		"2.14.0a16":        "2.14.0-alpha.16",
		"2.14.0b2":         "2.14.0-beta.2",
		"2.14.0rc1":        "2.14.0-rc.1",
		"1.2.3.post4":      "1.2.3+post4",
		"1.2.3.dev5":       "1.2.3+dev5",
		"1.2.3.post4.dev5": "1.2.3+post4dev5",
	} {
		if got, err := pluginVersion(in); err != nil || got != want {
			t.Errorf("pluginVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1!2.0", "1.0+local", "abc", "1.0.0-beta"} {
		if got, err := pluginVersion(bad); err == nil {
			t.Errorf("pluginVersion(%q) = %q; want an error", bad, got)
		}
	}
}

func TestPulumiPackages(t *testing.T) {
	site := t.TempDir()
	write := func(rel, text string) {
		path := filepath.Join(site, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pulumi_rekko/pulumi-plugin.json", `{"resource": true, "name": "rekko", "version": "0.1.0", "server": "github://api.github.com/o/r"}`)
	write("pulumi_tools/pulumi-plugin.json", `{"resource": false}`)
	write("acme_thing/pulumi-plugin.json", `{"resource": true, "name": "acme"}`)
	list := []installed{
		{Name: "pulumi", Version: "3.272.0", Location: site},           // the SDK itself: no plugin
		{Name: "pulumi_rekko", Version: "0.1.0", Location: site},       // a generated SDK
		{Name: "pulumi-tools", Version: "1.0", Location: site},         // "resource": false
		{Name: "pulumi-random", Version: "4.21.2", Location: site},     // no pulumi-plugin.json: from its name
		{Name: "pulumi_policy", Version: "1.0", Location: site},        // known to have no plugin
		{Name: "pulumi-nightly", Version: "1.0+local", Location: site}, // no plugin version
		{Name: "acme.thing", Version: "2.1", Location: site},           // not pulumi-*, but has pulumi-plugin.json
		{Name: "grpcio", Version: "1.70.0", Location: site},
	}
	var got []string
	for _, p := range pulumiPackages(list) {
		got = append(got, p.GetName()+"@"+p.GetVersion()+" "+p.GetServer()+" "+p.GetKind())
	}
	want := []string{
		"rekko@v0.1.0 github://api.github.com/o/r resource",
		"random@v4.21.2  resource",
		"acme@v2.1.0  resource",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pulumiPackages =\n%q\nwant\n%q", got, want)
	}
}

// listInstalled runs the listing script in a real Python (the one on PATH: no virtualenv).
func TestListInstalled(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3 on PATH")
	}
	tc, err := toolchain.ResolveToolchain(toolchain.PythonOptions{Toolchain: toolchain.Pip})
	if err != nil {
		t.Fatal(err)
	}
	list, err := listInstalled(context.Background(), tc, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list {
		if normalize(p.Name) == "pip" {
			if p.Version == "" || !filepath.IsAbs(p.Location) {
				t.Errorf("pip listed as %+v", p)
			}
			if _, err := os.Stat(filepath.Join(p.Location, "pip", "__init__.py")); err != nil {
				t.Errorf("pip's location %s does not hold the pip module: %v", p.Location, err)
			}
			return
		}
	}
	t.Errorf("pip not among the %d installed distributions", len(list))
}
