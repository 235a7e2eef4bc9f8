import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { signed, unsigned } from "../../scripts/dist-macho";
import { WORK } from "../support/engine";

/**
 * The ad-hoc signature of the macOS executables (scripts/dist-macho.ts) against Go's linker,
 * whose darwin/arm64 binaries are signed this way and run on every Apple silicon Mac: a Go
 * program linked for darwin/arm64 here, stripped of its signature and signed again, must come
 * out byte for byte as the linker wrote it.
 */
describe("release: the macOS executables' ad-hoc signature", function () {
  this.timeout(300_000);
  const dir = join(WORK, "dist", "macho");
  let linked: Buffer;

  before(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "go.mod"), "module hello\n\ngo 1.25\n");
    writeFileSync(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
    execFileSync("go", ["build", "-o", "hello", "."], {
      cwd: dir,
      env: { ...process.env, GOOS: "darwin", GOARCH: "arm64", CGO_ENABLED: "0" },
      stdio: "pipe",
    });
    linked = readFileSync(join(dir, "hello"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("signing Go's darwin/arm64 binary again gives the linker's own signature, byte for byte", () => {
    const bare = unsigned(linked);
    expect(bare.length, "the signature is gone").to.be.lessThan(linked.length);
    expect(bare.includes(Buffer.from([0xfa, 0xde, 0x0c, 0xc0]))).to.equal(false);
    // Go's linker signs under the identifier "a.out".
    expect(Buffer.compare(signed(bare, "a.out"), linked)).to.equal(0);
  });

  it("signing replaces an existing signature, and removing one from an unsigned file changes nothing", () => {
    expect(Buffer.compare(signed(linked, "a.out"), linked)).to.equal(0);
    const bare = unsigned(linked);
    expect(Buffer.compare(unsigned(bare), bare)).to.equal(0);
  });

  it("refuses what is not a thin 64-bit Mach-O file", () => {
    expect(() => signed(Buffer.from("\x7fELF not mach-o at all"), "x")).to.throw(/not a thin 64-bit/);
  });
});
