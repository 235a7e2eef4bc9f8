module github.com/pulumi/pulumi-random/provider/v4

go 1.25.11

require (
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.137.0
	github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260824155315-e1092b0cfc07
	github.com/terraform-providers/terraform-provider-random/shim v0.0.0
)

replace github.com/terraform-providers/terraform-provider-random/shim => ./shim

// The bridge is built and tested against Pulumi's fork of the SDKv2.
replace github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20260318212141-5525259d096b
