/**
 * Strata runner for `npm run bench` (bench/run.ts spawns it, one fresh process per measurement):
 *
 *   node --import tsx bench/systems/strata.ts --backend native|ts --task workload|matmul|rss \
 *     [--workload W1|W2|W3] [--threads 2] [--warmup 5 --runs 3 --seconds 2] [--latency 1] \
 *     [--jit 1] [--steps 100] --out f.json
 *
 * Models are built with the public Keras API exactly as a user would (Sequential, compile with
 * Keras's strings, trainOnBatch / predictOnBatch); matmul goes through `st.ops.matmul`.
 * `--jit 1` compiles the models with `jitCompile: true` (the "compiled" figures; the system is
 * then reported as strata-<backend>-jit), otherwise with `jitCompile: false` (eager).
 * `--latency 1` also measures inference at batch 1 (`infer1`: samples/s, stepMs = ms per sample).
 */
import * as st from "../../src/index.js";
import {
  WORKLOADS,
  checkProduct,
  emit,
  latencyOptions,
  log,
  matmulRate,
  memoryMiB,
  parseArgs,
  syntheticBatches,
  throughput,
  type Batch,
  type WorkloadId,
} from "../lib/measure.mjs";
import { buildModel } from "./strata-models.js";

const args = parseArgs();
const backend = args.backend ?? "native";
st.setBackend(backend);
if (backend === "native") st.setNumThreads(Number(args.threads ?? 2));
const num = (k: string, d: number) => (args[k] === undefined ? d : Number(args[k]));
const out = args.out ?? "";
const jit = args.jit === "1";
const system = `strata-${backend}${jit ? "-jit" : ""}`;

function tensors(batches: Batch[]) {
  return batches.map((b) => ({
    x: st.tensor(b.x, b.xShape, b.x instanceof Int32Array ? "int32" : "float32"),
    y: st.tensor(b.y, b.yShape, b.y instanceof Int32Array ? "int32" : "float32"),
  }));
}

async function runWorkload(w: WorkloadId) {
  const { batch } = WORKLOADS[w];
  const data = tensors(syntheticBatches(w));
  const model = buildModel(w, jit);
  const opts = {
    batch,
    warmup: num("warmup", 5),
    runs: num("runs", 3),
    seconds: num("seconds", 2),
  };
  log(`${system} ${w}: training`);
  let loss = NaN;
  const train = await throughput((i) => {
    const d = data[i % data.length]!;
    loss = Number(model.trainOnBatch(d.x, d.y).loss);
  }, opts);
  log(`${system} ${w}: ${train.samplesPerSec.toFixed(0)} samples/s training; inference`);
  const infer = await throughput((i) => model.predictOnBatch(data[i % data.length]!.x), opts);
  log(`${system} ${w}: ${infer.samplesPerSec.toFixed(0)} samples/s inference`);
  if (args.latency !== "1") return { train, infer, finalLoss: loss };
  const ones = tensors(syntheticBatches(w, 1, 1));
  const infer1 = await throughput(
    (i) => model.predictOnBatch(ones[i % ones.length]!.x),
    latencyOptions(opts),
  );
  log(
    `${system} ${w}: ${infer1.samplesPerSec.toFixed(0)} samples/s inference at batch 1 (${infer1.stepMs.toFixed(3)} ms)`,
  );
  return { train, infer, infer1, finalLoss: loss };
}

async function runMatmul() {
  const res: Record<string, unknown> = {};
  for (const n of [256, 1024]) {
    const a = st.random.normal([n, n], { seed: 1 });
    const b = st.random.normal([n, n], { seed: 2 });
    checkProduct(a.dataSync(), b.dataSync(), st.ops.matmul(a, b).dataSync(), n);
    res[n] = await matmulRate(() => st.ops.matmul(a, b), n, num("seconds", 2));
    log(`${system} matmul ${n}: ${(res[n] as { gflops: number }).gflops.toFixed(1)} GFLOP/s`);
  }
  return res;
}

/** Peak RSS while training W1 for a fixed number of steps, in this fresh process. */
function runRss() {
  const before = memoryMiB();
  const data = tensors(syntheticBatches("W1"));
  const model = buildModel("W1", jit);
  const steps = num("steps", 100);
  for (let i = 0; i < steps; i++) {
    const d = data[i % data.length]!;
    model.trainOnBatch(d.x, d.y);
  }
  return { steps, rssAtStartMiB: before.rssMiB };
}

const task = args.task ?? "workload";
const result =
  task === "matmul"
    ? { matmul: await runMatmul() }
    : task === "rss"
      ? runRss()
      : await runWorkload((args.workload ?? "W1") as WorkloadId);
emit(out, {
  system,
  jitCompile: jit,
  threads: backend === "native" ? st.getNumThreads() : 1,
  ...result,
});
