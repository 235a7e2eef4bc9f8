/**
 * The reliability suites at full size (issue 7): prints one summary line per suite (and detail
 * lines), exits non-zero when any suite found a problem. Run through `npm run reliability`
 * (scripts/reliability/run.sh builds the package and finds the toolchain first).
 *
 *   npm run reliability                                  # every suite, full size
 *   npm run reliability -- --suite faults --suite fuzz   # some of them
 *   npm run reliability -- --suite faults --record       # also record the suite's lines (docs/figures/reliability-faults.json)
 *                                                        # and rewrite its block in docs/RELIABILITY.md
 *
 * Sizes: --hooks (suite 1, default 30), --rate-hooks (suite 2, 100), --rate (suite 2's emulator
 * limit a minute, 120), --rate-client (suite 2's second run: the provider's own limit raised to
 * this, default 600), --interrupt-hooks (suite 3, 30), --runs (suite 4 cases per property,
 * 10000), --seed (suite 4, random by default), --debug-hooks (suite 5, 3), --upgrade-hooks
 * (suite 6, 5), --upgrade-from (suite 6, HEAD~1). The same names as RELIABILITY_* environment
 * variables (RELIABILITY_HOOKS=…) work too.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { record } from "../figures/record";
import type { ReliabilityData } from "../figures/registry";
import { fuzzAll, fuzzLine } from "./fuzz";
import { debugLeakSuite, faultsSuite, interruptSuite, rateLimitSuite, type SuiteReport, upgradeSuite } from "./suites";

const SUITES = ["faults", "rate", "interrupt", "fuzz", "debug", "upgrade"] as const;
type Suite = (typeof SUITES)[number];

function option(values: Record<string, unknown>, name: string, fallback: number): number {
  const env = process.env[`RELIABILITY_${name.toUpperCase().replace(/-/g, "_")}`];
  const raw = (values[name] as string | undefined) ?? env;
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${raw}`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      suite: { type: "string", multiple: true },
      hooks: { type: "string" },
      "rate-hooks": { type: "string" },
      rate: { type: "string" },
      "rate-client": { type: "string" },
      "interrupt-hooks": { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      "debug-hooks": { type: "string" },
      "upgrade-hooks": { type: "string" },
      "upgrade-from": { type: "string" },
      record: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      readFileSync(__filename, "utf8")
        .split("*/")[0]
        ?.replace(/^\/\*\*|^ \* ?/gm, "") ?? "",
    );
    return 0;
  }
  const chosen = (values.suite ?? [...SUITES]) as Suite[];
  for (const s of chosen) if (!SUITES.includes(s)) throw new Error(`--suite must be one of ${SUITES.join(", ")}, got ${s}`);
  const seed = option(values, "seed", Math.floor(Math.random() * 2 ** 31));
  const runs = option(values, "runs", 10_000);
  const from = values["upgrade-from"] ?? process.env.RELIABILITY_UPGRADE_FROM ?? "HEAD~1";
  const command = `npm run reliability -- ${process.argv.slice(2).join(" ")}`.trim();
  const lines: string[] = [];
  const bySuite = new Map<Suite, string[]>();
  /** What `--record` keeps of each suite: its problems and each run's figures. */
  const recorded = new Map<Suite, Pick<ReliabilityData, "problems" | "runs">>();
  const keep = (problem?: string, run?: Record<string, unknown>) => {
    if (!current) return;
    const r = recorded.get(current) ?? { problems: [], runs: [] };
    if (problem) r.problems.push(problem);
    if (run) r.runs.push(run);
    recorded.set(current, r);
  };
  let current: Suite | undefined;
  const problems: string[] = [];
  const started = Date.now();
  const print = (line: string) => {
    lines.push(line);
    if (current) bySuite.set(current, [...(bySuite.get(current) ?? []), line]);
    console.log(line);
  };
  const take = (r: SuiteReport) => {
    for (const l of r.lines) print(l);
    keep(undefined, r.data);
    for (const p of r.problems) {
      problems.push(`${r.suite}: ${p}`);
      keep(p);
      console.log(`    PROBLEM ${p}`);
    }
  };
  for (const suite of chosen) {
    current = suite;
    console.error(`\n==> reliability suite: ${suite}`);
    try {
      if (suite === "faults") take(await faultsSuite({ hooks: option(values, "hooks", 30), full: true }));
      if (suite === "rate") {
        const base = { hooks: option(values, "rate-hooks", 100), rate: option(values, "rate", 120) };
        take(await rateLimitSuite(base));
        // The client's own limit raised above the API's (or another stack on the same key): the 429s must be absorbed.
        take(await rateLimitSuite({ ...base, clientRate: option(values, "rate-client", 600) }));
      }
      if (suite === "interrupt") {
        for (const signal of ["SIGINT", "SIGKILL"] as const) {
          take(await interruptSuite({ hooks: option(values, "interrupt-hooks", 30), signal }));
        }
      }
      if (suite === "fuzz") {
        const t = Date.now();
        const reports = await fuzzAll(runs, seed);
        const bad = reports.filter((r) => r.problems.length || r.unhandledRejections);
        const cases = reports.reduce((a, r) => a + r.runs, 0);
        print(
          `[reliability] suite 4 bad input (fast-check, seed ${seed}): ${cases} cases over ${reports.length} properties ` +
            `(${runs} each; checkInputs ×3 with the hostile- and valid-input properties; createWebhookHandler over HTTP ${Math.floor(runs / 5)}): ` +
            `crashes=${reports.reduce((a, r) => a + r.problems.length, 0)} unhandled-rejections=${reports.reduce((a, r) => a + r.unhandledRejections, 0)} ` +
            `time=${((Date.now() - t) / 1000).toFixed(0)}s ${bad.length ? "FAIL" : "PASS"}`,
        );
        for (const r of reports) {
          print(fuzzLine(r));
          for (const p of r.problems) {
            problems.push(`fuzz: ${p}`);
            keep(p);
            console.log(`    PROBLEM ${p}`);
          }
          if (r.unhandledRejections) problems.push(`fuzz: ${r.name}: ${r.unhandledRejections} unhandled rejections`);
        }
      }
      if (suite === "debug") take(await debugLeakSuite({ hooks: option(values, "debug-hooks", 3), verbose: true }));
      if (suite === "upgrade") take(await upgradeSuite({ hooks: option(values, "upgrade-hooks", 5), from }));
    } catch (err) {
      const message = `${suite}: the suite itself failed: ${(err as Error).stack ?? err}`;
      problems.push(message);
      keep(message);
      print(`[reliability] ${message.split("\n")[0]}`);
    }
  }
  current = undefined;
  const total = `[reliability] ${chosen.length} suite(s) in ${((Date.now() - started) / 60_000).toFixed(1)} min: ${problems.length ? `${problems.length} problem(s)` : "all passed"}`;
  print(total);
  if (values.record) {
    // Each suite has its own results file and block, so a partial run records only its suites.
    for (const [suite, suiteLines] of bySuite) {
      const r = recorded.get(suite) ?? { problems: [], runs: [] };
      record<ReliabilityData>(`reliability-${suite}`, command, { suite, lines: suiteLines, ...r });
    }
  }
  return problems.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(`reliability: ${err.message}`);
    process.exitCode = 2;
  },
);
