import { add, multiply } from "../../ops/elementwise.js";
import { type DType, isFloat } from "../../tensor/dtype.js";
import { SeedGenerator, normal } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { checkRate, checkSeed } from "../core/dropout.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface NoiseArgs extends LayerArgs {
  seed?: number | null;
}

/** The noise dtype: the input's float type (ints are promoted by the op anyway). */
function noiseDtype(x: Tensor): DType {
  return isFloat(x.dtype) ? x.dtype : "float32";
}

/**
 * Keras `GaussianNoise`: in training adds zero-mean normal noise of `stddev` (a regularizer, a
 * kind of data augmentation for real-valued inputs); the identity at inference. d out = dx.
 */
export class GaussianNoise extends Layer {
  readonly stddev: number;
  readonly seed: number | null;
  private readonly seedGenerator: SeedGenerator | null;

  constructor(stddev: number, args: NoiseArgs = {}) {
    super(args);
    this.stddev = checkRate(stddev, this.where(), "stddev");
    this.seed = checkSeed(args.seed, this.where());
    this.seedGenerator = this.stddev > 0 ? new SeedGenerator(this.seed ?? undefined) : null;
    this.supportsMasking = true;
    this.built = true;
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    if (!opts.training || !this.seedGenerator) return inputs;
    const seed = this.seedGenerator.generator.fork();
    return add(
      inputs,
      normal(inputs.shape, { stddev: this.stddev, seed, dtype: noiseDtype(inputs) }),
    );
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }

  static fromConfig(config: Record<string, unknown>): GaussianNoise {
    const { stddev, ...args } = fromKerasConfig(config);
    return new GaussianNoise(stddev as number, args as NoiseArgs);
  }
}

/**
 * Keras `GaussianDropout`: in training multiplies by normal noise of mean 1 and standard
 * deviation sqrt(rate / (1 − rate)) — the variance of inverted dropout with that rate, without
 * zeros. The identity at inference. d out = noise ⊙ dy.
 */
export class GaussianDropout extends Layer {
  readonly rate: number;
  readonly seed: number | null;
  private readonly seedGenerator: SeedGenerator | null;

  constructor(rate: number, args: NoiseArgs = {}) {
    super(args);
    this.rate = checkRate(rate, this.where());
    this.seed = checkSeed(args.seed, this.where());
    this.seedGenerator = this.rate > 0 ? new SeedGenerator(this.seed ?? undefined) : null;
    this.supportsMasking = true;
    this.built = true;
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    if (!opts.training || !this.seedGenerator) return inputs;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    const seed = this.seedGenerator.generator.fork();
    const noise = normal(inputs.shape, { mean: 1, stddev, seed, dtype: noiseDtype(inputs) });
    return multiply(inputs, noise);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }

  static fromConfig(config: Record<string, unknown>): GaussianDropout {
    const { rate, ...args } = fromKerasConfig(config);
    return new GaussianDropout(rate as number, args as NoiseArgs);
  }
}

registerKerasLayers({ GaussianNoise, GaussianDropout });
