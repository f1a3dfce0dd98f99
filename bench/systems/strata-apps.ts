/**
 * Strata runner for bench/apps.ts (issue 12's workloads), one fresh process per measurement:
 *
 *   node --import tsx bench/systems/strata-apps.ts --app resnet50-b32 --task throughput|rss \
 *     [--threads 2] [--warmup 1 --runs 3 --seconds 3] [--steps 3] [--jit 1] --out f.json
 *
 * Builds the model through the public API (strata-app-models.ts) and times `trainOnBatch` or
 * `predictOnBatch` as bench/lib/measure.mjs does; `--task rss` runs `--steps` calls and reports
 * the process's peak RSS (VmHWM) only.
 */
import * as st from "../../src/index.js";
import { APPS, appBatches, type AppId } from "../lib/apps.js";
import { emit, log, memoryMiB, parseArgs, throughput } from "../lib/measure.mjs";
import { buildApp } from "./strata-app-models.js";

const args = parseArgs();
st.setBackend("native");
st.setNumThreads(Number(args.threads ?? 2));
const num = (k: string, d: number) => (args[k] === undefined ? d : Number(args[k]));
const id = (args.app ?? "resnet50-b1") as AppId;
const w = APPS[id];
if (!w) throw new Error(`unknown --app ${args.app}`);

const rssAtStart = memoryMiB().rssMiB;
const t0 = performance.now();
// --jit 1 compiles the steps (jitCompile: true); otherwise they run eagerly.
const model = await buildApp(id, args.jit === "1");
const buildS = (performance.now() - t0) / 1000;
const data = appBatches(id, args.task === "rss" ? 1 : 2).map((b) => ({
  x: st.tensor(b.x, b.xShape, b.x instanceof Int32Array ? "int32" : "float32"),
  y: st.tensor(b.y, [w.batch], "int32"),
}));

const step =
  w.kind === "train"
    ? (i: number) => {
        const d = data[i % data.length]!;
        return model.trainOnBatch(d.x, d.y).loss;
      }
    : (i: number) => (model.predictOnBatch(data[i % data.length]!.x) as st.Tensor).dataSync();

let result: Record<string, unknown>;
if (args.task === "rss") {
  const steps = num("steps", 3);
  for (let i = 0; i < steps; i++) step(i);
  result = { steps, rssAtStartMiB: rssAtStart };
} else {
  log(`strata-native ${id}: ${w.kind === "train" ? "training" : "inference"}`);
  const r = await throughput(step, {
    batch: w.batch,
    warmup: num("warmup", 1),
    runs: num("runs", 3),
    seconds: num("seconds", 3),
  });
  log(`strata-native ${id}: ${r.samplesPerSec.toFixed(1)} samples/s`);
  result = { throughput: r };
}
emit(args.out ?? "", {
  system: "strata-native",
  app: id,
  threads: st.getNumThreads(),
  params: model.countParams(),
  buildS,
  ...result,
});
