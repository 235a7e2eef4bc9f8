package langhost

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func TestBaseHandshake(t *testing.T) {
	b := NewBase("127.0.0.1:1")
	if got := b.Engine(); got != "127.0.0.1:1" {
		t.Errorf("Engine() = %q", got)
	}
	if _, err := b.Handshake(context.Background(), &pulumirpc.LanguageHandshakeRequest{}); err != nil || b.Engine() != "127.0.0.1:1" {
		t.Errorf("an empty handshake must keep the address: %q, %v", b.Engine(), err)
	}
	if _, err := b.Handshake(context.Background(), &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:2"}); err != nil || b.Engine() != "127.0.0.1:2" {
		t.Errorf("Handshake must record the engine address: %q, %v", b.Engine(), err)
	}
}

func TestConfigEnv(t *testing.T) {
	env, err := ConfigEnv(&pulumirpc.RunRequest{
		Config:           map[string]string{"rekko:apiKey": "k", "proj:n": "1"},
		ConfigSecretKeys: []string{"rekko:apiKey"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`PULUMI_CONFIG={"proj:n":"1","rekko:apiKey":"k"}`, `PULUMI_CONFIG_SECRET_KEYS=["rekko:apiKey"]`}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("ConfigEnv = %q", env)
	}
	if env, _ := ConfigEnv(&pulumirpc.RunRequest{}); !reflect.DeepEqual(env, []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]"}) {
		t.Errorf("empty ConfigEnv = %q", env)
	}
}

func TestRunResult(t *testing.T) {
	exit := func(code string) error { return exec.Command("sh", "-c", "exit "+code).Run() }
	if r := RunResult(nil); r.Error != "" || r.Bail {
		t.Errorf("success: %v", r)
	}
	if r := RunResult(exit("32")); !r.Bail || r.Error != "" {
		t.Errorf("exit 32 (error already logged) must bail: %v", r)
	}
	if r := RunResult(exit("3")); r.Error != "program exited with non-zero exit code: 3" || r.Bail {
		t.Errorf("exit 3: %v", r)
	}
	if r := RunResult(exec.Command("sh", "-c", "kill -9 $$").Run()); !strings.HasPrefix(r.Error, "program exited unexpectedly") {
		t.Errorf("killed: %v", r)
	}
	if r := RunResult(exec.Command(filepath.Join(t.TempDir(), "missing")).Run()); !strings.HasPrefix(r.Error, "problem executing program") {
		t.Errorf("missing binary: %v", r)
	}
}

func TestProgramDir(t *testing.T) {
	if d := ProgramDir(&pulumirpc.ProgramInfo{ProgramDirectory: "/p"}, "/f"); d != "/p" {
		t.Errorf("ProgramDir = %q", d)
	}
	if d := ProgramDir(nil, "/f"); d != "/f" {
		t.Errorf("fallback: %q", d)
	}
	wd, _ := os.Getwd()
	if d := ProgramDir(nil, ""); d != wd {
		t.Errorf("working directory: %q", d)
	}
}
