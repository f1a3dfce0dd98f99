/**
 * `st.preprocessing.image.ImageDataGenerator`: Keras's legacy augmenting generator
 * (keras.preprocessing.image.ImageDataGenerator), kept for the book's code. It draws Keras's
 * transform parameters from NumPy's legacy generator (legacy-random.ts), resamples each image as
 * scipy.ndimage.affine_transform does (resample.ts for spline orders 0 and 1, spline-resample.ts
 * for 2–5), and normalizes as Keras's `standardize`, ZCA whitening included (zca-whitening.ts).
 * Its iterators: `flow` (tensors), `flowFromDirectory` (class folders), `flowFromDataframe` (a
 * table of file names as row objects, JavaScript's stand-in for a pandas DataFrame).
 *
 * Deviations from Keras, on purpose: `widthShiftRange` moves images horizontally and
 * `heightShiftRange` vertically, as documented (Keras's code swaps them, keras-team/keras#17398);
 * rotations turn about the true centre of non-square images.
 */
import { ValueError } from "../../errors.js";
import { asTensor, type TensorLike } from "../../ops/core.js";
import { add, cast, divide, multiply, subtract } from "../../ops/elementwise.js";
import { take } from "../../ops/gather.js";
import { stack } from "../../ops/join.js";
import { expandDims, reshape, squeeze, transpose } from "../../ops/movement.js";
import { matmul } from "../../ops/linalg.js";
import { mean, std } from "../../ops/reduce.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { isIdentity, samplingMap, type TransformParams } from "./affine-matrix.js";
import { brightnessShift, channelShift } from "./color-shifts.js";
import {
  DataFrameIterator,
  type DataFrameRows,
  type FlowFromDataframeOptions,
} from "./dataframe-iterator.js";
import { DirectoryIterator, type FlowFromDirectoryOptions } from "./directory-iterator.js";
import { LegacyRandom } from "./legacy-random.js";
import { NumpyArrayIterator, type FlowOptions } from "./numpy-array-iterator.js";
import { type FillMode, resampleBatch } from "./resample.js";
import { type SplineOrder, splineResampleBatch } from "./spline-resample.js";
import { zcaWhiteningMatrix } from "./zca-whitening.js";

import type { DataFormat } from "./augmenter.js";
export type ShiftRange = number | readonly number[];
export type InterpolationOrder = 0 | 1 | 2 | 3 | 4 | 5;

export interface ImageDataGeneratorOptions {
  featurewiseCenter?: boolean;
  samplewiseCenter?: boolean;
  featurewiseStdNormalization?: boolean;
  samplewiseStdNormalization?: boolean;
  /** Whiten each image with the ZCA matrix that `fit` computes (implies featurewiseCenter). */
  zcaWhitening?: boolean;
  /** ε added to the singular values in the ZCA matrix; default 1e-6. */
  zcaEpsilon?: number;
  /** Degrees; a rotation is drawn from [−r, r]. */
  rotationRange?: number;
  /** < 1: a fraction of the width; an integer ≥ 1: whole pixels in (−r, r); a list: one of them, either sign. */
  widthShiftRange?: ShiftRange;
  heightShiftRange?: ShiftRange;
  brightnessRange?: readonly [number, number] | null;
  /** Degrees. */
  shearRange?: number;
  /** z: zooms drawn from [1 − z, 1 + z]; or [lower, upper]. */
  zoomRange?: number | readonly [number, number];
  channelShiftRange?: number;
  fillMode?: FillMode;
  cval?: number;
  horizontalFlip?: boolean;
  verticalFlip?: boolean;
  /** Multiplies every image before any other normalization (e.g. 1 / 255). */
  rescale?: number | null;
  /** Runs on each image (rank 3) after augmentation, before rescaling. */
  preprocessingFunction?: ((image: Tensor) => Tensor) | null;
  dataFormat?: DataFormat;
  /** The fraction of images kept for `subset: "validation"`. */
  validationSplit?: number;
  /**
   * Spline order of the resampling, as scipy's: 0 (nearest), 1 (linear, the default), or 2–5
   * (B-splines, prefiltered).
   */
  interpolationOrder?: InterpolationOrder;
}

export interface FitOptions {
  /** Fit on randomly augmented copies of the samples. */
  augment?: boolean;
  /** Augmentation passes over the data when `augment`. */
  rounds?: number;
  seed?: number;
}

const OPTION_KEYS = new Set([
  "featurewiseCenter",
  "samplewiseCenter",
  "featurewiseStdNormalization",
  "samplewiseStdNormalization",
  "zcaWhitening",
  "zcaEpsilon",
  "rotationRange",
  "widthShiftRange",
  "heightShiftRange",
  "brightnessRange",
  "shearRange",
  "zoomRange",
  "channelShiftRange",
  "fillMode",
  "cval",
  "horizontalFlip",
  "verticalFlip",
  "rescale",
  "preprocessingFunction",
  "dataFormat",
  "validationSplit",
  "interpolationOrder",
]);
const FILL_MODES = new Set<string>(["nearest", "constant", "reflect", "wrap"]);
const EPSILON = 1e-6;

export class ImageDataGenerator {
  readonly featurewiseCenter: boolean;
  readonly samplewiseCenter: boolean;
  readonly featurewiseStdNormalization: boolean;
  readonly samplewiseStdNormalization: boolean;
  readonly zcaWhitening: boolean;
  readonly zcaEpsilon: number;
  readonly rotationRange: number;
  readonly widthShiftRange: ShiftRange;
  readonly heightShiftRange: ShiftRange;
  readonly brightnessRange: readonly [number, number] | null;
  readonly shearRange: number;
  readonly zoomRange: readonly [number, number];
  readonly channelShiftRange: number;
  readonly fillMode: FillMode;
  readonly cval: number;
  readonly horizontalFlip: boolean;
  readonly verticalFlip: boolean;
  readonly rescale: number | null;
  readonly preprocessingFunction: ((image: Tensor) => Tensor) | null;
  readonly dataFormat: DataFormat;
  readonly validationSplit: number;
  readonly interpolationOrder: InterpolationOrder;
  /** Per-channel statistics set by `fit` (shape [1, 1, C] or [C, 1, 1]). */
  mean: Tensor | null = null;
  std: Tensor | null = null;
  /** The ZCA matrix set by `fit` (d × d, d = rows · cols · channels). */
  zcaWhiteningMatrix: Tensor | null = null;

  constructor(options: ImageDataGeneratorOptions = {}) {
    for (const k of Object.keys(options)) {
      if (!OPTION_KEYS.has(k)) {
        throw new ValueError(`ImageDataGenerator: unknown option '${k}'`);
      }
    }
    const o = options;
    this.featurewiseCenter = o.featurewiseCenter ?? false;
    this.samplewiseCenter = o.samplewiseCenter ?? false;
    this.featurewiseStdNormalization = o.featurewiseStdNormalization ?? false;
    this.samplewiseStdNormalization = o.samplewiseStdNormalization ?? false;
    this.zcaWhitening = o.zcaWhitening ?? false;
    this.zcaEpsilon = o.zcaEpsilon ?? 1e-6;
    if (typeof this.zcaEpsilon !== "number" || !(this.zcaEpsilon >= 0)) {
      throw new ValueError(
        `ImageDataGenerator: zcaEpsilon must be a number ≥ 0; received ${JSON.stringify(o.zcaEpsilon)}`,
      );
    }
    // As Keras: ZCA whitening centres the data and replaces the std normalization.
    if (this.zcaWhitening) {
      if (!this.featurewiseCenter) {
        this.featurewiseCenter = true;
        console.warn(
          "This ImageDataGenerator specifies `zcaWhitening`, which overrides setting of `featurewiseCenter`.",
        );
      }
      if (this.featurewiseStdNormalization) {
        this.featurewiseStdNormalization = false;
        console.warn(
          "This ImageDataGenerator specifies `zcaWhitening` which overrides setting of `featurewiseStdNormalization`.",
        );
      }
    }
    // As Keras: dividing by the std implies centring first.
    if (this.featurewiseStdNormalization) this.featurewiseCenter = true;
    if (this.samplewiseStdNormalization) this.samplewiseCenter = true;
    this.rotationRange = o.rotationRange ?? 0;
    this.widthShiftRange = checkShift(o.widthShiftRange ?? 0, "widthShiftRange");
    this.heightShiftRange = checkShift(o.heightShiftRange ?? 0, "heightShiftRange");
    this.shearRange = o.shearRange ?? 0;
    this.channelShiftRange = o.channelShiftRange ?? 0;
    const zoom = o.zoomRange ?? 0;
    if (typeof zoom === "number") this.zoomRange = [1 - zoom, 1 + zoom];
    else if (Array.isArray(zoom) && zoom.length === 2 && zoom.every((v) => typeof v === "number"))
      this.zoomRange = [zoom[0]!, zoom[1]!];
    else
      throw new ValueError(
        `ImageDataGenerator: zoomRange should be a number or a list of two numbers; received ${JSON.stringify(zoom)}`,
      );
    const b = o.brightnessRange ?? null;
    if (b !== null && !(Array.isArray(b) && b.length === 2)) {
      throw new ValueError(
        `ImageDataGenerator: brightnessRange should be a list of two numbers; received ${JSON.stringify(b)}`,
      );
    }
    this.brightnessRange = b;
    this.fillMode = o.fillMode ?? "nearest";
    if (!FILL_MODES.has(this.fillMode)) {
      throw new ValueError(
        `ImageDataGenerator: fillMode must be "nearest", "constant", "reflect" or "wrap"; received ${JSON.stringify(this.fillMode)}`,
      );
    }
    this.cval = o.cval ?? 0;
    this.horizontalFlip = o.horizontalFlip ?? false;
    this.verticalFlip = o.verticalFlip ?? false;
    this.rescale = o.rescale ?? null;
    this.preprocessingFunction = o.preprocessingFunction ?? null;
    this.dataFormat = o.dataFormat ?? "channels_last";
    if (this.dataFormat !== "channels_last" && this.dataFormat !== "channels_first") {
      throw new ValueError(
        `ImageDataGenerator: dataFormat should be "channels_last" or "channels_first"; received ${JSON.stringify(this.dataFormat)}`,
      );
    }
    this.validationSplit = o.validationSplit ?? 0;
    if (this.validationSplit && !(this.validationSplit > 0 && this.validationSplit < 1)) {
      throw new ValueError(
        `ImageDataGenerator: validationSplit must be strictly between 0 and 1; received ${this.validationSplit}`,
      );
    }
    const order = o.interpolationOrder ?? 1;
    if (!([0, 1, 2, 3, 4, 5] as unknown[]).includes(order)) {
      throw new ValueError(
        `ImageDataGenerator: interpolationOrder must be an integer from 0 to 5 (scipy's spline orders); received ${JSON.stringify(order)}`,
      );
    }
    this.interpolationOrder = order;
  }

  /** Image axes (row, col, channel) of a single image in this data format. */
  private get axes(): { row: number; col: number; channel: number } {
    return this.dataFormat === "channels_last"
      ? { row: 0, col: 1, channel: 2 }
      : { row: 1, col: 2, channel: 0 };
  }

  /**
   * Random transform parameters for an image of `shape` (rank 3), drawn in Keras's order from
   * NumPy's legacy generator seeded with `seed` (Keras `get_random_transform`).
   */
  getRandomTransform(shape: readonly number[], seed?: number): TransformParams {
    return this.drawTransform(shape, new LegacyRandom(seed));
  }

  /** @internal the draws of one image from a shared stream (the iterators' per-batch stream). */
  drawTransform(shape: readonly number[], rng: LegacyRandom): TransformParams {
    if (shape.length !== 3) {
      throw new ValueError(
        `ImageDataGenerator.getRandomTransform: expected the shape of one image (rank 3); received [${shape.join(", ")}]`,
      );
    }
    const rows = shape[this.axes.row]!;
    const cols = shape[this.axes.col]!;
    const theta = this.rotationRange ? rng.uniform(-this.rotationRange, this.rotationRange) : 0;
    // Keras draws the height shift first; we keep its order of draws.
    const ty = drawShift(this.heightShiftRange, rows, rng);
    const tx = drawShift(this.widthShiftRange, cols, rng);
    const shear = this.shearRange ? rng.uniform(-this.shearRange, this.shearRange) : 0;
    let zx = 1;
    let zy = 1;
    const [zlo, zhi] = this.zoomRange;
    if (!(zlo === 1 && zhi === 1)) {
      zx = rng.uniform(zlo, zhi);
      zy = rng.uniform(zlo, zhi);
    }
    const flipHorizontal = rng.random() < 0.5 && this.horizontalFlip;
    const flipVertical = rng.random() < 0.5 && this.verticalFlip;
    const channelShiftIntensity =
      this.channelShiftRange !== 0
        ? rng.uniform(-this.channelShiftRange, this.channelShiftRange)
        : null;
    const br = this.brightnessRange;
    const brightness = br !== null ? rng.uniform(br[0], br[1]) : null;
    return {
      theta,
      tx,
      ty,
      shear,
      zx,
      zy,
      flipHorizontal,
      flipVertical,
      channelShiftIntensity,
      brightness,
    };
  }

  /** Applies `params` to one image (rank 3, this generator's data format); Keras `apply_transform`. */
  applyTransform(x: TensorLike, params: TransformParams): Tensor {
    const image = this.imageOf(x, "applyTransform");
    return squeeze(this.transformBatch(expandDims(image, 0), [params]), 0);
  }

  /** A random transformation of one image; Keras `random_transform`. */
  randomTransform(x: TensorLike, seed?: number): Tensor {
    const image = this.imageOf(x, "randomTransform");
    return this.applyTransform(image, this.getRandomTransform(image.shape, seed));
  }

  /**
   * The normalization configuration applied to `x` (one image or a batch): the preprocessing
   * function, rescale, then sample-wise statistics over all of `x`, then `fit`'s statistics.
   */
  standardize(x: TensorLike): Tensor {
    return this.normalize(cast(asTensor(x), "float32"), false);
  }

  /**
   * Computes the feature-wise mean and std of sample data `x` (rank 4), and the ZCA matrix, after
   * `rescale` and, with `augment`, over `rounds` randomly transformed copies; Keras `fit`.
   */
  fit(x: TensorLike, options: FitOptions = {}): void {
    let t = cast(asTensor(x), "float32");
    if (t.rank !== 4) {
      throw new ValueError(
        `ImageDataGenerator.fit: input should have rank 4; received shape [${t.shape.join(", ")}]`,
      );
    }
    if (this.rescale) t = multiply(t, this.rescale);
    if (options.augment) {
      const rounds = options.rounds ?? 1;
      const rng = new LegacyRandom(options.seed);
      const copies: Tensor[] = [];
      const image = t.shape.slice(1);
      for (let r = 0; r < rounds; r++) {
        const params = Array.from({ length: t.shape[0]! }, () => this.drawTransform(image, rng));
        copies.push(this.transformBatch(t, params));
      }
      t = copies.length === 1 ? copies[0]! : reshape(stack(copies, 0), [-1, ...image]);
    }
    const channelsLast = this.dataFormat === "channels_last";
    const axes = channelsLast ? [0, 1, 2] : [0, 2, 3];
    const c = t.shape[channelsLast ? 3 : 1]!;
    const shape = channelsLast ? [1, 1, c] : [c, 1, 1];
    if (this.featurewiseCenter) {
      this.mean = reshape(mean(t, axes), shape);
      t = subtract(t, this.mean);
    }
    if (this.featurewiseStdNormalization) {
      this.std = reshape(std(t, axes), shape);
      t = divide(t, add(this.std, EPSILON));
    }
    if (this.zcaWhitening) this.zcaWhiteningMatrix = zcaWhiteningMatrix(t, this.zcaEpsilon);
  }

  /**
   * Batches of augmented and normalized images from tensors; Keras `flow`. The iterator is endless,
   * as Keras's: train on it with `model.fit(it, { epochs, stepsPerEpoch: it.length })`.
   */
  flow(x: TensorLike, y?: TensorLike | null, options: FlowOptions = {}): NumpyArrayIterator {
    return new NumpyArrayIterator(x, y ?? null, this, options);
  }

  /**
   * Batches of augmented images read from class subfolders; Keras `flow_from_directory`. Endless,
   * like `flow`: give `fit` its `stepsPerEpoch` (`it.length` for one pass over the images).
   */
  flowFromDirectory(directory: string, options: FlowFromDirectoryOptions = {}): DirectoryIterator {
    return new DirectoryIterator(directory, this, options);
  }

  /**
   * Batches of augmented images whose files and targets a table lists; Keras `flow_from_dataframe`,
   * with the table as an array of row objects (or an object of columns) instead of a pandas
   * DataFrame, and Keras's `directory` among the options. Endless, like `flow`.
   */
  flowFromDataframe(
    rows: DataFrameRows,
    options: FlowFromDataframeOptions = {},
  ): DataFrameIterator {
    return new DataFrameIterator(rows, this, options);
  }

  /**
   * @internal Transforms a batch (rank 4, this data format) with one parameter set per image, in
   * Keras's order: affine resampling and flips, channel shift, brightness.
   */
  transformBatch(x: Tensor, params: readonly TransformParams[]): Tensor {
    let t = cast(x, "float32");
    const first = this.dataFormat === "channels_first";
    if (first) t = transpose(t, [0, 2, 3, 1]);
    const [, rows, cols] = t.shape as [number, number, number, number];
    const moves = params.some((p) => !isIdentity(p) || p.flipHorizontal || p.flipVertical);
    if (moves) {
      const maps = params.map((p) => samplingMap(p, rows, cols));
      const order = this.interpolationOrder;
      t =
        order <= 1
          ? resampleBatch(t, maps, this.fillMode, this.cval, order as 0 | 1)
          : splineResampleBatch(t, maps, this.fillMode, this.cval, order as SplineOrder);
    }
    t = channelShift(
      t,
      params.map((p) => p.channelShiftIntensity ?? null),
    );
    t = brightnessShift(
      t,
      params.map((p) => p.brightness ?? null),
    );
    return first ? transpose(t, [0, 3, 1, 2]) : t;
  }

  /** @internal `standardize` of each image of a batch on its own, as Keras's iterators do. */
  standardizeBatch(x: Tensor): Tensor {
    let t = x;
    if (this.preprocessingFunction) {
      const fn = this.preprocessingFunction;
      const n = t.shape[0]!;
      const images = Array.from({ length: n }, (_, i) =>
        cast(asTensor(fn(squeeze(take(t, tensor(new Int32Array([i])), 0), 0))), "float32"),
      );
      t = stack(images, 0);
    }
    return this.normalize(t, true, false);
  }

  private normalize(x: Tensor, perImage: boolean, runFunction = true): Tensor {
    let t = x;
    if (runFunction && this.preprocessingFunction) {
      t = cast(asTensor(this.preprocessingFunction(t)), "float32");
    }
    if (this.rescale) t = multiply(t, this.rescale);
    const sampleAxes = perImage ? [1, 2, 3] : null;
    if (this.samplewiseCenter) t = subtract(t, mean(t, sampleAxes, true));
    if (this.samplewiseStdNormalization) t = divide(t, add(std(t, sampleAxes, true), EPSILON));
    if (this.featurewiseCenter) {
      if (this.mean) t = subtract(t, this.mean);
      else this.warnUnfit("featurewiseCenter");
    }
    if (this.featurewiseStdNormalization) {
      if (this.std) t = divide(t, add(this.std, EPSILON));
      else this.warnUnfit("featurewiseStdNormalization");
    }
    if (this.zcaWhitening) {
      if (this.zcaWhiteningMatrix) t = this.whiten(t);
      else this.warnUnfit("zcaWhitening");
    }
    return t;
  }

  /** x (one image or a batch) flattened per image, times the ZCA matrix. */
  private whiten(x: Tensor): Tensor {
    const w = this.zcaWhiteningMatrix!;
    const d = x.shape.slice(-3).reduce((a, b) => a * b, 1);
    if (x.rank < 3 || d !== w.shape[0]) {
      throw new ValueError(
        `ImageDataGenerator.standardize: zcaWhitening was fit on images of ${w.shape[0]} values; received shape [${x.shape.join(", ")}]`,
      );
    }
    return reshape(matmul(reshape(x, [-1, d]), w), x.shape);
  }

  /** Keras's warning, once per option as Python's warnings filter shows it, not on every batch. */
  private warned = new Set<string>();
  private warnUnfit(option: string): void {
    if (this.warned.has(option)) return;
    this.warned.add(option);
    console.warn(
      `This ImageDataGenerator specifies \`${option}\`, but it hasn't been fit on any training data. Fit it first by calling \`.fit(x)\`.`,
    );
  }

  private imageOf(x: TensorLike, where: string): Tensor {
    const t = asTensor(x);
    if (t.rank !== 3) {
      throw new ValueError(
        `ImageDataGenerator.${where}: expected one image (rank 3); received shape [${t.shape.join(", ")}]`,
      );
    }
    return t;
  }
}

function checkShift(r: ShiftRange, name: string): ShiftRange {
  const ok =
    typeof r === "number"
      ? Number.isFinite(r)
      : Array.isArray(r) && r.length > 0 && r.every((v) => Number.isFinite(v));
  if (!ok) {
    throw new ValueError(
      `ImageDataGenerator: ${name} should be a number or a non-empty list of numbers; received ${JSON.stringify(r)}`,
    );
  }
  return r;
}

/**
 * One shift in pixels, as Keras draws it: a list or a positive integer picks a value (an integer k
 * picks from 0 … k − 1) and a random sign; any other number draws from [−r, r]. Ranges below 1
 * are fractions of `size`.
 */
function drawShift(r: ShiftRange, size: number, rng: LegacyRandom): number {
  const isList = typeof r !== "number";
  if (!isList && r === 0) return 0;
  let v: number;
  if (isList || (Number.isInteger(r) && r > 0)) {
    v = isList ? rng.choice(r) : rng.randint(r);
    v *= rng.choice([-1, 1]);
  } else {
    v = rng.uniform(-r, r);
  }
  const largest = isList ? Math.max(...r) : r;
  return largest < 1 ? v * size : v;
}
