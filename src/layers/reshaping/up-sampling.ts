import { ValueError } from "../../errors.js";
import { repeat } from "../../ops/join.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { registerKerasLayers } from "../registry.js";
import { standardizeTuple } from "../conv/conv-utils.js";
import { type DataFormat, checkRank, spatialAxis, standardizeDataFormat } from "./spatial-args.js";

/*
 * Keras's UpSampling1D and UpSampling3D: each cell repeated `size` times along each spatial axis
 * (nearest neighbour; unlike UpSampling2D, Keras gives these no interpolation argument).
 */

function upsampledShape(shape: ShapeSpec, size: number[], dataFormat: DataFormat): ShapeSpec {
  const out = [...shape];
  size.forEach((f, i) => {
    const ax = spatialAxis(i, dataFormat);
    const d = shape[ax]!;
    out[ax] = d === null ? null : d * f;
  });
  return out;
}

function upsample(x: Tensor, size: number[], dataFormat: DataFormat): Tensor {
  return size.reduce((y, f, i) => repeat(y, f, spatialAxis(i, dataFormat)), x);
}

export interface UpSampling1DArgs extends LayerArgs {
  /** How many times each step is repeated (default 2). */
  size?: number;
}

/** Keras UpSampling1D: repeats each step of (batch, steps, features) `size` times. */
export class UpSampling1D extends Layer {
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    const size = args.size ?? 2;
    if (typeof size !== "number" || !Number.isInteger(size) || size <= 0) {
      throw new ValueError(
        `${this.where()}: size must be a positive integer; received size=${JSON.stringify(size)}`,
      );
    }
    this.size = size;
  }

  call(inputs: Tensor): Tensor {
    checkRank(inputs.shape, 1, this.where());
    return upsample(inputs, [this.size], "channels_last");
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkRank(inputShape, 1, this.where());
    return upsampledShape(inputShape, [this.size], "channels_last");
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }

  static fromConfig(config: Record<string, unknown>): UpSampling1D {
    return new UpSampling1D(fromKerasConfig(config) as UpSampling1DArgs);
  }
}

export interface UpSampling3DArgs extends LayerArgs {
  /** Depth, height and width factors: one number for all, or [d, h, w] (default 2). */
  size?: number | readonly number[];
  dataFormat?: DataFormat | null;
}

/** Keras UpSampling3D: repeats each cell of 5-D inputs along the three spatial axes. */
export class UpSampling3D extends Layer {
  readonly size: number[];
  readonly dataFormat: DataFormat;

  constructor(args: UpSampling3DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = standardizeDataFormat(args.dataFormat, where);
    this.size = standardizeTuple(args.size ?? 2, 3, "size", where);
  }

  call(inputs: Tensor): Tensor {
    checkRank(inputs.shape, 3, this.where());
    return upsample(inputs, this.size, this.dataFormat);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkRank(inputShape, 3, this.where());
    return upsampledShape(inputShape, this.size, this.dataFormat);
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, unknown>): UpSampling3D {
    return new UpSampling3D(fromKerasConfig(config) as UpSampling3DArgs);
  }
}

registerKerasLayers({ UpSampling1D, UpSampling3D });
