import { pad } from "../../ops/join.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { checkDataFormat, checkInputRank, standardizeSides2D } from "./conv-utils.js";
import { registerKerasLayers } from "../registry.js";

export interface ZeroPadding2DArgs extends LayerArgs {
  /** An int (all four sides), [h, w] (symmetric) or [[top, bottom], [left, right]]; default 1. */
  padding?: number | readonly number[] | readonly (readonly number[])[];
  dataFormat?: "channels_last" | "channels_first" | null;
}

/** Keras ZeroPadding2D: adds rows and columns of zeros around (batch, height, width, channels). */
export class ZeroPadding2D extends Layer {
  /** [[top, bottom], [left, right]], as Keras stores it. */
  readonly padding: number[][];
  readonly dataFormat: "channels_last";

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.padding = standardizeSides2D(args.padding ?? 1, "padding", where);
  }

  override build(inputShape: ShapeSpec): void {
    checkInputRank(inputShape, 2, this.where());
  }

  call(inputs: Tensor): Tensor {
    checkInputRank(inputs.shape, 2, this.where());
    return pad(inputs, [[0, 0], this.padding[0]!, this.padding[1]!, [0, 0]]);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkInputRank(inputShape, 2, this.where());
    const grow = (d: number | null, [a, b]: number[]): number | null =>
      d === null ? null : d + a! + b!;
    return [
      inputShape[0]!,
      grow(inputShape[1]!, this.padding[0]!),
      grow(inputShape[2]!, this.padding[1]!),
      inputShape[3]!,
    ];
  }

  /** Padding moves values, so the input's dtype is kept. */
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

  static fromConfig(config: Record<string, unknown>): ZeroPadding2D {
    return new ZeroPadding2D(fromKerasConfig(config) as ZeroPadding2DArgs);
  }
}

registerKerasLayers({ ZeroPadding2D });
