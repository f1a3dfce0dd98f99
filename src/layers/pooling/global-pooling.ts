import { ValueError } from "../../errors.js";
import { cast, divide, where as select } from "../../ops/elementwise.js";
import { expandDims } from "../../ops/movement.js";
import { max, mean, sum } from "../../ops/reduce.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type CallOptions, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { checkDataFormat, checkInputRank } from "../conv/conv-utils.js";
import { registerKerasLayers } from "../registry.js";

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the spatial axes with length 1 (default false: (batch, channels)). */
  keepdims?: boolean;
  /** Only "channels_last" is supported. */
  dataFormat?: "channels_last" | "channels_first" | null;
}

/** Keras's BaseGlobalPooling: reduces every spatial axis of channels-last inputs. */
export abstract class BaseGlobalPooling extends Layer {
  readonly keepdims: boolean;
  readonly dataFormat: "channels_last";

  constructor(
    readonly rank: number,
    args: GlobalPoolingArgs = {},
  ) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    this.dataFormat = checkDataFormat(args.dataFormat, this.where());
  }

  /** The spatial axes 1 … rank. */
  protected get axes(): number[] {
    return Array.from({ length: this.rank }, (_, i) => i + 1);
  }

  override build(inputShape: ShapeSpec): void {
    checkInputRank(inputShape, this.rank, this.where());
  }

  protected checked(inputs: Tensor): Tensor {
    checkInputRank(inputs.shape, this.rank, this.where());
    return isFloat(inputs.dtype) ? inputs : cast(inputs, this.dtype);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkInputRank(inputShape, this.rank, this.where());
    const c = inputShape[this.rank + 1]!;
    return this.keepdims
      ? [inputShape[0]!, ...new Array<number>(this.rank).fill(1), c]
      : [inputShape[0]!, c];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

const args = (config: Record<string, unknown>): GlobalPoolingArgs =>
  fromKerasConfig(config) as GlobalPoolingArgs;

/** Max over the steps of (batch, steps, channels). */
export class GlobalMaxPooling1D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(1, opts);
  }

  call(inputs: Tensor): Tensor {
    return max(this.checked(inputs), this.axes, this.keepdims);
  }

  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(args(config));
  }
}

/** Max over height and width of (batch, height, width, channels). */
export class GlobalMaxPooling2D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(2, opts);
  }

  call(inputs: Tensor): Tensor {
    return max(this.checked(inputs), this.axes, this.keepdims);
  }

  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(args(config));
  }
}

/** Max over depth, height and width of (batch, depth, height, width, channels). */
export class GlobalMaxPooling3D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(3, opts);
  }

  call(inputs: Tensor): Tensor {
    return max(this.checked(inputs), this.axes, this.keepdims);
  }

  static fromConfig(config: Record<string, unknown>): GlobalMaxPooling3D {
    return new GlobalMaxPooling3D(args(config));
  }
}

/**
 * Mean over the steps of (batch, steps, channels). With a mask (batch, steps) — from Embedding's
 * maskZero or a Masking layer — only the unmasked steps count: Σ mask·x / Σ mask, as Keras does
 * (a row with every step masked gives 0 / 0 = NaN there too). The mask stops here.
 */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(1, opts);
    this.supportsMasking = true;
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    const x = this.checked(inputs);
    const mask = Array.isArray(opts.mask) ? (opts.mask[0] ?? null) : (opts.mask as Tensor | null);
    if (!mask) return mean(x, 1, this.keepdims);
    if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
      throw new ValueError(
        `${this.where()}: the mask must have shape (batch, steps) = ${fmtSpec(x.shape.slice(0, 2))}; ` +
          `received mask shape ${fmtSpec(mask.shape)}`,
      );
    }
    const keep = expandDims(cast(mask, "bool"), 2);
    // `where`, not a product, so masked NaN/Inf values cannot leak into the mean.
    const total = sum(select(keep, x, 0), 1, this.keepdims);
    return divide(total, sum(cast(keep, x.dtype), 1, this.keepdims));
  }

  override computeMask(): Tensor | null {
    return null;
  }

  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(args(config));
  }
}

/** Mean over height and width of (batch, height, width, channels). */
export class GlobalAveragePooling2D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(2, opts);
  }

  call(inputs: Tensor): Tensor {
    return mean(this.checked(inputs), this.axes, this.keepdims);
  }

  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(args(config));
  }
}

/** Mean over depth, height and width of (batch, depth, height, width, channels). */
export class GlobalAveragePooling3D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(3, opts);
  }

  call(inputs: Tensor): Tensor {
    return mean(this.checked(inputs), this.axes, this.keepdims);
  }

  static fromConfig(config: Record<string, unknown>): GlobalAveragePooling3D {
    return new GlobalAveragePooling3D(args(config));
  }
}

registerKerasLayers({
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
});
