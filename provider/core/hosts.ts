/**
 * Classification of URL hosts without DNS: loopback, private/reserved, or public. Used for
 * receiver URLs (validation), the API base (settings) and the emulator's bind and Host checks.
 * IP ranges come from ipaddr.js (`range()`), which follows the IANA special-purpose registries.
 */
import ipaddr from "ipaddr.js";

/** Where a host points: this machine, a network the Rekko API cannot reach, or the internet. */
export type HostKind = "loopback" | "private" | "public";

/** A host's classification and the reason for it (an ipaddr.js range name, or the special name). */
export interface HostClass {
  kind: HostKind;
  /** `localhost name`, `hostname`, or the ipaddr.js range of the address (e.g. `private`, `reserved`, `linkLocal`). */
  range: string;
  /** True when the host is an IP address literal. */
  ip: boolean;
}

/** IPv6 ranges that embed an IPv4 address that decides where the address leads. */
const EMBEDDING = new Set(["ipv4Mapped", "rfc6145", "rfc6052", "6to4"]);

/** The host as `URL.hostname` spells it (lowercase, canonical IP forms), without brackets. */
function canonical(hostname: string): string {
  const raw = hostname.trim().toLowerCase();
  const bracketed = raw.includes(":") && !raw.startsWith("[") ? `[${raw}]` : raw;
  let host = raw;
  try {
    host = new URL(`http://${bracketed}/`).hostname;
  } catch {
    // Not a URL host (e.g. an IPv6 zone id): classify the text as given.
  }
  return host.replace(/^\[|\]$/g, "");
}

function parseIp(host: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host);
  if (host.includes(":") && ipaddr.IPv6.isValid(host)) return ipaddr.IPv6.parse(host);
  return undefined;
}

function classifyIp(addr: ipaddr.IPv4 | ipaddr.IPv6): HostClass {
  const range: string = addr.range();
  if (addr.kind() === "ipv6") {
    const v6 = addr as ipaddr.IPv6;
    const p = v6.parts;
    // The well-known NAT64 prefix 64:ff9b::/96 embeds the address in the last 32 bits; the
    // local-use 64:ff9b:1::/48 (also `rfc6052` in ipaddr.js) is a private network's prefix.
    const localNat64 = range === "rfc6052" && p[2] === 1;
    if (EMBEDDING.has(range) && !localNat64) {
      // 6to4 (2002::/16) carries the IPv4 address in bits 16–47, the others in the last 32 bits.
      const [hi = 0, lo = 0] = range === "6to4" ? [p[1], p[2]] : [p[6], p[7]];
      const inner = classifyIp(new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]));
      // Only an IPv4-mapped address is the embedded address itself; the others lead elsewhere
      // (a gateway, a relay), so an embedded loopback address there is merely invalid: private.
      const kind = inner.kind === "loopback" && range !== "ipv4Mapped" ? "private" : inner.kind;
      return { kind, range: `${range}(${inner.range})`, ip: true };
    }
    if (range === "loopback") return { kind: "loopback", range, ip: true };
    // Public only inside the global unicast space 2000::/3 (IANA IPv6 address space registry).
    const global = ((p[0] ?? 0) & 0xe000) === 0x2000;
    return {
      kind: range === "unicast" && global ? "public" : "private",
      range: global ? range : `${range}, outside 2000::/3`,
      ip: true,
    };
  }
  if (range === "loopback") return { kind: "loopback", range, ip: true };
  return { kind: range === "unicast" ? "public" : "private", range, ip: true };
}

/**
 * Classifies a URL host (as `URL.hostname` gives it, brackets allowed) without any DNS lookup.
 * `loopback`: a loopback address (127/8, ::1, their IPv4-mapped forms) or a `localhost` name
 * (`localhost`, `*.localhost`, any trailing dots). `private`: every address in an IANA
 * special-purpose range (ipaddr.js `range()` other than `unicast`: RFC 1918, CGNAT, link-local,
 * documentation, benchmarking, reserved, multicast, unique-local, discard, Teredo, ORCHID…), IPv6
 * outside 2000::/3, and forms embedding such an IPv4 address (IPv4-mapped, IPv4-translated,
 * NAT64 64:ff9b::/96, 6to4). `public`: any other address or name.
 */
export function classifyHost(hostname: string): HostClass {
  const host = canonical(hostname);
  const addr = parseIp(host);
  if (addr) return classifyIp(addr);
  const name = host.replace(/\.+$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return { kind: "loopback", range: "localhost name", ip: false };
  // Something with a colon that is no valid IPv6 address cannot be a public host.
  if (host.includes(":") || host.includes("%")) return { kind: "private", range: "malformed address", ip: false };
  return { kind: "public", range: "hostname", ip: false };
}

/** {@link classifyHost}'s kind alone. */
export function hostKind(hostname: string): HostKind {
  return classifyHost(hostname).kind;
}

/**
 * True only for a host that reaches this machine without asking DNS: a loopback IP literal
 * or exactly `localhost`. Unlike {@link hostKind}, `*.localhost` and `localhost.` do not count:
 * a resolver may send those names to DNS, and whatever answers would receive what is sent in
 * clear (e.g. the API key over an `http` API base).
 */
export function isLoopbackAddress(hostname: string): boolean {
  const host = canonical(hostname);
  if (host === "localhost") return true;
  const addr = parseIp(host);
  return addr !== undefined && classifyIp(addr).kind === "loopback";
}
