package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	// Module that bootstraps a Pulumi Node.js program; resolved from the program directory.
	runModule = "@pulumi/pulumi/cmd/run"
	// Module that bootstraps a plugin written in Node.js (a directory with a PulumiPlugin.yaml
	// saying `runtime: nodejs`); resolved from the plugin directory.
	runPluginModule = "@pulumi/pulumi/cmd/run-plugin"
)

type host struct {
	langhost.Base

	tracing string

	cancelCtx  context.Context
	cancelFunc context.CancelFunc
}

func newHost(engineAddress, tracing string) *host {
	ctx, cancel := context.WithCancel(context.Background())
	return &host{Base: langhost.NewBase(engineAddress), tracing: tracing, cancelCtx: ctx, cancelFunc: cancel}
}

func (h *host) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

// ---- runtime options (Pulumi.yaml `runtime.options`) ----

type nodeOptions struct {
	typescript     bool
	tsconfig       string
	nodeargs       string
	packagemanager string
}

func parseOptions(s *structpb.Struct) (nodeOptions, error) {
	opts := nodeOptions{typescript: true}
	if s == nil {
		return opts, nil
	}
	m := s.AsMap()
	if v, ok := m["typescript"]; ok {
		switch t := v.(type) {
		case bool:
			opts.typescript = t
		case string:
			b, err := strconv.ParseBool(t)
			if err != nil {
				return opts, errors.New("typescript option must be a boolean")
			}
			opts.typescript = b
		default:
			return opts, errors.New("typescript option must be a boolean")
		}
	}
	str := func(key string, dst *string) error {
		if v, ok := m[key]; ok {
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("%s option must be a string", key)
			}
			*dst = s
		}
		return nil
	}
	if err := str("tsconfig", &opts.tsconfig); err != nil {
		return opts, err
	}
	if err := str("nodeargs", &opts.nodeargs); err != nil {
		return opts, err
	}
	if err := str("packagemanager", &opts.packagemanager); err != nil {
		return opts, err
	}
	switch opts.packagemanager {
	case "", "auto", "npm", "yarn", "pnpm", "bun":
	default:
		return opts, fmt.Errorf("packagemanager option must be one of auto, npm, yarn, pnpm or bun, got %q",
			opts.packagemanager)
	}
	return opts, nil
}

// withTypeScriptEnv adds what the run scripts read of the TypeScript options to env.
func (opts nodeOptions) withTypeScriptEnv(env []string) []string {
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	return env
}

// splitArgs splits a command line the way a POSIX shell would for simple cases: whitespace
// separates words, single quotes are literal, double quotes allow backslash escapes.
func splitArgs(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("nodeargs: unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("nodeargs: unterminated double quote")
			}
		case c == '\\' && i+1 < len(s):
			inWord = true
			i++
			cur.WriteByte(s[i])
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// ---- program location helpers ----

func findNode() (string, error) {
	p, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	return p, nil
}

// resolveModule asks node to resolve a module the way the program itself would, from dir.
func resolveModule(ctx context.Context, nodeBin, dir, mod string) (string, error) {
	script := fmt.Sprintf("try { console.log(require.resolve(%q)); } catch (e) { "+
		"if (e.code === 'MODULE_NOT_FOUND') { console.error('It looks like the Pulumi SDK has not been installed. "+
		"Have you run npm install (or pulumi install)?'); } else { console.error(e.message); } process.exit(1); }", mod)
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", errors.New(msg)
		}
		return "", fmt.Errorf("resolving %s: %w", mod, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ---- Run ----

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := langhost.ProgramDir(info, req.GetPwd())
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram() //nolint:staticcheck // older engines
	}
	if entry == "" {
		entry = "."
	}

	opts, err := parseOptions(info.GetOptions())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	nodeArgs, err := splitArgs(opts.nodeargs)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	nodeBin, err := findNode()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = runModule
	}
	if runPath, err = resolveModule(ctx, nodeBin, dir, runPath); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append(nodeArgs, runPath)
	flagArg := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.Engine())
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", dir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	flagArg("tracing", h.tracing)
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	config, err := langhost.ConfigEnv(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env := opts.withTypeScriptEnv(append(os.Environ(), config...))

	// Stop the program if either the engine cancels us or the RPC itself goes away.
	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	stopWatch := context.AfterFunc(ctx, cmdCancel)
	defer stopWatch()

	cmd := exec.CommandContext(cmdCtx, nodeBin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	cmd.Dir = dir
	cmd.Env = env
	// Wrap the writers so exec copies through a pipe instead of handing node our own file
	// descriptors (node may switch them to non-blocking mode).
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	logging.V(5).Infof("launching %s %s", nodeBin, strings.Join(args, " "))

	err = cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	return langhost.RunResult(err), nil
}

// ---- RunPlugin ----

// RunPlugin starts a plugin written in Node.js the way Pulumi's own Node.js host does:
// `node <@pulumi/pulumi/cmd/run-plugin> [nodeargs] <plugin dir> <engine args>` in the engine's
// working directory, with the engine's environment, its output streamed back over the RPC.
// The run-plugin script `require`s the plugin directory (its package.json `main`).
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() == "analyzer" {
		return errors.New("policy packs are not supported by this language host")
	}
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	info := req.GetInfo()
	dir := langhost.ProgramDir(info, req.GetPwd())
	opts, err := parseOptions(info.GetOptions())
	if err != nil {
		return err
	}
	nodeArgs, err := splitArgs(opts.nodeargs)
	if err != nil {
		return err
	}
	nodeBin, err := findNode()
	if err != nil {
		return err
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		runPath = runPluginModule
	}
	if runPath, err = resolveModule(ctx, nodeBin, dir, runPath); err != nil {
		return err
	}

	args := append([]string{runPath}, nodeArgs...)
	args = append(args, dir)
	args = append(args, req.GetArgs()...)
	env := opts.withTypeScriptEnv(req.GetEnv())

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	logging.V(5).Infof("launching plugin %s %s", nodeBin, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode())
		}
		return fmt.Errorf("Problem executing plugin program (could not run language executor): %w", err)
	}
	return closer.Close()
}

// ---- dependencies ----

func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	info := req.GetInfo()
	pkgs := scanPulumiPackages(langhost.ProgramDir(info, ""), info.GetRootDirectory())
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *host) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	info := req.GetInfo()
	dir := langhost.ProgramDir(info, req.GetPwd()) //nolint:staticcheck // older engines
	var plugins []*pulumirpc.PluginDependency
	for _, p := range scanPulumiPackages(dir, info.GetRootDirectory()) {
		if p.Parameterization != nil {
			continue // cannot be expressed as a plain plugin
		}
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server, Checksums: p.Checksums,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := langhost.ProgramDir(req.GetInfo(), req.GetPwd()) //nolint:staticcheck // older engines
	deps, err := programDependencies(dir, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()

	dir := langhost.ProgramDir(req.GetInfo(), req.GetDirectory()) //nolint:staticcheck // older engines
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}
	pm := choosePackageManager(opts.packagemanager, dir)
	if _, err := exec.LookPath(pm); err != nil {
		fmt.Fprintf(stdout, "Skipping dependency installation: %s is not on the $PATH\n", pm)
		return closer.Close()
	}
	fmt.Fprintf(stdout, "Installing dependencies with %s...\n\n", pm)
	cmd := exec.CommandContext(server.Context(), pm, "install")
	cmd.Dir = dir
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s install failed: %w", pm, err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func choosePackageManager(opt, dir string) string {
	if opt != "" && opt != "auto" {
		return opt
	}
	for _, c := range []struct{ file, pm string }{
		{"bun.lockb", "bun"}, {"bun.lock", "bun"}, {"pnpm-lock.yaml", "pnpm"}, {"yarn.lock", "yarn"},
	} {
		if _, err := os.Stat(filepath.Join(dir, c.file)); err == nil {
			return c.pm
		}
	}
	return "npm"
}

// ---- about / misc ----

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := findNode()
	if err != nil {
		return nil, err
	}
	resp := &pulumirpc.AboutResponse{Executable: nodeBin, Metadata: map[string]string{}}
	if out, err := exec.CommandContext(ctx, nodeBin, "--version").Output(); err == nil {
		resp.Version = strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	}
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err == nil {
		resp.Metadata["packagemanager"] = choosePackageManager(opts.packagemanager, langhost.ProgramDir(req.GetInfo(), ""))
	}
	return resp, nil
}

func (h *host) RuntimeOptionsPrompts(ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) Template(ctx context.Context, req *pulumirpc.TemplateRequest,
) (*pulumirpc.TemplateResponse, error) {
	return &pulumirpc.TemplateResponse{}, nil
}
