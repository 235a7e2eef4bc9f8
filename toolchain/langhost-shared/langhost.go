// Package langhost holds what the language hosts of toolchain/ (langhost-nodejs, langhost-go,
// langhost-python) do alike: the command line the engine starts a host with, serving the
// LanguageRuntime protocol until the engine goes away, and the engine address a Handshake may set.
package langhost

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Flags registers the flags the engine passes every host (-tracing, and -logtostderr and -v of
// --logflow, unless glog, linked in through the SDK, already did) and the host's obsolete flags
// named, all accepted so parsing never fails. It returns the tracing endpoint.
func Flags(obsolete ...string) *string {
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint (passed to the program)")
	if flag.Lookup("logtostderr") == nil {
		flag.Bool("logtostderr", false, "log to stderr")
	}
	if flag.Lookup("v") == nil {
		flag.Int("v", 0, "log verbosity")
	}
	for _, name := range obsolete {
		flag.String(name, "", "obsolete; ignored")
	}
	return tracing
}

// Serve runs a host after flag.Parse: the engine address is the first argument; it serves the
// server newServer makes for that address on a free port, prints the port on stdout (how the
// engine finds it) and returns when the engine stops answering health checks or on SIGINT.
func Serve(newServer func(engineAddress string) pulumirpc.LanguageRuntimeServer) {
	logging.InitLogging(false, 0, false)
	engineAddress := flag.Arg(0)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	stop := make(chan bool)
	go func() { <-ctx.Done(); close(stop) }()
	server := newServer(engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, server)
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

// Base is embedded by each host: every method it does not implement answers UNIMPLEMENTED, and
// it answers Handshake (recording the engine address, which the engine sends only when it
// attaches to a host already running) and GetPluginInfo (the CLI version the host was built for).
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu      sync.Mutex
	address string
}

// NewBase is a Base for the engine at address (the host's first argument; may be empty).
func NewBase(address string) Base { return Base{address: address} }

// Engine is the engine's address.
func (b *Base) Engine() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.address
}

func (b *Base) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		b.mu.Lock()
		b.address = req.GetEngineAddress()
		b.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Base) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}
