// docs/API.md is generated from the declarations (npm run docs:api); this fails when an
// export changed and the document was not regenerated, or the document was edited by hand.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { renderApiDoc } from "../../scripts/api-doc";
import { ROOT } from "../support/engine";

describe("docs/API.md (npm run docs:api)", function () {
  this.timeout(180_000);
  let generated = "";
  before(() => {
    generated = renderApiDoc(ROOT);
  });

  it("is what scripts/api-doc.ts generates from the declarations", () => {
    const committed = readFileSync(join(ROOT, "docs", "API.md"), "utf8");
    expect(committed === generated, "docs/API.md differs from the declarations: run `npm run docs:api`").to.equal(true);
  });

  it("lists exactly the names the built root and receiver entries export at run time", () => {
    const script = `console.log(JSON.stringify([require("pulumi-rekko"), require("pulumi-rekko/receiver")].map((m) => Object.keys(m).sort())))`;
    const [root, receiver] = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }),
    ) as string[][];
    const section = (heading: string) => generated.split(`\n## \`${heading}\`\n`)[1]?.split("\n## ")[0] ?? "";
    // Run-time names are the rows that are not types.
    const values = (text: string) =>
      [...text.matchAll(/^\| `([A-Za-z_]\w*).*?` \| (class|function|const|enum) \|/gm)].map((m) => m[1]).sort();
    expect(values(section("pulumi-rekko")), "pulumi-rekko").to.deep.equal(root);
    expect(values(section("pulumi-rekko/receiver")), "pulumi-rekko/receiver").to.deep.equal(receiver);
  });

  it("the root no longer exports the internals a program does not need (settings, client, state parsing, the provider shell)", () => {
    const internals = [
      "resolveSettings",
      "DEFAULT_BASE_URL",
      "DEFAULT_MAX_REQUESTS_PER_MINUTE",
      "RekkoClient",
      "webhooksInState",
      "WEBHOOK_RESOURCE_TYPE",
      "RekkoWebhookProvider",
      "processDelivery",
      "SeenBodies",
    ];
    const script = `const root = require("pulumi-rekko"); console.log(JSON.stringify(${JSON.stringify(internals)}.filter((n) => n in root)))`;
    expect(JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }))).to.deep.equal([]);
    for (const type of ["RawSettings", "Settings", "ClientOptions", "StateWebhooks", "PendingCreate", "StateInput"]) {
      expect(generated.includes(`| \`${type}\` |`), type).to.equal(false);
    }
  });
});
