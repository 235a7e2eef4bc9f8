package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strconv"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

// hostName names this host in its messages.
const hostName = "pulumi-rekko toolchain/langhost-python"

// host implements what the engine calls for `pulumi preview/up/refresh/import/destroy`,
// `pulumi install` and `pulumi about`. Everything else answers UNIMPLEMENTED (the embedded
// server of langhost.Base): Pack, RunPlugin (plugins and components written in Python), GenerateProject,
// GenerateProgram and GeneratePackage (program and SDK generation; pulumi-rekko generates SDKs
// with toolchain/sdkgen-*), Link (`pulumi package add`), RuntimeOptionsPrompts and the older
// GetRequiredPlugins. Run refuses a debugger, and the `typechecker` runtime option.
type host struct {
	langhost.Base

	exec    string // the pulumi-language-python-exec script
	tracing string
}

// parseOptions reads Pulumi.yaml's `runtime.options` as the official host does: `virtualenv`
// (relative to the project root) and `toolchain` (pip, poetry or uv; by default uv or poetry when
// their lock file is found, else pip). `typechecker` (mypy, pyright) is refused, not ignored: a
// program the user expects to be type-checked first must not run unchecked.
func parseOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	opts := toolchain.PythonOptions{Root: info.GetRootDirectory(), ProgramDir: info.GetProgramDirectory()}
	fields := info.GetOptions().GetFields()
	str := func(name string) (string, bool, error) {
		v, ok := fields[name]
		if !ok {
			return "", false, nil
		}
		s, isString := v.GetKind().(*structpb.Value_StringValue)
		if !isString {
			return "", true, fmt.Errorf("the %s runtime option must be a string", name)
		}
		return s.StringValue, true, nil
	}
	if venv, _, err := str("virtualenv"); err != nil {
		return opts, err
	} else {
		opts.Virtualenv = venv
	}
	tc, set, err := str("toolchain")
	if err != nil {
		return opts, err
	}
	if set {
		switch tc {
		case "pip":
			opts.Toolchain = toolchain.Pip
		case "poetry":
			opts.Toolchain = toolchain.Poetry
		case "uv":
			opts.Toolchain = toolchain.Uv
		default:
			return opts, fmt.Errorf("unsupported toolchain option: %s (use pip, poetry or uv)", tc)
		}
	}
	if _, set := fields["typechecker"]; set {
		return opts, fmt.Errorf("the typechecker runtime option is not supported by this Python language host (%s); "+
			"remove it from Pulumi.yaml and run mypy or pyright yourself", hostName)
	}
	return opts, nil
}

// resolve is the toolchain of the program's runtime options.
func resolve(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, toolchain.PythonOptions, error) {
	opts, err := parseOptions(info)
	if err != nil {
		return nil, opts, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	return tc, opts, err
}

// runArgs is the command line of the exec script for a run, as the official host builds it.
func runArgs(req *pulumirpc.RunRequest, engineAddress, tracing string) []string {
	var args []string
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engineAddress)
	add("project", req.GetProject())
	add("root_directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", tracing)
	add("organization", req.GetOrganization())
	entry := req.GetInfo().GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	return append(args, req.GetArgs()...)
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return &pulumirpc.RunResponse{Error: "attaching a debugger is not supported by this Python language host (" + hostName + ")"}, nil
	}
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	cmd, err := tc.Command(ctx, append([]string{h.exec}, runArgs(req, h.Engine(), h.tracing)...)...)
	if err != nil {
		return nil, err
	}
	config, err := langhost.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	// Later entries win, so inherited values of the two variables are replaced.
	cmd.Env = append(cmd.Env, config...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	logging.V(5).Infof("launching %v", cmd.Args)
	err = cmd.Run()
	// Python does not flush on an abnormal exit: make sure the engine sees all it wrote.
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	return langhost.RunResult(err), nil
}

// ---- packages ----

// GetRequiredPackages makes sure the virtual environment exists (creating it and installing the
// dependencies if it does not, as the official host does) and reports the Pulumi packages
// installed in it (see packages.go).
func (h *host) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	tc, opts, err := resolve(req.GetInfo())
	if err != nil {
		return nil, err
	}
	stdout, stderr, closer, err := h.engineWriters(ctx)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	if err := tc.EnsureVenv(ctx, opts.ProgramDir, false, true, stdout, stderr); err != nil {
		return nil, err
	}
	installed, err := listInstalled(ctx, tc, opts.ProgramDir)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pulumiPackages(installed)}, nil
}

// engineWriters log to the engine as ephemeral messages (how the official host shows the output
// of creating the virtual environment).
func (h *host) engineWriters(ctx context.Context) (io.Writer, io.Writer, io.Closer, error) {
	conn, err := grpc.NewClient(h.Engine(), grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("language host could not make connection to engine: %w", err)
	}
	client := pulumirpc.NewEngineClient(conn)
	stream := rand.Int31() //nolint:gosec // a stream id, not a secret
	return &engineLog{ctx, client, stream, pulumirpc.LogSeverity_INFO},
		&engineLog{ctx, client, stream, pulumirpc.LogSeverity_ERROR}, conn, nil
}

type engineLog struct {
	ctx      context.Context
	client   pulumirpc.EngineClient
	stream   int32
	severity pulumirpc.LogSeverity
}

func (w *engineLog) Write(p []byte) (int, error) {
	_, err := w.client.Log(w.ctx, &pulumirpc.LogRequest{
		Message: string(p), Ephemeral: true, StreamId: w.stream, Severity: w.severity,
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// ---- dependencies ----

// InstallDependencies (`pulumi install`) creates the virtual environment and installs the
// project's dependencies with its toolchain (pip: requirements.txt or pyproject.toml).
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return err
	}
	if req.GetIsPlugin() && opts.Toolchain == toolchain.Pip && opts.Virtualenv == "" {
		opts.Virtualenv = "venv"
	}
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	if err := tc.InstallDependencies(server.Context(), opts.ProgramDir, req.GetUseLanguageVersionTools(), true, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *host) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, _, err := resolve(req.GetInfo())
	if err != nil {
		return nil, err
	}
	listed, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, fmt.Errorf("failed to get python dependencies: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, len(listed))
	for i, d := range listed {
		deps[i] = &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts := toolchain.PythonOptions{Toolchain: toolchain.Pip}
	if req.GetInfo() != nil {
		var err error
		if opts, err = parseOptions(req.GetInfo()); err != nil {
			return nil, err
		}
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: info.PythonExecutable,
		Version:    info.PythonVersion.String(),
		Metadata:   map[string]string{"host": hostName},
	}, nil
}
