import { ValueError } from "../../errors.js";
import { adaptiveAveragePool, adaptiveMaxPool } from "../../ops/nn-windows.js";
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
 * PyTorch bins Keras's backends reproduce; the layers check their arguments and shapes and call
 * those ops.
 */

export interface AdaptivePoolingArgs extends LayerArgs {
  /** The spatial output size: one int for every axis, or one per spatial axis. */
  outputSize: number | readonly number[];
  dataFormat?: DataFormat | null;
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
    const pool = this.mode === "average" ? adaptiveAveragePool : adaptiveMaxPool;
    return pool(inputs, this.outputSize, this.dataFormat);
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
