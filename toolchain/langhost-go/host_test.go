package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestProgramEnv(t *testing.T) {
	req := &pulumirpc.RunRequest{
		Project:          "proj",
		Stack:            "dev",
		Organization:     "organization",
		Config:           map[string]string{"rekko:apiKey": "k", "proj:n": "1"},
		ConfigSecretKeys: []string{"rekko:apiKey"},
		DryRun:           true,
		Parallel:         16,
		MonitorAddress:   "127.0.0.1:1",
		Info:             &pulumirpc.ProgramInfo{RootDirectory: "/root/dir"},
	}
	base := []string{"HOME=/h", "PULUMI_CONFIG={\"stale\":\"x\"}", "PULUMI_PLUGINS=true", "PULUMI_HOME=/p"}
	env, err := programEnv(base, req, "127.0.0.1:2")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"HOME=/h", "PULUMI_HOME=/p",
		"PULUMI_ORGANIZATION=organization", "PULUMI_PROJECT=proj", "PULUMI_ROOT_DIRECTORY=/root/dir",
		"PULUMI_STACK=dev", `PULUMI_CONFIG={"proj:n":"1","rekko:apiKey":"k"}`,
		`PULUMI_CONFIG_SECRET_KEYS=["rekko:apiKey"]`, "PULUMI_DRY_RUN=true", "PULUMI_PARALLEL=16",
		"PULUMI_MONITOR=127.0.0.1:1", "PULUMI_ENGINE=127.0.0.1:2",
	}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("programEnv =\n%q\nwant\n%q", env, want)
	}

	// No config and no organization: empty JSON values, no PULUMI_ORGANIZATION; an update is not a dry run.
	env, _ = programEnv(nil, &pulumirpc.RunRequest{Project: "p", Stack: "s"}, "e")
	joined := strings.Join(env, "\n")
	for _, w := range []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]", "PULUMI_DRY_RUN=false"} {
		if !strings.Contains(joined, w) {
			t.Errorf("missing %s in %q", w, env)
		}
	}
	if strings.Contains(joined, "PULUMI_ORGANIZATION") {
		t.Errorf("unexpected PULUMI_ORGANIZATION in %q", env)
	}
}

func TestCheckOptions(t *testing.T) {
	if err := checkOptions(nil); err != nil {
		t.Error(err)
	}
	opts, _ := structpb.NewStruct(map[string]any{"buildTarget": "bin/x", "binary": "x"})
	err := checkOptions(opts)
	if err == nil || !strings.Contains(err.Error(), "runtime option binary, buildTarget is not supported") {
		t.Errorf("checkOptions = %v", err)
	}
}

func TestBuildProgram(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go on PATH")
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := buildProgram(context.Background(), gobin, dir); err == nil || !strings.Contains(err.Error(), "no Go files") {
		t.Errorf("empty dir: %v", err)
	}
	write("go.mod", "module example.com/prog\n\ngo 1.22\n")
	write("main.go", "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(len(os.Getenv(\"PULUMI_STACK\"))) }\n")
	bin, err := buildProgram(context.Background(), gobin, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(filepath.Dir(bin))
	cmd := exec.Command(bin)
	cmd.Env = []string{"PULUMI_STACK=dev"}
	if r := langhost.RunResult(cmd.Run()); r.Error != "program exited with non-zero exit code: 3" {
		t.Errorf("built program: %v", r)
	}

	write("main.go", "package main\n\nfunc main() { undefinedThing() }\n")
	_, err = buildProgram(context.Background(), gobin, dir)
	if err == nil || !strings.Contains(err.Error(), "undefined: undefinedThing") || !strings.Contains(err.Error(), "go build in "+dir) {
		t.Errorf("broken program: %v", err)
	}
}

func TestPackagesOf(t *testing.T) {
	sdk := t.TempDir()
	if err := os.MkdirAll(filepath.Join(sdk, "rekko"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sdk, "rekko", "pulumi-plugin.json"),
		[]byte(`{"resource": true, "name": "rekko", "version": "0.1.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	notProvider := t.TempDir()
	if err := os.WriteFile(filepath.Join(notProvider, "pulumi-plugin.json"), []byte(`{"resource": false, "name": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	listed := fmt.Sprintf(`{"Path": "example.com/app", "Main": true, "Dir": %q}
{"Path": "github.com/pulumi-rekko/pulumi-rekko/sdk/go", "Version": "v0.0.0", "Replace": {"Path": "./sdk/go", "Dir": %q}}
{"Path": "example.com/notprovider", "Version": "v1.2.3", "Dir": %q}
{"Path": "example.com/plain", "Version": "v1.0.0", "Dir": %q}
{"Path": "example.com/absent", "Version": "v1.0.0"}
`, sdk, sdk, notProvider, t.TempDir())
	got := packagesOf([]byte(listed))
	if len(got) != 1 || got[0].GetName() != "rekko" || got[0].GetVersion() != "0.1.0" || got[0].GetKind() != "resource" {
		t.Fatalf("packagesOf = %v; want the one rekko 0.1.0 package", got)
	}
}
