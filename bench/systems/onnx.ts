/**
 * onnxruntime-node runner for `npm run bench`: W1–W3 inference on the PyTorch models of
 * torch_bench.py exported to ONNX (`torch_bench.py --task export`), as a Node user would serve the
 * same function instead of Strata:
 *
 *   node --import tsx bench/systems/onnx.ts --workload W1 --dir DIR [--threads 2]
 *     [--warmup 5 --runs 3 --seconds 2] [--latency 1] --out f.json
 *
 * DIR holds W.onnx and W.check.json (PyTorch's output for its first synthetic batch). One
 * InferenceSession with `intraOpNumThreads` = --threads, one inter-op thread, sequential
 * execution, every graph optimization. Its first run is on PyTorch's input, and its output must
 * equal PyTorch's (float32 tolerance) or the runner fails: the peers compute the same function
 * with the same weights. Then `session.run` per batch on bench/lib/measure.mjs's synthetic
 * batches (W2's [B, 28, 28, 1] are, with one channel, the same values as NCHW [B, 1, 28, 28]);
 * `--latency 1` also measures batch 1 (`infer1`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  WORKLOADS,
  emit,
  latencyOptions,
  log,
  parseArgs,
  syntheticBatches,
  throughput,
  type Batch,
  type WorkloadId,
} from "../lib/measure.mjs";

/** The part of onnxruntime-node's API used here (declared so that typechecking the repository
 * does not need bench/'s peers installed). */
interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: number[] }>>;
}
interface Ort {
  InferenceSession: { create(path: string, options: Record<string, unknown>): Promise<Session> };
  Tensor: new (
    type: "float32" | "int64",
    data: Float32Array | BigInt64Array,
    dims: number[],
  ) => unknown;
}

/** What `torch_bench.py --task export` writes beside the model. */
interface Check {
  xShape: number[];
  xDtype: "float32" | "int64";
  x: number[];
  yShape: number[];
  y: number[];
}

const require = createRequire(new URL("../package.json", import.meta.url));
const ort = require("onnxruntime-node") as Ort;
const ortVersion = (require("onnxruntime-node/package.json") as { version: string }).version;

const args = parseArgs();
const num = (k: string, d: number) => (args[k] === undefined ? d : Number(args[k]));
const w = (args.workload ?? "W1") as WorkloadId;
if (!WORKLOADS[w]) throw new Error(`--workload ${args.workload}: expected W1, W2 or W3`);
if (!args.dir) throw new Error("--dir: the folder torch_bench.py --task export wrote");
const threads = num("threads", 2);

const session = await ort.InferenceSession.create(join(args.dir, `${w}.onnx`), {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
const inputName = session.inputNames[0]!;
const outputName = session.outputNames[0]!;

/** The model's input tensor for `rows` samples of flat values (token ids as int64). */
function feed(values: ArrayLike<number>, rows: number) {
  const perRow = values.length / rows;
  if (w === "W3") {
    return {
      [inputName]: new ort.Tensor("int64", BigInt64Array.from(values, BigInt), [rows, perRow]),
    };
  }
  const dims = w === "W1" ? [rows, 784] : [rows, 1, 28, 28];
  return { [inputName]: new ort.Tensor("float32", Float32Array.from(values), dims) };
}

/**
 * Runs PyTorch's check input through the session (its first `rows` samples) and compares the
 * outputs: |ort − torch| ≤ 1e-5 + 1e-4·|torch| everywhere (float32 sums in another order).
 */
async function checkAgainstPyTorch(rows: number): Promise<{ rows: number; maxAbsDiff: number }> {
  const c = JSON.parse(readFileSync(join(args.dir!, `${w}.check.json`), "utf8")) as Check;
  const perRow = c.x.length / c.xShape[0]!;
  const width = c.y.length / c.yShape[0]!;
  const out = (await session.run(feed(c.x.slice(0, rows * perRow), rows)))[outputName]!;
  const got = out.data as Float32Array;
  if (got.length !== rows * width) {
    throw new Error(
      `${w}: ONNX Runtime gave ${got.length} values for ${rows} rows, PyTorch ${rows * width}`,
    );
  }
  let maxAbsDiff = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i]! - c.y[i]!);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    if (!(d <= 1e-5 + 1e-4 * Math.abs(c.y[i]!))) {
      throw new Error(
        `${w}: ONNX Runtime's output [${i}] = ${got[i]} but PyTorch's = ${c.y[i]} for the same input and weights`,
      );
    }
  }
  log(
    `onnxruntime-${threads}t ${w}: ${rows} row${rows === 1 ? "" : "s"} equal PyTorch's (max |difference| ${maxAbsDiff.toExponential(2)})`,
  );
  return { rows, maxAbsDiff };
}

async function measure(batches: Batch[], opts: Parameters<typeof throughput>[1]) {
  const feeds = batches.map((b) => feed(b.x, b.xShape[0]!));
  return throughput(
    async (i) => (await session.run(feeds[i % feeds.length]!))[outputName]!.data,
    opts,
  );
}

const opts = {
  batch: WORKLOADS[w].batch,
  warmup: num("warmup", 5),
  runs: num("runs", 3),
  seconds: num("seconds", 2),
};
const check = await checkAgainstPyTorch(opts.batch);
const check1 = await checkAgainstPyTorch(1);
log(`onnxruntime-${threads}t ${w}: inference`);
const infer = await measure(syntheticBatches(w), opts);
log(`onnxruntime-${threads}t ${w}: ${infer.samplesPerSec.toFixed(0)} samples/s inference`);
let infer1;
if (args.latency === "1") {
  infer1 = await measure(syntheticBatches(w, 1, 1), latencyOptions(opts));
  log(
    `onnxruntime-${threads}t ${w}: ${infer1.samplesPerSec.toFixed(0)} samples/s inference at batch 1 (${infer1.stepMs.toFixed(3)} ms)`,
  );
}
emit(args.out ?? "", {
  system: `onnxruntime-${threads}t`,
  version: ortVersion,
  threads,
  sessionOptions: {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  },
  check: [check, check1],
  infer,
  ...(infer1 ? { infer1 } : {}),
});
