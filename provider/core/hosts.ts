/**
 * Classification of URL hosts without DNS: loopback, private/reserved, or public. Used for
 * receiver URLs (validation), the API base (settings) and the emulator's delivery guard.
 */

function ipv4Parts(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function ipv4Kind(parts: number[]): "loopback" | "private" | undefined {
  const [a = 0, b = 0] = parts;
  if (a === 127) return "loopback";
  if (a === 0 || a === 10 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)) return "private";
  if ((a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224) return "private";
  return undefined;
}

function expandIpv6(input: string): number[] | undefined {
  let host = input;
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(host);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Parts(v4[1]) ?? [-1];
    if (a < 0) return undefined;
    host = `${host.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = host.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves[1] ? halves[1].split(":") : [];
  if (![...head, ...tail].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return undefined;
  const zeros = new Array<string>(halves.length === 2 ? fill : 0).fill("0");
  return [...head, ...zeros, ...tail].map((g) => Number.parseInt(g, 16));
}

/**
 * Classifies a URL host (as `URL.hostname` gives it) without any DNS lookup:
 * `loopback` (localhost, 127/8, ::1), `private` (RFC 1918, link-local, CGNAT, unique-local,
 * unspecified, multicast, and IPv4-mapped forms of those) or `public`.
 */
export function hostKind(hostname: string): "loopback" | "private" | "public" {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  const v4 = ipv4Parts(host);
  if (v4) return ipv4Kind(v4) ?? "public";
  if (!host.includes(":")) return "public";
  const g = expandIpv6(host);
  if (!g) return "private";
  const [g0 = 0, , , , , g5 = 0, g6 = 0, g7 = 0] = g;
  if (g.slice(0, 7).every((x) => x === 0) && g7 === 1) return "loopback";
  if (g.every((x) => x === 0)) return "private";
  const nat64 = g0 === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  const mapped = nat64 || (g.slice(0, 5).every((x) => x === 0) && (g5 === 0xffff || (g5 === 0 && g6 !== 0)));
  if (mapped) {
    const kind = ipv4Kind([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]);
    if (kind) return kind;
    return g5 === 0xffff || nat64 ? "public" : "private";
  }
  // Other forms that embed an IPv4 address: IPv4-translated ::ffff:0:a.b.c.d (RFC 2765) and
  // 6to4 2002:aabb:ccdd::/48; a private or loopback one inside makes the address private.
  const translated = g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g5 === 0;
  const [, g1 = 0, g2 = 0] = g;
  const embedded = translated ? [g6, g7] : g0 === 0x2002 ? [g1, g2] : undefined;
  if (embedded && ipv4Kind(embedded.flatMap((x = 0) => [x >> 8, x & 0xff]))) return "private";
  // Local-use NAT64 64:ff9b:1::/48 (RFC 8215) and the deprecated site-local fec0::/10 are private too.
  if ((g0 === 0x64 && g1 === 0xff9b && g2 === 1) || (g0 & 0xffc0) === 0xfec0) return "private";
  if ((g0 & 0xfe00) === 0xfc00 || (g0 & 0xffc0) === 0xfe80 || (g0 & 0xff00) === 0xff00) return "private";
  return "public";
}
