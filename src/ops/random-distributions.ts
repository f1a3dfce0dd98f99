/**
 * `keras.random.gamma`, `beta`, `binomial` and `categorical`: draws from the host generator
 * (tensor/random.ts), element by element, as the other `st.random` draws. Parameters may be
 * numbers or tensors broadcastable to `shape`, as Keras allows.
 */
import { floatx } from "../tensor/config.js";
import { ValueError } from "../errors.js";
import { type DType, type NumericDType, allocate, checkDType, isFloat } from "../tensor/dtype.js";
import { type Generator, type Seed, generatorFor } from "../tensor/random.js";
import { checkShape, sizeOf } from "../tensor/shape.js";
import { Tensor, fromValues } from "../tensor/tensor.js";
import { broadcastTo } from "./movement.js";

type Param = number | Tensor;

function floatDType(dtype: DType | undefined, where: string): "float32" | "float64" {
  const dt = checkDType(dtype ?? floatx(), where);
  if (!isFloat(dt)) throw new ValueError(`${where}: dtype must be a float type; received ${dt}`);
  return dt;
}

/** A parameter's values, one per element of `shape` (a number repeats). */
function perElement(p: Param, shape: readonly number[], name: string, where: string) {
  if (typeof p === "number") return () => p;
  let values: ArrayLike<number>;
  try {
    values = broadcastTo(p.cast("float64"), shape).dataSync() as Float64Array;
  } catch {
    throw new ValueError(
      `${where}: ${name} of shape [${p.shape}] does not broadcast to shape [${shape}]`,
    );
  }
  return (i: number) => values[i]!;
}

/**
 * Gamma(α, 1) by Marsaglia and Tsang's squeeze method (α ≥ 1); for α < 1 a Gamma(α + 1) draw
 * times U^(1/α), their boost.
 */
function drawGamma(g: Generator, alpha: number): number {
  if (alpha < 1) {
    let u = 0;
    while (u === 0) u = g.uniform();
    return drawGamma(g, alpha + 1) * Math.pow(u, 1 / alpha);
  }
  const d = alpha - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = g.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = g.uniform();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Binomial(n, p): inversion of the CDF, walking k up from 0 with pmf(k + 1) = pmf(k) · (n − k) /
 * (k + 1) · p / (1 − p). When (1 − p)^n would underflow (n·p large) the count is split in two
 * halves drawn separately, which has the same distribution.
 */
function drawBinomial(g: Generator, n: number, p: number): number {
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  if (n * Math.min(p, 1 - p) > 200) {
    const half = Math.floor(n / 2);
    return drawBinomial(g, half, p) + drawBinomial(g, n - half, p);
  }
  if (p > 0.5) return n - drawBinomial(g, n, 1 - p);
  const u = g.uniform();
  const ratio = p / (1 - p);
  let pmf = Math.pow(1 - p, n);
  let cdf = pmf;
  let k = 0;
  while (u >= cdf && k < n) {
    pmf *= ((n - k) / (k + 1)) * ratio;
    cdf += pmf;
    k++;
  }
  return k;
}

/** `keras.random.gamma(shape, alpha)`: Gamma(alpha, 1) draws. */
export function gamma(
  shape: readonly number[],
  alpha: Param,
  opts: { dtype?: DType; seed?: Seed } = {},
): Tensor {
  const where = "random.gamma";
  const data = allocate(floatDType(opts.dtype, where), sizeOf(checkShape(shape, where)));
  const a = perElement(alpha, shape, "alpha", where);
  const g = generatorFor(opts.seed);
  for (let i = 0; i < data.length; i++) {
    const ai = a(i);
    if (!(ai > 0)) throw new ValueError(`${where}: alpha must be > 0; received ${ai}`);
    data[i] = drawGamma(g, ai);
  }
  return fromValues(data, shape);
}

/** `keras.random.beta(shape, alpha, beta)`: X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta). */
export function beta(
  shape: readonly number[],
  alpha: Param,
  betaParam: Param,
  opts: { dtype?: DType; seed?: Seed } = {},
): Tensor {
  const where = "random.beta";
  const data = allocate(floatDType(opts.dtype, where), sizeOf(checkShape(shape, where)));
  const a = perElement(alpha, shape, "alpha", where);
  const b = perElement(betaParam, shape, "beta", where);
  const g = generatorFor(opts.seed);
  for (let i = 0; i < data.length; i++) {
    const [ai, bi] = [a(i), b(i)];
    if (!(ai > 0 && bi > 0)) {
      throw new ValueError(`${where}: alpha and beta must be > 0; received ${ai}, ${bi}`);
    }
    const x = drawGamma(g, ai);
    data[i] = x / (x + drawGamma(g, bi));
  }
  return fromValues(data, shape);
}

/** `keras.random.binomial(shape, counts, probabilities)`: successes in `counts` trials. */
export function binomial(
  shape: readonly number[],
  counts: Param,
  probabilities: Param,
  opts: { dtype?: DType; seed?: Seed } = {},
): Tensor {
  const where = "random.binomial";
  const data = allocate(floatDType(opts.dtype, where), sizeOf(checkShape(shape, where)));
  const n = perElement(counts, shape, "counts", where);
  const p = perElement(probabilities, shape, "probabilities", where);
  const g = generatorFor(opts.seed);
  for (let i = 0; i < data.length; i++) {
    const [ni, pi] = [n(i), p(i)];
    if (!(Number.isInteger(ni) && ni >= 0)) {
      throw new ValueError(`${where}: counts must be non-negative integers; received ${ni}`);
    }
    if (!(pi >= 0 && pi <= 1)) {
      throw new ValueError(`${where}: probabilities must be in [0, 1]; received ${pi}`);
    }
    data[i] = drawBinomial(g, ni, pi);
  }
  return fromValues(data, shape);
}

/**
 * `keras.random.categorical(logits, numSamples)`: for each row of 2-D `logits` (unnormalized
 * log-probabilities), `numSamples` class indices drawn from softmax(row); shape [batch, numSamples].
 */
export function categorical(
  logits: Tensor,
  numSamples: number,
  opts: { dtype?: DType; seed?: Seed } = {},
): Tensor {
  const where = "random.categorical";
  if (!(logits instanceof Tensor) || logits.shape.length !== 2) {
    throw new ValueError(
      `${where}: logits must be a 2-D tensor [batch, numClasses]; received ` +
        (logits instanceof Tensor ? `shape [${logits.shape}]` : String(logits)),
    );
  }
  if (!(Number.isInteger(numSamples) && numSamples >= 0)) {
    throw new ValueError(
      `${where}: numSamples must be a non-negative integer; received ${numSamples}`,
    );
  }
  const dtype = checkDType(opts.dtype ?? "int32", where);
  if (dtype === "string") throw new ValueError(`${where}: dtype must be numeric; received string`);
  const [batch, classes] = logits.shape as [number, number];
  const values = logits.cast("float64").dataSync() as Float64Array;
  const out = allocate(dtype as NumericDType, batch * numSamples);
  const g = generatorFor(opts.seed);
  const cdf = new Float64Array(classes);
  for (let b = 0; b < batch; b++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, values[b * classes + c]!);
    let total = 0;
    for (let c = 0; c < classes; c++) {
      total += max === -Infinity ? 0 : Math.exp(values[b * classes + c]! - max);
      cdf[c] = total;
    }
    if (!(total > 0) || !Number.isFinite(total)) {
      throw new ValueError(`${where}: row ${b} of logits has no finite maximum`);
    }
    for (let s = 0; s < numSamples; s++) {
      const u = g.uniform() * total;
      let c = 0;
      while (c < classes - 1 && u >= cdf[c]!) c++;
      out[b * numSamples + s] = c;
    }
  }
  return fromValues(out, [batch, numSamples]);
}
