// Package shim exposes the upstream terraform-provider-random provider, whose
// implementation lives in an internal package. Because this module's path is
// nested under the upstream module path, Go's internal-package rule permits
// the import.
package shim

import (
	"github.com/hashicorp/terraform-plugin-framework/provider"

	upstream "github.com/terraform-providers/terraform-provider-random/internal/provider"
)

// NewProvider returns a fresh instance of the upstream plugin-framework provider.
func NewProvider() provider.Provider { return upstream.New() }
