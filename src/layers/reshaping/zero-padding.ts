import { pad } from "../../ops/join.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
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
 * Keras's ZeroPadding1D and ZeroPadding3D: zeros added before and after each spatial axis, in
 * either data format.
 */

function paddedShape(shape: ShapeSpec, padding: number[][], dataFormat: DataFormat): ShapeSpec {
  const out = [...shape];
  padding.forEach(([a, b], i) => {
    const ax = spatialAxis(i, dataFormat);
    const d = shape[ax]!;
    out[ax] = d === null ? null : d + a! + b!;
  });
  return out;
}

function padSpatial(x: Tensor, padding: number[][], dataFormat: DataFormat): Tensor {
  const widths = x.shape.map(() => [0, 0]);
  padding.forEach((p, i) => (widths[spatialAxis(i, dataFormat)] = [...p]));
  return pad(x, widths);
}

export interface ZeroPadding1DArgs extends LayerArgs {
  /** An int (both ends) or [start, end]; default 1. */
  padding?: number | readonly number[];
  dataFormat?: DataFormat | null;
}

/** Keras ZeroPadding1D: zeros at the start and end of the steps axis of 3-D inputs. */
export class ZeroPadding1D extends Layer {
  readonly padding: number[];
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = standardizeDataFormat(args.dataFormat, where);
    this.padding = standardizeTuple(args.padding ?? 1, 2, "padding", where, true);
  }

  call(inputs: Tensor): Tensor {
    checkRank(inputs.shape, 1, this.where());
    return padSpatial(inputs, [this.padding], this.dataFormat);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkRank(inputShape, 1, this.where());
    return paddedShape(inputShape, [this.padding], this.dataFormat);
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [...this.padding], data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, unknown>): ZeroPadding1D {
    return new ZeroPadding1D(fromKerasConfig(config) as ZeroPadding1DArgs);
  }
}

export interface ZeroPadding3DArgs extends LayerArgs {
  /** An int (every side), [d, h, w] (symmetric) or three [before, after] pairs; default 1 each. */
  padding?: number | readonly (number | readonly number[])[];
  dataFormat?: DataFormat | null;
}

/** Keras ZeroPadding3D: zeros around the three spatial axes of 5-D inputs. */
export class ZeroPadding3D extends Layer {
  /** [[d0, d1], [h0, h1], [w0, w1]], as Keras stores it. */
  readonly padding: number[][];
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding3DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = standardizeDataFormat(args.dataFormat, where);
    this.padding = standardizeSides(args.padding ?? 1, 3, "padding", where);
  }

  call(inputs: Tensor): Tensor {
    checkRank(inputs.shape, 3, this.where());
    return padSpatial(inputs, this.padding, this.dataFormat);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkRank(inputShape, 3, this.where());
    return paddedShape(inputShape, this.padding, this.dataFormat);
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      padding: this.padding.map((p) => [...p]),
      data_format: this.dataFormat,
    };
  }

  static fromConfig(config: Record<string, unknown>): ZeroPadding3D {
    return new ZeroPadding3D(fromKerasConfig(config) as ZeroPadding3DArgs);
  }
}

registerKerasLayers({ ZeroPadding1D, ZeroPadding3D });
