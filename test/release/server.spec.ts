import { execFile, execFileSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { githubServer, type Release } from "../../scripts/dist";
import { hostTarget, PLUGIN } from "../../scripts/dist-plugin";
import { ROOT, toolchainDir, WORK } from "../support/engine";
import { release } from "./release";

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; repository: unknown };
const SERVER = githubServer(pkg.repository);

/**
 * A GitHub-like release server on loopback: `/<anything>/releases/download/v<version>/<file>`
 * answers the release's file; everything asked is logged.
 */
async function releaseServer(dir: string): Promise<{ server: Server; url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    const m = /\/releases\/download\/v([^/]+)\/([^/?]+)$/.exec(req.url ?? "");
    const file = m ? join(dir, decodeURIComponent(m[2] as string)) : "";
    if (!m || m[1] !== pkg.version || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    // The CLI checks the length it is told (GitHub sends it).
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

describe("release: fetchable like any provider (pluginDownloadURL, a release server on loopback)", function () {
  this.timeout(600_000);
  let r: Release;
  let srv: Awaited<ReturnType<typeof releaseServer>>;
  const home = join(WORK, "dist", `server-home-${process.pid}`);
  const archiveName = `${PLUGIN}-v${pkg.version}-${hostTarget()}.tar.gz`;
  const asset = `/pulumi-rekko/pulumi-rekko/releases/download/v${pkg.version}/${archiveName}`;
  const install = (args: string[], env: Record<string, string> = {}) =>
    run(join(toolchainDir(), "pulumi"), ["plugin", "install", "resource", "rekko", pkg.version, ...args], {
      env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true", ...env },
    });
  const installed = () => join(home, "plugins", `resource-rekko-v${pkg.version}`, PLUGIN);
  /** The executable inside the release's archive for this machine. */
  const packed = () =>
    execFileSync("tar", ["-xzOf", r.archives[hostTarget()] as string, PLUGIN], { maxBuffer: 512 * 1024 * 1024 });

  before(async () => {
    r = await release();
    srv = await releaseServer(r.dir);
  });
  beforeEach(() => {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home, { recursive: true });
    srv.asked.length = 0;
  });
  after(() => {
    srv?.server.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("the schema the executable serves has pluginDownloadURL and repository from package.json's GitHub repository", () => {
    expect(SERVER).to.equal("github://api.github.com/pulumi-rekko/pulumi-rekko");
    const source = JSON.parse(readFileSync(join(ROOT, "provider", "native", "schema.json"), "utf8")) as Record<string, unknown>;
    expect(source.pluginDownloadURL).to.equal(SERVER);
    expect(source.repository).to.equal("https://github.com/pulumi-rekko/pulumi-rekko");
    // As the executable serves it (GetSchema), run by the CLI.
    const dir = join(WORK, "dist", `server-exe-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    execFileSync("tar", ["-xzf", r.archives[hostTarget()] as string, "-C", dir]);
    const served = JSON.parse(
      execFileSync(join(toolchainDir(), "pulumi"), ["package", "get-schema", join(dir, PLUGIN)], {
        encoding: "utf8",
        env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
      }),
    ) as Record<string, unknown>;
    rmSync(dir, { recursive: true, force: true });
    expect(served).to.include({ pluginDownloadURL: SERVER, repository: source.repository, version: pkg.version });
  });

  it("the SDKs carry the server in pulumi-plugin.json (Go module, Node.js package)", () => {
    const go = JSON.parse(readFileSync(join(r.goModule, "rekko", "pulumi-plugin.json"), "utf8"));
    expect(go).to.deep.include({ resource: true, name: "rekko", version: pkg.version, server: SERVER });
    const node = JSON.parse(execFileSync("tar", ["-xzOf", r.nodeSdk, "package/package.json"], { encoding: "utf8" }));
    expect(node.pulumi).to.deep.include({ resource: true, name: "rekko", server: SERVER });
  });

  it("pulumi plugin install resource rekko <version> --server <url> fetches the archive from the server and installs it", async () => {
    await install(["--server", `${srv.url}/pulumi-rekko/pulumi-rekko/releases/download/v\${VERSION}`]);
    expect(srv.asked).to.deep.equal([`GET ${asset}`]);
    expect(Buffer.compare(readFileSync(installed()), packed()), "the installed executable is the archive's").to.equal(0);
  });

  it("the schema's github:// server, redirected to the loopback server (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES), is fetched the same way", async () => {
    await install(["--server", SERVER], {
      PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^github://api.github.com/(?P<org>[^/]+)/(?P<repo>[^/]+)=${srv.url}/\${org}/\${repo}/releases/download/v\${VERSION}`,
    });
    expect(srv.asked).to.deep.equal([`GET ${asset}`]);
    expect(Buffer.compare(readFileSync(installed()), packed())).to.equal(0);
  });

  it("a server without the archive: the install fails naming the URL and the HTTP status, and installs nothing", async () => {
    const err = await install(["--server", `${srv.url}/nowhere`]).then(
      () => "",
      (e: Error & { stderr?: string }) => e.stderr ?? e.message,
    );
    expect(err).to.include("404").and.include(`${srv.url}/nowhere/${archiveName}`);
    expect(existsSync(installed())).to.equal(false);
  });
});
