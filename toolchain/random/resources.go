// Package random maps the upstream Terraform random provider (a
// terraform-plugin-framework provider) into a Pulumi bridged provider.
// Tokens follow the published Pulumi package: random:index/randomX:RandomX.
package random

import (
	"context"
	_ "embed" // for bridge-metadata.json
	"fmt"
	"path/filepath"

	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/terraform-providers/terraform-provider-random/shim"

	"github.com/pulumi/pulumi-random/provider/v4/pkg/version"
)

const (
	pkgName = "random"
	modName = "index"
)

//go:embed cmd/pulumi-resource-random/bridge-metadata.json
var bridgeMetadata []byte

// Provider returns the bridge configuration for the random package.
func Provider() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:            pf.ShimProvider(shim.NewProvider()),
		Name:         pkgName,
		Version:      version.Version,
		Description:  "A Pulumi package to safely use randomness in Pulumi programs.",
		Keywords:     []string{"pulumi", "random"},
		License:      "Apache-2.0",
		Homepage:     "https://pulumi.io",
		Repository:   "https://github.com/pulumi/pulumi-random",
		GitHubOrg:    "terraform-providers",
		MetadataInfo: tfbridge.NewProviderMetadata(bridgeMetadata),
		Resources: map[string]*tfbridge.ResourceInfo{
			// Some historical RandomString states lack a schema version marker;
			// treat them as version 1 (see pulumi/pulumi-random#258).
			"random_string": {PreStateUpgradeHook: assumeV1WhenUnversioned},
			// random_bytes has no natural TF id; use the base64 value.
			"random_bytes": {ComputeID: idFromBase64},
		},
		JavaScript: &tfbridge.JavaScriptInfo{
			DevDependencies:      map[string]string{"@types/node": "^10.0.0"},
			RespectSchemaVersion: true,
		},
		Python: &tfbridge.PythonInfo{RespectSchemaVersion: true},
		Golang: &tfbridge.GolangInfo{
			ImportBasePath: filepath.Join("github.com/pulumi/pulumi-random/sdk",
				tfbridge.GetModuleMajorVersion(version.Version), "go", pkgName),
			GenerateResourceContainerTypes: true,
			RespectSchemaVersion:           true,
		},
		CSharp: &tfbridge.CSharpInfo{
			RespectSchemaVersion: true,
			PackageReferences:    map[string]string{"Pulumi": "3.*"},
			Namespaces:           map[string]string{pkgName: "Random"},
		},
		EnableAccurateBridgePreview: true,
		EnableRawStateDelta:         true,
	}
	info.Python.PyProject.Enabled = true

	// random_password -> random:index/randomPassword:RandomPassword, etc.
	info.MustComputeTokens(tokens.SingleModule("random_", modName,
		func(module, name string) (string, error) {
			return tokens.MakeStandard(pkgName)(module, "Random"+name)
		}))
	info.MustApplyAutoAliases()
	return info
}

func assumeV1WhenUnversioned(args tfbridge.PreStateUpgradeHookArgs) (int64, resource.PropertyMap, error) {
	if args.PriorStateSchemaVersion == 0 {
		return 1, args.PriorState, nil
	}
	return args.PriorStateSchemaVersion, args.PriorState, nil
}

func idFromBase64(_ context.Context, state resource.PropertyMap) (resource.ID, error) {
	v, ok := state["base64"]
	if !ok {
		return "", fmt.Errorf("random_bytes: state has no base64 property")
	}
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return "", fmt.Errorf("random_bytes: base64 property is not a string")
	}
	return resource.ID(v.StringValue()), nil
}
