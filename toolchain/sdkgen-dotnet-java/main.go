// Command pulumi-rekko-sdkgen-dotnet-java generates the .NET and Java SDKs of a Pulumi package from
// its schema, with the generators `pulumi package gen-sdk` runs for them:
//   - dotnet: github.com/pulumi/pulumi/pkg/v3/codegen/dotnet. It left pkg/v3 (pulumi/pulumi#22435,
//     for pulumi-dotnet's module, which the Go proxy here does not serve), so this program pins the
//     last pkg/v3 that holds it (DOTNET_CODEGEN_PULUMI_VERSION in ../versions.env).
//   - java: github.com/pulumi/pulumi-java/pkg/codegen/java at JAVA_CODEGEN_VERSION (the newest the
//     proxy serves), which builds with that pkg/v3. It writes sources only; scripts/sdk/java.sh
//     adds a Maven pom.xml and compiles them against com.pulumi:pulumi.
//
// Go, Python and Node.js come from ../sdkgen-go-nodejs-python at the CLI's version.
//
//	usage: pulumi-rekko-sdkgen-dotnet-java SCHEMA.json OUTDIR [dotnet|java]...   (writes OUTDIR/<language>)
//	       pulumi-rekko-sdkgen-dotnet-java programs SCHEMA.json OUTDIR          (example programs; see programs)
package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"

	sdkgen "pulumi-rekko/toolchain/sdkgen-shared"

	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi-java/pkg/codegen/java"
	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-rekko-sdkgen-dotnet-java"

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

func generate(lang string, pkg *schema.Package) (map[string][]byte, error) {
	switch lang {
	case "dotnet":
		return dotnet.GeneratePackage(tool, pkg, nil, nil)
	case "java":
		return java.GeneratePackage(tool, pkg, nil, nil, false, false)
	}
	return nil, fmt.Errorf("unknown language %q (use dotnet or java)", lang)
}

func main() {
	http.DefaultTransport = offline{}
	if len(os.Args) > 1 && os.Args[1] == "programs" {
		if err := programs(os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "%s programs: %v\n", tool, err)
			os.Exit(1)
		}
		return
	}
	sdkgen.Main(tool, []string{"dotnet", "java"}, nil, generate)
}

// programs converts the PCL programs OUTDIR/<example>/program.pp (written from YAML by
// ../sdkgen-go-nodejs-python's `programs`) into C# and Java (OUTDIR/<example>/{dotnet,java}/),
// with the program generators `pulumi convert --language` runs, each program bound as that
// language's host binds it: Java's (pulumi-language-java's GenerateProgram) prefers the
// output-versioned invokes, which is what its SDK's functions return (`getWebhooks(args)` is an
// Output, so a result's field is read with applyValue); C#'s binds with no option.
func programs(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: %s programs SCHEMA.json OUTDIR", tool)
	}
	loader, err := sdkgen.LoadSchema(args[0])
	if err != nil {
		return err
	}
	bind := func(files []*syntax.File, l *sdkgen.Loader) (*pcl.Program, hcl.Diagnostics, error) {
		return pcl.BindProgram(files, pcl.Loader(l))
	}
	if err := sdkgen.GeneratePrograms(loader, bind, args[1], map[string]sdkgen.GenerateProgram{
		"dotnet": dotnet.GenerateProgram,
	}); err != nil {
		return err
	}
	bindJava := func(files []*syntax.File, l *sdkgen.Loader) (*pcl.Program, hcl.Diagnostics, error) {
		return pcl.BindProgram(files, pcl.Loader(l), pcl.PreferOutputVersionedInvokes)
	}
	return sdkgen.GeneratePrograms(loader, bindJava, args[1], map[string]sdkgen.GenerateProgram{
		"java": java.GenerateProgram,
	})
}
