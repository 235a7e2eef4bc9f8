import { readFileSync } from "node:fs";
import { expect } from "chai";
import { spawnTracked } from "../../scripts/rig/cli";

/** Whether `pid` is a live process (not a zombie) whose command is `name`. */
function running(pid: number, name: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.includes(`(${name})`) && !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

describe("the rig's CLI runs: nothing a run started outlives it unnoticed", function () {
  this.timeout(20_000);

  it("finds, kills and names a process the command started that left its process group and was reparented before the rig saw it", async function () {
    if (process.platform !== "linux") this.skip();
    // The shell starts `sleep` in a session of its own through a subshell that exits at once,
    // and prints its pid: the sleep is reparented at once, out of the CLI's process group, as a
    // language host is when the CLI is killed right after starting it.
    const run = await spawnTracked("sh", ["-c", "(setsid sleep 60 </dev/null >/dev/null 2>&1 & echo $!) ; exit 0"], {
      cwd: process.cwd(),
      env: {},
      lingerMs: 300,
    });
    const pid = Number(run.stdout.trim());
    expect(pid, run.stdout).to.be.greaterThan(0);
    expect(run.lingering).to.deep.equal([`${pid} sleep`]);
    // SIGKILL takes effect once the process is next scheduled: wait for that.
    for (let i = 0; i < 50 && running(pid, "sleep"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(running(pid, "sleep"), "the left-behind process was killed").to.equal(false);
  });

  it("names nothing when the command's processes end with it", async () => {
    const run = await spawnTracked("sh", ["-c", "sleep 0.1 & wait"], { cwd: process.cwd(), env: {}, lingerMs: 300 });
    expect(run.code).to.equal(0);
    expect(run.lingering).to.deep.equal([]);
  });
});
