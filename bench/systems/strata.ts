/**
 * Strata runner for `npm run bench` (bench/run.ts spawns it, one fresh process per measurement):
 *
 *   node --import tsx bench/systems/strata.ts --backend native|ts --task workload|matmul|rss \
 *     [--workload W1|W2|W3] [--threads 2] [--warmup 5 --runs 3 --seconds 2] [--steps 100] --out f.json
 *
 * Models are built with the public Keras API exactly as a user would (Sequential, compile with
 * Keras's strings, trainOnBatch / predictOnBatch); matmul goes through `st.ops.matmul`.
 */
import * as st from "../../src/index.js";
import {
  WORKLOADS,
  checkProduct,
  emit,
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

function tensors(batches: Batch[]) {
  return batches.map((b) => ({
    x: st.tensor(b.x, b.xShape, b.x instanceof Int32Array ? "int32" : "float32"),
    y: st.tensor(b.y, b.yShape, b.y instanceof Int32Array ? "int32" : "float32"),
  }));
}

async function runWorkload(w: WorkloadId) {
  const { batch } = WORKLOADS[w];
  const data = tensors(syntheticBatches(w));
  const model = buildModel(w);
  const opts = {
    batch,
    warmup: num("warmup", 5),
    runs: num("runs", 3),
    seconds: num("seconds", 2),
  };
  log(`strata-${backend} ${w}: training`);
  let loss = NaN;
  const train = await throughput((i) => {
    const d = data[i % data.length]!;
    loss = Number(model.trainOnBatch(d.x, d.y).loss);
  }, opts);
  log(`strata-${backend} ${w}: ${train.samplesPerSec.toFixed(0)} samples/s training; inference`);
  const infer = await throughput((i) => model.predictOnBatch(data[i % data.length]!.x), opts);
  log(`strata-${backend} ${w}: ${infer.samplesPerSec.toFixed(0)} samples/s inference`);
  return { train, infer, finalLoss: loss };
}

async function runMatmul() {
  const res: Record<string, unknown> = {};
  for (const n of [256, 1024]) {
    const a = st.random.normal([n, n], { seed: 1 });
    const b = st.random.normal([n, n], { seed: 2 });
    checkProduct(a.dataSync(), b.dataSync(), st.ops.matmul(a, b).dataSync(), n);
    res[n] = await matmulRate(() => st.ops.matmul(a, b), n, num("seconds", 2));
    log(
      `strata-${backend} matmul ${n}: ${(res[n] as { gflops: number }).gflops.toFixed(1)} GFLOP/s`,
    );
  }
  return res;
}

/** Peak RSS while training W1 for a fixed number of steps, in this fresh process. */
function runRss() {
  const before = memoryMiB();
  const data = tensors(syntheticBatches("W1"));
  const model = buildModel("W1");
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
  system: `strata-${backend}`,
  threads: backend === "native" ? st.getNumThreads() : 1,
  ...result,
});
