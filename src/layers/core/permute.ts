import { ValueError } from "../../errors.js";
import { transpose } from "../../ops/movement.js";
import type { DType } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/**
 * Keras `Permute`: reorders the non-batch axes. `dims` counts from 1 (the batch axis stays
 * first): `new Permute([2, 1])` turns [batch, 10, 64] into [batch, 64, 10].
 */
export class Permute extends Layer {
  readonly dims: number[];

  constructor(dims: readonly number[], args: LayerArgs = {}) {
    super(args);
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (sorted.length === 0 || !sorted.every((d, i) => d === i + 1)) {
      throw new ValueError(
        `${this.where()}: dims must be a permutation of 1..n (indexing starts at 1; the batch axis ` +
          `is not included); received dims=${JSON.stringify(dims)}`,
      );
    }
    this.dims = [...dims];
  }

  private checkRank(shape: ShapeSpec): void {
    if (shape.length !== this.dims.length + 1) {
      throw new ValueError(
        `dims=${JSON.stringify(this.dims)} needs inputs of rank ${this.dims.length + 1} ` +
          `(batch included); received shape ${fmtSpec(shape)}`,
      );
    }
  }

  override build(inputShape: ShapeSpec): void {
    this.checkRank(inputShape);
  }

  call(inputs: Tensor): Tensor {
    this.checkRank(inputs.shape);
    return transpose(inputs, [0, ...this.dims]);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.checkRank(inputShape);
    return [inputShape[0] ?? null, ...this.dims.map((d) => inputShape[d] ?? null)];
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }

  static fromConfig(config: Record<string, unknown>): Permute {
    const { dims, ...args } = fromKerasConfig(config);
    return new Permute(dims as number[], args as LayerArgs);
  }
}

registerKerasLayers({ Permute });
