import { ValueError } from "../errors.js";
import { type NumericDType, allocate } from "../tensor/dtype.js";
import { Generator, SeedGenerator } from "../tensor/random.js";
import { sizeOf } from "../tensor/shape.js";
import { type Tensor, fromValues } from "../tensor/tensor.js";
import { type KerasObject, Registry } from "./serialization.js";
import { checkWindowName, namedWindow } from "./stft-windows.js";
import { kerasEnvelope } from "./object-registration.js";

/**
 * Keras initializers, with Keras's names and defaults. An unseeded initializer draws a fresh
 * seed from the global generator at construction, so `st.random.setSeed` fixes every weight.
 */
export abstract class Initializer {
  abstract apply(shape: readonly number[], dtype?: NumericDType): Tensor;
  abstract getConfig(): Record<string, unknown>;
  get className(): string {
    return this.constructor.name;
  }
  serialize(): KerasObject {
    return kerasEnvelope(this, "keras.initializers", this.className, this.getConfig());
  }
}

function fill(shape: readonly number[], dtype: NumericDType, f: (i: number) => number): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(i);
  return fromValues(data, shape);
}

export class Zeros extends Initializer {
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    return fill(shape, dtype, () => 0);
  }
  getConfig() {
    return {};
  }
}

export class Ones extends Initializer {
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    return fill(shape, dtype, () => 1);
  }
  getConfig() {
    return {};
  }
}

export class Constant extends Initializer {
  readonly value: number;
  constructor(opts: { value?: number } = {}) {
    super();
    this.value = opts.value ?? 0;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    return fill(shape, dtype, () => this.value);
  }
  getConfig() {
    return { value: this.value };
  }
}

/** Base of the random initializers: owns a seeded stream. */
abstract class RandomInitializer extends Initializer {
  readonly seed: number | null;
  readonly rng: Generator;
  constructor(seed?: number | null) {
    super();
    this.seed = seed ?? null;
    this.rng = new SeedGenerator(seed ?? undefined).generator;
  }
}

export class RandomNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;
  constructor(opts: { mean?: number; stddev?: number; seed?: number | null } = {}) {
    super(opts.seed);
    this.mean = opts.mean ?? 0;
    this.stddev = opts.stddev ?? 0.05;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    return fill(shape, dtype, () => this.mean + this.stddev * this.rng.normal());
  }
  getConfig() {
    return { seed: this.seed, mean: this.mean, stddev: this.stddev };
  }
}

export class RandomUniform extends RandomInitializer {
  readonly minval: number;
  readonly maxval: number;
  constructor(opts: { minval?: number; maxval?: number; seed?: number | null } = {}) {
    super(opts.seed);
    this.minval = opts.minval ?? -0.05;
    this.maxval = opts.maxval ?? 0.05;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    return fill(shape, dtype, () => this.minval + (this.maxval - this.minval) * this.rng.uniform());
  }
  getConfig() {
    return { seed: this.seed, minval: this.minval, maxval: this.maxval };
  }
}

/** Normal redrawn outside two standard deviations. */
function truncated(rng: Generator): number {
  let v: number;
  do v = rng.normal();
  while (Math.abs(v) > 2);
  return v;
}

export class TruncatedNormal extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;
  constructor(opts: { mean?: number; stddev?: number; seed?: number | null } = {}) {
    super(opts.seed);
    this.mean = opts.mean ?? 0;
    this.stddev = opts.stddev ?? 0.05;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    return fill(shape, dtype, () => this.mean + this.stddev * truncated(this.rng));
  }
  getConfig() {
    return { seed: this.seed, mean: this.mean, stddev: this.stddev };
  }
}

/** Keras `compute_fans`: conv kernels count their receptive field in both fans. */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  const receptive = sizeOf(shape.slice(0, -2));
  return [shape.at(-2)! * receptive, shape.at(-1)! * receptive];
}

type FanMode = "fan_in" | "fan_out" | "fan_avg";
type Distribution = "truncated_normal" | "untruncated_normal" | "uniform";

export class VarianceScaling extends RandomInitializer {
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  constructor(
    opts: {
      scale?: number;
      mode?: FanMode;
      distribution?: Distribution;
      seed?: number | null;
    } = {},
  ) {
    super(opts.seed);
    this.scale = opts.scale ?? 1;
    this.mode = opts.mode ?? "fan_in";
    this.distribution = opts.distribution ?? "truncated_normal";
    if (!(this.scale > 0))
      throw new ValueError(`${this.className}: scale must be positive; received ${this.scale}`);
    if (!["fan_in", "fan_out", "fan_avg"].includes(this.mode)) {
      throw new ValueError(
        `${this.className}: mode must be fan_in, fan_out or fan_avg; received ${this.mode}`,
      );
    }
    if (!["truncated_normal", "untruncated_normal", "uniform"].includes(this.distribution)) {
      throw new ValueError(`${this.className}: unknown distribution ${this.distribution}`);
    }
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    const [fanIn, fanOut] = computeFans(shape);
    const n =
      this.mode === "fan_in" ? fanIn : this.mode === "fan_out" ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    if (this.distribution === "uniform") {
      const limit = Math.sqrt(3 * variance);
      return fill(shape, dtype, () => (2 * this.rng.uniform() - 1) * limit);
    }
    if (this.distribution === "untruncated_normal") {
      const stddev = Math.sqrt(variance);
      return fill(shape, dtype, () => stddev * this.rng.normal());
    }
    // 0.8796… is the stddev of a unit normal truncated to [-2, 2].
    const stddev = Math.sqrt(variance) / 0.87962566103423978;
    return fill(shape, dtype, () => stddev * truncated(this.rng));
  }
  getConfig(): Record<string, unknown> {
    return { seed: this.seed, scale: this.scale, mode: this.mode, distribution: this.distribution };
  }
}

function preset(scale: number, mode: FanMode, distribution: Distribution) {
  return class extends VarianceScaling {
    constructor(opts: { seed?: number | null } = {}) {
      super({ scale, mode, distribution, seed: opts.seed });
    }
    override getConfig(): Record<string, unknown> {
      return { seed: this.seed, input_axes: null, output_axes: null };
    }
  };
}

export class GlorotUniform extends preset(1, "fan_avg", "uniform") {}
export class GlorotNormal extends preset(1, "fan_avg", "truncated_normal") {}
export class HeUniform extends preset(2, "fan_in", "uniform") {}
export class HeNormal extends preset(2, "fan_in", "truncated_normal") {}
export class LecunUniform extends preset(1, "fan_in", "uniform") {}
export class LecunNormal extends preset(1, "fan_in", "truncated_normal") {}

/** A (semi-)orthogonal matrix from the QR decomposition of a normal matrix (Keras's recipe). */
export class Orthogonal extends RandomInitializer {
  readonly gain: number;
  constructor(opts: { gain?: number; seed?: number | null } = {}) {
    super(opts.seed);
    this.gain = opts.gain ?? 1;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    if (shape.length < 2)
      throw new ValueError(`Orthogonal: needs a shape of rank ≥ 2; received [${shape}]`);
    const rows = sizeOf(shape.slice(0, -1));
    const cols = shape.at(-1)!;
    // Orthonormalize the columns of a tall matrix (rows ≥ cols) by modified Gram–Schmidt.
    const [m, n] = rows >= cols ? [rows, cols] : [cols, rows];
    const a = new Float64Array(m * n);
    for (let i = 0; i < a.length; i++) a[i] = this.rng.normal();
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[i * n + j]! * a[i * n + p]!;
        for (let i = 0; i < m; i++) a[i * n + j]! -= dot * a[i * n + p]!;
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += a[i * n + j]! ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < m; i++) a[i * n + j]! /= norm;
    }
    const transposed = rows < cols;
    return fill(shape, dtype, (k) => {
      const r = Math.floor(k / cols);
      const c = k % cols;
      return this.gain * (transposed ? a[c * n + r]! : a[r * n + c]!);
    });
  }
  getConfig() {
    return { seed: this.seed, gain: this.gain };
  }
}

export class Identity extends Initializer {
  readonly gain: number;
  constructor(opts: { gain?: number } = {}) {
    super();
    this.gain = opts.gain ?? 1;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    if (shape.length !== 2)
      throw new ValueError(`Identity: needs a 2-D shape; received [${shape}]`);
    const cols = shape[1]!;
    return fill(shape, dtype, (k) => (Math.floor(k / cols) === k % cols ? this.gain : 0));
  }
  getConfig() {
    return { gain: this.gain };
  }
}

export type StftSide = "real" | "imag";
export type StftScaling = "density" | "spectrum" | null;
/** A window by scipy name, its values (one per frame sample), or null for none. */
export type StftWindow = string | readonly number[] | null;

export interface STFTOptions {
  /** "real" (cosine) or "imag" (sine) half of the transform; "real" by default */
  side?: StftSide;
  /** "hann" by default */
  window?: StftWindow;
  /** "density" (divide by the window's L2 norm, the default), "spectrum" (its L1 norm) or null */
  scaling?: StftScaling;
  /** a periodic rather than symmetric window (false by default) */
  periodic?: boolean;
}

/**
 * Keras's `STFT` initializer: conv kernels (frameLength, 1, fftLength/2 + 1) whose taps are
 * cos(−2π·t·k/n) (real side) or sin(−2π·t·k/n) (imag side), n = 2·(bins − 1), times the window
 * divided by its scaling — one kernel column per frequency bin, as STFTSpectrogram convolves them.
 */
export class STFT extends Initializer {
  readonly side: StftSide;
  readonly window: StftWindow;
  readonly scaling: StftScaling;
  readonly periodic: boolean;
  constructor(opts: STFTOptions = {}) {
    super();
    this.side = opts.side ?? "real";
    if (this.side !== "real" && this.side !== "imag")
      throw new ValueError(
        `STFT: side must be "real" or "imag"; received side=${JSON.stringify(opts.side)}`,
      );
    this.window = opts.window === undefined ? "hann" : opts.window;
    if (typeof this.window === "string") checkWindowName(this.window, "STFT");
    this.scaling = opts.scaling === undefined ? "density" : opts.scaling;
    if (this.scaling !== null && this.scaling !== "density" && this.scaling !== "spectrum")
      throw new ValueError(
        `STFT: scaling must be null, "density" or "spectrum"; received scaling=${JSON.stringify(opts.scaling)}`,
      );
    this.periodic = opts.periodic ?? false;
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    if (shape.length !== 3)
      throw new ValueError(
        `STFT: needs a shape (frameLength, channels, bins); received [${shape}]`,
      );
    const [frameLength, channels, bins] = shape as [number, number, number];
    let win: readonly number[] | null = null;
    let scale = 1;
    if (this.window !== null) {
      win =
        typeof this.window === "string"
          ? namedWindow(this.window, frameLength, this.periodic, "STFT")
          : this.window;
      if (win.length !== frameLength)
        throw new ValueError(
          `STFT: the window must have frameLength=${frameLength} values; received ${win.length}`,
        );
      if (this.scaling === "density") scale = Math.sqrt(win.reduce((s, w) => s + w * w, 0));
      else if (this.scaling === "spectrum") scale = win.reduce((s, w) => s + Math.abs(w), 0);
    }
    const n = (bins - 1) * 2;
    const trig = this.side === "real" ? Math.cos : Math.sin;
    return fill(shape, dtype, (i) => {
      const k = i % bins;
      const t = Math.floor(i / (bins * channels));
      const v = trig(-2 * t * (k / n) * Math.PI);
      return win === null ? v : (v * win[t]!) / scale;
    });
  }
  getConfig() {
    return { side: this.side, window: this.window, periodic: this.periodic, scaling: this.scaling };
  }
}

const registry = new Registry<Initializer>(
  "initializer",
  (x): x is Initializer => x instanceof Initializer,
);
const entries: [string, new (opts: never) => Initializer, string[]][] = [
  ["Zeros", Zeros, ["zeros"]],
  ["Ones", Ones, ["ones"]],
  ["Constant", Constant, ["constant"]],
  ["RandomNormal", RandomNormal, ["random_normal", "normal"]],
  ["RandomUniform", RandomUniform, ["random_uniform", "uniform"]],
  ["TruncatedNormal", TruncatedNormal, ["truncated_normal"]],
  ["VarianceScaling", VarianceScaling, ["variance_scaling"]],
  ["GlorotUniform", GlorotUniform, ["glorot_uniform"]],
  ["GlorotNormal", GlorotNormal, ["glorot_normal"]],
  ["HeUniform", HeUniform, ["he_uniform"]],
  ["HeNormal", HeNormal, ["he_normal"]],
  ["LecunUniform", LecunUniform, ["lecun_uniform"]],
  ["LecunNormal", LecunNormal, ["lecun_normal"]],
  ["Orthogonal", Orthogonal, ["orthogonal"]],
  ["Identity", Identity, ["identity"]],
  ["STFT", STFT, ["stft"]],
];
for (const [name, cls, strings] of entries) {
  registry.register(name, (config) => new cls(config as never), ...strings);
}

// Keras 3.0–3.15 wrote these class names; 3.16 keeps them as aliases.
registry.alias("OrthogonalInitializer", "Orthogonal");
registry.alias("IdentityInitializer", "Identity");
registry.alias("STFTInitializer", "STFT");
// Keras 3's other aliases (initializers/__init__.py ALL_OBJECTS_DICT), for strings and configs.
registry.alias("zero", "Zeros");
registry.alias("one", "Ones");

/** Resolves `"glorot_uniform"`, `"GlorotUniform"`, an Initializer, or a serialized config. */
export function getInitializer(identifier: unknown, where = "initializer"): Initializer {
  return registry.get(identifier, where);
}

/** `keras.initializers.get`. */
export const get = (identifier: unknown): Initializer =>
  getInitializer(identifier, "initializers.get");
/** `keras.initializers.serialize`: Keras's `{module, class_name, config, registered_name}`. */
export const serialize = (initializer: Initializer): KerasObject => initializer.serialize();
/** `keras.initializers.deserialize`. */
export const deserialize = (config: unknown): Initializer =>
  registry.deserialize(config, "initializers.deserialize");

// Keras's lower-case names for the same initializers (`keras.initializers.glorot_uniform(seed=1)`).
type Opts<C extends abstract new (...args: never) => unknown> = ConstructorParameters<C>[0];
export const zeros = () => new Zeros();
export const ones = () => new Ones();
export const constant = (opts?: Opts<typeof Constant>) => new Constant(opts);
export const randomNormal = (opts?: Opts<typeof RandomNormal>) => new RandomNormal(opts);
export const randomUniform = (opts?: Opts<typeof RandomUniform>) => new RandomUniform(opts);
export const truncatedNormal = (opts?: Opts<typeof TruncatedNormal>) => new TruncatedNormal(opts);
export const varianceScaling = (opts?: Opts<typeof VarianceScaling>) => new VarianceScaling(opts);
export const glorotUniform = (opts?: Opts<typeof GlorotUniform>) => new GlorotUniform(opts);
export const glorotNormal = (opts?: Opts<typeof GlorotNormal>) => new GlorotNormal(opts);
export const heUniform = (opts?: Opts<typeof HeUniform>) => new HeUniform(opts);
export const heNormal = (opts?: Opts<typeof HeNormal>) => new HeNormal(opts);
export const lecunUniform = (opts?: Opts<typeof LecunUniform>) => new LecunUniform(opts);
export const lecunNormal = (opts?: Opts<typeof LecunNormal>) => new LecunNormal(opts);
export const orthogonal = (opts?: Opts<typeof Orthogonal>) => new Orthogonal(opts);
export const identity = (opts?: Opts<typeof Identity>) => new Identity(opts);
export const stft = (opts?: Opts<typeof STFT>) => new STFT(opts);
export {
  Orthogonal as OrthogonalInitializer,
  Identity as IdentityInitializer,
  STFT as STFTInitializer,
};
