import { ValueError } from "../../errors.js";
import { concatenate, slice } from "../../ops/join.js";
import { max, mean } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { registerKerasLayers } from "../registry.js";
import { type DataFormat, spatialAxis, standardizeDataFormat } from "../reshaping/spatial-args.js";

/*
 * Keras 3.16's adaptive pooling layers (keras/src/layers/pooling/base_adaptive_pooling.py over
 * ops.adaptive_average_pool / adaptive_max_pool): the output has a fixed spatial size, and output
 * cell i along an axis of length L pools input cells floor(i·L/out) to ceil((i+1)·L/out) − 1, the
 * PyTorch bins Keras's backends reproduce. Windows are boxes, so the pooling is done one axis
 * at a time (a mean of means over equal-sized pieces, a max of maxes). Gradients flow through
 * slice, mean / max and concatenate.
 */

export interface AdaptivePoolingArgs extends LayerArgs {
  /** The spatial output size: one int for every axis, or one per spatial axis. */
  outputSize: number | readonly number[];
  dataFormat?: DataFormat | null;
}

/** [start, end) of each of `out` bins over an axis of length `length`. */
export function adaptiveBins(length: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [
    Math.floor((i * length) / out),
    Math.ceil(((i + 1) * length) / out),
  ]);
}

/** Base of the six adaptive pooling layers. */
export abstract class BaseAdaptivePooling extends Layer {
  readonly outputSize: number[];
  readonly dataFormat: DataFormat;
  protected abstract readonly spatial: number;
  protected abstract readonly mode: "average" | "max";

  constructor(args: AdaptivePoolingArgs, spatial: number) {
    super(args);
    const where = this.where();
    const v = args?.outputSize;
    const list = typeof v === "number" ? new Array<number>(spatial).fill(v) : v;
    if (
      !Array.isArray(list) ||
      list.length !== spatial ||
      list.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 1)
    ) {
      throw new ValueError(
        `${where}: outputSize must be a positive integer or a list of ${spatial} positive ` +
          `integers; received outputSize=${JSON.stringify(v)}`,
      );
    }
    this.outputSize = [...(list as number[])];
    this.dataFormat = standardizeDataFormat(args.dataFormat, where);
  }

  private checkRank(shape: ShapeSpec): void {
    if (shape.length !== this.spatial + 2) {
      throw new ValueError(
        `${this.where()}: expected inputs of rank ${this.spatial + 2} (batch, ${this.spatial} ` +
          `spatial axes and channels); received shape ${fmtSpec(shape)}`,
      );
    }
  }

  call(inputs: Tensor): Tensor {
    this.checkRank(inputs.shape);
    let y = inputs;
    this.outputSize.forEach((out, i) => {
      const axis = spatialAxis(i, this.dataFormat);
      const pieces = adaptiveBins(y.shape[axis]!, out).map(([s, e]) => {
        const begin = y.shape.map((_, k) => (k === axis ? s : 0));
        const size = y.shape.map((d, k) => (k === axis ? e - s : d));
        const window = slice(y, begin, size);
        return this.mode === "average" ? mean(window, axis, true) : max(window, axis, true);
      });
      y = pieces.length === 1 ? pieces[0]! : concatenate(pieces, axis);
    });
    return y;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.checkRank(inputShape);
    const out = [...inputShape];
    this.outputSize.forEach((o, i) => (out[spatialAxis(i, this.dataFormat)] = o));
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      output_size: [...this.outputSize],
      data_format: this.dataFormat,
    };
  }
}

type Args = AdaptivePoolingArgs;
const make =
  <T>(C: new (a: Args) => T) =>
  (config: Record<string, unknown>): T =>
    new C(fromKerasConfig(config) as unknown as Args);

/** Keras AdaptiveAveragePooling1D: (batch, steps, channels) → (batch, outputSize, channels). */
export class AdaptiveAveragePooling1D extends BaseAdaptivePooling {
  protected readonly spatial = 1;
  protected readonly mode = "average";
  constructor(args: Args) {
    super(args, 1);
  }
  static fromConfig = make(AdaptiveAveragePooling1D);
}

/** Keras AdaptiveAveragePooling2D. */
export class AdaptiveAveragePooling2D extends BaseAdaptivePooling {
  protected readonly spatial = 2;
  protected readonly mode = "average";
  constructor(args: Args) {
    super(args, 2);
  }
  static fromConfig = make(AdaptiveAveragePooling2D);
}

/** Keras AdaptiveAveragePooling3D. */
export class AdaptiveAveragePooling3D extends BaseAdaptivePooling {
  protected readonly spatial = 3;
  protected readonly mode = "average";
  constructor(args: Args) {
    super(args, 3);
  }
  static fromConfig = make(AdaptiveAveragePooling3D);
}

/** Keras AdaptiveMaxPooling1D. */
export class AdaptiveMaxPooling1D extends BaseAdaptivePooling {
  protected readonly spatial = 1;
  protected readonly mode = "max";
  constructor(args: Args) {
    super(args, 1);
  }
  static fromConfig = make(AdaptiveMaxPooling1D);
}

/** Keras AdaptiveMaxPooling2D. */
export class AdaptiveMaxPooling2D extends BaseAdaptivePooling {
  protected readonly spatial = 2;
  protected readonly mode = "max";
  constructor(args: Args) {
    super(args, 2);
  }
  static fromConfig = make(AdaptiveMaxPooling2D);
}

/** Keras AdaptiveMaxPooling3D. */
export class AdaptiveMaxPooling3D extends BaseAdaptivePooling {
  protected readonly spatial = 3;
  protected readonly mode = "max";
  constructor(args: Args) {
    super(args, 3);
  }
  static fromConfig = make(AdaptiveMaxPooling3D);
}

registerKerasLayers({
  AdaptiveAveragePooling1D,
  AdaptiveAveragePooling2D,
  AdaptiveAveragePooling3D,
  AdaptiveMaxPooling1D,
  AdaptiveMaxPooling2D,
  AdaptiveMaxPooling3D,
});
