// Command pulumi-rekko-sdkgen generates the Go, Python and Node.js SDKs of a Pulumi package
// from its schema with the code generators of github.com/pulumi/pulumi/pkg/v3 (the ones the
// official language hosts call from `pulumi package gen-sdk`), at the CLI's version.
//
//	usage: pulumi-rekko-sdkgen SCHEMA.json OUTDIR [go|python|nodejs]...
//
// Each language is written to OUTDIR/<language>. With no language, all three are generated.
// The .NET generator is no longer in pkg/v3 (moved to pulumi-dotnet); see ../sdkgen-dotnet.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-rekko-sdkgen"

// loader resolves only the built-in "pulumi" package: the rekko schema references no other.
type loader struct{}

func (loader) LoadPackage(pkg string, v *semver.Version) (*schema.Package, error) {
	return loader{}.LoadPackageV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: v})
}

func (loader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	if d.Name == "pulumi" {
		return schema.DefaultPulumiPackage, nil
	}
	return nil, fmt.Errorf("the schema references package %q; only self-contained schemas are supported", d.Name)
}

func (l loader) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	return l.LoadPackageReferenceV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: v})
}

func (l loader) LoadPackageReferenceV2(ctx context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	p, err := l.LoadPackageV2(ctx, d)
	if err != nil {
		return nil, err
	}
	return p.Reference(), nil
}

func generate(lang string, pkg *schema.Package) (map[string][]byte, error) {
	switch lang {
	case "go":
		return gogen.GeneratePackage(tool, pkg, nil)
	case "python":
		return python.GeneratePackage(tool, pkg, nil, loader{})
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, loader{})
	}
	return nil, fmt.Errorf("unknown language %q (use go, python or nodejs)", lang)
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: %s SCHEMA.json OUTDIR [go|python|nodejs]...", tool)
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	langs := args[2:]
	if len(langs) == 0 {
		langs = []string{"go", "python", "nodejs"}
	}
	for _, lang := range langs {
		// Each generator records its language info on the package: bind a fresh one per language.
		pkg, diags, err := schema.BindSpec(spec, loader{}, schema.ValidationOptions{})
		if err != nil {
			return err
		}
		if diags.HasErrors() {
			return fmt.Errorf("%s: %s", args[0], diags.Error())
		}
		files, err := generate(lang, pkg)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", lang, err)
		}
		out := filepath.Join(args[1], lang)
		if err := os.RemoveAll(out); err != nil {
			return err
		}
		for name, data := range files {
			path := filepath.Join(out, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "%s: %d files in %s\n", lang, len(files), out)
	}
	return nil
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}
