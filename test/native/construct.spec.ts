import * as pulumi from "@pulumi/pulumi";
import * as aliasproto from "@pulumi/pulumi/proto/alias_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { expect } from "chai";
import { constructOptions } from "../../provider/native/construct";

const URN = (name: string) => `urn:pulumi:dev::proj::rekko:index:WebhookWithSecret::${name}`;

/** A construct request carrying every resource option the engine can send. */
function fullRequest(): provproto.ConstructRequest {
  const req = new provproto.ConstructRequest().setType("rekko:index:WebhookWithSecret").setName("paired");
  const spec = new aliasproto.Alias.Spec().setName("old-name").setNoparent(true);
  const child = new aliasproto.Alias.Spec().setName("older").setParenturn(URN("parent"));
  req.setAliasesList([
    new aliasproto.Alias().setUrn(URN("by-urn")),
    new aliasproto.Alias().setSpec(spec),
    new aliasproto.Alias().setSpec(child),
  ]);
  req.setProtect(true).setRetainondelete(true).setDeletedwith(URN("owner"));
  req.setIgnorechangesList(["events"]).setReplaceonchangesList(["url"]);
  req.setCustomtimeouts(new provproto.ConstructRequest.CustomTimeouts().setCreate("2m").setDelete("3m"));
  req.setDependenciesList([URN("dep")]).setParent(URN("parent"));
  req.getProvidersMap().set("rekko", `${URN("prov")}::id-1`);
  req.setResourceHooks(new provproto.ConstructRequest.ResourceHooksBinding().setBeforeCreateList(["audit"]));
  return req;
}

const urnOf = (r: unknown) => (r as { urn: pulumi.Output<string> }).urn;
const value = <T>(o: pulumi.Output<T>) => (o as unknown as { promise(): Promise<T> }).promise();

describe("native provider: construct rebuilds every resource option, as the Node.js SDK's provider server does", () => {
  it("aliases (URNs and specs), protect, retainOnDelete, deletedWith, ignore/replaceOnChanges, timeouts, providers, dependsOn, parent, hooks", async () => {
    const opts = constructOptions(fullRequest());
    expect(opts.aliases).to.have.length(3);
    expect(opts.aliases?.[0]).to.equal(URN("by-urn"));
    expect(opts.aliases?.[1]).to.deep.equal({ name: "old-name", parent: pulumi.rootStackResource });
    expect(opts.aliases?.[2]).to.deep.equal({ name: "older", parent: URN("parent") });
    expect(opts).to.include({ protect: true, retainOnDelete: true });
    expect(await value(urnOf(opts.deletedWith))).to.equal(URN("owner"));
    expect(opts.ignoreChanges).to.deep.equal(["events"]);
    expect(opts.replaceOnChanges).to.deep.equal(["url"]);
    expect(opts.customTimeouts).to.include({ create: "2m", delete: "3m" });
    expect(await value(urnOf((opts.providers as Record<string, unknown>).rekko))).to.equal(URN("prov"));
    expect(await Promise.all((opts.dependsOn as unknown[]).map((d) => value(urnOf(d))))).to.deep.equal([URN("dep")]);
    expect(await value(urnOf(opts.parent))).to.equal(URN("parent"));
    expect(opts.hooks?.beforeCreate?.map((h) => (h as { name: string }).name)).to.deep.equal(["audit"]);
  });

  it("an option the request leaves unset stays unset", () => {
    const opts = constructOptions(new provproto.ConstructRequest().setType("rekko:index:WebhookWithSecret").setName("x"));
    expect(opts.aliases).to.deep.equal([]);
    expect(opts).to.include({ protect: false, retainOnDelete: false });
    expect(opts).to.not.have.any.keys("deletedWith", "parent", "customTimeouts", "replacementTrigger");
  });
});
