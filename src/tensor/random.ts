import { noteRandomDraw, noteRewind } from "../backend/index.js";
import { ValueError } from "../errors.js";
import { floatx } from "./config.js";
import { refuseWhileVectorizing } from "./batched.js";
import { type DType, allocate, checkDType, isFloat } from "./dtype.js";
import { checkShape, sizeOf } from "./shape.js";
import { type Tensor, freshValues } from "./tensor.js";

/**
 * A small, fast, seedable generator (sfc32 seeded through splitmix32). Every random draw in
 * Strata — initializers, shuffles, dropout — comes from one of these, so `setSeed` makes a run
 * reproducible.
 */
export class Generator {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    refuseWhileVectorizing("a random draw");
    if (drawLog !== null && !drawLog.has(this)) drawLog.set(this, this.getState());
    noteRandomDraw();
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return (this.uint32() * 2 ** 21 + (this.uint32() >>> 11)) / 2 ** 53;
  }

  /** Standard normal by Box–Muller (the cosine half; the sine half is kept for the next call). */
  private spare: number | null = null;
  normal(): number {
    if (drawLog !== null && !drawLog.has(this)) drawLog.set(this, this.getState());
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A seed for a new independent generator (what layers take at construction). */
  fork(): number {
    return this.uint32();
  }

  /** The generator's whole state as JSON-safe numbers: four words, then the kept normal if any. */
  getState(): number[] {
    const words = [this.a, this.b, this.c, this.d];
    return this.spare === null ? words : [...words, this.spare];
  }

  /** Puts back a state from `getState`: the draws that follow repeat those that followed it. */
  setState(state: readonly number[]): void {
    const words = state.slice(0, 4);
    const spare = state[4];
    if (
      (state.length !== 4 && state.length !== 5) ||
      !words.every((w) => Number.isInteger(w)) ||
      (spare !== undefined && !Number.isFinite(spare))
    ) {
      throw new ValueError(
        `Generator.setState: expected four integer words and an optional number; received ${JSON.stringify(state)}`,
      );
    }
    [this.a, this.b, this.c, this.d] = words.map((w) => w | 0) as [number, number, number, number];
    this.spare = spare ?? null;
  }
}

/**
 * While set, each generator's state before its first draw: `remat` (autodiff/remat.ts) logs the
 * draws of a forward pass so its recomputation draws the same numbers (the same dropout mask).
 */
let drawLog: Map<Generator, number[]> | null = null;

/** Runs `fn`, adding to `log` the state of every generator before its first draw in `fn`. */
export function logDraws<T>(log: Map<Generator, number[]>, fn: () => T): T {
  const outer = drawLog;
  drawLog = log;
  try {
    return fn();
  } finally {
    drawLog = outer;
    if (outer) for (const [g, state] of log) if (!outer.has(g)) outer.set(g, state);
  }
}

/** Runs `fn` with each logged generator put back to its logged state, then restores them all. */
export function replayDraws<T>(log: ReadonlyMap<Generator, readonly number[]>, fn: () => T): T {
  // Rewinding generators is JavaScript a compiled step's replay would not repeat.
  if (log.size > 0) noteRewind();
  const now = [...log.keys()].map((g) => [g, g.getState()] as const);
  for (const [g, state] of log) g.setState(state);
  try {
    return fn();
  } finally {
    for (const [g, state] of now) g.setState(state);
  }
}

let global = new Generator(Date.now() ^ (Math.random() * 2 ** 32));

/** Keras `set_random_seed`: every later initializer, shuffle and dropout becomes reproducible. */
export function setSeed(seed: number): void {
  if (!Number.isInteger(seed))
    throw new ValueError(`setSeed: seed must be an integer; received ${seed}`);
  global = new Generator(seed);
}

/** The global generator (what draws without a seed use), for saving and restoring its state. */
export function globalGenerator(): Generator {
  return global;
}

/**
 * Runs `fn` with a throwaway global generator, so that nothing it constructs advances the real
 * one: serializing a config builds initializers only to read their configs, and saving a model
 * must not change what the training after it draws.
 */
export function withoutGlobalDraws<T>(fn: () => T): T {
  const saved = global;
  global = new Generator(0);
  try {
    return fn();
  } finally {
    global = saved;
  }
}

/** What an op's `seed` may be: a number (a fresh stream each call) or a stateful SeedGenerator. */
export type Seed = number | SeedGenerator | ForkedSeed;

/**
 * A new seed forked from `parent` each time an op draws with it: what a layer passes to draw
 * from its own stream at every call. Drawing happens inside the op's values (`freshValues`), so
 * a compiled step's replays fork afresh too.
 */
export class ForkedSeed {
  constructor(readonly parent: Generator) {}
}

/**
 * A number seed gives the op its own fresh stream, so the same seed draws the same numbers; a
 * `SeedGenerator` draws on from where its last use stopped (Keras's `seed=seed_generator`, as
 * the VAE guide samples); no seed draws from the global generator.
 */
export function generatorFor(seed?: Seed): Generator {
  if (seed === undefined) return global;
  if (seed instanceof ForkedSeed) return new Generator(seed.parent.fork());
  return seed instanceof SeedGenerator ? seed.generator : new Generator(seed);
}

/**
 * Keras's `SeedGenerator`: a stateful stream for a layer (Dropout, GaussianNoise …). Seeded from
 * the global generator unless a seed is given, so `setSeed` before model building fixes it.
 */
export class SeedGenerator {
  readonly generator: Generator;
  constructor(seed?: number) {
    this.generator = new Generator(seed ?? global.fork());
  }
}

export interface RandomOptions {
  seed?: Seed;
  dtype?: DType;
}

function floatType(dtype: DType | undefined, where: string): "float32" | "float64" {
  const dt = checkDType(dtype ?? floatx(), where);
  if (!isFloat(dt)) throw new ValueError(`${where}: dtype must be a float type; received ${dt}`);
  return dt;
}

export function normal(
  shape: readonly number[],
  opts: RandomOptions & { mean?: number; stddev?: number } = {},
): Tensor {
  const { mean = 0, stddev = 1 } = opts;
  const dtype = floatType(opts.dtype, "random.normal");
  const size = sizeOf(checkShape(shape, "random.normal"));
  return freshValues(() => {
    const data = allocate(dtype, size);
    const g = generatorFor(opts.seed);
    for (let i = 0; i < data.length; i++) data[i] = mean + stddev * g.normal();
    return data;
  }, shape);
}

/** Normal values redrawn until within two standard deviations of the mean (Keras semantics). */
export function truncatedNormal(
  shape: readonly number[],
  opts: RandomOptions & { mean?: number; stddev?: number } = {},
): Tensor {
  const { mean = 0, stddev = 1 } = opts;
  const where = "random.truncatedNormal";
  const dtype = floatType(opts.dtype, where);
  const size = sizeOf(checkShape(shape, where));
  return freshValues(() => {
    const data = allocate(dtype, size);
    const g = generatorFor(opts.seed);
    for (let i = 0; i < data.length; i++) {
      let v: number;
      do v = g.normal();
      while (Math.abs(v) > 2);
      data[i] = mean + stddev * v;
    }
    return data;
  }, shape);
}

export function uniform(
  shape: readonly number[],
  opts: RandomOptions & { minval?: number; maxval?: number } = {},
): Tensor {
  const { minval = 0, maxval = 1 } = opts;
  const where = "random.uniform";
  const dtype = floatType(opts.dtype, where);
  const size = sizeOf(checkShape(shape, where));
  return freshValues(() => {
    const data = allocate(dtype, size);
    const g = generatorFor(opts.seed);
    for (let i = 0; i < data.length; i++) data[i] = minval + (maxval - minval) * g.uniform();
    return data;
  }, shape);
}

/** Integers uniform in [minval, maxval). */
export function randint(
  shape: readonly number[],
  minval: number,
  maxval: number,
  opts: { seed?: Seed } = {},
): Tensor {
  if (!(Number.isInteger(minval) && Number.isInteger(maxval) && maxval > minval)) {
    throw new ValueError(
      `random.randint: need integers minval < maxval; received ${minval}, ${maxval}`,
    );
  }
  const size = sizeOf(checkShape(shape, "random.randint"));
  return freshValues(() => {
    const data = allocate("int32", size);
    const g = generatorFor(opts.seed);
    for (let i = 0; i < data.length; i++)
      data[i] = minval + Math.floor(g.uniform() * (maxval - minval));
    return data;
  }, shape);
}

/** A random permutation of 0..n-1 (Fisher–Yates), as an Int32Array. */
export function permutation(n: number, seed?: Seed): Int32Array {
  const g = generatorFor(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.uniform() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
