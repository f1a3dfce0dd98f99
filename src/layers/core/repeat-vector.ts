import { ValueError } from "../../errors.js";
import { repeat } from "../../ops/join.js";
import { expandDims } from "../../ops/movement.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/** Keras `RepeatVector`: [batch, features] → [batch, n, features]. */
export class RepeatVector extends Layer {
  readonly n: number;

  constructor(n: number, args: LayerArgs = {}) {
    super(args);
    if (!Number.isInteger(n) || n < 1) {
      throw new ValueError(
        `${this.where()}: n must be a positive integer; received n=${String(n)}`,
      );
    }
    this.n = n;
  }

  private checkRank(shape: ShapeSpec): void {
    if (shape.length !== 2) {
      throw new ValueError(
        `expected inputs of rank 2 (batch, features); received shape ${fmtSpec(shape)}`,
      );
    }
  }

  override build(inputShape: ShapeSpec): void {
    this.checkRank(inputShape);
  }

  call(inputs: Tensor): Tensor {
    this.checkRank(inputs.shape);
    // d repeat = the n copies of dy summed back (the op's own gradient rule).
    return repeat(expandDims(inputs, 1), this.n, 1);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.checkRank(inputShape);
    return [inputShape[0] ?? null, this.n, inputShape[1] ?? null];
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }

  static fromConfig(config: Record<string, unknown>): RepeatVector {
    const { n, ...args } = fromKerasConfig(config);
    return new RepeatVector(n as number, args as LayerArgs);
  }
}

registerKerasLayers({ RepeatVector });
