// Package sdkgen is the command line the SDK generator programs of toolchain/ share
// (sdkgen-go-nodejs-python, sdkgen-dotnet-java): each pins the github.com/pulumi/pulumi/pkg/v3 its
// code generators need and passes them to Main.
package sdkgen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// Generate is one language's code generator: the SDK's files by path.
type Generate func(language string, pkg *schema.Package) (map[string][]byte, error)

// Main runs `TOOL SCHEMA.json OUTDIR [LANGUAGE]...`: for each language (all of languages when
// none is given) it binds the schema (with loader for the packages it references; nil when it
// references none), generates the SDK and writes it to OUTDIR/<language>, replacing what was there.
// It exits 1 with a message naming the tool on any error.
func Main(tool string, languages []string, loader schema.ReferenceLoader, generate Generate) {
	if err := run(os.Args[1:], languages, loader, generate); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}

func run(args, languages []string, loader schema.ReferenceLoader, generate Generate) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: SCHEMA.json OUTDIR [%v]...", languages)
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
		langs = languages
	}
	for _, lang := range langs {
		// Each generator records its language info on the package: bind a fresh one per language.
		pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
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
