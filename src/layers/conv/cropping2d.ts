import { ValueError } from "../../errors.js";
import { slice } from "../../ops/join.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { fromKerasConfig } from "../config.js";
import { checkDataFormat, checkInputRank, standardizeSides2D } from "./conv-utils.js";
import { registerKerasLayers } from "../registry.js";

export interface Cropping2DArgs extends LayerArgs {
  /** An int (all four sides), [h, w] (symmetric) or [[top, bottom], [left, right]]; default 0. */
  cropping?: number | readonly number[] | readonly (readonly number[])[];
  dataFormat?: "channels_last" | "channels_first" | null;
}

/** Keras Cropping2D: removes rows and columns from the edges of (batch, height, width, channels). */
export class Cropping2D extends Layer {
  /** [[top, bottom], [left, right]], as Keras stores it. */
  readonly cropping: number[][];
  readonly dataFormat: "channels_last";

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    const where = this.where();
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.cropping = standardizeSides2D(args.cropping ?? 0, "cropping", where);
  }

  override build(inputShape: ShapeSpec): void {
    this.computeOutputShape(inputShape);
  }

  call(inputs: Tensor): Tensor {
    const [b, h, w, c] = this.computeOutputShape(inputs.shape) as number[];
    const [[top], [left]] = this.cropping as [[number], [number]];
    return slice(inputs, [0, top, left, 0], [b!, h!, w!, c!]);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    checkInputRank(inputShape, 2, this.where());
    // Keras requires something left on each axis: the crop must be smaller than the length.
    const shrink = (d: number | null, [a, b]: number[]): number | null => {
      if (d === null) return null;
      if (a! + b! >= d) {
        throw new ValueError(
          `${this.where()}: cropping must leave part of each spatial axis; received ` +
            `cropping=${JSON.stringify(this.cropping)} for inputs of shape ${fmtSpec(inputShape)}`,
        );
      }
      return d - a! - b!;
    };
    return [
      inputShape[0]!,
      shrink(inputShape[1]!, this.cropping[0]!),
      shrink(inputShape[2]!, this.cropping[1]!),
      inputShape[3]!,
    ];
  }

  /** Cropping moves values, so the input's dtype is kept. */
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

  static fromConfig(config: Record<string, unknown>): Cropping2D {
    return new Cropping2D(fromKerasConfig(config) as Cropping2DArgs);
  }
}

registerKerasLayers({ Cropping2D });
