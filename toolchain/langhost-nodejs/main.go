// Command pulumi-language-nodejs is a small, self-contained Pulumi language host for Node.js
// programs. It speaks the LanguageRuntime gRPC protocol from github.com/pulumi/pulumi/sdk/v3 and
// launches the user's program through the `@pulumi/pulumi/cmd/run` entry point that ships with the
// npm SDK installed in the program's node_modules.
//
// The engine starts this binary as `pulumi-language-nodejs [flags] <engine-address>`; the binary
// prints the port of its gRPC server on stdout and serves until the engine goes away.
package main

import (
	"flag"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	// The engine's flags, and the official host's deprecated ones (accepted, unused).
	tracing := langhost.Flags("root", "binary")
	flag.Bool("typescript", true, "deprecated; use the Pulumi.yaml runtime option instead")
	flag.Parse()
	langhost.Serve(func(engineAddress string) pulumirpc.LanguageRuntimeServer { return newHost(engineAddress, *tracing) })
}
