// A Go program on the generated rekko SDK: a Webhook signed with a secret from stack config, a
// WebhookWithSecret, and a lookup of the first webhook by its url.
package main

import (
	"github.com/pulumi-rekko/pulumi-rekko/sdk/go/rekko"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		hook, err := rekko.NewWebhook(ctx, "hook", &rekko.WebhookArgs{
			Url:    pulumi.String("http://127.0.0.1:9/go"),
			Events: rekko.EventTypeArray{rekko.EventTypeWhaleAlert, "price_shift"},
			Secret: cfg.RequireSecret("hookSecret"),
		})
		if err != nil {
			return err
		}
		paired, err := rekko.NewWebhookWithSecret(ctx, "paired", &rekko.WebhookWithSecretArgs{
			Url:    pulumi.String("http://127.0.0.1:9/go/paired"),
			Events: rekko.EventTypeArray{rekko.EventTypeAnalysisComplete},
		})
		if err != nil {
			return err
		}
		// Depends on the hook's url, so preview makes no call and up lists after the create.
		found := rekko.GetWebhooksOutput(ctx, rekko.GetWebhooksOutputArgs{
			Url:   hook.Url,
			Event: rekko.EventTypeWhaleAlert.ToEventTypePtrOutput(),
		})

		ctx.Export("hookId", hook.WebhookId)
		ctx.Export("pairedId", paired.WebhookId)
		ctx.Export("acceptedSecrets", paired.AcceptedSecrets)
		ctx.Export("foundIds", found.Ids())
		return nil
	})
}
