import { ValueError } from "../../errors.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Dropout } from "../core/dropout.js";
import { type DataFormat, checkDataFormat } from "../core/flatten.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface SpatialDropoutArgs {
  seed?: number | null;
  name?: string;
  dtype?: DType;
}

export interface SpatialDropout2DArgs extends SpatialDropoutArgs {
  dataFormat?: DataFormat;
}

/**
 * Dropout of whole feature maps: one keep/drop decision per (sample, channel), shared by every
 * step or pixel, so neighbouring correlated activations are dropped together (Tompson et al.).
 * Keras's `BaseSpatialDropout`: its config has only rate, seed, name and dtype (+ data_format).
 */
abstract class BaseSpatialDropout extends Dropout {
  protected abstract readonly spatialRank: number;
  readonly dataFormat: DataFormat;

  constructor(rate: number, args: SpatialDropout2DArgs = {}) {
    super(rate, { seed: args.seed, name: args.name, dtype: args.dtype });
    this.dataFormat = checkDataFormat(args.dataFormat, this.where());
  }

  private checkRank(shape: ShapeSpec): void {
    const rank = this.spatialRank + 2;
    if (shape.length !== rank) {
      const layout =
        this.dataFormat === "channels_last" ? "(batch, …, channels)" : "(batch, channels, …)";
      throw new ValueError(
        `expected inputs of rank ${rank} ${layout}; received shape ${fmtSpec(shape)}`,
      );
    }
  }

  protected override noiseShapeFor(inputs: Tensor): readonly (number | null)[] {
    this.checkRank(inputs.shape);
    const ones = new Array<number>(this.spatialRank).fill(1);
    return this.dataFormat === "channels_last" ? [null, ...ones, null] : [null, null, ...ones];
  }

  override call(inputs: Tensor, opts: { training?: boolean } = {}): Tensor {
    this.checkRank(inputs.shape);
    return super.call(inputs, opts);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.checkRank(inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    // Keras writes the dtype here as the bare variable dtype string.
    return { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype };
  }
}

/** Keras `SpatialDropout1D`: [batch, steps, channels], noise shape [batch, 1, channels]. */
export class SpatialDropout1D extends BaseSpatialDropout {
  protected readonly spatialRank = 1;

  constructor(rate: number, args: SpatialDropoutArgs = {}) {
    super(rate, { ...args, dataFormat: "channels_last" });
  }

  static override fromConfig(config: Record<string, unknown>): SpatialDropout1D {
    const { rate, ...args } = fromKerasConfig(config);
    return new SpatialDropout1D(rate as number, args as SpatialDropoutArgs);
  }
}

/** Keras `SpatialDropout2D`: noise shape [batch, 1, 1, channels] (channels_last). */
export class SpatialDropout2D extends BaseSpatialDropout {
  protected readonly spatialRank = 2;

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  static override fromConfig(config: Record<string, unknown>): SpatialDropout2D {
    const { rate, ...args } = fromKerasConfig(config);
    return new SpatialDropout2D(rate as number, args as SpatialDropout2DArgs);
  }
}

/** Keras `SpatialDropout3D`: noise shape [batch, 1, 1, 1, channels] (channels_last). */
export class SpatialDropout3D extends BaseSpatialDropout {
  protected readonly spatialRank = 3;

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  static override fromConfig(config: Record<string, unknown>): SpatialDropout3D {
    const { rate, ...args } = fromKerasConfig(config);
    return new SpatialDropout3D(rate as number, args as SpatialDropout2DArgs);
  }
}

registerKerasLayers({ SpatialDropout1D, SpatialDropout2D, SpatialDropout3D });
