package sdkgen

import (
	"context"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// Loader resolves the built-in "pulumi" package and, once Own is set, the package being generated
// (for binding example programs that use it): the rekko schema references no other.
type Loader struct {
	Own *schema.Package
}

func (l *Loader) LoadPackage(pkg string, v *semver.Version) (*schema.Package, error) {
	return l.LoadPackageV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: v})
}

func (l *Loader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	if d.Name == "pulumi" {
		return schema.DefaultPulumiPackage, nil
	}
	if l.Own != nil && d.Name == l.Own.Name {
		return l.Own, nil
	}
	return nil, fmt.Errorf("the schema references package %q; only self-contained schemas are supported", d.Name)
}

func (l *Loader) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	return l.LoadPackageReferenceV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: v})
}

func (l *Loader) LoadPackageReferenceV2(ctx context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	p, err := l.LoadPackageV2(ctx, d)
	if err != nil {
		return nil, err
	}
	return p.Reference(), nil
}
