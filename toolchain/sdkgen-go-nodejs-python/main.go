// Command pulumi-rekko-sdkgen-go-nodejs-python generates the Go, Python and Node.js SDKs of a Pulumi package
// from its schema with the code generators of github.com/pulumi/pulumi/pkg/v3 (the ones the
// official language hosts call from `pulumi package gen-sdk`), at the CLI's version.
//
//	usage: pulumi-rekko-sdkgen-go-nodejs-python SCHEMA.json OUTDIR [go|python|nodejs]...
//	       pulumi-rekko-sdkgen-go-nodejs-python programs SCHEMA.json EXAMPLESDIR OUTDIR
//
// Each language is written to OUTDIR/<language>. With no language, all three are generated.
// `programs` converts the YAML programs EXAMPLESDIR/<example>/Pulumi.yaml (see programs.go).
// The .NET generator is no longer in pkg/v3 (moved to pulumi-dotnet); see ../sdkgen-dotnet-java.
package main

import (
	"fmt"
	"os"

	sdkgen "pulumi-rekko/toolchain/sdkgen-shared"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-rekko-sdkgen-go-nodejs-python"

func generate(lang string, pkg *schema.Package) (map[string][]byte, error) {
	switch lang {
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	case "python":
		return python.GeneratePackage(tool, pkg, nil, &sdkgen.Loader{})
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, &sdkgen.Loader{})
	}
	return nil, fmt.Errorf("unknown language %q (use go, python or nodejs)", lang)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "programs" {
		if err := programs(os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "%s programs: %v\n", tool, err)
			os.Exit(1)
		}
		return
	}
	sdkgen.Main(tool, []string{"go", "python", "nodejs"}, &sdkgen.Loader{}, generate)
}
