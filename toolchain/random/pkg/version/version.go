// Package version holds the provider version, set at build time via
// -ldflags "-X github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version=X.Y.Z".
package version

// Version is the provider's semantic version (without a leading "v").
var Version string
