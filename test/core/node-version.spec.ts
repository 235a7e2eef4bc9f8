import { expect } from "chai";

describe("runtime", () => {
  it("runs on Node.js 22 or newer (the node devDependency, not the system Node)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major, `node ${process.versions.node}`).to.be.at.least(22);
  });
});
