import { averagePool, maxPool } from "../../ops/pool.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { convOutputShape } from "../conv/base-conv.js";
import {
  checkDataFormat,
  checkInputRank,
  standardizePadding,
  standardizeTuple,
} from "../conv/conv-utils.js";

export interface PoolingArgs extends LayerArgs {
  /** Window size: one number for every spatial axis or one per axis (default 2). */
  poolSize?: number | readonly number[];
  /** Window step; null (the default) means poolSize, non-overlapping windows. */
  strides?: number | readonly number[] | null;
  padding?: "valid" | "same";
  /** Only "channels_last" is supported. */
  dataFormat?: "channels_last" | "channels_first" | null;
}

/**
 * Keras's BasePooling: the max or mean of each window of channels-last inputs, channel by channel.
 * With "same" padding, padded cells belong to no window (they never win a max nor count in a mean).
 */
export abstract class BasePooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dataFormat: "channels_last";

  constructor(
    readonly rank: number,
    private readonly mode: "max" | "average",
    args: PoolingArgs = {},
  ) {
    super(args);
    const where = this.where();
    this.poolSize = standardizeTuple(args.poolSize ?? 2, rank, "poolSize", where);
    this.strides =
      args.strides === null || args.strides === undefined
        ? [...this.poolSize]
        : standardizeTuple(args.strides, rank, "strides", where);
    this.padding = standardizePadding(args.padding ?? "valid", ["valid", "same"], where);
    this.dataFormat = checkDataFormat(args.dataFormat, where);
  }

  override build(inputShape: ShapeSpec): void {
    // Validates the rank and that a "valid" window fits, when the model is declared.
    this.computeOutputShape(inputShape);
  }

  call(inputs: Tensor): Tensor {
    checkInputRank(inputs.shape, this.rank, this.where());
    const pool = this.mode === "max" ? maxPool : averagePool;
    return pool(inputs, this.poolSize, this.strides, this.padding);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const g = { kernelSize: this.poolSize, strides: this.strides, padding: this.padding };
    return convOutputShape(inputShape, g, null, this.where(), "pool window");
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      pool_size: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      data_format: this.dataFormat,
    };
  }
}
