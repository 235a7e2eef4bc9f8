// Command pulumi-language-python is a small, self-contained Pulumi language host for Python
// programs (`runtime: python`). It speaks the LanguageRuntime gRPC protocol from
// github.com/pulumi/pulumi/sdk/v3 and runs programs the way the official host does: through the
// `pulumi-language-python-exec` script installed next to it (the one shipped in the same
// github.com/pulumi/pulumi/sdk/v3 module, python/cmd), with the Python of the project's toolchain
// (pip with `virtualenv`, poetry or uv; sdk/v3's python/toolchain package), the engine's config in
// PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS.
//
// It stands in for the official host (module github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3),
// which the Go module proxy here does not serve. It does what `pulumi preview/up/refresh/import/destroy`
// and `pulumi install` need; see host.go for what it leaves out.
//
// The engine starts this binary as `pulumi-language-python [flags] <engine-address>`; the binary
// prints the port of its gRPC server on stdout and serves until the engine goes away.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// execName is the script that runs a program inside the Python SDK, installed next to this binary.
const execName = "pulumi-language-python-exec"

func main() {
	// The engine's flags, and the official host's obsolete ones (accepted, unused).
	tracing := langhost.Flags("virtualenv", "root", "typechecker", "toolchain")
	givenExec := flag.String("use-executor", "", "run programs with this script instead of the "+execName+" next to this binary")
	flag.Parse()

	execPath := *givenExec
	if execPath == "" {
		self, err := os.Executable()
		if err != nil {
			cmdutil.Exit(fmt.Errorf("could not determine current executable: %w", err))
		}
		execPath = filepath.Join(filepath.Dir(self), execName)
		if _, err := os.Stat(execPath); err != nil {
			cmdutil.Exit(fmt.Errorf("missing executor %s: %w", execPath, err))
		}
	}
	langhost.Serve(func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return &host{Base: langhost.NewBase(engineAddress), exec: execPath, tracing: *tracing}
	})
}
