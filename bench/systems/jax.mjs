/* global process, URL */
/**
 * jax-js runner for `npm run bench`: float32 matmul GFLOP/s on its WebAssembly backend.
 *
 *   node bench/systems/jax.mjs [--workers 2] [--seconds 2] --out f.json
 *
 * jax-js runs its WASM kernels multithreaded when the global `Worker` (Web Workers) and
 * SharedArrayBuffer exist. Node 20 has no global `Worker`, so out of the box it runs on the main
 * thread only (`--workers 0`). With `--workers N` we install a minimal Web Worker built on
 * node:worker_threads (below), which lets its own worker pool run as it would in a browser.
 */
import { Worker as NodeWorker } from "node:worker_threads";
import { resolveObjectURL } from "node:buffer";
import { checkProduct, emit, log, matmulRate, parseArgs } from "../lib/measure.mjs";

const args = parseArgs();
const workers = Number(args.workers ?? 0);

/**
 * The part of the Web Worker API jax-js uses: `new Worker(blobURL)`, `onmessage`, `onerror`,
 * `postMessage`, `terminate`; inside the worker `self.onmessage` and `postMessage`. The script's
 * source is read from the blob asynchronously, so messages posted before it arrives are queued
 * (worker_threads keeps their order).
 */
const BOOT = `const { parentPort } = require("node:worker_threads");
globalThis.self = globalThis;
globalThis.postMessage = (m) => parentPort.postMessage(m);
let loaded = false;
parentPort.on("message", (m) => {
  if (!loaded) { loaded = true; (0, eval)(m); return; }
  self.onmessage({ data: m });
});`;
class WebWorkerShim {
  onmessage = null;
  onerror = null;
  #w = new NodeWorker(BOOT, { eval: true });
  #queue = [];
  constructor(url) {
    this.#w.on("message", (data) => this.onmessage?.({ data }));
    this.#w.on("error", (e) => this.onerror?.(e));
    resolveObjectURL(String(url))
      .text()
      .then((src) => {
        this.#w.postMessage(src);
        for (const m of this.#queue) this.#w.postMessage(m);
        this.#queue = null;
      });
  }
  postMessage(m) {
    if (this.#queue) this.#queue.push(m);
    else this.#w.postMessage(m);
  }
  terminate() {
    this.#w.terminate();
  }
}
if (workers > 0) {
  globalThis.Worker = WebWorkerShim;
  globalThis.navigator ??= { hardwareConcurrency: workers };
}

const jax = await import("@jax-js/jax");
const np = jax.numpy;
// init() with no argument probes WebGPU through `navigator.gpu`, which Node 20 lacks.
await jax.init("wasm");
jax.defaultDevice("wasm");

const res = {};
for (const n of [256, 1024]) {
  const a = jax.random.normal(jax.random.key(1), [n, n]);
  const b = jax.random.normal(jax.random.key(2), [n, n]);
  const c = np.matmul(a.ref, b.ref);
  checkProduct(await a.ref.data(), await b.ref.data(), await c.data(), n);
  res[n] = await matmulRate(
    async () => {
      const p = np.matmul(a.ref, b.ref);
      await p.blockUntilReady();
      p.dispose();
    },
    n,
    Number(args.seconds ?? 2),
  );
  log(`jax-js (${workers || "no"} workers) matmul ${n}: ${res[n].gflops.toFixed(1)} GFLOP/s`);
}
const { version } = JSON.parse(
  await (
    await import("node:fs/promises")
  ).readFile(new URL("../node_modules/@jax-js/jax/package.json", import.meta.url), "utf8"),
);
emit(args.out ?? "", {
  system: workers ? "jax-js-wasm-workers" : "jax-js-wasm",
  threads: workers || 1,
  version,
  matmul: res,
});
process.exit(0); // the worker threads would keep the process alive
