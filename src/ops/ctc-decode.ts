/**
 * `ops.ctcDecode` (Keras `keras.ops.ctc_decode`): the label sequences a CTC model's per-frame
 * logits spell. "greedy" takes each frame's best class, merges repeats and drops the mask class;
 * "beam_search" is Keras's prefix beam search (its numpy / jax backends): each prefix keeps the
 * probability of ending in a label and of ending in the mask, the `beamWidth` most probable
 * prefixes survive each frame, and the `topPaths` best are returned with their log
 * probabilities. Host loops in float64; ties break as Keras's do (its class axis is searched
 * reversed, prefixes in lexicographic order). Not differentiable, as in Keras.
 */
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo } from "./core.js";
import { logAddExp, logSoftmaxRows } from "./ctc.js";

export interface CtcDecodeOptions {
  /** "greedy" (default) or "beam_search" */
  strategy?: "greedy" | "beam_search";
  /** prefixes kept per frame by beam search; 100 by default */
  beamWidth?: number;
  /** sequences returned by beam search; 1 by default */
  topPaths?: number;
  /** greedy only: merge repeated labels (true by default; beam search always merges, as Keras) */
  mergeRepeated?: boolean;
  /** the mask (blank) class; 0 by default, the last class when null */
  maskIndex?: number | null;
}

const PAD = -1;

/**
 * Decodes `inputs` (batch, frames, classes) of logits, `sequenceLengths` (batch,) frames each.
 * Returns [decoded, scores]: decoded (paths, batch, frames) int32, −1 after each sequence's
 * labels (paths = 1 for greedy, topPaths for beam search); scores (batch, 1), the negated sum
 * of the best logits (greedy), or (batch, topPaths) log probabilities (beam search).
 */
export function ctcDecode(
  inputs: TensorLike,
  sequenceLengths: TensorLike,
  opts: CtcDecodeOptions = {},
): [Tensor, Tensor] {
  const raw = asTensor(inputs);
  // Keras computes in result_type(inputs, float32)
  const dtype = raw.dtype === "float64" ? "float64" : "float32";
  const x = castTo(raw, dtype);
  if (x.rank !== 3)
    throw new ShapeError(
      `ctcDecode: inputs must be (batch, frames, classes); received shape ${fmtShape(x.shape)}`,
    );
  const [batch, frames, classes] = x.shape as [number, number, number];
  const lens = Array.from(asTensor(sequenceLengths).dataSync(), Number);
  if (lens.length !== batch)
    throw new ShapeError(
      `ctcDecode: sequenceLengths must have one length per sample (${batch}); received ${lens.length}`,
    );
  const strategy = opts.strategy ?? "greedy";
  const maskIndex = opts.maskIndex === undefined ? 0 : (opts.maskIndex ?? classes - 1);
  if (!Number.isInteger(maskIndex) || maskIndex < 0 || maskIndex >= classes)
    throw new ValueError(
      `ctcDecode: maskIndex must be a class index below ${classes}; received ${opts.maskIndex}`,
    );
  const values = x.dataSync();
  if (strategy === "greedy") {
    return greedy(
      values,
      lens,
      [batch, frames, classes],
      maskIndex,
      opts.mergeRepeated ?? true,
      dtype,
    );
  }
  if (strategy !== "beam_search")
    throw new ValueError(
      `ctcDecode: invalid strategy ${JSON.stringify(strategy)}; supported values are "greedy" and "beam_search"`,
    );
  const beamWidth = opts.beamWidth ?? 100;
  const topPaths = opts.topPaths ?? 1;
  if (!Number.isInteger(beamWidth) || beamWidth < 1)
    throw new ValueError(`ctcDecode: beamWidth must be a positive integer; received ${beamWidth}`);
  if (!Number.isInteger(topPaths) || topPaths < 1 || topPaths > beamWidth)
    throw new ValueError(
      `ctcDecode: topPaths must be an integer from 1 to beamWidth (${beamWidth}); received ${topPaths}`,
    );
  if (frames === 0)
    throw new ShapeError(
      "ctcDecode: beam search needs at least one frame; received inputs of 0 frames",
    );
  const decoded = new Int32Array(topPaths * batch * frames).fill(PAD);
  const scores = new Float64Array(batch * topPaths);
  for (let b = 0; b < batch; b++) {
    const logp = logSoftmaxRows(values, b * frames * classes, frames, classes);
    const best = beamSearch(logp, frames, classes, lens[b]!, maskIndex, beamWidth, topPaths);
    best.forEach(({ path, score }, p) => {
      decoded.set(path, (p * batch + b) * frames);
      scores[b * topPaths + p] = score;
    });
  }
  return [
    tensor(decoded, [topPaths, batch, frames], "int32"),
    castTo(tensor(scores, [batch, topPaths]), dtype),
  ];
}

function greedy(
  v: ArrayLike<number>,
  lens: number[],
  [batch, frames, classes]: [number, number, number],
  mask: number,
  mergeRepeated: boolean,
  dtype: "float32" | "float64",
): [Tensor, Tensor] {
  const decoded = new Int32Array(batch * frames).fill(PAD);
  const scores = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    let out = 0;
    let prev = PAD;
    let sum = 0;
    for (let t = 0; t < frames; t++) {
      let idx = mask;
      if (t < lens[b]!) {
        // the first best class, as argmax
        const row = (b * frames + t) * classes;
        idx = 0;
        for (let k = 1; k < classes; k++) if (Number(v[row + k]) > Number(v[row + idx])) idx = k;
        sum += Number(v[row + idx]);
      }
      const repeat = mergeRepeated && t > 0 && idx === prev;
      prev = idx;
      if (!repeat && idx !== mask) decoded[b * frames + out++] = idx;
    }
    scores[b] = -sum;
  }
  return [tensor(decoded, [1, batch, frames], "int32"), castTo(tensor(scores, [batch, 1]), dtype)];
}

/** A prefix: its labels (reversed class numbering, PAD-filled), how it ends, its log probability. */
interface Beam {
  path: Int32Array;
  masked: boolean;
  score: number;
}

/** Lexicographic order of PAD-filled prefixes (NumPy's unique over rows). */
function comparePaths(a: Int32Array, b: Int32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Distinct prefixes in lexicographic order, each with the log-sum of its beams' scores (ending in a label, in the mask). */
function merge(beams: Beam[]): { path: Int32Array; emit: number; mask: number }[] {
  const sorted = [...beams].sort((a, b) => comparePaths(a.path, b.path));
  const out: { path: Int32Array; emit: number; mask: number }[] = [];
  for (const beam of sorted) {
    let last = out[out.length - 1];
    if (!last || comparePaths(last.path, beam.path) !== 0) {
      last = { path: beam.path, emit: -Infinity, mask: -Infinity };
      out.push(last);
    }
    if (beam.masked) last.mask = logAddExp(last.mask, beam.score);
    else last.emit = logAddExp(last.emit, beam.score);
  }
  return out;
}

/** Indices of the `n` largest values, ascending, ties to the later index (a stable argsort's tail). */
function topIndices(values: number[], n: number): number[] {
  const order = values
    .map((_, i) => i)
    .sort((i, j) => (values[i] === values[j] ? i - j : values[i]! < values[j]! ? -1 : 1));
  return order.slice(Math.max(order.length - n, 0));
}

function beamSearch(
  logp: Float64Array,
  frames: number,
  classes: number,
  length: number,
  maskIndex: number,
  beamWidth: number,
  topPaths: number,
): { path: Int32Array; score: number }[] {
  // Keras searches the class axis reversed (its tie-break): class k is k' = classes − 1 − k here
  const lp = (t: number, k: number) => logp[t * classes + (classes - 1 - k)]!;
  const mask = classes - 1 - maskIndex;
  const rows = 2 * beamWidth;
  const width = 2 * classes * beamWidth;
  const empty = () => new Int32Array(frames).fill(PAD);
  // frame 0: the min(classes, beamWidth) best classes, the rest of the rows empty and impossible
  const first = Array.from({ length: classes }, (_, k) => lp(0, k));
  const chosen = topIndices(first, Math.min(classes, beamWidth));
  let beams: Beam[] = Array.from({ length: rows }, (_, r) => {
    const path = empty();
    const k = chosen[r];
    if (k === undefined) return { path, masked: true, score: -Infinity };
    if (frames > 0) path[0] = k === mask ? PAD : k;
    return { path, masked: path[0] === PAD, score: first[k]! };
  });
  for (let t = 1; t < Math.min(frames, length); t++) {
    const next: Beam[] = [];
    for (const beam of beams) {
      let end = beam.path.indexOf(PAD);
      if (end < 0) end = 0;
      const tail = end === 0 ? PAD : beam.path[end - 1]!;
      for (let k = 0; k < classes; k++) {
        let label = k === mask ? PAD : k;
        const masked = label === PAD;
        // a label right after the same label (no mask between) continues it
        if (!beam.masked && tail === label) label = PAD;
        const path = beam.path.slice();
        path[end] = label;
        next.push({ path, masked, score: beam.score + lp(t, k) });
      }
    }
    const merged = merge(next);
    const totals = merged.map((m) => logAddExp(m.emit, m.mask));
    // NumPy pads the distinct prefixes with empty, impossible rows up to its fixed width
    while (totals.length < width) totals.push(-Infinity);
    const keep = topIndices(totals, beamWidth).map(
      (i) => merged[i] ?? { path: empty(), emit: -Infinity, mask: -Infinity },
    );
    beams = [
      ...keep.map((m) => ({ path: m.path, masked: false, score: m.emit })),
      ...keep.map((m) => ({ path: m.path, masked: true, score: m.mask })),
    ];
  }
  const merged = merge(beams);
  const totals = merged.map((m) => logAddExp(m.emit, m.mask));
  while (totals.length < width) totals.push(-Infinity);
  return topIndices(totals, topPaths)
    .reverse()
    .map((i) => {
      const path = merged[i]?.path ?? empty();
      return {
        path: path.map((k) => (k === PAD ? PAD : classes - 1 - k)),
        score: totals[i]!,
      };
    });
}
