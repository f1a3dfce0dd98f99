import { averagePool, maxPool } from "../../ops/pool.js";
import { transpose } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { convOutputShape } from "../conv/base-conv.js";
import { checkInputRank, standardizePadding, standardizeTuple } from "../conv/conv-utils.js";
import { type DataFormat, standardizeDataFormat } from "../reshaping/spatial-args.js";

export interface PoolingArgs extends LayerArgs {
  /** Window size: one number for every spatial axis or one per axis (default 2). */
  poolSize?: number | readonly number[];
  /** Window step; null (the default) means poolSize, non-overlapping windows. */
  strides?: number | readonly number[] | null;
  padding?: "valid" | "same";
  /** "channels_last" (default: batch, spatial…, channels) or "channels_first". */
  dataFormat?: DataFormat | null;
}

/**
 * Keras's BasePooling: the max or mean of each window, channel by channel. With "same" padding,
 * padded cells belong to no window (they never win a max nor count in a mean). Channels-first
 * inputs (Keras 2's Theano-era files) are pooled as their channels-last transpose.
 */
export abstract class BasePooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dataFormat: DataFormat;

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
    this.dataFormat = standardizeDataFormat(args.dataFormat, where);
  }

  override build(inputShape: ShapeSpec): void {
    // Validates the rank and that a "valid" window fits, when the model is declared.
    this.computeOutputShape(inputShape);
  }

  /** Channels-first to channels-last: (batch, channels, spatial…) → (batch, spatial…, channels). */
  private get toLast(): number[] {
    return [0, ...Array.from({ length: this.rank }, (_, i) => i + 2), 1];
  }

  /** The inverse of `toLast`. */
  private get toFirst(): number[] {
    return [0, this.rank + 1, ...Array.from({ length: this.rank }, (_, i) => i + 1)];
  }

  call(inputs: Tensor): Tensor {
    checkInputRank(inputs.shape, this.rank, this.where());
    const pool = this.mode === "max" ? maxPool : averagePool;
    if (this.dataFormat === "channels_last") {
      return pool(inputs, this.poolSize, this.strides, this.padding);
    }
    const pooled = pool(transpose(inputs, this.toLast), this.poolSize, this.strides, this.padding);
    return transpose(pooled, this.toFirst);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    const g = { kernelSize: this.poolSize, strides: this.strides, padding: this.padding };
    if (this.dataFormat === "channels_last") {
      return convOutputShape(inputShape, g, null, this.where(), "pool window");
    }
    checkInputRank(inputShape, this.rank, this.where());
    const last = this.toLast.map((a) => inputShape[a]!);
    const out = convOutputShape(last, g, null, this.where(), "pool window");
    return this.toFirst.map((a) => out[a]!);
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
