package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

type host struct {
	langhost.Base

	cancelCtx  context.Context
	cancelFunc context.CancelFunc
}

func newHost(engineAddress string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{Base: langhost.NewBase(engineAddress), cancelCtx: ctx, cancelFunc: cancel}
}

// Cancel stops a running program (SIGINT, then a kill after 10 s).
func (h *host) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

// ---- plugins ----

// GetRequiredPackages reports the Pulumi packages among the program's Go modules, as the official
// host does: a module (or its replacement directory) holding a pulumi-plugin.json with
// `"resource": true` at its root, in go/, go/*/ or */ is the package it names, at its version.
// The engine then gives resources registered without a version (the ones a component's
// provider registers inside construct) the same default provider as the SDK's own.
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	dir := langhost.ProgramDir(req.GetInfo(), "")
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-json", "all")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		// Not a module (or not resolvable yet): no packages, as the official host answers.
		logging.V(5).Infof("GetRequiredPackages: go list -m: %v", err)
		return &pulumirpc.GetRequiredPackagesResponse{}, nil
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packagesOf(out)}, nil
}

type goModule struct {
	Path    string
	Version string
	Dir     string
	Main    bool
	Replace *goModule
}

type pluginJSON struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

// packagesOf reads `go list -m -json all` output and returns the Pulumi packages in it.
func packagesOf(listed []byte) []*pulumirpc.PackageDependency {
	var found []*pulumirpc.PackageDependency
	dec := json.NewDecoder(bytes.NewReader(listed))
	for dec.More() {
		var m goModule
		if err := dec.Decode(&m); err != nil {
			logging.V(5).Infof("GetRequiredPackages: %v", err)
			break
		}
		dir := m.Dir
		if m.Replace != nil && m.Replace.Dir != "" {
			dir = m.Replace.Dir
		}
		if m.Main || dir == "" {
			continue
		}
		p := readPluginJSON(dir)
		if p == nil || !p.Resource || p.Name == "" {
			continue
		}
		v := p.Version
		if v == "" {
			v = m.Version
		}
		found = append(found, &pulumirpc.PackageDependency{Name: p.Name, Version: v, Kind: "resource", Server: p.Server})
	}
	return found
}

func readPluginJSON(dir string) *pluginJSON {
	paths := []string{filepath.Join(dir, "pulumi-plugin.json"), filepath.Join(dir, "go", "pulumi-plugin.json")}
	for _, pattern := range []string{filepath.Join(dir, "go", "*", "pulumi-plugin.json"), filepath.Join(dir, "*", "pulumi-plugin.json")} {
		if more, err := filepath.Glob(pattern); err == nil {
			paths = append(paths, more...)
		}
	}
	for _, path := range paths {
		body, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		var p pluginJSON
		if err := json.Unmarshal(body, &p); err != nil {
			logging.V(5).Infof("GetRequiredPackages: %s: %v", path, err)
			continue
		}
		return &p
	}
	return nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages.
func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: req.GetInfo()})
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(pkgs.GetPackages()))
	for _, p := range pkgs.GetPackages() {
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.GetName(), Version: p.GetVersion(), Kind: p.GetKind(), Server: p.GetServer()})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// ---- Run ----

// checkOptions refuses every Pulumi.yaml `runtime.options` entry: the official host's `binary`
// and `buildTarget` are not implemented here, and silently ignoring them would run another program.
func checkOptions(s *structpb.Struct) error {
	var names []string
	for k := range s.GetFields() {
		names = append(names, k)
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	return fmt.Errorf("runtime option %s is not supported by this Go language host "+
		"(pulumi-rekko toolchain/langhost-go); remove it from Pulumi.yaml", strings.Join(names, ", "))
}

// programEnv is base with the variables the Go SDK reads its RunInfo from (sdk/v3/go/pulumi,
// run.go: getEnvInfo). Inherited values of those names are dropped first, and so is
// PULUMI_PLUGINS, which would make the program print its plugins and exit.
func programEnv(base []string, req *pulumirpc.RunRequest, engineAddress string) ([]string, error) {
	cfgJSON, secretJSON, err := langhost.ConfigJSON(req)
	if err != nil {
		return nil, err
	}
	set := []struct{ key, value string }{
		{pulumi.EnvOrganization, req.GetOrganization()},
		{pulumi.EnvProject, req.GetProject()},
		{pulumi.EnvPulumiRootDirectory, req.GetInfo().GetRootDirectory()},
		{pulumi.EnvStack, req.GetStack()},
		{pulumi.EnvConfig, cfgJSON},
		{pulumi.EnvConfigSecretKeys, secretJSON},
		{pulumi.EnvDryRun, strconv.FormatBool(req.GetDryRun())},
		{pulumi.EnvParallel, strconv.Itoa(int(req.GetParallel()))},
		{pulumi.EnvMonitor, req.GetMonitorAddress()},
		{pulumi.EnvEngine, engineAddress},
	}
	drop := map[string]bool{"PULUMI_PLUGINS": true}
	for _, s := range set {
		drop[s.key] = true
	}
	env := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			env = append(env, kv)
		}
	}
	for _, s := range set {
		if s.value != "" {
			env = append(env, s.key+"="+s.value)
		}
	}
	return env, nil
}

// buildProgram runs `go build` in dir (the program's package) into a new temporary directory and
// returns the binary's path. A failed build returns the compiler's output.
func buildProgram(ctx context.Context, gobin, dir string) (string, error) {
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(matches) == 0 {
		return "", fmt.Errorf("no Go files in %s to build", dir)
	}
	tmp, err := os.MkdirTemp("", "pulumi-go-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(tmp, "program")
	cmd := exec.CommandContext(ctx, gobin, "build", "-o", out, ".")
	cmd.Dir = dir
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	logging.V(5).Infof("building the program in %s: %s build -o %s .", dir, gobin, out)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("go build in %s failed (%v):\n%s", dir, err, strings.TrimSpace(output.String()))
	}
	logging.V(5).Infof("built the program in %s", time.Since(start))
	return out, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := langhost.ProgramDir(info, req.GetPwd())
	if err := checkOptions(info.GetOptions()); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find go on the $PATH: %v", err)}, nil
	}
	env, err := programEnv(os.Environ(), req, h.Engine())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	// Stop the build or the program if either the engine cancels us or the RPC itself goes away.
	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	stopWatch := context.AfterFunc(ctx, cmdCancel)
	defer stopWatch()

	bin, err := buildProgram(cmdCtx, gobin, dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	defer os.RemoveAll(filepath.Dir(bin))

	cmd := exec.CommandContext(cmdCtx, bin, req.GetArgs()...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = req.GetPwd()
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	logging.V(5).Infof("launching %s in %s", bin, cmd.Dir)
	err = cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	return langhost.RunResult(err), nil
}

// ---- dependencies ----

// InstallDependencies runs `go mod tidy` in the program directory (what the official host runs
// for `pulumi install`): it resolves the modules go.mod needs and writes go.sum.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	gobin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("could not find go on the $PATH: %w", err)
	}
	dir := langhost.ProgramDir(req.GetInfo(), req.GetDirectory()) //nolint:staticcheck // older engines
	fmt.Fprintf(stdout, "Installing dependencies (go mod tidy)...\n\n")
	cmd := exec.CommandContext(server.Context(), gobin, "mod", "tidy")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go mod tidy in %s failed: %w", dir, err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

// ---- about / misc ----

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("could not find go on the $PATH: %w", err)
	}
	resp := &pulumirpc.AboutResponse{Executable: gobin, Metadata: map[string]string{"host": "pulumi-rekko toolchain/langhost-go"}}
	if out, err := exec.CommandContext(ctx, gobin, "env", "GOVERSION").Output(); err == nil {
		resp.Version = strings.TrimPrefix(strings.TrimSpace(string(out)), "go")
	}
	return resp, nil
}

func (h *host) RuntimeOptionsPrompts(ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}
