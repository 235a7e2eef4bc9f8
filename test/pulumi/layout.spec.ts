import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { expect } from "chai";
import { ROOT } from "../support/engine";

const PROVIDER = join(ROOT, "provider");

/** Every relative module a source file imports or requires, as a path under provider/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1] as string);
  return specs.map((s) =>
    relative(PROVIDER, resolve(join(file, ".."), s))
      .split(sep)
      .join("/"),
  );
}

function sources(folder: string): string[] {
  return readdirSync(join(PROVIDER, folder), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(PROVIDER, folder, f));
}

/** The folders a folder's sources import from (outside itself). */
function dependencies(folder: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(folder)) {
    for (const target of importsOf(file)) {
      const top = target.split("/")[0] as string;
      if (top === folder) continue;
      found.set(top, [...(found.get(top) ?? []), `${relative(ROOT, file)} → ${target}`]);
    }
  }
  return found;
}

describe("layout: the two Pulumi faces are siblings over the shared floor and the core", () => {
  it("native and dynamic never import each other; the floor imports only the core; the core none of them", () => {
    const faces = { native: "dynamic", dynamic: "native" } as const;
    for (const [face, other] of Object.entries(faces)) {
      expect(dependencies(face).get(other) ?? [], `${face} imports ${other}`).to.deep.equal([]);
      expect([...dependencies(face).keys()].sort(), `${face}'s dependencies`).to.include.members(["core", "pulumi"]);
    }
    expect([...dependencies("pulumi").keys()], "the floor's dependencies").to.deep.equal(["core"]);
    for (const up of ["pulumi", "dynamic", "native"]) {
      expect(dependencies("core").get(up) ?? [], `core imports ${up}`).to.deep.equal([]);
    }
  });

  it("the started native plugin loads neither the dynamic face, the random provider's SDK, nor the Node.js SDK's runtime and TypeScript (a construct loads those on first use), nor got (the first client does)", () => {
    // The engine starts the plugin more than once per command (for the schema, for the
    // resources): what loads at start is paid each time.
    const script = `require(${JSON.stringify(join(PROVIDER, "native", "start.ts"))}).startPlugin(["127.0.0.1:1"]).then(() => {
      process.stdout.write(JSON.stringify(Object.keys(require.cache)) + "\\n");
      process.exit(0);
    });`;
    const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const [port, loaded] = r.stdout.trim().split("\n");
    expect(port).to.match(/^\d+$/);
    const modules = JSON.parse(loaded ?? "[]") as string[];
    expect(
      modules.some((m) => m.includes(`${sep}provider${sep}native${sep}server`)),
      "the server is loaded",
    ).to.equal(true);
    expect(modules.filter((m) => m.includes(`${sep}provider${sep}dynamic${sep}`))).to.deep.equal([]);
    expect(modules.filter((m) => m.includes(`${sep}@pulumi${sep}random${sep}`))).to.deep.equal([]);
    const sdkRuntime = [
      join("@pulumi", "pulumi", "index.js"),
      join("@pulumi", "pulumi", "runtime", "index.js"),
      `${sep}typescript${sep}`,
      join("provider", "native", "construct"),
      // The HTTP client's library: loaded with the first client (a configured provider).
      `${sep}got${sep}`,
    ];
    expect(modules.filter((m) => sdkRuntime.some((part) => m.includes(part)))).to.deep.equal([]);
  });
});
