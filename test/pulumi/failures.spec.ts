import { expect } from "chai";
import { RekkoKeyMismatchError, RekkoNetworkError, RekkoValidationError } from "../../provider/core/errors";
import { engineMessage } from "../../provider/pulumi/failures";

describe("engineMessage: one line with the code, what failed and the fix; the detail below it", () => {
  it("puts the first sentence and the code's fix on the first line, and the rest of the message below", () => {
    const err = new RekkoKeyMismatchError(
      "Webhook wh-1 was registered with another API key. That key cannot see it. To move the stack, destroy it first.",
    );
    const [first, ...rest] = engineMessage(err).split("\n");
    expect(first).to.equal(
      "ERR_REKKO_KEY_MISMATCH: Webhook wh-1 was registered with another API key. Set the original key back (`pulumi config set --secret rekko:apiKey <key>`) and run `pulumi up`.",
    );
    expect(rest).to.deep.equal(["That key cannot see it. To move the stack, destroy it first."]);
  });

  it("a one-sentence message is one line; a list after a colon stays below", () => {
    expect(engineMessage(new RekkoNetworkError("GET /v1/webhooks could not reach the Rekko API (ECONNREFUSED)."))).to.equal(
      "ERR_REKKO_NETWORK: GET /v1/webhooks could not reach the Rekko API (ECONNREFUSED). Check rekko:baseUrl and the network, then run again.",
    );
    const lines = engineMessage(
      new RekkoValidationError("POST /v1/webhooks was refused (422): fix the listed inputs:\n  - body.url: bad", []),
    ).split("\n");
    expect(lines).to.deep.equal([
      "ERR_REKKO_VALIDATION: POST /v1/webhooks was refused (422): fix the listed inputs: Fix the inputs listed below.",
      "  - body.url: bad",
    ]);
  });

  it("leaves any other error's message as it is", () => {
    expect(engineMessage(new Error("plain\nmessage"))).to.equal("plain\nmessage");
    expect(engineMessage("text")).to.equal("text");
  });
});
