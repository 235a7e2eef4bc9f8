module rekko-native-go

go 1.25

require (
	github.com/pulumi-rekko/pulumi-rekko/sdk/go v0.0.0
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
)

// The SDK the test generates from the served schema (`pulumi package gen-sdk --language go` writes the same).
replace github.com/pulumi-rekko/pulumi-rekko/sdk/go => ./sdk/go
