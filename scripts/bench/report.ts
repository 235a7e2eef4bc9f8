import { callText } from "./calls";
import { type BenchResult, type Kind, median, PHASES, statePerResource, targetTable } from "./results";

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "–");
const mib = (kib: number | undefined) => (kib ? (kib / 1024).toFixed(0) : "–");

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function peak(r: BenchResult, kind: Kind, n: number, proc: "provider" | "cli" | "program"): number | undefined {
  const values = r.samples.filter((x) => x.kind === kind && x.n === n).map((x) => x.rssKiB[proc] ?? 0);
  return values.length ? Math.max(...values) : undefined;
}

/** The benchmark's results as markdown: tables, then the targets. */
export function markdown(r: BenchResult): string {
  const m = r.machine;
  const v = r.versions;
  const out: string[] = [];
  out.push(
    `Measured ${r.startedAt.slice(0, 16).replace("T", " ")} UTC in ${r.totalSeconds.toFixed(0)} s` +
      ` (${r.options.quick ? "--quick, " : ""}${r.options.runs} run(s) per N, medians).`,
    "",
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB memory, Linux ${m.kernel};` +
      ` 1-min load ${m.loadAtStart.toFixed(2)} at start, ${(m.loadAtEnd ?? Number.NaN).toFixed(2)} at end.` +
      ` Versions: Node.js ${v.node}, Pulumi CLI ${v.pulumiCli}, @pulumi/pulumi ${v.pulumiSdk}, pulumi-rekko ${v.package}` +
      ` at ${v.commit}${v.uncommittedProviderFiles.length ? ` with uncommitted changes in ${v.uncommittedProviderFiles.join(", ")}` : ""}.`,
    "",
    `Settings: ${Object.entries(r.settings)
      .map(([k, x]) => `${k} = ${x}`)
      .join("; ")}.`,
    "",
    "### Wall time per operation (s, median) and API calls of RekkoWebhook",
    "",
  );
  const rows: string[][] = [];
  for (const n of r.options.sizes) {
    for (const phase of PHASES) {
      const x = r.summary.find((y) => y.n === n && y.phase === phase);
      if (!x) continue;
      const calls = [
        ...new Set(r.samples.filter((y) => y.kind === "rekko" && y.n === n && y.phase === phase).map((y) => callText(y.calls))),
      ];
      rows.push([
        String(n),
        phase,
        s(x.rekkoMs),
        s(x.baselineMs),
        Number.isFinite(x.ratio) ? x.ratio.toFixed(2) : "–",
        Number.isFinite(x.pairedRatio) ? x.pairedRatio.toFixed(2) : "–",
        x.pairedRatios.length ? `${x.pairedRatios.map((v) => v.toFixed(2)).join(", ")}` : "–",
        calls.join(" / "),
        `${x.rekkoRunsMs.map(s).join(", ")} · ${x.baselineRunsMs.map(s).join(", ")}`,
      ]);
    }
  }
  out.push(
    table(
      [
        "N",
        "phase",
        "rekko",
        "baseline",
        "ratio of medians",
        "paired ratio (median)",
        "paired ratios, sorted",
        "API calls (rekko)",
        "runs: rekko · baseline",
      ],
      rows,
    ),
    "",
  );

  out.push("### State size (`pulumi stack export`)", "");
  const per = statePerResource(r.state);
  const stateRows: string[][] = [];
  for (const n of [...new Set(r.state.map((x) => x.n))].sort((a, b) => a - b)) {
    const a = r.state.find((x) => x.kind === "rekko" && x.n === n);
    const b = r.state.find((x) => x.kind === "baseline" && x.n === n);
    stateRows.push([
      `export bytes, N=${n}`,
      String(a?.exportBytes ?? "–"),
      String(b?.exportBytes ?? "–"),
      a && b ? (a.exportBytes / b.exportBytes).toFixed(2) : "–",
    ]);
  }
  if (per)
    stateRows.push([
      `bytes per resource (${per.how})`,
      String(per.rekko),
      String(per.baseline),
      (per.rekko / per.baseline).toFixed(2),
    ]);
  const ra = r.state.find((x) => x.kind === "rekko");
  const rb = r.state.find((x) => x.kind === "baseline");
  if (ra && rb) {
    stateRows.push([
      "one resource entry (compact JSON)",
      String(ra.entryBytes),
      String(rb.entryBytes),
      (ra.entryBytes / rb.entryBytes).toFixed(2),
    ]);
    stateRows.push([
      "one resource entry without its two `__provider` copies",
      String(ra.entryWithoutProviderBytes),
      String(rb.entryWithoutProviderBytes),
      (ra.entryWithoutProviderBytes / rb.entryWithoutProviderBytes).toFixed(2),
    ]);
    stateRows.push([
      "`__provider` (stored twice per resource)",
      String(ra.providerBytes),
      String(rb.providerBytes),
      (ra.providerBytes / rb.providerBytes).toFixed(2),
    ]);
  }
  out.push(table(["", "rekko", "baseline", "ratio"], stateRows), "");

  out.push("### Peak RSS (MiB, largest single process over all phases and runs)", "");
  const rssRows = r.options.sizes.map((n) => [
    String(n),
    mib(peak(r, "rekko", n, "provider")),
    mib(peak(r, "baseline", n, "provider")),
    mib(peak(r, "rekko", n, "cli")),
    mib(peak(r, "baseline", n, "cli")),
    mib(peak(r, "rekko", n, "program")),
    mib(peak(r, "baseline", n, "program")),
  ]);
  out.push(
    table(
      ["N", "provider: rekko", "provider: baseline", "CLI: rekko", "CLI: baseline", "program: rekko", "program: baseline"],
      rssRows,
    ),
    "",
  );

  out.push(
    "### CPU seconds per operation (median; tree = every process the operation started, exact; per process from 100 ms samples, a lower bound; bench = the benchmark process, i.e. the emulator and the Automation API)",
    "",
  );
  const cpu = (kind: Kind, n: number, phase: string, pick: (x: BenchResult["samples"][number]) => number) =>
    median(r.samples.filter((x) => x.kind === kind && x.n === n && x.phase === phase).map(pick));
  const cpuRows: string[][] = [];
  for (const n of r.options.sizes) {
    for (const phase of PHASES) {
      const both = (pick: (x: BenchResult["samples"][number]) => number) =>
        `${s(cpu("rekko", n, phase, pick))} / ${s(cpu("baseline", n, phase, pick))}`;
      cpuRows.push([
        String(n),
        phase,
        both((x) => x.treeCpuMs),
        both((x) => x.cpuMs.cli ?? 0),
        both((x) => x.cpuMs.provider ?? 0),
        both((x) => x.cpuMs.program ?? 0),
        both((x) => x.selfCpuMs),
      ]);
    }
  }
  out.push(table(["N", "phase", "tree: rekko / baseline", "CLI", "provider", "program", "bench"], cpuRows), "");

  const rl = r.rateLimited;
  const first = rl[0];
  if (first) {
    out.push(
      `### Rate limit (emulator ${first.emulatorLimitPerMinute}/min per key, client default ${first.clientLimitPerMinute}/min with a burst of ${first.clientBurst}; up, then destroy right after)`,
      "",
    );
    out.push(
      table(
        [
          "phase",
          "N",
          "wall (s)",
          "served",
          "429s",
          "other errors",
          "first request after (s)",
          "span (s)",
          "floor (s)",
          "span / floor",
          "rate, burst included (/min)",
          "steady state (/min)",
          "steady / API limit",
          "whole op (/min)",
          "failed ops",
        ],
        rl.map((x) => [
          x.phase,
          String(x.n),
          s(x.ms),
          String(x.served),
          String(x.status429),
          String(x.otherErrors),
          s(x.firstRequestAfterMs),
          s(x.spanMs),
          s(x.floorMs),
          (x.spanMs / x.floorMs).toFixed(3),
          x.ratePerMinute.toFixed(1),
          x.ratePerMinuteAfterBurst.toFixed(1),
          `${(x.fraction * 100).toFixed(1)}%`,
          x.ratePerMinuteWholeOperation.toFixed(1),
          x.succeeded ? "0" : "1",
        ]),
      ),
      "",
    );
  }

  out.push("### Targets", "", targetTable(r.targets));
  return out.join("\n");
}
