/**
 * `st.utils.diagnose(history)`: the readings every practitioner takes off the loss curves of a
 * fit, as data with a one-sentence explanation. `fit` prints the sentence when `verbose > 0` and
 * something is wrong. Only readings the curves support are made: without `val_loss`, only "not
 * learning" and "underfitting" (from the training loss alone) can be read.
 *
 * The curves are noisy (mini-batch order, dropout, a small validation set), so every test works
 * on smoothed curves, with relative thresholds and a noise floor:
 * - smoothing: a running median of 3 (Tukey's; the end points by his end-point rule
 *   `median(x0, s1, 3·s1 − 2·s2)`), so one spiking epoch moves nothing;
 * - noise: 1.4826 × the median absolute difference between a curve and its smoothing (a robust
 *   standard deviation); a change counts only when it is more than 3 noise units;
 * - "falls meaningfully": the smoothed minimum is at least 2% below the smoothed first epoch;
 * - "turns up": the smoothed validation loss ends at least 5% above its smoothed minimum, that
 *   minimum lies two or more epochs before the end, and training fell by 1% or more since;
 * - "still falling": over the last quarter of the epochs (at least 2), the smoothed curve fell by
 *   at least 1% of its value and by at least 10% of its whole fall so far;
 * - "validation better throughout": at every epoch but at most one in ten, the validation loss
 *   lies below the training loss, with a median gap of 10% or more. The training loss of an epoch
 *   is averaged while the weights move, so validation at the end of epoch i is compared with the
 *   mean of the training losses of epochs i and i + 1 (the weights at that epoch's end).
 * Readings are tried in this order, the first that applies wins: not learning, overfitting,
 * validation better than training, underfitting; "ok" when none applies, "unknown" with fewer than
 * three epochs or no finite `loss`.
 */
import { ValueError } from "../errors.js";

export type DiagnosisKind =
  "not_learning" | "overfitting" | "underfitting" | "validation_better" | "ok" | "unknown";

export interface Diagnosis {
  kind: DiagnosisKind;
  /** For overfitting: the best validation epoch (0-based, as `history.epoch`), where to stop. */
  epoch?: number;
  /** One sentence: what the curves show and what to do. */
  message: string;
  /** Epochs read. */
  epochs: number;
  /** Whether a validation curve (`val_loss`) was read. */
  validation: boolean;
  /** Relative fall of the smoothed training loss, first epoch to its minimum. */
  trainFall: number;
  /** The same for the validation loss (null without one). */
  valFall: number | null;
}

/** A Keras History (`fit`'s result), or its `history` record of per-epoch values. */
export type HistoryLike =
  | { readonly history: Readonly<Record<string, readonly number[]>>; readonly epoch?: number[] }
  | Readonly<Record<string, readonly number[]>>;

const MIN_EPOCHS = 3;
const FALL = 0.02;
const RISE = 0.05;
const TRAIN_STILL_FALLS = 0.01;
const TAIL_FALL = 0.01;
const TAIL_SHARE = 0.1;
const GAP = 0.1;
const NOISE_UNITS = 3;

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const median3 = (a: number, b: number, c: number) => median([a, b, c]);

/** Tukey's running median of 3 with his end-point rule (see the file comment). */
export function smoothCurve(x: readonly number[]): number[] {
  const n = x.length;
  if (n < 3) return [...x];
  const s = x.map((v, i) => (i === 0 || i === n - 1 ? v : median3(x[i - 1]!, v, x[i + 1]!)));
  s[0] = median3(x[0]!, s[1]!, 3 * s[1]! - 2 * s[2]!);
  s[n - 1] = median3(x[n - 1]!, s[n - 2]!, 3 * s[n - 2]! - 2 * s[n - 3]!);
  return s;
}

/** A curve, its smoothing and its noise level. */
interface Curve {
  raw: number[];
  smooth: number[];
  noise: number;
}

function curveOf(raw: number[]): Curve {
  const smooth = smoothCurve(raw);
  const noise = 1.4826 * median(raw.map((v, i) => Math.abs(v - smooth[i]!)));
  return { raw, smooth, noise };
}

/** `a` exceeds `b` by more than `rel` of `ref` and by more than the noise floor. */
function exceeds(a: number, b: number, rel: number, ref: number, noise: number): boolean {
  return a - b > rel * Math.abs(ref) && a - b > NOISE_UNITS * noise;
}

function argmin(v: readonly number[]): number {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! < v[k]!) k = i;
  return k;
}

/** Relative fall of a curve from its first value to its minimum. */
function fallOf(c: Curve): number {
  const first = c.smooth[0]!;
  return (first - Math.min(...c.smooth)) / Math.max(Math.abs(first), 1e-12);
}

function fallsMeaningfully(c: Curve): boolean {
  const first = c.smooth[0]!;
  return exceeds(first, Math.min(...c.smooth), FALL, first, c.noise);
}

function stillFalling(c: Curve): boolean {
  const n = c.smooth.length;
  const w = Math.max(2, Math.ceil(n / 4));
  const from = c.smooth[Math.max(0, n - 1 - w)]!;
  const last = c.smooth[n - 1]!;
  const total = c.smooth[0]! - last;
  return exceeds(from, last, TAIL_FALL, from, c.noise) && from - last >= TAIL_SHARE * total;
}

/** The best validation epoch when validation turned up while training kept falling, else null. */
function overfitFrom(train: Curve, val: Curve): number | null {
  const n = val.smooth.length;
  const k = argmin(val.smooth);
  if (k > n - 3) return null;
  const min = val.smooth[k]!;
  if (!exceeds(val.smooth[n - 1]!, min, RISE, min, val.noise)) return null;
  if (!(val.smooth[n - 2]! > min)) return null;
  const atK = train.smooth[k]!;
  if (!exceeds(atK, train.smooth[n - 1]!, TRAIN_STILL_FALLS, atK, train.noise)) return null;
  return argmin(val.raw);
}

function validationBetter(train: Curve, val: Curve): boolean {
  const gaps: number[] = [];
  for (let i = 0; i + 1 < train.raw.length; i++) {
    const ref = (train.raw[i]! + train.raw[i + 1]!) / 2;
    gaps.push((ref - val.raw[i]!) / Math.max(Math.abs(ref), 1e-12));
  }
  const below = gaps.filter((g) => g > 0).length;
  return below >= gaps.length - Math.floor(gaps.length / 10) && median(gaps) >= GAP;
}

function recordOf(history: HistoryLike): Readonly<Record<string, readonly number[]>> {
  if (history === null || typeof history !== "object")
    throw new ValueError(
      `diagnose: expected a History (fit's result) or its history record; received ${history === null ? "null" : typeof history}`,
    );
  const h = (history as { history?: unknown }).history;
  if (h !== undefined && !Array.isArray(h)) {
    if (h === null || typeof h !== "object")
      throw new ValueError("diagnose: history.history must map metric names to arrays of numbers");
    return h as Readonly<Record<string, readonly number[]>>;
  }
  return history as Readonly<Record<string, readonly number[]>>;
}

function curveValues(record: Readonly<Record<string, readonly number[]>>, key: string) {
  const v = record[key];
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number"))
    throw new ValueError(`diagnose: history "${key}" must be an array of numbers`);
  return v.every(Number.isFinite) ? [...v] : null;
}

const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3));

/** Reads the loss curves of a History: see the file comment for the readings and thresholds. */
export function diagnose(history: HistoryLike): Diagnosis {
  const record = recordOf(history);
  const epochNumbers = (history as { epoch?: unknown }).epoch;
  const trainRaw = curveValues(record, "loss");
  const valRawAll = curveValues(record, "val_loss");
  const n = trainRaw?.length ?? 0;
  // With validationFreq > 1 the curves differ in length; validation is then not read.
  const valRaw = valRawAll !== null && valRawAll.length === n ? valRawAll : null;
  const base = { epochs: n, validation: valRaw !== null, trainFall: 0, valFall: null };
  if (trainRaw === null || n < MIN_EPOCHS) {
    return {
      ...base,
      kind: "unknown",
      message:
        trainRaw === null
          ? "The history holds no finite training loss to read."
          : `${n} epoch${n === 1 ? "" : "s"} are too few to read the curves (at least ${MIN_EPOCHS} are needed).`,
    };
  }
  const train = curveOf(trainRaw);
  const val = valRaw ? curveOf(valRaw) : null;
  const common = { ...base, trainFall: fallOf(train), valFall: val ? fallOf(val) : null };
  const trainFalls = fallsMeaningfully(train);

  if (!trainFalls && (val === null || !fallsMeaningfully(val))) {
    const which = val ? "Neither the training nor the validation loss" : "The training loss";
    return {
      ...common,
      kind: "not_learning",
      message: `${which} fell meaningfully over ${n} epochs (by less than ${FALL * 100}%): the model is not learning — check the learning rate, the data and its labels, and whether the model has the capacity for the task.`,
    };
  }
  if (val) {
    const k = overfitFrom(train, val);
    if (k !== null) {
      const epoch = Array.isArray(epochNumbers) ? (epochNumbers[k] as number) : k;
      return {
        ...common,
        kind: "overfitting",
        epoch,
        message: `The validation loss was lowest at epoch ${epoch + 1} (${fmt(val.raw[k]!)}) and then rose while the training loss kept falling: the model overfits from epoch ${epoch + 1} — stop there (EarlyStopping with restoreBestWeights), add regularization, or get more data.`,
      };
    }
    if (validationBetter(train, val)) {
      return {
        ...common,
        kind: "validation_better",
        message:
          "The validation loss stayed below the training loss throughout: either regularization active only in training (dropout, noise, augmentation) raises the training loss, or the validation data leak from the training data — check the splits.",
      };
    }
  }
  if (stillFalling(train) && (val === null || stillFalling(val))) {
    const which = val ? "Both the training and the validation loss were" : "The training loss was";
    return {
      ...common,
      kind: "underfitting",
      message: `${which} still falling at the last of ${n} epochs: the model underfits — train for more epochs, or use a bigger model.`,
    };
  }
  return {
    ...common,
    kind: "ok",
    message: val
      ? "The training and validation losses fell and leveled off without diverging: nothing to correct."
      : "The training loss fell and leveled off (without validation data, overfitting cannot be read).",
  };
}

/** Whether a diagnosis calls for attention (what `fit` prints). */
export function isProblem(d: Diagnosis): boolean {
  return d.kind !== "ok" && d.kind !== "unknown";
}
