package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	sdkgen "pulumi-rekko/toolchain/sdkgen-shared"

	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi-yaml/pkg/pulumiyaml"
	yamlgen "github.com/pulumi/pulumi-yaml/pkg/pulumiyaml/codegen"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	hclsyntax "github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
)

// programs converts each YAML program EXAMPLESDIR/<example>/Pulumi.yaml into PCL
// (OUTDIR/<example>/program.pp, with pulumi-yaml's converter, what `pulumi convert` runs) and from
// PCL into TypeScript, Python and Go (OUTDIR/<example>/{nodejs,python,go}/, with the program
// generators `pulumi convert --language` runs). ../sdkgen-dotnet-java converts the same PCL into
// C# and Java.
func programs(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: %s programs SCHEMA.json EXAMPLESDIR OUTDIR", tool)
	}
	loader, err := sdkgen.LoadSchema(args[0])
	if err != nil {
		return err
	}
	dirs, err := filepath.Glob(filepath.Join(args[1], "*", "Pulumi.yaml"))
	if err != nil {
		return err
	}
	sort.Strings(dirs)
	if len(dirs) == 0 {
		return fmt.Errorf("no %s/*/Pulumi.yaml", args[1])
	}
	if err := os.RemoveAll(args[2]); err != nil {
		return err
	}
	for _, project := range dirs {
		dir := filepath.Dir(project)
		template, diags, err := pulumiyaml.LoadDir(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		if diags.HasErrors() {
			return fmt.Errorf("%s: %s", dir, diags.Error())
		}
		text, hdiags, err := yamlgen.ConvertTemplateIL(template, loader)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		if hdiags.HasErrors() {
			return fmt.Errorf("%s: %s", dir, hdiags.Error())
		}
		out := filepath.Join(args[2], filepath.Base(dir))
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, sdkgen.ProgramFile), []byte(text), 0o644); err != nil {
			return err
		}
	}
	bind := func(files []*hclsyntax.File, l *sdkgen.Loader) (*pcl.Program, hcl.Diagnostics, error) {
		return pcl.BindProgram(files, l)
	}
	return sdkgen.GeneratePrograms(loader, bind, args[2], map[string]sdkgen.GenerateProgram{
		"nodejs": nodejs.GenerateProgram,
		"python": python.GenerateProgram,
		"go":     gogen.GenerateProgram,
	})
}
