import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { dynamicFace, type Hook, nativeFace } from "../../scripts/rig/faces";
import { CHECKED_PROGRAMS, linkPackage, ROOT, WORK } from "../support/engine";

/** Every feature of the neutral declaration, on one program. */
const ALL: Hook[] = [
  { name: "plain", url: "https://hooks.example.com/plain", events: ["whale_alert"], replaceWhenDisabled: false },
  {
    name: "own",
    url: "https://hooks.example.com/own",
    events: ["price_shift"],
    secret: { kind: "own", value: "own-secret-0123456789" },
  },
  {
    name: "literal",
    url: "https://hooks.example.com/l",
    events: ["price_shift"],
    secret: { kind: "own", value: "literal-0123456789", plain: true },
  },
  {
    name: "gen",
    url: "https://hooks.example.com/gen",
    events: ["analysis_complete"],
    secret: { kind: "generated", rotation: 2, length: 40 },
    aliases: ["old"],
  },
  { name: "tokened", url: "https://hooks.example.com/t/tok", secretUrl: true, events: ["whale_alert"] },
  { name: "adopted", url: "https://hooks.example.com/a", events: ["whale_alert"], adopt: "wh-0123456789ab" },
];

describe("scenario faces: the rendered programs", function () {
  this.timeout(120_000);

  it("every TypeScript program the engine tests deploy type-checks in one tsc run: the dynamic face's, the examples', the test projects' (their runs skip the check)", () => {
    const dir = join(WORK, "faces-check", String(process.pid));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      const { files } = dynamicFace.render("faces-check", [...ALL, { ...(ALL[5] as Hook), name: "late", adoptLate: true }]);
      const rendered = join(dir, "dynamic-face");
      mkdirSync(rendered);
      for (const [file, text] of Object.entries({ ...dynamicFace.projectFiles("faces-check"), ...files }))
        writeFileSync(join(rendered, file), text);
      // Each in a folder of its own (one tsc program), under one link to this checkout.
      const checked = [rendered];
      for (const source of CHECKED_PROGRAMS) {
        const target = join(dir, source.replace(/\//g, "-"));
        cpSync(join(ROOT, source), target, { recursive: true, filter: (p) => !p.includes("node_modules") });
        checked.push(target);
      }
      writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "faces-check", private: true }));
      linkPackage(dir);
      const options = JSON.parse(readFileSync(join(rendered, "tsconfig.json"), "utf8")) as { compilerOptions: object };
      const sources = checked.flatMap((d) =>
        (JSON.parse(readFileSync(join(d, "tsconfig.json"), "utf8")) as { files: string[] }).files.map((f) => join(d, f)),
      );
      expect(sources.length, "every program's files").to.be.at.least(checked.length);
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { ...options.compilerOptions, noCheck: false, noEmit: true }, files: sources }),
      );
      execFileSync(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
        cwd: dir,
        stdio: ["ignore", "inherit", "inherit"],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("both faces read the same config: own secrets and secret urls, as secrets", () => {
    const dynamic = dynamicFace.render("p", ALL).config;
    const native = nativeFace.render("p", ALL).config;
    expect(native).to.deep.equal(dynamic);
    expect(Object.keys(dynamic).sort()).to.deep.equal(["secret_own", "url_tokened"]);
    expect(Object.values(dynamic).every((v) => v.secret)).to.equal(true);
  });

  it("the native face writes the YAML resource types, options and outputs", () => {
    const yaml = nativeFace.render("p", ALL).files["Pulumi.yaml"] ?? "";
    expect(yaml).to.include("type: rekko:WebhookWithSecret").and.include("type: rekko:Webhook");
    expect(yaml).to.include('aliases: [{"name":"old"}]').and.include('import: "wh-0123456789ab"');
    const ref = (name: string) => `"$\{${name}}"`; // a YAML interpolation, written without a template placeholder
    expect(yaml)
      .to.include(`url: ${ref("url_tokened")}`)
      .and.include(`secret: ${ref("secret_own")}`);
    expect(yaml).to.include(`accepted: ${ref("gen.acceptedSecrets")}`);
    expect(() => nativeFace.render("p", [{ ...(ALL[5] as Hook), adoptLate: true }])).to.throw(/adoptLate is the dynamic face's/);
  });
});
