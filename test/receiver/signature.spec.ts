import { createHmac } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { signPayload, verifySignature } from "../../provider/receiver/signature";

// Vector computed independently: printf '%s' '{"type":"price_shift"}' | openssl dgst -sha256 -hmac 'whsec_abc123def456'
const BODY = '{"type":"price_shift"}';
const SECRET = "whsec_abc123def456";
const KNOWN = "16083f19eed554a11ed0239eaa72d36bc571bfa35d1c719ada8ef5b825f74daa";
const EXPECTED = createHmac("sha256", SECRET).update(Buffer.from(BODY)).digest("hex");

describe("signatures", () => {
  it("matches the known vector", () => {
    expect(EXPECTED).to.equal(KNOWN);
    expect(signPayload(BODY, SECRET)).to.equal(EXPECTED);
    expect(verifySignature(Buffer.from(BODY), EXPECTED, SECRET)).to.equal(true);
  });
  it("accepts upper-case hex and surrounding whitespace", () => {
    expect(verifySignature(BODY, EXPECTED.toUpperCase(), SECRET)).to.equal(true);
    expect(verifySignature(BODY, ` ${EXPECTED}\t`, SECRET)).to.equal(true);
    expect(verifySignature(BODY, [EXPECTED], SECRET), "one value given as a list").to.equal(true);
  });
  it("refuses a sha256= prefix and several values, which Rekko never sends (issue 14)", () => {
    expect(verifySignature(BODY, `sha256=${EXPECTED}`, SECRET)).to.equal(false);
    expect(verifySignature(BODY, [EXPECTED, EXPECTED], SECRET)).to.equal(false);
    expect(verifySignature(BODY, `${EXPECTED}, ${EXPECTED}`, SECRET)).to.equal(false);
  });
  it("accepts any of several secrets (rotation)", () => {
    expect(verifySignature(BODY, EXPECTED, ["new-secret-xxxxxxxx", SECRET])).to.equal(true);
    expect(verifySignature(BODY, EXPECTED, ["new-secret-xxxxxxxx", "other-secret-yyyyyy"])).to.equal(false);
  });
  it("is false, never a throw, for malformed headers", () => {
    for (const header of [undefined, null, "", "abc", EXPECTED.slice(1), `${EXPECTED}00`, "z".repeat(64), ["nope"], "sha256="]) {
      expect(verifySignature(BODY, header as string, SECRET), String(header)).to.equal(false);
    }
  });
  it("is false for a re-serialised body", () => {
    const reserialised = JSON.stringify(JSON.parse('{ "type": "price_shift" }'));
    const original = '{ "type": "price_shift" }';
    expect(verifySignature(reserialised, signPayload(original, SECRET), SECRET)).to.equal(false);
  });
  it("refuses a parsed object with an error naming the package", () => {
    expect(() => verifySignature({ type: "x" } as never, EXPECTED, SECRET)).to.throw(
      TypeError,
      /pulumi-rekko: verifySignature needs the raw request body/,
    );
    expect(() => verifySignature(BODY, EXPECTED, [])).to.throw(TypeError, /at least one non-empty secret/);
  });
  it("round-trips random bodies and secrets, and any single-bit change fails (property-based)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        (body, secret, bit) => {
          const sig = signPayload(body, secret);
          expect(verifySignature(body, sig, secret)).to.equal(true);
          const flipped = Uint8Array.from(body);
          const i = bit % (flipped.length * 8);
          flipped[i >> 3] = (flipped[i >> 3] ?? 0) ^ (1 << (i & 7));
          expect(verifySignature(flipped, sig, secret)).to.equal(false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
