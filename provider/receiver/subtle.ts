// The web face's HMAC: WebCrypto (`crypto.subtle`), with the imported keys cached per receiver.
import type { ReceiverCrypto } from "./verify.js";

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/**
 * HMAC-SHA256 on `crypto.subtle` for one receiver: `verify` compares in constant time, and
 * every secret is tried. The receiver keeps its imported keys (a handful of secrets are live at
 * a time, a rotation overlap; the cache is cleared when it reaches 32).
 */
export function subtleCrypto(): ReceiverCrypto {
  const keys = new Map<string, Promise<HmacKey>>();
  const encoder = new TextEncoder();
  const hmacKey = (secret: string): Promise<HmacKey> => {
    let key = keys.get(secret);
    if (!key) {
      if (keys.size >= 32) keys.clear();
      key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
      keys.set(secret, key);
    }
    return key;
  };
  return {
    async matches(body, signature, secrets) {
      const results = await Promise.all(
        secrets.map(async (secret) =>
          crypto.subtle.verify(
            "HMAC",
            await hmacKey(secret),
            signature as Uint8Array<ArrayBuffer>,
            body as Uint8Array<ArrayBuffer>,
          ),
        ),
      );
      return results.includes(true);
    },
    async sha256Hex(body) {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body as Uint8Array<ArrayBuffer>));
      return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    },
  };
}
