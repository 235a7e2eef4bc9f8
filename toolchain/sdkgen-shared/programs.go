package sdkgen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi/pkg/v3/codegen/hcl2/syntax"
	"github.com/pulumi/pulumi/pkg/v3/codegen/pcl"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// ProgramFile is the PCL form of an example program, in OUTDIR/<example>/, that the program
// generators read.
const ProgramFile = "program.pp"

// GenerateProgram is one language's program generator.
type GenerateProgram func(program *pcl.Program) (map[string][]byte, hcl.Diagnostics, error)

// BindProgram is pcl.BindProgram of the consumer's pkg/v3 (its signature changed between the
// versions the generator programs pin).
type BindProgram func(files []*syntax.File, loader *Loader) (*pcl.Program, hcl.Diagnostics, error)

// LoadSchema binds the package of schemaPath and returns a loader that also resolves it.
func LoadSchema(schemaPath string) (*Loader, error) {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	loader := &Loader{}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}
	loader.Own = pkg
	return loader, nil
}

// Examples are the example folders of dir (each with a ProgramFile), sorted.
func Examples(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*", ProgramFile))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range matches {
		names = append(names, filepath.Base(filepath.Dir(m)))
	}
	sort.Strings(names)
	return names, nil
}

// GeneratePrograms binds OUTDIR/<example>/program.pp of each example with the loader and writes
// each language's program into OUTDIR/<example>/<language>/. A generator's error diagnostics
// fail it: an example must convert cleanly.
func GeneratePrograms(loader *Loader, bind BindProgram, outDir string, generators map[string]GenerateProgram) error {
	names, err := Examples(outDir)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("no %s in %s/*", ProgramFile, outDir)
	}
	for _, name := range names {
		dir := filepath.Join(outDir, name)
		source, err := os.ReadFile(filepath.Join(dir, ProgramFile))
		if err != nil {
			return err
		}
		parser := syntax.NewParser()
		if err := parser.ParseFile(strings.NewReader(string(source)), ProgramFile); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if parser.Diagnostics.HasErrors() {
			return fmt.Errorf("%s: %s", name, parser.Diagnostics.Error())
		}
		for lang, gen := range generators {
			// Generators annotate the bound program: bind a fresh one per language.
			program, diags, err := bind(parser.Files, loader)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if diags.HasErrors() {
				return fmt.Errorf("%s: %s", name, diags.Error())
			}
			files, diags, err := gen(program)
			if err != nil {
				return fmt.Errorf("%s (%s): %w", name, lang, err)
			}
			if diags.HasErrors() {
				return fmt.Errorf("%s (%s): %s", name, lang, diags.Error())
			}
			out := filepath.Join(dir, lang)
			if err := os.RemoveAll(out); err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			for file, data := range files {
				if err := os.WriteFile(filepath.Join(out, filepath.Base(file)), data, 0o644); err != nil {
					return err
				}
			}
		}
		fmt.Fprintf(os.Stderr, "%s: %d languages in %s\n", name, len(generators), dir)
	}
	return nil
}
