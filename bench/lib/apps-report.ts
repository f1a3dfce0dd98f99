/**
 * Summary and markdown of bench/apps.ts (issue 12's workloads): best round per system and
 * workload, Strata's ratios to PyTorch (as configured by issue 3, and its best configuration) and
 * to onnxruntime-node, the targets of issue 12, and the peak-RSS comparison at ResNet50 batch 32.
 */
import { APPS, APP_IDS, type AppId } from "./apps.js";
import { fmt } from "./report.js";

export interface AppJob {
  system: string;
  app: AppId;
  task: "throughput" | "rss";
  round: number;
  loadavgAtStart: number;
  wallS: number;
  otherCores?: number;
  error?: string;
  result?: Record<string, unknown>;
}

export interface AppCell {
  value?: number;
  rounds?: number[];
  error?: string;
}

export interface AppSummary {
  throughput: Record<string, Record<string, AppCell>>;
  peakRssMiB: Record<string, AppCell>;
  meanOtherCores: number;
  loadavgRange: [number, number];
}

export interface AppResults {
  date: string;
  durationS: number;
  quick: boolean;
  note?: string;
  machine: { cpu: string; cores: number; loadavgStart: number[]; loadavgEnd: number[] };
  versions: Record<string, string>;
  threads: number;
  settings: Record<string, string>;
  summary: AppSummary;
  jobs: AppJob[];
}

export const APP_SYSTEMS: [string, string][] = [
  ["strata-native", "Strata native"],
  ["pytorch", "PyTorch"],
  ["pytorch-passive", "PyTorch OMP passive"],
  ["pytorch-1t", "PyTorch 1 thread"],
  ["onnxruntime-node", "onnxruntime-node"],
];
const TORCH = ["pytorch", "pytorch-passive", "pytorch-1t"];

function put(
  cells: Record<string, AppCell>,
  system: string,
  v: unknown,
  err?: string,
  min = false,
) {
  const c = (cells[system] ??= {});
  if (typeof v === "number" && Number.isFinite(v)) {
    (c.rounds ??= []).push(v);
    c.value = min ? Math.min(...c.rounds) : Math.max(...c.rounds);
    delete c.error;
  } else if (c.value === undefined && err) c.error = err;
}

export function summarizeApps(jobs: AppJob[]): AppSummary {
  const s: AppSummary = {
    throughput: {},
    peakRssMiB: {},
    meanOtherCores: 0,
    loadavgRange: [Infinity, -Infinity],
  };
  let other = 0;
  let wall = 0;
  for (const j of jobs) {
    s.loadavgRange = [
      Math.min(s.loadavgRange[0], j.loadavgAtStart),
      Math.max(s.loadavgRange[1], j.loadavgAtStart),
    ];
    if (j.otherCores !== undefined) {
      other += j.otherCores * j.wallS;
      wall += j.wallS;
    }
    if (j.task === "rss") put(s.peakRssMiB, j.system, j.result?.peakRssMiB, j.error, true);
    else {
      const t = j.result?.throughput as { samplesPerSec?: number } | undefined;
      put((s.throughput[j.app] ??= {}), j.system, t?.samplesPerSec, j.error);
    }
  }
  s.meanOtherCores = wall ? other / wall : 0;
  return s;
}

const ratio = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;

function table(header: string[], body: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? "---" : "--:"));
  return [header, align, ...body].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** The best PyTorch configuration's figure for a workload, and which one it was. */
function bestTorch(cells: Record<string, AppCell>): [number, string] | undefined {
  let best: [number, string] | undefined;
  for (const id of TORCH) {
    const v = cells[id]?.value;
    if (v !== undefined && (!best || v > best[0])) best = [v, id];
  }
  return best;
}

export function renderApps(res: AppResults): string {
  const s = res.summary;
  const errors: string[] = [];
  const note = (e: string) => {
    let k = errors.indexOf(e);
    if (k < 0) k = errors.push(e) - 1;
    return `✗<sup>${k + 1}</sup>`;
  };
  const present = APP_SYSTEMS.filter(([id]) =>
    [...Object.values(s.throughput), s.peakRssMiB].some((c) => c[id]),
  );
  const cell = (c: AppCell | undefined) =>
    !c ? "" : c.value !== undefined ? fmt(c.value) : note(c.error ?? "no result");
  const apps = APP_IDS.filter((a) => s.throughput[a]);
  const figures = table(
    ["samples/s (best round)", ...present.map(([, l]) => l)],
    [
      ...apps.map((a) => [APPS[a].name, ...present.map(([id]) => cell(s.throughput[a]![id]))]),
      ...(Object.keys(s.peakRssMiB).length
        ? [
            [
              "peak RSS, ResNet50 inference batch 32, MiB",
              ...present.map(([id]) => cell(s.peakRssMiB[id])),
            ],
          ]
        : []),
    ],
  );
  const label = Object.fromEntries(APP_SYSTEMS);
  const rows = apps.map((a) => {
    const c = s.throughput[a]!;
    const mine = c["strata-native"]?.value;
    const torch = c.pytorch?.value;
    const best = bestTorch(c);
    const ortV = c["onnxruntime-node"]?.value;
    const r = (v: number | undefined) => (mine !== undefined && v ? ratio(mine / v) : "—");
    const met = mine !== undefined && best ? (mine >= best[0] ? "**yes**" : "no") : "—";
    return [
      APPS[a].name,
      r(torch),
      best ? `${r(best[0])} (${label[best[1]]})` : "—",
      APPS[a].onnx ? r(ortV) : "",
      met,
    ];
  });
  const rssN = s.peakRssMiB["strata-native"]?.value;
  const rssP = s.peakRssMiB.pytorch?.value;
  const rssO = s.peakRssMiB["onnxruntime-node"]?.value;
  if (Object.keys(s.peakRssMiB).length)
    rows.push([
      "peak RSS, ResNet50 batch 32 (lower is better)",
      rssN && rssP ? ratio(rssN / rssP) : "—",
      "",
      rssN && rssO ? ratio(rssN / rssO) : "",
      rssN && rssP ? (rssN <= rssP ? "**yes**" : "no") : "—",
    ]);
  const ratios = table(
    [
      "Strata native ÷",
      "PyTorch (2 threads)",
      "best PyTorch configuration",
      "onnxruntime-node",
      "goal met?",
    ],
    rows,
  );
  const la = (x: number[]) => x.map((v) => v.toFixed(2)).join(" / ");
  const v = res.versions;
  return [
    `_Generated by \`node --import tsx bench/apps.ts${res.quick ? " --quick" : ""}\` on ${res.date.slice(0, 16).replace("T", " ")} UTC in ${(res.durationS / 60).toFixed(1)} min;`,
    `raw figures in \`bench/apps-results.json\`. Do not edit by hand: the next run rewrites this section._`,
    "",
    ...(res.note ? [`**${res.note}**`, ""] : []),
    `Machine: ${res.machine.cores}-core "${res.machine.cpu}", ${res.threads} threads for every system. Load average`,
    `${la(res.machine.loadavgStart)} at the start, ${la(res.machine.loadavgEnd)} at the end, ${s.loadavgRange.map((x) => x.toFixed(2)).join("–")} at`,
    `the start of the measurements; other processes used ${s.meanOtherCores.toFixed(2)} cores on average while they ran (/proc/stat).`,
    `Settings: ${res.settings.timing}. Versions: Strata ${v.strata}, Node ${v.node}, PyTorch ${v.torch ?? "—"}`,
    `(Debian, ${v.python ?? ""}), onnxruntime-node ${v["onnxruntime-node"] ?? "—"}.`,
    "",
    figures,
    "",
    ...(errors.length ? [...errors.map((e, i) => `${i + 1}. ${e.replace(/\|/g, "\\|")}`), ""] : []),
    "Goal (issue 12): at least PyTorch's speed on the same cores for each workload (checked here",
    "against PyTorch's best configuration), and no more peak memory than PyTorch at ResNet50 batch 32.",
    "",
    ratios,
  ].join("\n");
}
