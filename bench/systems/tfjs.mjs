/* global process, console */
/**
 * TensorFlow.js runner for `npm run bench` (packages from bench/node_modules):
 *
 *   node bench/systems/tfjs.mjs --backend cpu|wasm --task workload|matmul|rss [--workload W1] ...
 *
 * Same models as the Keras definitions through @tensorflow/tfjs-layers, RMSprop with Keras's
 * defaults, `model.trainOnBatch` / `model.predictOnBatch`. The WASM backend loads its .wasm files
 * from node_modules (no network). Its multithreaded build cannot start under Node (we try it and
 * record the error), so it runs on one thread, as does the pure-JS `cpu` backend.
 */
import { createRequire } from "node:module";
import path from "node:path";
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
} from "../lib/measure.mjs";

const args = parseArgs();
const backend = args.backend ?? "cpu";
const num = (k, d) => (args[k] === undefined ? d : Number(args[k]));
const require = createRequire(import.meta.url);
const tf = await import("@tensorflow/tfjs");
const notes = [];

// tfjs prints a banner suggesting tfjs-node on first use; keep stdout/stderr for our progress.
const info = console.info;
console.info = () => {};
let threads = 1;
if (backend === "wasm") {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  wasm.setWasmPaths(`${dir}/dist/`);
  if (args.threaded === "1") {
    // Asks for the threaded SIMD build (tfjs turns it off under Node); records why it fails.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
    wasm.setThreadsCount(num("threads", 2));
  }
  // tfjs reports a failed backend start on console.warn/error and returns false: keep the text.
  const said = [];
  const { warn, error } = console;
  console.warn = console.error = (...m) => said.push(m.map(String).join(" "));
  const ok = await tf.setBackend("wasm");
  Object.assign(console, { warn, error });
  if (!ok) throw new Error(`tf.setBackend('wasm') failed: ${said.join(" ").split("\n")[0]}`);
  threads = wasm.getThreadsCount();
  notes.push(`simd=${await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")} threads=${threads}`);
} else {
  await tf.setBackend("cpu");
}
await tf.ready();
console.info = info;

function buildModel(w) {
  const L = tf.layers;
  const layers =
    w === "W1"
      ? [
          L.dense({ units: 512, activation: "relu", inputShape: [784] }),
          L.dense({ units: 10, activation: "softmax" }),
        ]
      : w === "W2"
        ? [
            L.conv2d({ filters: 32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1] }),
            L.maxPooling2d({ poolSize: 2 }),
            L.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }),
            L.maxPooling2d({ poolSize: 2 }),
            L.conv2d({ filters: 128, kernelSize: 3, activation: "relu" }),
            L.flatten(),
            L.dense({ units: 10, activation: "softmax" }),
          ]
        : [
            L.embedding({ inputDim: 10000, outputDim: 32, inputLength: 200 }),
            L.lstm({ units: 32 }),
            L.dense({ units: 1, activation: "sigmoid" }),
          ];
  const model = tf.sequential({ layers });
  model.compile({
    optimizer: tf.train.rmsprop(0.001, 0.9, 0, 1e-7),
    loss: w === "W3" ? "binaryCrossentropy" : "sparseCategoricalCrossentropy",
  });
  return model;
}

function tensors(w) {
  // tfjs's sparse categorical crossentropy wants float labels; W3's token ids stay int32.
  return syntheticBatches(w).map((b) => ({
    x: tf.tensor(b.x, b.xShape, b.x instanceof Int32Array ? "int32" : "float32"),
    y: tf.tensor(Float32Array.from(b.y), b.yShape, "float32"),
  }));
}

/**
 * Inference first, then training, writing the result after each: the pure-JS backend can take
 * minutes per W3 training step, and when the orchestrator stops it the inference figure and the
 * time training had run (trainStartedS) remain.
 */
async function runWorkload(w, save) {
  const { batch } = WORKLOADS[w];
  const data = tensors(w);
  const model = buildModel(w);
  const opts = {
    batch,
    warmup: num("warmup", 5),
    runs: num("runs", 3),
    seconds: num("seconds", 2),
  };
  const res = {};
  log(`tfjs-${backend} ${w}: inference`);
  try {
    res.infer = await throughput((i) => {
      const y = model.predictOnBatch(data[i % data.length].x);
      y.dataSync(); // the values, as every other system returns them
      y.dispose();
    }, opts);
    log(`tfjs-${backend} ${w}: ${res.infer.samplesPerSec.toFixed(0)} samples/s inference`);
  } catch (e) {
    res.inferError = errorText(e);
    log(`tfjs-${backend} ${w}: inference failed: ${res.inferError}`);
  }
  res.trainStartedS = process.uptime();
  save(res);
  log(`tfjs-${backend} ${w}: training`);
  let loss = NaN;
  try {
    res.train = await throughput(async (i) => {
      const d = data[i % data.length];
      loss = await model.trainOnBatch(d.x, d.y);
    }, opts);
    res.finalLoss = loss;
    log(`tfjs-${backend} ${w}: ${res.train.samplesPerSec.toFixed(0)} samples/s training`);
  } catch (e) {
    res.trainError = errorText(e);
    log(`tfjs-${backend} ${w}: training failed: ${res.trainError}`);
  }
  return res;
}

function errorText(e) {
  return String(e?.stack ?? e)
    .split("\n")
    .filter((l) => !/^\s+at /.test(l))
    .join(" ")
    .slice(0, 300);
}

async function runMatmul() {
  const res = {};
  for (const n of [256, 1024]) {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const c = tf.matMul(a, b);
    checkProduct(a.dataSync(), b.dataSync(), c.dataSync(), n);
    c.dispose();
    res[n] = await matmulRate(
      () => {
        const p = tf.matMul(a, b);
        p.dataSync();
        p.dispose();
      },
      n,
      num("seconds", 2),
    );
    log(`tfjs-${backend} matmul ${n}: ${res[n].gflops.toFixed(1)} GFLOP/s`);
  }
  return res;
}

async function runRss() {
  const before = memoryMiB();
  const data = tensors("W1");
  const model = buildModel("W1");
  const steps = num("steps", 100);
  for (let i = 0; i < steps; i++) {
    const d = data[i % data.length];
    await model.trainOnBatch(d.x, d.y);
  }
  return { steps, rssAtStartMiB: before.rssMiB };
}

const task = args.task ?? "workload";
const head = { system: `tfjs-${backend}`, threads, version: tf.version.tfjs, notes };
const save = (r) => emit(args.out ?? "", { ...head, ...r });
save(
  task === "matmul"
    ? { matmul: await runMatmul() }
    : task === "rss"
      ? await runRss()
      : await runWorkload(args.workload ?? "W1", (partial) => args.out && save(partial)),
);
process.exit(0);
