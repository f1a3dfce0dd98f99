/**
 * keras.ops's signal names: window functions (bartlett, blackman, hamming, hanning, kaiser),
 * discrete Fourier transforms on Keras's (real, imag) pairs — fft, fft2, ifft2, rfft, irfft — as
 * products with host-built DFT matrices (exact to rounding, differentiable, O(n²) per axis: meant
 * for the short signals keras.ops handles), and correlate.
 */
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import { add, divide, multiply, subtract } from "./elementwise.js";
import { take } from "./gather.js";
import { pad } from "./join.js";
import { matmul } from "./linalg.js";
import { reshape } from "./movement.js";
import { floatInput } from "./host-map.js";
import { extractSequences, i0 } from "./core-extra.js";
import { swapaxes } from "./numpy-shape.js";
import { flip } from "./tile.js";

function windowLength(x: number, op: string): number {
  if (!Number.isInteger(x) || x < 0)
    throw new ValueError(
      `${op}: x (the window length) must be a non-negative integer; received ${x}`,
    );
  return x;
}
function window(x: number, op: string, f: (n: number, m: number) => number): Tensor {
  const m = windowLength(x, op);
  if (m === 1) return tensor(Float32Array.from([1]), [1]);
  return castTo(
    tensor(
      Float64Array.from({ length: m }, (_, n) => f(n, m)),
      [m],
    ),
    "float32",
  );
}
/** The Bartlett (triangular) window of length x (float32, as Keras). */
export function bartlett(x: number): Tensor {
  return window(x, "bartlett", (n, m) => 1 - Math.abs((2 * n) / (m - 1) - 1));
}
/** The Blackman window. */
export function blackman(x: number): Tensor {
  return window(x, "blackman", (n, m) => {
    const t = (2 * Math.PI * n) / (m - 1);
    return 0.42 - 0.5 * Math.cos(t) + 0.08 * Math.cos(2 * t);
  });
}
/** The Hamming window. */
export function hamming(x: number): Tensor {
  return window(x, "hamming", (n, m) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (m - 1)));
}
/** The Hann window. */
export function hanning(x: number): Tensor {
  return window(x, "hanning", (n, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)));
}
/** The Kaiser window with shape parameter beta. */
export function kaiser(x: number, beta: number): Tensor {
  const m = windowLength(x, "kaiser");
  if (m === 1) return tensor(Float32Array.from([1]), [1]);
  const alpha = (m - 1) / 2;
  const args = Float64Array.from(
    { length: m },
    (_, n) => beta * Math.sqrt(Math.max(0, 1 - ((n - alpha) / alpha) ** 2)),
  );
  const num = i0(tensor(args, [m]));
  return castTo(divide(num, i0(tensor(Float64Array.from([beta]), []))), "float32");
}

// ---------------------------------------------------------------- Fourier transforms

/** cos and −sin DFT matrices (n_in × n_out): X_k = Σ x_j e^(−2πi jk/n), `sign` −1 forward, +1 inverse. */
function dftMatrices(
  nIn: number,
  nOut: number,
  n: number,
  sign: number,
  dtype: string,
): [Tensor, Tensor] {
  const c = new Float64Array(nIn * nOut);
  const s = new Float64Array(nIn * nOut);
  for (let j = 0; j < nIn; j++) {
    for (let k = 0; k < nOut; k++) {
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      c[j * nOut + k] = Math.cos(a);
      s[j * nOut + k] = sign * Math.sin(a);
    }
  }
  return [
    castTo(tensor(c, [nIn, nOut]), dtype as never),
    castTo(tensor(s, [nIn, nOut]), dtype as never),
  ];
}

/** (re, im) of a complex DFT along the last axis. */
function dftLast(re: Tensor, im: Tensor, inverse: boolean): [Tensor, Tensor] {
  const n = re.shape[re.rank - 1]!;
  const [c, s] = dftMatrices(n, n, n, inverse ? 1 : -1, re.dtype);
  // (a + ib)(c + is) = (ac − bs) + i(as + bc)
  let outRe = subtract(matmul(re, c), matmul(im, s));
  let outIm = add(matmul(re, s), matmul(im, c));
  if (inverse) [outRe, outIm] = [divide(outRe, n), divide(outIm, n)];
  return [outRe, outIm];
}

function complexPair(x: readonly [TensorLike, TensorLike], op: string): [Tensor, Tensor] {
  if (!Array.isArray(x) || x.length !== 2)
    throw new ValueError(`${op}: x must be a pair [real, imag]`);
  const re = floatInput(x[0]);
  const im = castTo(floatInput(x[1]), re.dtype);
  if (re.rank !== im.rank || re.shape.some((d, i) => d !== im.shape[i])) {
    throw new ShapeError(
      `${op}: real and imag must have the same shape; received ${fmtShape(re.shape)} and ${fmtShape(im.shape)}`,
    );
  }
  if (re.rank < 1) throw new ShapeError(`${op}: x must have at least one axis`);
  return [re, im];
}

/** The DFT along the last axis of a complex tensor given as [real, imag]; returns [real, imag]. */
export function fft(x: readonly [TensorLike, TensorLike]): [Tensor, Tensor] {
  const [re, im] = complexPair(x, "fft");
  return dftLast(re, im, false);
}
function twoAxes(
  x: readonly [TensorLike, TensorLike],
  op: string,
  inverse: boolean,
): [Tensor, Tensor] {
  const [re, im] = complexPair(x, op);
  if (re.rank < 2)
    throw new ShapeError(`${op}: x must have at least two axes; received ${fmtShape(re.shape)}`);
  const [r1, i1] = dftLast(re, im, inverse);
  const [r2, i2] = dftLast(swapaxes(r1, -1, -2), swapaxes(i1, -1, -2), inverse);
  return [swapaxes(r2, -1, -2), swapaxes(i2, -1, -2)];
}
/** The 2-D DFT over the last two axes. */
export function fft2(x: readonly [TensorLike, TensorLike]): [Tensor, Tensor] {
  return twoAxes(x, "fft2", false);
}
/** The inverse 2-D DFT over the last two axes (scaled by 1/(m·n)). */
export function ifft2(x: readonly [TensorLike, TensorLike]): [Tensor, Tensor] {
  return twoAxes(x, "ifft2", true);
}

/** The last axis cut or zero-padded to n. */
function fitLast(t: Tensor, n: number): Tensor {
  const m = t.shape[t.rank - 1]!;
  if (m === n) return t;
  if (m > n) return extractSequences(t, n, m).reshape([...t.shape.slice(0, -1), n]);
  return pad(t, [...t.shape.slice(0, -1).map(() => [0, 0] as [number, number]), [0, n - m]]);
}

/** The DFT of a real signal along the last axis, the n/2 + 1 non-negative frequencies: [real, imag]. */
export function rfft(x: TensorLike, fftLength: number | null = null): [Tensor, Tensor] {
  let t = floatInput(x);
  if (t.rank < 1) throw new ShapeError("rfft: x must have at least one axis");
  const n = fftLength ?? t.shape[t.rank - 1]!;
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError(`rfft: fftLength must be a positive integer; received ${n}`);
  t = fitLast(t, n);
  const [c, s] = dftMatrices(n, Math.floor(n / 2) + 1, n, -1, t.dtype);
  return [matmul(t, c), matmul(t, s)];
}

/** The inverse of rfft: a real signal of fftLength (default 2·(m − 1)) from [real, imag] half spectra. */
export function irfft(
  x: readonly [TensorLike, TensorLike],
  fftLength: number | null = null,
): Tensor {
  const [re, im] = complexPair(x, "irfft");
  const m = re.shape[re.rank - 1]!;
  const n = fftLength ?? 2 * (m - 1);
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError(`irfft: fftLength must be a positive integer; received ${n}`);
  const half = Math.floor(n / 2) + 1;
  const r = fitLast(re, half);
  const i = fitLast(im, half);
  // x_j = (1/n) Σ_k w_k (Re_k cos(2πjk/n) − Im_k sin(2πjk/n)), w_k = 1 at 0 and n/2, else 2.
  const cm = new Float64Array(half * n);
  const sm = new Float64Array(half * n);
  for (let k = 0; k < half; k++) {
    const w = k === 0 || (n % 2 === 0 && k === n / 2) ? 1 : 2;
    for (let j = 0; j < n; j++) {
      const a = (2 * Math.PI * ((j * k) % n)) / n;
      cm[k * n + j] = (w * Math.cos(a)) / n;
      // The imaginary parts of the DC and Nyquist terms do not enter (NumPy drops them).
      sm[k * n + j] = k === 0 || (n % 2 === 0 && k === n / 2) ? 0 : (-w * Math.sin(a)) / n;
    }
  }
  const C = castTo(tensor(cm, [half, n]), r.dtype);
  const S = castTo(tensor(sm, [half, n]), r.dtype);
  return add(matmul(r, C), matmul(i, S));
}

// ---------------------------------------------------------------- correlation

/** Cross-correlation of two 1-D sequences, c[k] = Σ_n x1[n + k]·x2[n], mode "valid", "same" or "full". */
export function correlate(
  x1: TensorLike,
  x2: TensorLike,
  mode: "valid" | "same" | "full" = "valid",
): Tensor {
  let a = asTensor(x1);
  let v = asTensor(x2);
  if (a.rank !== 1 || v.rank !== 1) {
    throw new ShapeError(
      `correlate: x1 and x2 must be 1-D; received ${fmtShape(a.shape)} and ${fmtShape(v.shape)}`,
    );
  }
  if (!["valid", "same", "full"].includes(mode))
    throw new ValueError(
      `correlate: mode must be "valid", "same" or "full"; received ${String(mode)}`,
    );
  if (a.size === 0 || v.size === 0) throw new ValueError("correlate: x1 and x2 must not be empty");
  a = floatInput(a);
  v = castTo(floatInput(v), a.dtype);
  // NumPy swaps (and reverses the result) when the second sequence is the longer.
  const swapped = v.size > a.size;
  if (swapped) [a, v] = [v, a];
  const m = v.size;
  const [lo, hi] =
    mode === "valid"
      ? [0, 0]
      : mode === "full"
        ? [m - 1, m - 1]
        : [Math.floor(m / 2), m - 1 - Math.floor(m / 2)];
  const padded = pad(a, [[lo, hi]]);
  const frames = extractSequences(padded, m, 1);
  let out = reshape(matmul(frames, reshape(v, [m, 1])), [-1]);
  if (swapped) out = flip(out, 0);
  return out;
}

// ---------------------------------------------------------------- short-time Fourier transform

type WindowArg = "hann" | "hamming" | TensorLike | null;

/** The analysis window, zero-padded to fftLength and centred, as Keras builds it (periodic hann / hamming, scipy's get_window). */
function stftWindow(
  window: WindowArg,
  sequenceLength: number,
  fftLength: number,
  dtype: string,
  op: string,
): Tensor {
  const lPad = Math.floor((fftLength - sequenceLength) / 2);
  const rPad = fftLength - sequenceLength - lPad;
  let win: Tensor;
  if (window === null)
    return castTo(tensor(new Float64Array(fftLength).fill(1), [fftLength]), dtype as never);
  if (typeof window === "string") {
    if (window !== "hann" && window !== "hamming") {
      throw new ValueError(
        `${op}: a string window must be "hann" or "hamming"; received ${window}`,
      );
    }
    const a = window === "hann" ? 0.5 : 0.54;
    win = tensor(
      Float64Array.from(
        { length: sequenceLength },
        (_, n) => a - (1 - a) * Math.cos((2 * Math.PI * n) / sequenceLength),
      ),
      [sequenceLength],
    );
  } else {
    win = asTensor(window);
    if (win.rank !== 1 || win.shape[0] !== sequenceLength) {
      throw new ShapeError(
        `${op}: window must have shape [${sequenceLength}] (sequenceLength); received ${fmtShape(win.shape)}`,
      );
    }
  }
  return castTo(pad(castTo(win, "float64"), [[lPad, rPad]]), dtype as never);
}

function checkStft(
  sequenceLength: number,
  sequenceStride: number,
  fftLength: number,
  op: string,
): void {
  for (const [name, v] of [
    ["sequenceLength", sequenceLength],
    ["sequenceStride", sequenceStride],
    ["fftLength", fftLength],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(`${op}: ${name} must be a positive integer; received ${v}`);
  }
  if (fftLength < sequenceLength) {
    throw new ValueError(
      `${op}: fftLength (${fftLength}) must be at least sequenceLength (${sequenceLength})`,
    );
  }
}

/**
 * Short-time Fourier transform along the last axis: frames of fftLength every sequenceStride
 * (x reflect-padded by fftLength/2 on both sides when `center`), windowed, then rfft:
 * `[real, imag]` of shape (…, frames, fftLength/2 + 1). x must be float32 or float64.
 */
export function stft(
  x: TensorLike,
  sequenceLength: number,
  sequenceStride: number,
  fftLength: number,
  window: WindowArg = "hann",
  center = true,
): [Tensor, Tensor] {
  let t = asTensor(x);
  if (!isFloatDtype(t.dtype))
    throw new DTypeError(`stft: x must be float32 or float64; received ${t.dtype}`);
  checkStft(sequenceLength, sequenceStride, fftLength, "stft");
  if (center) {
    const half = Math.floor(fftLength / 2);
    t = pad(
      t,
      [...t.shape.slice(0, -1).map(() => [0, 0] as [number, number]), [half, half]],
      "reflect",
    );
  }
  const win = stftWindow(window, sequenceLength, fftLength, t.dtype, "stft");
  const frames = multiply(extractSequences(t, fftLength, sequenceStride), win);
  return rfft(frames, fftLength);
}

/**
 * The inverse of stft: irfft of each frame, windowed, overlap-added and divided by the summed
 * squared window (scipy's istft, as Keras), then cut to `length` (default: the centred signal).
 */
export function istft(
  x: readonly [TensorLike, TensorLike],
  sequenceLength: number,
  sequenceStride: number,
  fftLength: number,
  length: number | null = null,
  window: WindowArg = "hann",
  center = true,
): Tensor {
  checkStft(sequenceLength, sequenceStride, fftLength, "istft");
  const [re] = complexPair(x, "istft");
  if (re.rank < 2)
    throw new ShapeError(`istft: x must be (…, frames, bins); received ${fmtShape(re.shape)}`);
  const frames = irfft(x, fftLength);
  const nFrames = frames.shape[frames.rank - 2]!;
  const win = stftWindow(window, sequenceLength, fftLength, frames.dtype, "istft");
  const weighted = multiply(frames, win);
  const outLen = fftLength + sequenceStride * (nFrames - 1);
  const lead = frames.shape.slice(0, -2);
  const noPad = lead.map(() => [0, 0] as [number, number]);
  let sumT: Tensor | null = null;
  const pieces = nFrames > 0 ? unstackFrames(weighted, nFrames) : [];
  pieces.forEach((f, i) => {
    const placed = pad(f, [
      ...noPad,
      [i * sequenceStride, outLen - fftLength - i * sequenceStride],
    ]);
    sumT = sumT ? add(sumT, placed) : placed;
  });
  const w = Float64Array.from(win.dataSync(), Number);
  const norm = new Float64Array(outLen);
  for (let i = 0; i < nFrames; i++)
    for (let k = 0; k < fftLength; k++) norm[i * sequenceStride + k]! += w[k]! ** 2;
  const safe = castTo(
    tensor(
      Float64Array.from(norm, (v) => (v > 1e-10 ? v : 1)),
      [outLen],
    ),
    frames.dtype,
  );
  const signal = divide(
    sumT ?? castTo(tensor(new Float64Array(outLen), [outLen]), frames.dtype),
    safe,
  );
  const start = center ? Math.floor(fftLength / 2) : 0;
  const end =
    length !== null ? start + length : center ? outLen - Math.floor(fftLength / 2) : outLen;
  const stop = Math.min(end, outLen);
  return sliceLast(signal, start, Math.max(stop - start, 0));
}
function unstackFrames(t: Tensor, n: number): Tensor[] {
  return Array.from({ length: n }, (_, i) =>
    reshape(take(t, tensor(Int32Array.from([i]), [1]), t.rank - 2), [
      ...t.shape.slice(0, -2),
      t.shape[t.rank - 1]!,
    ]),
  );
}
function sliceLast(t: Tensor, start: number, len: number): Tensor {
  return take(
    t,
    tensor(
      Int32Array.from({ length: len }, (_, i) => start + i),
      [len],
    ),
    -1,
  );
}
const isFloatDtype = (d: string): boolean => d === "float32" || d === "float64";
