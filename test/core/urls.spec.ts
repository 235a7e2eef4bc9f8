import { expect } from "chai";
import { replacedFields } from "../../provider/core/diff";
import { displayUrl, sameWebhookUrl } from "../../provider/core/urls";

describe("urls: comparing and showing webhook urls", () => {
  it("the replace rule: a spelling of the same endpoint is no change (an import reads the API's normalised url); another endpoint replaces", () => {
    const olds = { url: "http://127.0.0.1:9/p4", events: ["whale_alert"], secret: "" };
    expect(replacedFields(olds, { ...olds, url: "HTTP://127.0.0.1:9/p4" })).to.deep.equal([]);
    expect(replacedFields(olds, { ...olds, url: "https://HOOKS.example.com:443" }).includes("url")).to.equal(true);
    expect(
      replacedFields({ ...olds, url: "https://hooks.example.com/" }, { ...olds, url: "https://HOOKS.example.com:443" }),
    ).to.deep.equal([]);
    expect(replacedFields(olds, { ...olds, url: "http://127.0.0.1:9/p4/" })).to.deep.equal(["url"]);
  });

  it("treats the API's normalisations as the same url: host case, default port, trailing slash on an empty path", () => {
    for (const [a, b] of [
      ["https://Hooks.Example.COM/x", "https://hooks.example.com/x"],
      ["https://hooks.example.com:443/x", "https://hooks.example.com/x"],
      ["http://127.0.0.1:80/x", "http://127.0.0.1/x"],
      ["https://hooks.example.com", "https://hooks.example.com/"],
      ["https://hooks.example.com/a b", "https://hooks.example.com/a%20b"],
    ] as const) {
      expect(sameWebhookUrl(a, b), `${a} ~ ${b}`).to.equal(true);
      expect(sameWebhookUrl(b, a), `${b} ~ ${a}`).to.equal(true);
    }
  });

  it("keeps different endpoints different: path, trailing slash on a path, query, port, scheme", () => {
    for (const [a, b] of [
      ["https://hooks.example.com/x", "https://hooks.example.com/y"],
      ["https://hooks.example.com/x", "https://hooks.example.com/x/"],
      ["https://hooks.example.com/x?a=1", "https://hooks.example.com/x?a=2"],
      ["https://hooks.example.com:8443/x", "https://hooks.example.com/x"],
      ["http://hooks.example.com/x", "https://hooks.example.com/x"],
      ["not a url", "Not a url"],
    ] as const) {
      expect(sameWebhookUrl(a, b), `${a} ≁ ${b}`).to.equal(false);
    }
    expect(sameWebhookUrl("not a url", "not a url")).to.equal(true);
  });

  it("shows a url without credentials, query or fragment", () => {
    expect(displayUrl("https://user:pa55@Hooks.example.com:443/in?token=s3cr3t#frag")).to.equal("https://hooks.example.com/in?…");
    expect(displayUrl("https://hooks.example.com/in")).to.equal("https://hooks.example.com/in");
    expect(displayUrl("::nope")).to.equal("(an unreadable url)");
  });
});
