"""A Python program on the rekko SDK: a Webhook signed with a secret from stack config, a
WebhookWithSecret, a Webhook of a second Rekko account through an explicit Provider, and a lookup
of the first webhook by its url."""

import pulumi
import pulumi_rekko as rekko

config = pulumi.Config()

hook = rekko.Webhook(
    "hook",
    url="http://127.0.0.1:9/python",
    events=[rekko.EventType.WHALE_ALERT, "price_shift"],
    secret=config.require_secret("hookSecret"),
)
paired = rekko.WebhookWithSecret(
    "paired",
    url="http://127.0.0.1:9/python/paired",
    events=[rekko.EventType.ANALYSIS_COMPLETE],
)

# Another account: its own key, given to a provider of its own.
other = rekko.Provider("other", api_key=config.require_secret("otherKey"), base_url=config.require("emulatorUrl"))
other_hook = rekko.Webhook(
    "otherHook",
    url="http://127.0.0.1:9/python/other",
    events=[rekko.EventType.PRICE_SHIFT],
    opts=pulumi.ResourceOptions(provider=other),
)

# Depends on the hook's url, so preview makes no call and up lists after the create.
found = rekko.get_webhooks_output(url=hook.url, event=rekko.EventType.WHALE_ALERT)

pulumi.export("hookId", hook.webhook_id)
pulumi.export("pairedId", paired.webhook_id)
pulumi.export("acceptedSecrets", paired.accepted_secrets)
pulumi.export("otherId", other_hook.webhook_id)
pulumi.export("foundIds", found.ids)
