// Command pulumi-rekko-sdkgen-dotnet generates the .NET SDK of a Pulumi package from its
// schema with github.com/pulumi/pulumi/pkg/v3/codegen/dotnet. That generator left pkg/v3
// (pulumi/pulumi#22435, for pulumi-dotnet's module, which the Go proxy here does not serve), so
// this program pins the last pkg/v3 that holds it (DOTNET_CODEGEN_PULUMI_VERSION in
// ../versions.env). Go, Python and Node.js come from ../sdkgen at the CLI's version.
//
//	usage: pulumi-rekko-sdkgen-dotnet SCHEMA.json OUTDIR     (writes OUTDIR/dotnet)
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// logo is a 1×1 transparent PNG. The .NET generator downloads the package logo (logoUrl, or
// Pulumi's from GitHub) to ship as logo.png; with no internet here it gets this one instead.
const logo = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="

type offline struct{}

func (offline) RoundTrip(req *http.Request) (*http.Response, error) {
	png, err := base64.StdEncoding.DecodeString(logo)
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(bytes.NewReader(png)), Request: req, Header: http.Header{}}, nil
}

func run(args []string) error {
	http.DefaultTransport = offline{}
	if len(args) != 2 {
		return fmt.Errorf("usage: pulumi-rekko-sdkgen-dotnet SCHEMA.json OUTDIR")
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	pkg, diags, err := schema.BindSpec(spec, nil, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s: %s", args[0], diags.Error())
	}
	files, err := dotnet.GeneratePackage("pulumi-rekko-sdkgen-dotnet", pkg, nil, nil)
	if err != nil {
		return fmt.Errorf("dotnet SDK: %w", err)
	}
	out := filepath.Join(args[1], "dotnet")
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, name)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "dotnet: %d files in %s\n", len(files), out)
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-rekko-sdkgen-dotnet: %v\n", err)
		os.Exit(1)
	}
}
