/**
 * An independent float64 reference for ConvLSTM, written from Keras's equations with direct
 * convolution loops over flat arrays (channels-last): no Strata op is used, so the layer's
 * convolutions, gate split and RNN loop are all checked against it.
 */

/** A flat float64 array with its shape. */
export interface Arr {
  data: Float64Array;
  shape: number[];
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major strides of `shape`. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Every multi-index of `shape`, in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield idx;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
}

export interface ConvGeom {
  strides: number[];
  padding: "valid" | "same";
  dilation: number[];
}

/**
 * Channels-last N-D convolution x (B, S…, C) with w (K…, C, O); TensorFlow's "same" rule
 * (padding total max((⌈in/s⌉ − 1)·s + span − in, 0), the smaller half before).
 */
export function convRef(x: Arr, w: Arr, g: ConvGeom): Arr {
  const n = x.shape.length - 2;
  const [B, C] = [x.shape[0]!, x.shape[n + 1]!];
  const K = w.shape.slice(0, n);
  const O = w.shape[n + 1]!;
  const inS = x.shape.slice(1, 1 + n);
  const outS: number[] = [];
  const padBefore: number[] = [];
  for (let a = 0; a < n; a++) {
    const span = (K[a]! - 1) * g.dilation[a]! + 1;
    if (g.padding === "valid") {
      outS.push(Math.floor((inS[a]! - span) / g.strides[a]!) + 1);
      padBefore.push(0);
    } else {
      const out = Math.ceil(inS[a]! / g.strides[a]!);
      outS.push(out);
      const total = Math.max((out - 1) * g.strides[a]! + span - inS[a]!, 0);
      padBefore.push(Math.floor(total / 2));
    }
  }
  const xs = stridesOf(x.shape);
  const ws = stridesOf(w.shape);
  const outShape = [B, ...outS, O];
  const out = new Float64Array(size(outShape));
  const os = stridesOf(outShape);
  for (let b = 0; b < B; b++) {
    for (const p of indices(outS)) {
      for (const k of indices(K)) {
        let xOff = b * xs[0]!;
        let inside = true;
        for (let a = 0; a < n; a++) {
          const i = p[a]! * g.strides[a]! + k[a]! * g.dilation[a]! - padBefore[a]!;
          if (i < 0 || i >= inS[a]!) inside = false;
          xOff += i * xs[a + 1]!;
        }
        if (!inside) continue;
        let wOff = 0;
        for (let a = 0; a < n; a++) wOff += k[a]! * ws[a]!;
        let oOff = b * os[0]!;
        for (let a = 0; a < n; a++) oOff += p[a]! * os[a + 1]!;
        for (let c = 0; c < C; c++) {
          const xv = x.data[xOff + c]!;
          for (let o = 0; o < O; o++) out[oOff + o]! += xv * w.data[wOff + c * O + o]!;
        }
      }
    }
  }
  return { data: out, shape: outShape };
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
/** Keras 3's hard_sigmoid: relu6(x + 3) / 6. */
export const hardSigmoid = (v: number): number => Math.min(1, Math.max(0, v / 6 + 0.5));
export const relu = (v: number): number => Math.max(0, v);

export interface ConvLSTMRef extends ConvGeom {
  kernel: Arr;
  recurrent: Arr;
  bias: Float64Array | null;
  activation?: (v: number) => number;
  recurrentActivation?: (v: number) => number;
}

export interface RefRun {
  /** every step's output (in processing order), (B, T, S′…, F) */
  sequence: Arr;
  h: Arr;
  c: Arr;
}

/**
 * Runs the ConvLSTM recurrence over x (B, T, S…, C): per step
 * z = conv(x_t, W) + b + conv_same(h, U), gates i, f, c, o in blocks of F channels,
 * c′ = f·c + i·act(z_c), h′ = o·act(c′). A masked sample (mask[b][t] false) keeps h and c and
 * repeats its previous output (zeros before its first valid step), as Keras's RNN.
 */
export function convLSTMRef(
  cell: ConvLSTMRef,
  x: Arr,
  opts: { goBackwards?: boolean; mask?: boolean[][]; h0?: Arr; c0?: Arr } = {},
): RefRun {
  const act = cell.activation ?? Math.tanh;
  const gate = cell.recurrentActivation ?? sigmoid;
  const [B, T] = [x.shape[0]!, x.shape[1]!];
  const stepShape = [B, ...x.shape.slice(2)];
  const stepSize = size(x.shape.slice(2));
  const F = cell.recurrent.shape.at(-2)!;
  const n = x.shape.length - 3;
  const ones = new Array<number>(n).fill(1);
  let h: Arr | null = opts.h0 ?? null;
  let c: Arr | null = opts.c0 ?? null;
  const outputs: Float64Array[] = [];
  let last: Float64Array | null = null;
  for (let k = 0; k < T; k++) {
    const t = opts.goBackwards ? T - 1 - k : k;
    const xt = new Float64Array(B * stepSize);
    for (let b = 0; b < B; b++) {
      xt.set(x.data.subarray((b * T + t) * stepSize, (b * T + t + 1) * stepSize), b * stepSize);
    }
    const zx = convRef({ data: xt, shape: stepShape }, cell.kernel, cell);
    const stateShape = [...zx.shape.slice(0, -1), F];
    h ??= { data: new Float64Array(size(stateShape)), shape: stateShape };
    c ??= { data: new Float64Array(size(stateShape)), shape: stateShape };
    const zh = convRef(h, cell.recurrent, { strides: ones, padding: "same", dilation: ones });
    const cells = size(stateShape) / F;
    const hNew = new Float64Array(h.data.length);
    const cNew = new Float64Array(c.data.length);
    for (let p = 0; p < cells; p++) {
      for (let f = 0; f < F; f++) {
        const z = (g: number): number =>
          zx.data[p * 4 * F + g * F + f]! +
          zh.data[p * 4 * F + g * F + f]! +
          (cell.bias ? cell.bias[g * F + f]! : 0);
        const cv = gate(z(1)) * c.data[p * F + f]! + gate(z(0)) * act(z(2));
        cNew[p * F + f] = cv;
        hNew[p * F + f] = gate(z(3)) * act(cv);
      }
    }
    const per = hNew.length / B;
    const out = new Float64Array(hNew.length);
    for (let b = 0; b < B; b++) {
      const keep = opts.mask ? opts.mask[b]![t]! : true;
      for (let i = b * per; i < (b + 1) * per; i++) {
        if (keep) out[i] = hNew[i]!;
        else {
          hNew[i] = h.data[i]!;
          cNew[i] = c.data[i]!;
          out[i] = last ? last[i]! : 0;
        }
      }
    }
    h = { data: hNew, shape: stateShape };
    c = { data: cNew, shape: stateShape };
    last = out;
    outputs.push(out);
  }
  const per = last!.length / B;
  const seq = new Float64Array(B * T * per);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++)
      seq.set(outputs[t]!.subarray(b * per, (b + 1) * per), (b * T + t) * per);
  }
  return { sequence: { data: seq, shape: [B, T, ...h!.shape.slice(1)] }, h: h!, c: c! };
}

/** The last output of a run: (B, S′…, F) — the last step's output. */
export function lastOutput(run: RefRun): Arr {
  const [B, T] = run.sequence.shape as [number, number];
  const per = run.sequence.data.length / (B * T);
  const out = new Float64Array(B * per);
  for (let b = 0; b < B; b++) {
    out.set(run.sequence.data.subarray((b * T + T - 1) * per, (b * T + T) * per), b * per);
  }
  return { data: out, shape: [B, ...run.sequence.shape.slice(2)] };
}
