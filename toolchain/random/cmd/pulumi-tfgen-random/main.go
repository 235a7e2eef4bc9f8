// Command pulumi-tfgen-random generates the Pulumi schema (and SDKs) for random.
package main

import (
	pftfgen "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfgen"

	random "github.com/pulumi/pulumi-random/provider/v4"
)

func main() { pftfgen.Main("random", random.Provider()) }
