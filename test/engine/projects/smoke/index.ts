import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

const password = new random.RandomPassword("pw", { length: 24, special: false });

const echo: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Record<string, unknown>) {
    return { id: `echo-${String(inputs.value)}`, outs: { value: inputs.value, pid: process.pid } };
  },
};

class Echo extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;
  constructor(name: string, value: pulumi.Input<string>) {
    super(echo, name, { value }, {}, "smoke", "Echo");
  }
}

const e = new Echo("echo", "hello");

export const passwordResult = password.result;
export const echoValue = e.value;
export const echoId = e.id;
