import { createHash } from "node:crypto";
import { expect } from "chai";
import { RekkoKeyMismatchError } from "../../provider/core/errors";
import { fingerprintMatches, keyFingerprint, legacyKeyFingerprint } from "../../provider/core/fingerprint";
import { assertSameKey, currentFingerprint } from "../../provider/core/keyCheck";
import { WebhookSession } from "../../provider/core/session";
import { RekkoEmulator } from "../../provider/testing";

const KEY = "rk_pro_fingerprint_test_key_0001";
const OTHER = "rk_pro_fingerprint_test_key_0002";

describe("key fingerprint: keyed by the webhook id", () => {
  it("is hmac: and 16 hex digits, and differs for every webhook of one key (no link between stacks)", () => {
    const a = keyFingerprint(KEY, "wh-aaaaaaaaaaaa");
    const b = keyFingerprint(KEY, "wh-bbbbbbbbbbbb");
    expect(a).to.match(/^hmac:[0-9a-f]{16}$/);
    expect(a).not.to.equal(b);
    expect(a).not.to.equal(keyFingerprint(OTHER, "wh-aaaaaaaaaaaa"));
  });

  it("is no function of the key alone: a table of key hashes matches nothing", () => {
    const fp = keyFingerprint(KEY, "wh-aaaaaaaaaaaa");
    const plain = createHash("sha256").update(KEY).digest("hex");
    expect(plain).not.to.include(fp.slice("hmac:".length));
    expect(fp).not.to.equal(legacyKeyFingerprint(KEY));
    expect(fp).not.to.include(KEY.slice("rk_pro_".length, 20));
  });

  it("matches either form for the key that made it, and neither for another key", () => {
    const id = "wh-cccccccccccc";
    expect(fingerprintMatches(keyFingerprint(KEY, id), KEY, id)).to.equal(true);
    expect(fingerprintMatches(keyFingerprint(KEY, id), OTHER, id)).to.equal(false);
    expect(fingerprintMatches(keyFingerprint(KEY, id), KEY, "wh-dddddddddddd"), "bound to its webhook").to.equal(false);
    expect(fingerprintMatches(legacyKeyFingerprint(KEY), KEY, id)).to.equal(true);
    expect(fingerprintMatches(legacyKeyFingerprint(KEY), OTHER, id)).to.equal(false);
    expect(fingerprintMatches(undefined, KEY, id)).to.equal(undefined);
    expect(fingerprintMatches("", KEY, id)).to.equal(undefined);
  });
});

describe("key check", () => {
  const id = "wh-eeeeeeeeeeee";
  it("refuses another key, for either stored form, printing no fingerprint", () => {
    for (const stored of [keyFingerprint(KEY, id), legacyKeyFingerprint(KEY)]) {
      let error: unknown;
      try {
        assertSameKey(id, stored, OTHER, "delete");
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(RekkoKeyMismatchError);
      const message = (error as Error).message;
      expect(message).to.include(`Webhook ${id} was registered with another API key`).and.include("pulumi state delete");
      for (const fp of [stored, keyFingerprint(OTHER, id), legacyKeyFingerprint(OTHER)]) expect(message).not.to.include(fp);
    }
  });

  it("passes the same key in either form, state without a fingerprint, and a session with no key", () => {
    assertSameKey(id, keyFingerprint(KEY, id), KEY, "refresh");
    assertSameKey(id, legacyKeyFingerprint(KEY), KEY, "update");
    assertSameKey(id, undefined, KEY, "update");
    assertSameKey(id, keyFingerprint(KEY, id), undefined, "delete");
  });

  it("rewrites the older form to the current one, keeping a current one as it is", () => {
    expect(currentFingerprint(KEY, id, legacyKeyFingerprint(KEY))).to.equal(keyFingerprint(KEY, id));
    expect(currentFingerprint(KEY, id, keyFingerprint(KEY, id))).to.equal(keyFingerprint(KEY, id));
    expect(currentFingerprint(undefined, id)).to.equal(undefined);
  });
});

describe("session: state with the older sha256: fingerprint keeps working", () => {
  let emu: RekkoEmulator;
  before(async () => {
    emu = await RekkoEmulator.start({ apiKeys: [KEY, OTHER] });
  });
  after(() => emu.stop());
  const api = () => emu.requests().filter((r) => r.path.startsWith("/v1/"));

  it("is checked, then rewritten to the hmac: form by update (no API call) and refresh (its one list)", async () => {
    const made = await new WebhookSession({ apiKey: KEY, baseUrl: emu.url }).create({
      url: "http://127.0.0.1:9/legacy-fp",
      events: ["whale_alert"],
    });
    const legacy = { ...made.outs, keyFingerprint: legacyKeyFingerprint(KEY) } as unknown as Record<string, unknown>;

    const refused = new WebhookSession({ apiKey: OTHER, baseUrl: emu.url });
    const before = api().length;
    expect(() => refused.diff(made.id, legacy, { ...legacy })).to.throw(RekkoKeyMismatchError);
    await refused.delete(made.id, legacy).then(
      () => expect.fail("delete under another key must be refused"),
      (e: unknown) => expect(e).to.be.instanceOf(RekkoKeyMismatchError),
    );
    expect(api().length, "refused before any API call").to.equal(before);

    const session = new WebhookSession({ apiKey: KEY, baseUrl: emu.url });
    const updated = await session.update(made.id, legacy);
    expect(updated.keyFingerprint).to.equal(keyFingerprint(KEY, made.id));
    expect(api().length, "update makes no API call").to.equal(before);
    const read = await session.read(made.id, legacy);
    expect(read.props?.keyFingerprint).to.equal(keyFingerprint(KEY, made.id));
    expect(
      api()
        .slice(before)
        .map((r) => r.method),
    ).to.deep.equal(["GET"]);
  });
});
