// Command pulumi-resource-random is the Pulumi resource provider plugin for random.
package main

import (
	"context"
	_ "embed"
	"encoding/json"

	pf "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"

	random "github.com/pulumi/pulumi-random/provider/v4"
	"github.com/pulumi/pulumi-random/provider/v4/pkg/version"
)

// schema-embed.json is the output of `pulumi-tfgen-random schema`, copied in by
// build-random.sh before this command is compiled.
//
//go:embed schema-embed.json
var schema []byte

// withVersion stamps the package version into the schema, as the published
// plugin does, so GetSchema reports the same version as GetPluginInfo.
func withVersion(spec []byte, v string) []byte {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(spec, &m); err != nil {
		panic(err)
	}
	m["version"], _ = json.Marshal(v)
	out, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return out
}

func main() {
	meta := pf.ProviderMetadata{PackageSchema: withVersion(schema, version.Version)}
	pf.Main(context.Background(), "random", random.Provider(), meta)
}
