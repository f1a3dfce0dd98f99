/**
 * `ops.ctcLoss` (Keras `keras.ops.ctc_loss`): the connectionist temporal classification loss of
 * integer label sequences under per-frame logits, −log Σ over every alignment of the labels to
 * the frames (blanks between and around them, repeats merged). Computed in float64 by the
 * forward–backward recursions in log space; its gradient with respect to the logits is
 * softmax(logits) − the posterior occupancy of each class, kept from the same pass.
 */
import { isRecording, record } from "../autodiff/tape.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor } from "./core.js";
import { multiply } from "./elementwise.js";
import { reshape } from "./movement.js";

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Per-frame log-softmax of one sample's logits, [frames, classes] row-major. */
export function logSoftmaxRows(
  x: ArrayLike<number>,
  offset: number,
  frames: number,
  c: number,
): Float64Array {
  const out = new Float64Array(frames * c);
  for (let t = 0; t < frames; t++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, Number(x[offset + t * c + k]));
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(Number(x[offset + t * c + k]) - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < c; k++) out[t * c + k] = Number(x[offset + t * c + k]) - lse;
  }
  return out;
}

interface SampleResult {
  loss: number;
  /** d loss / d logits for this sample's [frames, classes] block (frames ≥ its length are 0). */
  grad: Float64Array | null;
}

/**
 * One sample: labels l (length L), frames T of log-probabilities lp. The extended sequence has
 * 2L + 1 states: even s are blanks, odd s = 2n + 1 emit label n. α_t(s) is the log-probability of
 * the prefixes ending in s at frame t (emission at t included), β_t(s) that of the suffixes
 * starting in s at frame t (emission at t included).
 */
function ctcSample(
  labels: number[],
  lp: Float64Array,
  frames: number,
  maxFrames: number,
  c: number,
  blank: number,
  withGrad: boolean,
): SampleResult {
  const L = labels.length;
  const S = 2 * L + 1;
  const cls = (s: number): number => (s % 2 === 0 ? blank : labels[(s - 1) >> 1]!);
  const canSkip = (s: number): boolean =>
    s % 2 === 1 && s >= 3 && labels[(s - 1) >> 1] !== labels[(s - 3) >> 1];
  if (frames === 0) {
    return {
      loss: L === 0 ? 0 : Infinity,
      grad: withGrad ? new Float64Array(maxFrames * c) : null,
    };
  }
  const alpha = new Float64Array(frames * S).fill(-Infinity);
  alpha[0] = lp[blank]!;
  if (S > 1) alpha[1] = lp[cls(1)]!;
  for (let t = 1; t < frames; t++) {
    for (let s = 0; s < S; s++) {
      let a = alpha[(t - 1) * S + s]!;
      if (s >= 1) a = logAddExp(a, alpha[(t - 1) * S + s - 1]!);
      if (canSkip(s)) a = logAddExp(a, alpha[(t - 1) * S + s - 2]!);
      alpha[t * S + s] = a === -Infinity ? a : a + lp[t * c + cls(s)]!;
    }
  }
  const last = (frames - 1) * S;
  const logP = S > 1 ? logAddExp(alpha[last + S - 1]!, alpha[last + S - 2]!) : alpha[last]!;
  const loss = -logP;
  if (!withGrad) return { loss, grad: null };
  const grad = new Float64Array(maxFrames * c);
  if (!Number.isFinite(loss)) {
    grad.fill(Number.NaN, 0, frames * c);
    return { loss, grad };
  }
  const beta = new Float64Array(frames * S).fill(-Infinity);
  beta[last + S - 1] = lp[(frames - 1) * c + cls(S - 1)]!;
  if (S > 1) beta[last + S - 2] = lp[(frames - 1) * c + cls(S - 2)]!;
  for (let t = frames - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      let b = beta[(t + 1) * S + s]!;
      if (s + 1 < S) b = logAddExp(b, beta[(t + 1) * S + s + 1]!);
      if (s + 2 < S && canSkip(s + 2)) b = logAddExp(b, beta[(t + 1) * S + s + 2]!);
      beta[t * S + s] = b === -Infinity ? b : b + lp[t * c + cls(s)]!;
    }
  }
  for (let t = 0; t < frames; t++) {
    // occupancy of class k at t: Σ_{s: cls(s)=k} α_t(s)·β_t(s) / (y_t(k)·P)
    const occ = new Float64Array(c).fill(-Infinity);
    for (let s = 0; s < S; s++) {
      const a = alpha[t * S + s]!;
      const b = beta[t * S + s]!;
      if (a === -Infinity || b === -Infinity) continue;
      const k = cls(s);
      occ[k] = logAddExp(occ[k]!, a + b - lp[t * c + k]!);
    }
    for (let k = 0; k < c; k++) {
      grad[t * c + k] = Math.exp(lp[t * c + k]!) - Math.exp(occ[k]! - logP);
    }
  }
  return { loss, grad };
}

function intRows(x: Tensor, where: string, name: string): number[] {
  return Array.from(x.dataSync(), (v) => {
    const n = Number(v);
    if (!Number.isInteger(n)) {
      throw new ValueError(`${where}: ${name} must hold integers; received ${String(v)}`);
    }
    return n;
  });
}

/**
 * Keras `ops.ctc_loss(target, output, target_length, output_length, mask_index=0)`:
 * target [batch, maxLabelLength] integer labels (the first target_length[b] count), output
 * [batch, maxFrames, classes] logits (log-softmax is applied here; the first output_length[b]
 * frames count), `maskIndex` the blank class. Returns the loss per sample, [batch], in float64
 * for float64 logits and float32 otherwise; an impossible alignment (too few frames) gives +∞.
 */
export function ctcLoss(
  target: TensorLike,
  output: TensorLike,
  targetLength: TensorLike,
  outputLength: TensorLike,
  maskIndex = 0,
): Tensor {
  const where = "ctcLoss";
  const y = asTensor(target);
  const x = asTensor(output);
  if (y.rank !== 2 || x.rank !== 3 || y.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      `${where}: expected target of shape (batch, max_label_length) and output of shape ` +
        `(batch, max_length, num_classes); received target.shape=${fmtShape(y.shape)}, ` +
        `output.shape=${fmtShape(x.shape)}`,
    );
  }
  const [batch, maxFrames, c] = x.shape as [number, number, number];
  const maxLabels = y.shape[1]!;
  if (!Number.isInteger(maskIndex) || maskIndex < 0 || maskIndex >= c) {
    throw new ValueError(
      `${where}: mask_index must be in [0, ${c}); received mask_index=${maskIndex}`,
    );
  }
  const labelsFlat = intRows(y, where, "target");
  const tLen = intRows(asTensor(targetLength), where, "target_length");
  const oLen = intRows(asTensor(outputLength), where, "output_length");
  if (tLen.length !== batch || oLen.length !== batch) {
    throw new ShapeError(
      `${where}: target_length and output_length need one entry per sample (${batch}); ` +
        `received ${tLen.length} and ${oLen.length}`,
    );
  }
  const logits = x.dataSync();
  const withGrad = isRecording([x]);
  const losses = new Float64Array(batch);
  const grads = withGrad ? new Float64Array(x.size) : null;
  for (let b = 0; b < batch; b++) {
    const tl = tLen[b]!;
    const ol = oLen[b]!;
    if (!(tl >= 0 && tl <= maxLabels) || !(ol >= 0 && ol <= maxFrames)) {
      throw new ValueError(
        `${where}: sample ${b} has target_length=${tl} (max ${maxLabels}) and ` +
          `output_length=${ol} (max ${maxFrames}); lengths must fit the tensors`,
      );
    }
    const labels = labelsFlat.slice(b * maxLabels, b * maxLabels + tl);
    for (const l of labels) {
      if (!(l >= 0 && l < c)) {
        throw new ValueError(
          `${where}: labels must be in [0, ${c}); received label ${l} in sample ${b}`,
        );
      }
    }
    const lp = logSoftmaxRows(logits, b * maxFrames * c, ol, c);
    const r = ctcSample(labels, lp, ol, maxFrames, c, maskIndex, withGrad);
    losses[b] = r.loss;
    if (grads && r.grad) grads.set(r.grad, b * maxFrames * c);
  }
  const dtype = x.dtype === "float64" ? "float64" : "float32";
  const out = tensor(losses, [batch], dtype);
  if (!grads) return out;
  const g = tensor(grads, x.shape, dtype);
  return record(out, [x], (dy) => [multiply(reshape(dy, [batch, 1, 1]), g)]);
}
