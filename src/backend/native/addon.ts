import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { FloatArray, TypedArray } from "../../tensor/dtype.js";
import type { RnnAddon } from "./rnn.js";

/*
 * Loading the C++ addon (native/): its exports, checked so that an addon built from older
 * sources is refused rather than half-used, and the reason when it cannot be loaded.
 */

/** The addon's exports (native/src/binding.cc, binding-fused.cc). */
export interface Addon extends RnnAddon {
  readonly unaryOps: readonly string[];
  readonly binaryOps: readonly string[];
  readonly reduceOps: readonly string[];
  readonly updateRules: readonly string[];
  readonly blas: string;
  unary(op: number, x: TypedArray, out: TypedArray): void;
  binary(op: number, a: TypedArray, b: TypedArray, out: TypedArray, plan: Float64Array): void;
  where(c: Uint8Array, a: TypedArray, b: TypedArray, out: TypedArray, plan: Float64Array): void;
  cast(x: TypedArray, out: TypedArray): void;
  copy(
    x: TypedArray,
    xOffset: number,
    out: TypedArray,
    outOffset: number,
    plan: Float64Array,
  ): void;
  reduce(
    op: number,
    x: TypedArray,
    out: TypedArray,
    outer: number,
    size: number,
    inner: number,
  ): void;
  cumsum(x: TypedArray, out: TypedArray, outer: number, size: number, inner: number): void;
  sort(
    x: TypedArray,
    v: TypedArray,
    i: Int32Array,
    rows: number,
    size: number,
    desc: boolean,
  ): void;
  gather(
    x: TypedArray,
    idx: Int32Array,
    out: TypedArray,
    outer: number,
    axis: number,
    inner: number,
  ): number;
  scatterAdd(
    u: TypedArray,
    idx: Int32Array,
    out: TypedArray,
    outer: number,
    axis: number,
    inner: number,
  ): number;
  matmul(
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    batch: number,
    aBatchStride: number,
    bBatchStride: number,
  ): void;
  conv(x: FloatArray, w: FloatArray, out: FloatArray, params: Float64Array): void;
  convBackpropInput(dy: FloatArray, w: FloatArray, dx: FloatArray, params: Float64Array): void;
  convBackpropFilter(x: FloatArray, dy: FloatArray, dw: FloatArray, params: Float64Array): void;
  convBias(
    x: FloatArray,
    w: FloatArray,
    bias: FloatArray | null,
    out: FloatArray,
    params: Float64Array,
    relu: boolean,
  ): void;
  softmax(x: FloatArray, out: FloatArray, rows: number, n: number): void;
  biasRelu(
    x: FloatArray,
    bias: FloatArray | null,
    out: FloatArray,
    rows: number,
    n: number,
    relu: boolean,
  ): void;
  biasReluBackprop(
    dy: FloatArray,
    y: FloatArray,
    dz: FloatArray,
    db: FloatArray | null,
    rows: number,
    n: number,
  ): void;
  maxPool(x: FloatArray, out: FloatArray, argmax: Int32Array | null, params: Float64Array): void;
  maxPoolBackprop(dy: FloatArray, argmax: Int32Array, dx: FloatArray, params: Float64Array): void;
  avgPool(x: FloatArray, out: FloatArray, params: Float64Array): void;
  avgPoolBackprop(dy: FloatArray, dx: FloatArray, params: Float64Array): void;
  applyUpdate(
    rule: number,
    w: FloatArray,
    g: FloatArray,
    slots: readonly FloatArray[],
    out: FloatArray,
    hyper: Float64Array,
  ): void;
  setNumThreads(n: number): number;
  getNumThreads(): number;
  /** Serves large blocks from malloc's heap and keeps freed ones (native/src/binding.cc). */
  tuneMalloc(): void;
}

/** Where the addon is built, from src/backend/native/ (tsx) and dist/backend/native/ alike. */
const ADDON_PATH = fileURLToPath(
  new URL("../../../native/build/Release/strata_native.node", import.meta.url),
);

/** Every function the binding calls: an addon built from older sources is refused, not half-used. */
const REQUIRED: readonly (keyof Addon)[] = [
  "unary",
  "binary",
  "where",
  "cast",
  "copy",
  "reduce",
  "cumsum",
  "sort",
  "gather",
  "scatterAdd",
  "matmul",
  "conv",
  "convBackpropInput",
  "convBackpropFilter",
  "convBias",
  "softmax",
  "biasRelu",
  "biasReluBackprop",
  "maxPool",
  "maxPoolBackprop",
  "avgPool",
  "avgPoolBackprop",
  "applyUpdate",
  "lstmForward",
  "lstmBackward",
  "gruForward",
  "gruBackward",
  "setNumThreads",
  "getNumThreads",
  "tuneMalloc",
];

type Loaded = { addon: Addon; reason?: undefined } | { addon?: undefined; reason: string };
let loaded: Loaded | undefined;

/** The addon, or why it cannot be loaded; loaded on the first call (starting its thread pool). */
export function loadAddon(): Loaded {
  return (loaded ??= load());
}

function load(): Loaded {
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
    const missing = REQUIRED.filter((name) => typeof addon[name] !== "function");
    if (missing.length > 0) {
      return { reason: `the built addon is out of date (it lacks ${missing.join(", ")})` };
    }
    return { addon };
  } catch (e) {
    const message = (e as Error).message.split("\n")[0]!;
    const reason =
      (e as { code?: string }).code === "MODULE_NOT_FOUND" ? "the addon is not built" : message;
    return { reason };
  }
}
