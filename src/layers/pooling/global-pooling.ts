import { ValueError } from "../../errors.js";
import { cast, divide, where as select } from "../../ops/elementwise.js";
import { expandDims } from "../../ops/movement.js";
import { max, mean, sum } from "../../ops/reduce.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type CallOptions, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { checkInputRank } from "../conv/conv-utils.js";
import { type DataFormat, standardizeDataFormat } from "../reshaping/spatial-args.js";
import { registerKerasLayers } from "../registry.js";

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the spatial axes with length 1 (default false: (batch, channels)). */
  keepdims?: boolean;
  /** "channels_last" (default: batch, spatial…, channels) or "channels_first". */
  dataFormat?: DataFormat | null;
}

/** Keras's BaseGlobalPooling: reduces every spatial axis, keeping the channels. */
export abstract class BaseGlobalPooling extends Layer {
  readonly keepdims: boolean;
  readonly dataFormat: DataFormat;

  constructor(
    readonly rank: number,
    args: GlobalPoolingArgs = {},
  ) {
    super(args);
    this.keepdims = args.keepdims ?? false;
    this.dataFormat = standardizeDataFormat(args.dataFormat, this.where());
  }

  /** The spatial axes: 1 … rank (channels last), 2 … rank + 1 (channels first). */
  protected get axes(): number[] {
    const first = this.dataFormat === "channels_first" ? 2 : 1;
    return Array.from({ length: this.rank }, (_, i) => i + first);
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
    const first = this.dataFormat === "channels_first";
    const c = inputShape[first ? 1 : this.rank + 1]!;
    if (!this.keepdims) return [inputShape[0]!, c];
    const ones = new Array<number>(this.rank).fill(1);
    return first ? [inputShape[0]!, c, ...ones] : [inputShape[0]!, ...ones, c];
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
 * Mean over the steps of (batch, steps, channels), or (batch, channels, steps) channels-first.
 * With a mask (batch, steps) — from Embedding's maskZero or a Masking layer — only the unmasked
 * steps count: Σ mask·x / Σ mask, as Keras does (a row with every step masked gives 0 / 0 = NaN
 * there too). The mask stops here.
 */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  constructor(opts: GlobalPoolingArgs = {}) {
    super(1, opts);
    this.supportsMasking = true;
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    const x = this.checked(inputs);
    const mask = Array.isArray(opts.mask) ? (opts.mask[0] ?? null) : (opts.mask as Tensor | null);
    const [stepsAxis] = this.axes as [number];
    if (!mask) return mean(x, stepsAxis, this.keepdims);
    const expected = [x.shape[0]!, x.shape[stepsAxis]!];
    if (mask.rank !== 2 || mask.shape[0] !== expected[0] || mask.shape[1] !== expected[1]) {
      throw new ValueError(
        `${this.where()}: the mask must have shape (batch, steps) = ${fmtSpec(expected)}; ` +
          `received mask shape ${fmtSpec(mask.shape)}`,
      );
    }
    const keep = expandDims(cast(mask, "bool"), stepsAxis === 1 ? 2 : 1);
    // `where`, not a product, so masked NaN/Inf values cannot leak into the mean.
    const total = sum(select(keep, x, 0), stepsAxis, this.keepdims);
    return divide(total, sum(cast(keep, x.dtype), stepsAxis, this.keepdims));
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
