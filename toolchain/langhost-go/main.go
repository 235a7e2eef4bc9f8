// Command pulumi-language-go is a small, self-contained Pulumi language host for Go programs
// (`runtime: go`). It speaks the LanguageRuntime gRPC protocol from github.com/pulumi/pulumi/sdk/v3,
// builds the program with `go build` and runs the binary with the environment the Go SDK
// (github.com/pulumi/pulumi/sdk/v3/go/pulumi, run.go) reads its RunInfo from.
//
// It stands in for the official host (module github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3),
// which the Go module proxy here does not serve. It does what `pulumi preview/up/refresh/destroy`
// and `pulumi install` need; no debugger, no `runtime.options`, no program generation.
//
// The engine starts this binary as `pulumi-language-go [flags] <engine-address>`; the binary
// prints the port of its gRPC server on stdout and serves until the engine goes away.
package main

import (
	"flag"

	langhost "pulumi-rekko/toolchain/langhost-shared"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func main() {
	// The engine's flags, and the official host's obsolete ones (accepted, unused).
	langhost.Flags("binary", "buildTarget", "root")
	flag.Parse()
	langhost.Serve(func(engineAddress string) pulumirpc.LanguageRuntimeServer { return newHost(engineAddress) })
}
