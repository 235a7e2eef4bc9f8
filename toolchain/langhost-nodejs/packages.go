package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// packageJSON holds the parts of a package.json this host cares about.
type packageJSON struct {
	Name            string                  `json:"name"`
	Version         string                  `json:"version"`
	Pulumi          plugin.PulumiPluginJSON `json:"pulumi"`
	Dependencies    map[string]string       `json:"dependencies"`
	DevDependencies map[string]string       `json:"devDependencies"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// nodeModulesRoots returns the node_modules directories to inspect for a program: those of the
// program and project root directories, or, when neither has one, the nearest ancestor's (for
// npm/yarn workspaces where dependencies are hoisted).
func nodeModulesRoots(dirs ...string) []string {
	var roots []string
	seen := map[string]bool{}
	add := func(nm string) bool {
		if fi, err := os.Stat(nm); err == nil && fi.IsDir() {
			if real, err := filepath.EvalSymlinks(nm); err == nil && !seen[real] {
				seen[real] = true
				roots = append(roots, nm)
			}
			return true
		}
		return false
	}
	for _, d := range dirs {
		if d != "" {
			add(filepath.Join(d, "node_modules"))
		}
	}
	if len(roots) == 0 && len(dirs) > 0 && dirs[0] != "" {
		d, err := filepath.Abs(dirs[0])
		if err == nil {
			for parent := filepath.Dir(d); parent != d; d, parent = parent, filepath.Dir(parent) {
				if add(filepath.Join(parent, "node_modules")) {
					break
				}
			}
		}
	}
	return roots
}

// packageWalker visits every installed package below a set of node_modules directories, including
// nested node_modules and pnpm's .pnpm store, visiting each real directory once.
type packageWalker struct {
	seen  map[string]bool
	visit func(dir string, pkg *packageJSON)
}

func (w *packageWalker) walkNodeModules(nm string) {
	entries, err := os.ReadDir(nm)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == ".pnpm":
			store, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range store {
				w.walkNodeModules(filepath.Join(nm, name, s.Name(), "node_modules"))
			}
		case strings.HasPrefix(name, "."):
			// .bin, .package-lock.json, .cache, ...
		case strings.HasPrefix(name, "@"):
			scoped, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range scoped {
				w.walkPackage(filepath.Join(nm, name, s.Name()))
			}
		default:
			w.walkPackage(filepath.Join(nm, name))
		}
	}
}

func (w *packageWalker) walkPackage(dir string) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil || w.seen[real] {
		return
	}
	w.seen[real] = true
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return
	}
	pkg, err := readPackageJSON(filepath.Join(real, "package.json"))
	if err != nil {
		if !os.IsNotExist(err) {
			logging.V(3).Infof("skipping %s: %v", dir, err)
		}
	} else {
		w.visit(real, pkg)
	}
	w.walkNodeModules(filepath.Join(real, "node_modules"))
}

func walkPackages(roots []string, visit func(dir string, pkg *packageJSON)) {
	w := &packageWalker{seen: map[string]bool{}, visit: visit}
	for _, r := range roots {
		w.walkNodeModules(r)
	}
}

// pluginName derives the resource plugin name of a package: an explicit "pulumi.name", or the
// unscoped name of an @pulumi/ package.
func pluginName(pkg *packageJSON) string {
	if pkg.Pulumi.Name != "" {
		return pkg.Pulumi.Name
	}
	if rest, ok := strings.CutPrefix(pkg.Name, "@pulumi/"); ok {
		return rest
	}
	return ""
}

func toParameterization(p *plugin.PulumiParameterizationJSON) *pulumirpc.PackageParameterization {
	if p == nil {
		return nil
	}
	return &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
}

// scanPulumiPackages lists the Pulumi resource packages (package.json `"pulumi": {"resource": true}`)
// installed for a program.
func scanPulumiPackages(dirs ...string) []*pulumirpc.PackageDependency {
	var out []*pulumirpc.PackageDependency
	dedupe := map[string]bool{}
	walkPackages(nodeModulesRoots(dirs...), func(dir string, pkg *packageJSON) {
		if !pkg.Pulumi.Resource {
			return
		}
		name := pluginName(pkg)
		if name == "" {
			logging.V(3).Infof("package %s in %s has \"pulumi.resource\" but no \"pulumi.name\"; ignored",
				pkg.Name, dir)
			return
		}
		ver := pkg.Pulumi.Version
		if ver == "" {
			ver = pkg.Version
		}
		if ver != "" && !strings.HasPrefix(ver, "v") {
			ver = "v" + ver
		}
		dep := &pulumirpc.PackageDependency{
			Name:             name,
			Kind:             "resource",
			Version:          ver,
			Server:           pkg.Pulumi.Server,
			Parameterization: toParameterization(pkg.Pulumi.Parameterization),
			Extension:        toParameterization(pkg.Pulumi.ExtensionParameterization),
		}
		key := name + "@" + ver + "|" + dep.Server
		if dep.Parameterization != nil {
			key += "|" + dep.Parameterization.Name + "@" + dep.Parameterization.Version
		}
		if dep.Extension != nil {
			key += "|ext:" + dep.Extension.Name + "@" + dep.Extension.Version
		}
		if dedupe[key] {
			return
		}
		dedupe[key] = true
		out = append(out, dep)
	})
	return out
}

// programDependencies lists the program's declared dependencies with their installed versions, or
// with transitive=true every installed package.
func programDependencies(dir string, transitive bool) ([]*pulumirpc.DependencyInfo, error) {
	roots := nodeModulesRoots(dir)
	var deps []*pulumirpc.DependencyInfo
	if transitive {
		seen := map[string]bool{}
		walkPackages(roots, func(_ string, pkg *packageJSON) {
			if pkg.Name == "" || seen[pkg.Name+"@"+pkg.Version] {
				return
			}
			seen[pkg.Name+"@"+pkg.Version] = true
			deps = append(deps, &pulumirpc.DependencyInfo{Name: pkg.Name, Version: pkg.Version})
		})
	} else {
		pkg, err := readPackageJSON(filepath.Join(dir, "package.json"))
		if err != nil {
			return nil, err
		}
		declared := map[string]string{}
		for k, v := range pkg.DevDependencies {
			declared[k] = v
		}
		for k, v := range pkg.Dependencies {
			declared[k] = v
		}
		for name, rng := range declared {
			ver := rng
			for _, r := range roots {
				if p, err := readPackageJSON(filepath.Join(r, name, "package.json")); err == nil && p.Version != "" {
					ver = p.Version
					break
				}
			}
			deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: ver})
		}
	}
	sort.Slice(deps, func(i, j int) bool {
		if deps[i].Name != deps[j].Name {
			return deps[i].Name < deps[j].Name
		}
		return deps[i].Version < deps[j].Version
	})
	return deps, nil
}
