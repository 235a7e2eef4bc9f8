package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

// installed is a distribution in the program's Python environment.
type installed struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Location string `json:"location"` // the directory holding its top-level modules (site-packages)
}

// listScript prints every installed distribution with where it is, with the standard library
// only, so it works in a pip, poetry or uv environment alike (uv's have no pip).
const listScript = `import importlib.metadata as m, json, sys
seen = {}
for d in m.distributions():
    name = d.metadata["Name"]
    if name and name not in seen:
        seen[name] = {"name": name, "version": d.version, "location": str(d.locate_file(""))}
json.dump(list(seen.values()), sys.stdout)
`

func listInstalled(ctx context.Context, tc toolchain.Toolchain, dir string) ([]installed, error) {
	cmd, err := tc.Command(ctx, "-c", listScript)
	if err != nil {
		return nil, err
	}
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the installed Python packages (%s -c ...): %w\n%s", cmd.Path, err, stderr.String())
	}
	var list []installed
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("listing the installed Python packages: %w", err)
	}
	return list, nil
}

// withoutPlugin are Pulumi packages known to have no plugin (and no pulumi-plugin.json saying so).
var withoutPlugin = map[string]bool{"pulumi-policy": true, "pulumi-esc-sdk": true}

var separators = regexp.MustCompile(`[-_.]+`)

// normalize is a distribution name as PEP 503 compares them: lower case, runs of -_. as one -.
func normalize(name string) string {
	return separators.ReplaceAllString(strings.ToLower(name), "-")
}

// pluginJSON reads <location>/<module>/pulumi-plugin.json, the module being the distribution's
// name with underscores (the generated SDKs' convention: pulumi_rekko for pulumi_rekko). Nil
// when there is none.
func pluginJSON(pkg installed) (*plugin.PulumiPluginJSON, error) {
	module := strings.ReplaceAll(normalize(pkg.Name), "-", "_")
	p, err := plugin.LoadPulumiPluginJSON(filepath.Join(pkg.Location, module, "pulumi-plugin.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return p, err
}

// pulumiPackages are the Pulumi packages among the installed distributions, as the official host
// finds them: a distribution with a pulumi-plugin.json, or named pulumi-* / pulumi_*; the plugin's
// name, version and server from pulumi-plugin.json, else from the distribution's name (less
// pulumi-) and version. `"resource": false` means no plugin. A package whose version says no
// plugin version (see pluginVersion) is left out.
func pulumiPackages(list []installed) []*pulumirpc.PackageDependency {
	var found []*pulumirpc.PackageDependency
	for _, pkg := range list {
		norm := normalize(pkg.Name)
		if withoutPlugin[norm] {
			continue
		}
		p, err := pluginJSON(pkg)
		if err != nil {
			logging.V(5).Infof("GetRequiredPackages: %s: %v", pkg.Name, err)
			continue
		}
		if p == nil && !strings.HasPrefix(norm, "pulumi-") {
			continue
		}
		dep := &pulumirpc.PackageDependency{Kind: "resource"}
		if p != nil {
			if !p.Resource {
				continue
			}
			dep.Name, dep.Version, dep.Server = p.Name, p.Version, p.Server
			if q := p.Parameterization; q != nil {
				dep.Parameterization = &pulumirpc.PackageParameterization{Name: q.Name, Version: q.Version, Value: q.Value}
			}
		}
		if dep.Name == "" {
			dep.Name = strings.TrimPrefix(norm, "pulumi-")
		}
		if dep.Version == "" {
			v, err := pluginVersion(pkg.Version)
			if err != nil {
				logging.V(5).Infof("GetRequiredPackages: %s %s: %v", pkg.Name, pkg.Version, err)
				continue
			}
			dep.Version = v
		}
		if !strings.HasPrefix(dep.Version, "v") {
			dep.Version = "v" + dep.Version
		}
		found = append(found, dep)
	}
	return found
}

var pep440 = regexp.MustCompile(`^(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?$`)

// pluginVersion turns a PEP 440 package version into the plugin's semantic version, as the
// official host does: at least three numbers (1.0 is 1.0.0), a/b/rc N as -alpha.N/-beta.N/-rc.N,
// .postN and .devN as build metadata (+postN, +devN, +postNdevM). Epochs and local versions
// have no plugin version.
func pluginVersion(v string) (string, error) {
	m := pep440.FindStringSubmatch(v)
	if m == nil {
		return "", fmt.Errorf("%q is not a version a plugin version can be derived from", v)
	}
	nums := strings.Split(m[1], ".")
	for len(nums) < 3 {
		nums = append(nums, "0")
	}
	out := strings.Join(nums, ".")
	if m[2] != "" {
		out += "-" + map[string]string{"a": "alpha", "b": "beta", "rc": "rc"}[m[2]] + "." + m[3]
	}
	build := ""
	if m[4] != "" {
		build += "post" + m[4]
	}
	if m[5] != "" {
		build += "dev" + m[5]
	}
	if build != "" {
		out += "+" + build
	}
	return out, nil
}
