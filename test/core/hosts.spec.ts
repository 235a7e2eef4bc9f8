import { expect } from "chai";
import { classifyHost, hostKind, isLoopbackAddress } from "../../provider/core/hosts";
import { resolveSettings } from "../../provider/core/settings";
import { urlProblem } from "../../provider/core/validation";

/**
 * The IANA special-purpose address registries, written here by hand from the registries as we
 * know them (iana-ipv4-special-registry and iana-ipv6-special-registry, 2025 editions), not read
 * from ipaddr.js, so a range the library misses fails this test. `reachable` is the registry's
 * "Globally Reachable" column. Our rule: every special-purpose address is refused as a receiver
 * (`private`), loopback blocks are `loopback`, and even the blocks the registry marks globally
 * reachable are anycast service addresses (PCP, TURN, AS112, AMT, ORCHIDv2, DETs), not webhook
 * receivers, so they are `private` too. Ranges that embed an IPv4 address (IPv4-mapped, the
 * NAT64 well-known prefix, 6to4; and IPv4-translated ::ffff:0:0:0/96, RFC 6145, no longer in the
 * registry) take the kind of the embedded address: `embeds`.
 */
const IPV4_SPECIAL: [cidr: string, name: string, reachable: "True" | "False" | "N/A"][] = [
  ["0.0.0.0/8", '"This network"', "False"],
  ["0.0.0.0/32", '"This host on this network"', "False"],
  ["10.0.0.0/8", "Private-Use", "False"],
  ["100.64.0.0/10", "Shared Address Space", "False"],
  ["127.0.0.0/8", "Loopback", "False"],
  ["169.254.0.0/16", "Link Local", "False"],
  ["172.16.0.0/12", "Private-Use", "False"],
  ["192.0.0.0/24", "IETF Protocol Assignments", "False"],
  ["192.0.0.0/29", "IPv4 Service Continuity Prefix", "False"],
  ["192.0.0.8/32", "IPv4 dummy address", "False"],
  ["192.0.0.9/32", "Port Control Protocol Anycast", "True"],
  ["192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "True"],
  ["192.0.0.170/32", "NAT64/DNS64 Discovery", "False"],
  ["192.0.0.171/32", "NAT64/DNS64 Discovery", "False"],
  ["192.0.2.0/24", "Documentation (TEST-NET-1)", "False"],
  ["192.31.196.0/24", "AS112-v4", "True"],
  ["192.52.193.0/24", "AMT", "True"],
  ["192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "N/A"],
  ["192.168.0.0/16", "Private-Use", "False"],
  ["192.175.48.0/24", "Direct Delegation AS112 Service", "True"],
  ["198.18.0.0/15", "Benchmarking", "False"],
  ["198.51.100.0/24", "Documentation (TEST-NET-2)", "False"],
  ["203.0.113.0/24", "Documentation (TEST-NET-3)", "False"],
  ["240.0.0.0/4", "Reserved", "False"],
  ["255.255.255.255/32", "Limited Broadcast", "False"],
  // Not in the special-purpose registry but never a unicast receiver: multicast (RFC 5771).
  ["224.0.0.0/4", "Multicast (IPv4 address space registry)", "False"],
];

const IPV6_SPECIAL: [cidr: string, name: string, reachable: "True" | "False" | "N/A", embeds?: "embeds"][] = [
  ["::1/128", "Loopback Address", "False"],
  ["::/128", "Unspecified Address", "False"],
  ["::ffff:0:0/96", "IPv4-mapped Address", "N/A", "embeds"],
  ["64:ff9b::/96", "IPv4-IPv6 Translat.", "True", "embeds"],
  ["64:ff9b:1::/48", "IPv4-IPv6 Translat. (local use)", "False"],
  ["100::/64", "Discard-Only Address Block", "False"],
  ["100:0:0:1::/64", "Dummy IPv6 Prefix", "False"],
  ["2001::/23", "IETF Protocol Assignments", "False"],
  ["2001::/32", "TEREDO", "N/A"],
  ["2001:1::1/128", "Port Control Protocol Anycast", "True"],
  ["2001:1::2/128", "Traversal Using Relays around NAT Anycast", "True"],
  ["2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "True"],
  ["2001:2::/48", "Benchmarking", "False"],
  ["2001:3::/32", "AMT", "True"],
  ["2001:4:112::/48", "AS112-v6", "True"],
  ["2001:10::/28", "Deprecated (previously ORCHID)", "N/A"],
  ["2001:20::/28", "ORCHIDv2", "True"],
  ["2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "True"],
  ["2001:db8::/32", "Documentation", "False"],
  ["2002::/16", "6to4", "N/A", "embeds"],
  ["2620:4f:8000::/48", "Direct Delegation AS112 Service", "True"],
  ["3fff::/20", "Documentation", "False"],
  ["5f00::/16", "Segment Routing (SRv6) SIDs", "False"],
  ["fc00::/7", "Unique-Local", "False"],
  ["fe80::/10", "Link-Local Unicast", "False"],
  // Not in the special-purpose registry: deprecated site-local (RFC 3879) and multicast (RFC 4291).
  ["fec0::/10", "Site-local (deprecated)", "False"],
  ["ff00::/8", "Multicast", "False"],
];

/** First, last and middle address of a CIDR block, computed with plain arithmetic (no library). */
function samples(cidr: string): string[] {
  const [base = "", bitsText = ""] = cidr.split("/");
  const bits = Number(bitsText);
  if (!base.includes(":")) {
    const n = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    const size = 2 ** (32 - bits);
    const show = (v: number) => [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join(".");
    return [...new Set([n, n + size - 1, n + Math.floor(size / 2)])].map(show);
  }
  const [head = "", tail = ""] = base.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const n = groups.reduce((acc, g) => (acc << 16n) + BigInt(Number.parseInt(g, 16)), 0n);
  const size = 1n << BigInt(128 - bits);
  const show = (v: bigint) =>
    `[${Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":")}]`;
  return [...new Set([n, n + size - 1n, n + size / 2n])].map(show);
}

const remote = { allowLocalReceivers: false };

describe("hosts: every IANA special-purpose range is refused as a receiver", () => {
  for (const [cidr, name, reachable] of IPV4_SPECIAL) {
    it(`IPv4 ${cidr} (${name}, globally reachable: ${reachable})`, () => {
      const want = cidr.startsWith("127.") ? "loopback" : "private";
      for (const host of samples(cidr)) {
        expect(hostKind(host), host).to.equal(want);
        if (want === "private")
          expect(urlProblem(`https://${host}/hook`, remote), host).to.match(/private, link-local or reserved/);
        else expect(urlProblem(`https://${host}/hook`, remote), host).to.match(/points to this machine/);
      }
    });
  }
  for (const [cidr, name, reachable, embeds] of IPV6_SPECIAL) {
    it(`IPv6 ${cidr} (${name}, globally reachable: ${reachable})`, () => {
      const want = cidr === "::1/128" ? "loopback" : "private";
      // An embedding range's first and last addresses embed 0.0.0.0 and 255.255.255.255 (both private);
      // its middle embeds 128.0.0.0, a public address, and is tested with the embedding rule below.
      const hosts = embeds ? samples(cidr).slice(0, 2) : samples(cidr);
      for (const host of hosts) {
        expect(hostKind(host), host).to.equal(want);
        expect(urlProblem(`https://${host}/hook`, remote), host).to.not.equal(undefined);
      }
    });
  }
});

describe("hosts: the cases issue 11 named, and the embedding rule", () => {
  it("localhost.. and *.localhost are loopback; ::2, 100::/64, 198.18.0.0/15, 192.0.0.0/24 are private", () => {
    for (const host of ["localhost..", "localhost.", "LOCALHOST", "api.localhost", "a.b.localhost."]) {
      expect(hostKind(host), host).to.equal("loopback");
    }
    expect(urlProblem("https://localhost../hook", remote)).to.match(/points to this machine/);
    for (const host of [
      "[::2]",
      "::2",
      "[100::1]",
      "[100::ffff:ffff:ffff:ffff]",
      "198.18.0.1",
      "198.19.255.254",
      "192.0.0.1",
      "192.0.0.255",
    ]) {
      expect(hostKind(host), host).to.equal("private");
    }
  });

  it("forms that embed an IPv4 address take its kind", () => {
    const cases: [string, string][] = [
      ["[::ffff:127.0.0.1]", "loopback"],
      ["[::ffff:7f00:1]", "loopback"],
      ["[::ffff:10.0.0.1]", "private"],
      ["[::ffff:8.8.8.8]", "public"],
      ["[::ffff:0:10.0.0.1]", "private"],
      ["[::ffff:0:8.8.8.8]", "public"],
      ["[64:ff9b::a00:1]", "private"],
      ["[64:ff9b::198.18.0.1]", "private"],
      ["[64:ff9b::8.8.8.8]", "public"],
      ["[64:ff9b:1::8.8.8.8]", "private"],
      ["[2002:c0a8:101::1]", "private"],
      ["[2002:7f00:1::]", "private"],
      ["[64:ff9b::127.0.0.1]", "private"],
      ["[2002:808:808::1]", "public"],
      ["[::8.8.8.8]", "private"],
    ];
    for (const [host, want] of cases) expect(hostKind(host), host).to.equal(want);
  });

  it("public addresses and names stay public, right next to the special ranges", () => {
    for (const host of [
      "8.8.8.8",
      "1.1.1.1",
      "192.0.1.255",
      "192.0.3.0",
      "198.17.255.255",
      "198.20.0.0",
      "100.63.255.255",
      "100.128.0.0",
      "223.255.255.255",
      "[2606:4700:4700::1111]",
      "[2001:4860:4860::8888]",
      "[2001:200::1]",
      "[3fff:1000::1]",
      "example.com",
      "hooks.example.com.",
      "localhost.example.com",
    ]) {
      expect(hostKind(host), host).to.equal("public");
    }
  });

  it("names the ipaddr.js range it decided on", () => {
    expect(classifyHost("198.18.0.1")).to.deep.equal({ kind: "private", range: "reserved", ip: true });
    expect(classifyHost("[::ffff:10.0.0.1]").range).to.equal("ipv4Mapped(private)");
    expect(classifyHost("localhost..")).to.deep.equal({ kind: "loopback", range: "localhost name", ip: false });
  });

  it("URL-normalised spellings of loopback (127.1, 0x7f000001, 2130706433) are loopback", () => {
    for (const url of ["https://127.1/h", "https://0x7f000001/h", "https://2130706433/h", "https://[0:0:0:0:0:0:0:1]/h"]) {
      expect(urlProblem(url, remote), url).to.match(/points to this machine/);
    }
  });
});

describe("hosts: an http API base must be a loopback address or exactly localhost", () => {
  const key = "rk_pro_test";
  it("accepts http on 127.0.0.1, [::1], localhost and ::ffff:127.0.0.1", () => {
    for (const base of ["http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080", "http://[::ffff:127.0.0.1]:1"]) {
      expect(resolveSettings({ apiKey: key, baseUrl: base }, {}).local, base).to.equal(true);
    }
  });

  it("refuses http on *.localhost, localhost. and localhost.. (a resolver may ask DNS: the key would travel in clear)", () => {
    for (const base of [
      "http://api.localhost:8080",
      "http://evil.localhost",
      "http://localhost.:8080",
      "http://localhost..:8080",
    ]) {
      expect(() => resolveSettings({ apiKey: key, baseUrl: base }, {}), base).to.throw(/must use https/);
      expect(isLoopbackAddress(new URL(base).hostname), base).to.equal(false);
    }
    // Over https the name is fine, and it is not treated as the local emulator.
    expect(resolveSettings({ apiKey: key, baseUrl: "https://api.localhost" }, {}).local).to.equal(false);
  });
});
