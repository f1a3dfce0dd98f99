/**
 * Turns the raw job records of `npm run bench` into the summary kept in bench/results.json and the
 * markdown "Comparison" section of bench/README.md (tables of figures, ratios, and the targets of
 * issue 3 and issue 16).
 */
import { W1_TRAIN_FLOPS_PER_SAMPLE } from "./measure.mjs";

export interface JobRecord {
  system: string;
  task: "workload" | "matmul" | "rss";
  workload?: "W1" | "W2" | "W3";
  round: number;
  /** A workload job that also measured inference at batch 1 (`--latency 1`). */
  latency?: boolean;
  label: string;
  loadavgAtStart: number;
  wallS: number;
  otherCores?: number;
  timedOut?: boolean;
  trainBoundS?: number;
  error?: string;
  result?: Record<string, unknown>;
  args?: string[];
}

/** One figure of one system: the best round's value, every round, or why there is none. */
export interface Cell {
  value?: number;
  rounds?: number[];
  error?: string;
  /** For a system's best configuration (see BEST): the configuration that gave `value`. */
  from?: string;
}

const WORKLOAD_IDS = ["W1", "W2", "W3"] as const;
type W = (typeof WORKLOAD_IDS)[number];

export interface Target {
  name: string;
  target: string;
  measured: string;
  /** measured ÷ required (≥ 1 means met); null where it could not be measured. */
  ratio: number | null;
  met: boolean | null;
}

export interface Summary {
  train: Record<W, Record<string, Cell>>;
  infer: Record<W, Record<string, Cell>>;
  /** Inference at batch 1 (latency): samples/s = 1000 ÷ ms per sample. */
  infer1: Record<W, Record<string, Cell>>;
  matmul: Record<"256" | "1024", Record<string, Cell>>;
  peakRssMiB: Record<string, Cell>;
  /** Samples/s of W1 if a step cost only its five GEMMs, run by OpenBLAS from C at batch 128. */
  w1GemmCeiling?: number;
  /** The machine's W1 limit of issue 3: BLAS rate at 1024 ÷ FLOPs per training sample. */
  w1MachineLimit?: number;
  /** Issue 3's targets (Strata native eager against PyTorch at 2 threads). */
  targets: Target[];
  /** Issue 16's: each system's best configuration (BEST) against the others'. */
  targets16: Target[];
  notes: Record<string, string>;
  meanOtherCores: number;
}

export interface Results {
  date: string;
  durationS: number;
  machine: Record<string, unknown> & {
    cpu: string;
    cores: number;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  versions: Record<string, string>;
  threads: number;
  settings: Record<string, unknown>;
  summary: Summary;
  jobs: JobRecord[];
}

const get = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

/** Adds one round's value (or error) to a cell; the best round wins (noise only slows things). */
function put(
  cell: Record<string, Cell>,
  system: string,
  value: unknown,
  error?: string,
  lowerIsBetter = false,
) {
  const c = (cell[system] ??= {});
  if (typeof value === "number" && Number.isFinite(value)) {
    (c.rounds ??= []).push(value);
    c.value = lowerIsBetter ? Math.min(...c.rounds) : Math.max(...c.rounds);
    delete c.error;
  } else if (c.value === undefined && error) {
    c.error = error;
  }
}

/**
 * Each system's best configuration, as derived cells beside the measured ones: Strata native eager
 * (`jitCompile: false`) or compiled (`jitCompile: true`); PyTorch at 2 threads, 2 threads with
 * passive OpenMP, or 1 thread; ONNX Runtime with `intraOpNumThreads` 2 or 1.
 */
export const BEST: Record<string, string[]> = {
  "strata-best": ["strata-native", "strata-native-jit"],
  "pytorch-best": ["pytorch", "pytorch-passive", "pytorch-1t"],
  "onnxruntime-best": ["onnxruntime", "onnxruntime-1t"],
};

/** Adds BEST's derived cells to one row (the highest value, or the lowest for memory). */
function addBest(cells: Record<string, Cell>, lowerIsBetter = false): void {
  for (const [id, members] of Object.entries(BEST)) {
    let best: Cell | undefined;
    for (const m of members) {
      const v = cells[m]?.value;
      if (v === undefined) continue;
      if (!best || (lowerIsBetter ? v < best.value! : v > best.value!))
        best = { value: v, from: m };
    }
    const errors = members.map((m) => cells[m]?.error).filter((e) => e !== undefined);
    if (best) cells[id] = best;
    else if (errors.length) cells[id] = { error: errors[0] };
  }
}

export function summarize(jobs: JobRecord[]): Summary {
  const s: Summary = {
    train: { W1: {}, W2: {}, W3: {} },
    infer: { W1: {}, W2: {}, W3: {} },
    infer1: { W1: {}, W2: {}, W3: {} },
    matmul: { "256": {}, "1024": {} },
    peakRssMiB: {},
    targets: [],
    targets16: [],
    notes: {},
    meanOtherCores: 0,
  };
  let otherSum = 0;
  let wallSum = 0;
  for (const j of jobs) {
    if (j.otherCores !== undefined && !j.timedOut) {
      otherSum += j.otherCores * j.wallS;
      wallSum += j.wallS;
    }
    const r = j.result;
    if (j.task === "workload") {
      const w = j.workload!;
      let trainErr = (get(r, "trainError") as string | undefined) ?? j.error;
      if (j.trainBoundS !== undefined) {
        trainErr = `no training step finished within ${j.trainBoundS.toFixed(0)} s (< ${(128 / j.trainBoundS).toFixed(2)} samples/s)`;
      }
      put(s.train[w], j.system, get(r, "train", "samplesPerSec"), trainErr);
      put(
        s.infer[w],
        j.system,
        get(r, "infer", "samplesPerSec"),
        (get(r, "inferError") as string | undefined) ?? j.error,
      );
      // Batch 1 where the job measured it (the runners' --latency 1).
      if (j.latency) put(s.infer1[w], j.system, get(r, "infer1", "samplesPerSec"), j.error);
    } else if (j.task === "matmul") {
      for (const n of ["256", "1024"] as const)
        put(s.matmul[n], j.system, get(r, "matmul", n, "gflops"), j.error);
      if (j.system === "openblas-c") {
        const c = get(r, "w1Gemms", "samplesPerSec");
        if (typeof c === "number") s.w1GemmCeiling = Math.max(s.w1GemmCeiling ?? 0, c);
      }
      if (j.system === "tfjs-wasm-threaded")
        s.notes["tfjs-wasm-threaded"] = j.error ?? "started (unexpected)";
    } else {
      put(s.peakRssMiB, j.system, get(r, "peakRssMiB"), j.error, true);
    }
  }
  s.meanOtherCores = wallSum ? otherSum / wallSum : 0;
  const blas1024 = s.matmul["1024"]["openblas-c"]?.value;
  if (blas1024) s.w1MachineLimit = (blas1024 * 1e9) / W1_TRAIN_FLOPS_PER_SAMPLE;
  for (const w of WORKLOAD_IDS) for (const t of [s.train, s.infer, s.infer1]) addBest(t[w]);
  addBest(s.peakRssMiB, true);
  s.targets = targets(s);
  s.targets16 = targets16(s);
  return s;
}

/**
 * A target "a ≥ need × b": `what` names b in the measured text (shares of a whole, "of C", "of
 * the limit", read as percentages); `via` says which configuration gave a (and b) where it varies.
 */
function ratioTarget(
  name: string,
  target: string,
  a: number | undefined,
  b: number | undefined,
  need: number,
  what: string,
  via = "",
): Target {
  const ratio = a !== undefined && b ? a / b : null;
  return {
    name,
    target,
    measured:
      ratio === null
        ? "not measured"
        : (what.startsWith("of ")
            ? `${(100 * ratio).toFixed(1)}% ${what}`
            : `${fmtRatio(ratio)} ${what}`) + (via ? ` (${via})` : ""),
    ratio: ratio === null ? null : ratio / need,
    met: ratio === null ? null : ratio >= need,
  };
}

function targets(s: Summary): Target[] {
  const out: Target[] = [];
  const add = (...a: Parameters<typeof ratioTarget>) => out.push(ratioTarget(...a));
  const nat = "strata-native";
  for (const n of ["256", "1024"] as const) {
    add(
      `matmul ${n}`,
      "≥ 90% of OpenBLAS from C",
      s.matmul[n][nat]?.value,
      s.matmul[n]["openblas-c"]?.value,
      0.9,
      "of C",
    );
  }
  for (const w of WORKLOAD_IDS) {
    const need = w === "W2" ? 1.5 : 3;
    add(
      `${w} training`,
      `≥ ${need}× PyTorch`,
      s.train[w][nat]?.value,
      s.train[w].pytorch?.value,
      need,
      "PyTorch",
    );
  }
  for (const w of WORKLOAD_IDS) {
    add(
      `${w} inference`,
      "≥ 2× PyTorch",
      s.infer[w][nat]?.value,
      s.infer[w].pytorch?.value,
      2,
      "PyTorch",
    );
  }
  add(
    "W1 training vs machine limit",
    "≥ 40% of the FLOP limit",
    s.train.W1[nat]?.value,
    s.w1MachineLimit,
    0.4,
    "of the limit",
  );
  const rssN = s.peakRssMiB[nat]?.value;
  const rssP = s.peakRssMiB.pytorch?.value;
  out.push({
    name: "peak RSS, W1 training",
    target: "≤ PyTorch",
    measured: rssN && rssP ? `${fmt(rssN)} vs ${fmt(rssP)} MiB` : "not measured",
    ratio: rssN && rssP ? rssP / rssN : null,
    met: rssN && rssP ? rssN <= rssP : null,
  });
  add(
    "W1 training vs tfjs WASM",
    "≥ 10× tfjs-wasm",
    s.train.W1[nat]?.value,
    s.train.W1["tfjs-wasm"]?.value,
    10,
    "tfjs-wasm",
  );
  return out;
}

/** How each system's best configuration is named in the targets' measured text. */
const CONFIG: Record<string, string> = {
  "strata-native": "eager",
  "strata-native-jit": "compiled",
  pytorch: "PyTorch 2 threads",
  "pytorch-passive": "PyTorch OMP passive",
  "pytorch-1t": "PyTorch 1 thread",
  onnxruntime: "ORT 2 threads",
  "onnxruntime-1t": "ORT 1 thread",
};

/** Issue 16's targets: Strata's best configuration (eager or compiled) against each peer's best. */
function targets16(s: Summary): Target[] {
  const out: Target[] = [];
  const via = (...cells: (Cell | undefined)[]) =>
    cells
      .map((c) => (c?.from ? CONFIG[c.from] : undefined))
      .filter((x) => x)
      .join(" vs ");
  for (const [row, label] of [
    [s.infer, "inference"],
    [s.infer1, "inference batch 1"],
  ] as const) {
    for (const w of WORKLOAD_IDS) {
      const mine = row[w]["strata-best"];
      const ort = row[w]["onnxruntime-best"];
      out.push(
        ratioTarget(
          `${w} ${label}`,
          "≥ 1.2× ONNX Runtime",
          mine?.value,
          ort?.value,
          1.2,
          "ONNX Runtime",
          via(mine, ort),
        ),
      );
    }
  }
  for (const w of WORKLOAD_IDS) {
    const mine = s.train[w]["strata-best"];
    const torch = s.train[w]["pytorch-best"];
    out.push(
      ratioTarget(
        `${w} training`,
        "≥ 1.5× PyTorch's best",
        mine?.value,
        torch?.value,
        1.5,
        "PyTorch",
        via(mine, torch),
      ),
    );
  }
  const w1 = s.train.W1["strata-best"];
  out.push(
    ratioTarget(
      "W1 training vs matrix products",
      "≥ 60% of the GEMM limit",
      w1?.value,
      s.w1GemmCeiling,
      0.6,
      "of the limit",
      via(w1),
    ),
  );
  const rssJ = s.peakRssMiB["strata-native-jit"]?.value;
  const rssE = s.peakRssMiB["strata-native"]?.value;
  out.push({
    name: "peak RSS, W1 training",
    target: "compiled ≤ eager",
    measured: rssJ && rssE ? `${fmt(rssJ)} vs ${fmt(rssE)} MiB` : "not measured",
    ratio: rssJ && rssE ? rssE / rssJ : null,
    met: rssJ && rssE ? rssJ <= rssE : null,
  });
  return out;
}

// ------------------------------------------------------------------ markdown

export function fmt(v: number): string {
  if (v >= 1000) return Math.round(v).toLocaleString("en-US");
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function pctOfTarget(r: number): string {
  return `${(100 * r).toFixed(r >= 0.95 ? 1 : 0)}%`;
}

function fmtRatio(r: number): string {
  return `${r >= 10 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

const COLUMNS: [string, string][] = [
  ["strata-native", "Strata native"],
  ["strata-native-jit", "Strata native compiled"],
  ["strata-ts", "Strata TS"],
  ["pytorch", "PyTorch"],
  ["pytorch-passive", "PyTorch OMP passive"],
  ["pytorch-1t", "PyTorch 1 thread"],
  ["onnxruntime-best", "ONNX Runtime"],
  ["tfjs-wasm", "tfjs wasm"],
  ["tfjs-cpu", "tfjs cpu"],
  ["jax-js-wasm-workers", "jax-js wasm"],
  ["jax-js-wasm", "jax-js wasm 1 thread"],
  ["openblas-c", "OpenBLAS from C"],
];

interface Row {
  name: string;
  cells: Record<string, Cell>;
  lowerIsBetter?: boolean;
}

function rows(s: Summary): Row[] {
  return [
    ...WORKLOAD_IDS.map((w) => ({ name: `${w} training, samples/s`, cells: s.train[w] })),
    ...WORKLOAD_IDS.map((w) => ({ name: `${w} inference, samples/s`, cells: s.infer[w] })),
    ...WORKLOAD_IDS.map((w) => ({
      name: `${w} inference batch 1, samples/s`,
      cells: s.infer1?.[w] ?? {},
    })),
    { name: "matmul 256, GFLOP/s", cells: s.matmul["256"] },
    { name: "matmul 1024, GFLOP/s", cells: s.matmul["1024"] },
    { name: "peak RSS W1 training, MiB", cells: s.peakRssMiB, lowerIsBetter: true },
  ];
}

function table(header: string[], body: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? "---" : "--:"));
  return [header, align, ...body].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

export function renderComparison(res: Results): string {
  const s = res.summary;
  const errors: string[] = [];
  const note = (text: string) => {
    let k = errors.indexOf(text);
    if (k < 0) k = errors.push(text) - 1;
    return `✗<sup>${k + 1}</sup>`;
  };
  const all = rows(s).filter((r) => Object.keys(r.cells).length > 0);
  const present = COLUMNS.filter(([id]) => all.some((r) => r.cells[id]));
  const figures = table(
    ["", ...present.map(([, l]) => l)],
    all.map((r) => [
      r.name,
      ...present.map(([id]) => {
        const c = r.cells[id];
        if (!c) return "";
        return c.value !== undefined ? fmt(c.value) : note(c.error ?? "no result");
      }),
    ]),
  );
  /** One system's figures divided by every other column's, row by row. */
  const ratiosOf = (mineId: string, label: string) => {
    const peers = present.filter(([id]) => id !== mineId);
    return table(
      [`${label} ÷`, ...peers.map(([, l]) => l)],
      all.map((r) => {
        const mine = r.cells[mineId]?.value;
        return [
          r.name.replace(/, .*$/, "") + (r.lowerIsBetter ? " (lower is better)" : ""),
          ...peers.map(([id]) => {
            const v = r.cells[id]?.value;
            return mine !== undefined && v ? fmtRatio(mine / v) : "";
          }),
        ];
      }),
    );
  };
  const compiled = all.some((r) => r.cells["strata-native-jit"]?.value !== undefined);
  const ratios = [
    ratiosOf("strata-native", "Strata native"),
    ...(compiled ? ["", ratiosOf("strata-native-jit", "Strata native compiled")] : []),
  ].join("\n");
  const targetRows = (ts: Target[]) =>
    ts.map((t) => [
      t.name,
      t.target,
      t.measured,
      t.met === null ? "—" : t.met ? "**yes**" : `no (${pctOfTarget(t.ratio ?? 0)} of target)`,
    ]);
  const m = res.machine;
  const la = (x: number[]) => x.map((v) => v.toFixed(2)).join(" / ");
  const v = res.versions;
  const lines = [
    `_Generated by \`npm run bench\` (bench/run.ts) on ${res.date.slice(0, 16).replace("T", " ")} UTC in ${(res.durationS / 60).toFixed(1)} min;`,
    `raw figures in \`bench/results.json\`. Do not edit by hand: the next run rewrites this section._`,
    "",
    `Machine: ${m.cores}-core "${m.cpu}" (${m.memGiB} GiB, Linux ${m.kernel}), ${res.threads} threads for every system that`,
    `can use them. Load average ${la(m.loadavgStart)} at the start, ${la(m.loadavgEnd)} at the end; other`,
    `processes used ${s.meanOtherCores.toFixed(2)} cores on average while the measurements ran (from /proc/stat).`,
    `Versions: Strata ${v.strata}, Node ${v.node}, PyTorch ${v.torch ?? "—"} (${v.python ?? ""}, Debian), TensorFlow.js`,
    `${v["@tensorflow/tfjs"] ?? "—"}, jax-js ${v["@jax-js/jax"] ?? "—"}, onnxruntime-node ${v["onnxruntime-node"] ?? "—"}, OpenBLAS ${v.openblas ?? "—"}` +
      `${
        Object.keys((m.openblasEnv as object | undefined) ?? {}).length
          ? ` (environment: ${Object.entries(m.openblasEnv as Record<string, string>)
              .map(([k, x]) => `${k}=${x}`)
              .join(", ")})`
          : ""
      }.`,
    "",
    "### Figures",
    "",
    figures,
    "",
    ...(errors.length ? [...errors.map((e, i) => `${i + 1}. ${e.replace(/\|/g, "\\|")}`), ""] : []),
    "### Ratios",
    "",
    ratios,
    "",
    "### Targets (issue 3)",
    "",
    table(["", "target", "measured", "met?"], targetRows(s.targets)),
    "",
    ...(s.targets16?.length
      ? [
          "### Targets (issue 16)",
          "",
          "Each system in its best configuration of this run (the one that gave each figure in brackets):",
          "Strata native eager (`compile({ jitCompile: false })`) or compiled (`jitCompile: true`), PyTorch's",
          "three, ONNX Runtime's two.",
          "",
          table(["", "target", "measured", "met?"], targetRows(s.targets16)),
          "",
        ]
      : []),
    ...ortConfigs(s, res.threads),
    ...vsTunedTorch(s),
    `W1 needs ${(W1_TRAIN_FLOPS_PER_SAMPLE / 1e6).toFixed(3)} MFLOP per training sample; the machine limit is the BLAS-from-C`,
    `rate at 1024 over that: ${s.w1MachineLimit ? fmt(s.w1MachineLimit) : "—"} samples/s. The five GEMMs of a W1 step at batch 128,`,
    `timed alone from C, allow ${s.w1GemmCeiling ? fmt(s.w1GemmCeiling) : "—"} samples/s.`,
  ];
  if (s.notes["tfjs-wasm-threaded"]) {
    lines.push(
      "",
      `tfjs-wasm runs one thread: asked for its threaded SIMD build under Node it fails with: ${s.notes["tfjs-wasm-threaded"].replace(/\|/g, "\\|")}`,
    );
  }
  return lines.join("\n");
}

/**
 * Which `intraOpNumThreads` (all cores or 1) gave each ONNX Runtime figure; both configurations'
 * figures are in bench/results.json.
 */
function ortConfigs(s: Summary, threadsAll: number): string[] {
  const parts: string[] = [];
  for (const [what, row] of [
    ["inference", s.infer],
    ["inference batch 1", s.infer1 ?? {}],
  ] as const) {
    for (const w of WORKLOAD_IDS) {
      const c = row[w]?.["onnxruntime-best"];
      if (!c?.from) continue;
      const threads = (id: string) => (id === "onnxruntime" ? `${threadsAll} threads` : "1 thread");
      const otherId = c.from === "onnxruntime" ? "onnxruntime-1t" : "onnxruntime";
      const other = row[w]![otherId]?.value;
      parts.push(
        `${w} ${what} ${threads(c.from)} (${fmt(c.value!)} vs ${other ? fmt(other) : "—"} with ${threads(otherId)})`,
      );
    }
  }
  if (!parts.length) return [];
  return [
    `ONNX Runtime is the better of \`intraOpNumThreads\` ${threadsAll} and 1 (sequential execution, every graph`,
    `optimization), per figure, in samples/s: ${parts.join("; ")}.`,
    "",
  ];
}

/**
 * The targets compare with PyTorch at the same thread count, as issue 3 defines them. Debian's
 * PyTorch is much faster here when its idle OpenMP threads sleep (OMP_WAIT_POLICY=PASSIVE) or
 * when it runs one OpenMP thread (its OpenBLAS still uses every core), so the section states
 * those comparisons too.
 */
function vsTunedTorch(s: Summary): string[] {
  const out: string[] = [];
  for (const [id, how] of [
    ["pytorch-passive", "with `OMP_WAIT_POLICY=PASSIVE` (same 2 threads)"],
    ["pytorch-1t", "with `torch.set_num_threads(1)` (its OpenBLAS still uses every core)"],
  ] as const) {
    const parts: string[] = [];
    for (const [what, table] of [
      ["training", s.train],
      ["inference", s.infer],
    ] as const) {
      for (const w of WORKLOAD_IDS) {
        const mine = table[w]["strata-native"]?.value;
        const theirs = table[w][id]?.value;
        if (mine !== undefined && theirs) parts.push(`${w} ${what} ${fmtRatio(mine / theirs)}`);
      }
    }
    if (parts.length) out.push(`- against PyTorch ${how}: ${parts.join(", ")};`);
  }
  if (!out.length) return [];
  return ["Strata native ÷ the better-configured PyTorch runs of the same bench:", "", ...out, ""];
}
