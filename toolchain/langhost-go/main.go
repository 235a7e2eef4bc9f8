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
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	// The flags the engine passes (-tracing, the --logflow ones) and the official host's obsolete
	// ones; all accepted so parsing never fails, none used.
	flag.String("tracing", "", "Zipkin-compatible tracing endpoint (not supported; ignored)")
	for _, name := range []string{"binary", "buildTarget", "root"} {
		flag.String(name, "", "obsolete; ignored")
	}
	if flag.Lookup("logtostderr") == nil {
		flag.Bool("logtostderr", false, "log to stderr")
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "log verbosity")
	}
	flag.Parse()
	logging.InitLogging(false, 0, false)

	engineAddress := flag.Arg(0)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if engineAddress != "" {
		// Exit when the engine stops answering.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	stop := make(chan bool)
	go func() { <-ctx.Done(); close(stop) }()

	h := newHost(engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}
