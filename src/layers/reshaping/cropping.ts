import { ValueError } from "../../errors.js";
import { slice } from "../../ops/join.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { registerKerasLayers } from "../registry.js";
import { standardizeTuple } from "../conv/conv-utils.js";
import {
  type DataFormat,
  checkRank,
  spatialAxis,
  standardizeDataFormat,
  standardizeSides,
} from "./spatial-args.js";

/*
 * Keras's Cropping1D and Cropping3D: remove [before, after] cells from the ends of each spatial
 * axis. Cropping1D has no data_format (inputs are (batch, steps, features)); Cropping3D takes both
 * layouts. Keras requires something left on each axis.
 */

/** Shared crop arithmetic over `spatial` axes. */
function croppedShape(
  shape: ShapeSpec,
  cropping: number[][],
  dataFormat: DataFormat,
  where: string,
): ShapeSpec {
  const out = [...shape];
  cropping.forEach(([a, b], i) => {
    const ax = spatialAxis(i, dataFormat);
    const d = shape[ax]!;
    if (d === null) return;
    if (a! + b! >= d) {
      throw new ValueError(
        `${where}: cropping must be smaller than each spatial axis; received ` +
          `cropping=${JSON.stringify(cropping)} for inputs of shape ${fmtSpec(shape)}`,
      );
    }
    out[ax] = d - a! - b!;
  });
  return out;
}

function crop(x: Tensor, cropping: number[][], dataFormat: DataFormat, where: string): Tensor {
  const size = croppedShape(x.shape, cropping, dataFormat, where) as number[];
  const begin = x.shape.map(() => 0);
  cropping.forEach(([a], i) => (begin[spatialAxis(i, dataFormat)] = a!));
  return slice(x, begin, size);
}

export interface Cropping1DArgs extends LayerArgs {
  /** An int (both ends) or [start, end]; default [1, 1]. */
  cropping?: number | readonly number[];
}

/** Keras Cropping1D: crops (batch, steps, features) along the steps axis. */
export class Cropping1D extends Layer {
  readonly cropping: number[];

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    this.cropping = standardizeTuple(args.cropping ?? [1, 1], 2, "cropping", this.where(), true);
  }

  call(inputs: Tensor): Tensor {
    checkRank(inputs.shape, 1, this.where());
    return crop(inputs, [this.cropping], "channels_last", this.where());
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkRank(inputShape, 1, this.where());
    return croppedShape(inputShape, [this.cropping], "channels_last", this.where());
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }

  static fromConfig(config: Record<string, unknown>): Cropping1D {
    return new Cropping1D(fromKerasConfig(config) as Cropping1DArgs);
  }
}

export interface Cropping3DArgs extends LayerArgs {
  /** An int (every side), [d, h, w] (symmetric) or three [before, after] pairs; default 1 each. */
  cropping?: number | readonly (number | readonly number[])[];
  dataFormat?: DataFormat | null;
}

/** Keras Cropping3D: crops the three spatial axes of 5-D inputs. */
export class Cropping3D extends Layer {
  /** [[d0, d1], [h0, h1], [w0, w1]], as Keras stores it. */
  readonly cropping: number[][];
  readonly dataFormat: DataFormat;

  constructor(args: Cropping3DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = standardizeDataFormat(args.dataFormat, where);
    this.cropping = standardizeSides(args.cropping ?? 1, 3, "cropping", where);
  }

  call(inputs: Tensor): Tensor {
    checkRank(inputs.shape, 3, this.where());
    return crop(inputs, this.cropping, this.dataFormat, this.where());
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkRank(inputShape, 3, this.where());
    return croppedShape(inputShape, this.cropping, this.dataFormat, this.where());
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      cropping: this.cropping.map((p) => [...p]),
      data_format: this.dataFormat,
    };
  }

  static fromConfig(config: Record<string, unknown>): Cropping3D {
    return new Cropping3D(fromKerasConfig(config) as Cropping3DArgs);
  }
}

registerKerasLayers({ Cropping1D, Cropping3D });
