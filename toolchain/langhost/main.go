// Command pulumi-language-nodejs is a small, self-contained Pulumi language host for Node.js
// programs. It speaks the LanguageRuntime gRPC protocol from github.com/pulumi/pulumi/sdk/v3 and
// launches the user's program through the `@pulumi/pulumi/cmd/run` entry point that ships with the
// npm SDK installed in the program's node_modules.
//
// The engine starts this binary as `pulumi-language-nodejs [flags] <engine-address>`; the binary
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
	// Flags the engine (or older engines) may pass. Unused ones are accepted so parsing never fails.
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint (forwarded to the program)")
	// -logtostderr and -v are usually registered by glog (linked in through the SDK); define them
	// only if nothing else did so the engine's --logflow arguments always parse.
	if flag.Lookup("logtostderr") == nil {
		flag.Bool("logtostderr", false, "log to stderr")
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "log verbosity")
	}
	flag.Bool("typescript", true, "deprecated; use the Pulumi.yaml runtime option instead")
	flag.String("root", "", "deprecated; project root path")
	flag.String("binary", "", "deprecated; unsupported")
	flag.Parse()

	logging.InitLogging(false, 0, false)

	engineAddress := ""
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	// Stop serving on SIGINT or when the engine stops answering health checks.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}

	host := newHost(engineAddress, *tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}

	// Tell the engine where to reach us.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}
