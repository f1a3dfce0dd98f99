/**
 * onnxruntime-node runner for bench/apps.ts: the inference workloads of issue 12 on the PyTorch
 * models (torch_apps.py) exported to ONNX, as a Node user would serve them instead of Strata:
 *
 *   node --import tsx bench/systems/onnx-apps.ts --app resnet50-b32 --model f.onnx \
 *     --task throughput|rss [--threads 2] [--warmup 1 --runs 3 --seconds 3] [--steps 3] --out f.json
 *
 * One InferenceSession with `intraOpNumThreads` = --threads, one inter-op thread, every graph
 * optimization; `session.run` per batch. Images are fed NCHW, the exported model's layout
 * (the same synthetic values as Strata's NHWC batches, read in that order); token ids as int64.
 */
import { createRequire } from "node:module";
import { APPS, appBatches, type AppId } from "../lib/apps.js";
import { emit, log, memoryMiB, parseArgs, throughput } from "../lib/measure.mjs";

/** The part of onnxruntime-node's API used here (declared so that typechecking the repository
 * does not need bench/'s peers installed). */
interface Ort {
  InferenceSession: {
    create(
      path: string,
      options: Record<string, unknown>,
    ): Promise<{
      inputNames: readonly string[];
      outputNames: readonly string[];
      run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
    }>;
  };
  Tensor: new (
    type: "float32" | "int64",
    data: Float32Array | BigInt64Array,
    dims: number[],
  ) => unknown;
  env: { versions?: { common?: string } };
}

const require = createRequire(new URL("../package.json", import.meta.url));
const ort = require("onnxruntime-node") as Ort;

const args = parseArgs();
const num = (k: string, d: number) => (args[k] === undefined ? d : Number(args[k]));
const id = (args.app ?? "resnet50-b1") as AppId;
const w = APPS[id];
if (!w?.onnx) throw new Error(`--app ${args.app} has no ONNX model (inference workloads only)`);
const threads = num("threads", 2);

const rssAtStart = memoryMiB().rssMiB;
const session = await ort.InferenceSession.create(args.model!, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
const [inputName] = session.inputNames;
const [outputName] = session.outputNames;
const text = id.startsWith("transformer");
const dims = text ? [w.batch, ...w.input] : [w.batch, w.input[2]!, w.input[0]!, w.input[1]!];
const feeds = appBatches(id, args.task === "rss" ? 1 : 2).map((b) => ({
  [inputName!]: text
    ? new ort.Tensor(
        "int64",
        BigInt64Array.from(b.x, (v) => BigInt(v)),
        dims,
      )
    : new ort.Tensor("float32", b.x as Float32Array, dims),
}));
const step = async (i: number) => (await session.run(feeds[i % feeds.length]!))[outputName!]!.data;

let result: Record<string, unknown>;
if (args.task === "rss") {
  const steps = num("steps", 3);
  for (let i = 0; i < steps; i++) await step(i);
  result = { steps, rssAtStartMiB: rssAtStart };
} else {
  log(`onnxruntime-node ${id}: inference`);
  const r = await throughput(step, {
    batch: w.batch,
    warmup: num("warmup", 1),
    runs: num("runs", 3),
    seconds: num("seconds", 3),
  });
  log(`onnxruntime-node ${id}: ${r.samplesPerSec.toFixed(1)} samples/s`);
  result = { throughput: r };
}
emit(args.out ?? "", { system: "onnxruntime-node", app: id, threads, ...result });
